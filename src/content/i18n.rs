//! The theme's own words (labels such as "Step", "Move on when", "Checklist") in the site's
//! language: the built-in English, then the built-in file for the site's language, then the
//! site's own `templates/i18n/<language>.yaml`, each replacing only the keys it gives.
//!
//! A word said with a count has a form per plural category (`steps_one: "{n} step"`,
//! `steps_other: "{n} steps"`; Russian also `_few` and `_many`). A file gives all the forms its
//! language uses or none, and the form for a count is picked by the rule of the language whose
//! file gave them, so English words shown on a page in another language still read "21 steps".

use std::collections::BTreeMap;

use crate::content::plural;
use crate::content::yaml;
use crate::diagnostic::{Diagnostic, Lines};
use crate::output::theme::BUILT_IN;

pub type Strings = BTreeMap<String, String>;

/// How a page in `page` marks a link to a page in `target`: the page language's own phrase
/// (`in_language_en: en inglés`), or else the target language's name for itself ("English").
pub fn language_note(
    words: &BTreeMap<String, std::sync::Arc<Strings>>,
    page: &str,
    target: &str,
) -> String {
    words
        .get(page)
        .and_then(|w| w.get(&format!("in_language_{target}")))
        .or_else(|| words.get(target).and_then(|w| w.get("language_name")))
        .cloned()
        .unwrap_or_else(|| target.to_string())
}

/// The words for `language` (`es`, or `es-MX`, which falls back to `es`), English where a
/// translation lacks a word. `overrides` are the site's own theme files.
pub fn strings(
    overrides: &BTreeMap<String, crate::content::load::Bytes>,
    language: &str,
) -> Result<Strings, Vec<Diagnostic>> {
    let built_in = |name: &str| {
        BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, bytes)| *bytes)
    };
    let mut problems = Vec::new();
    let english_name = "i18n/en.yaml";
    let mut words = parse(
        english_name,
        built_in(english_name).unwrap_or_default(),
        &mut problems,
    );
    // The words said with a count: those the built-in English gives an `_other` form.
    let counted: Vec<String> = words
        .keys()
        .filter_map(|k| k.strip_suffix("_other").map(str::to_string))
        .collect();
    for word in &counted {
        words.insert(rule_key(word), "en".to_string());
    }
    let primary = language.split('-').next().unwrap_or(language);
    let mut names = vec![format!("i18n/{primary}.yaml")];
    if primary != language {
        names.push(format!("i18n/{language}.yaml"));
    }
    for name in names {
        // The built-in translation, then the site's own file of that name.
        let mut layers = Vec::new();
        if name != english_name
            && let Some(bytes) = built_in(&name)
        {
            layers.push((format!("{name} (built-in theme)"), bytes));
        }
        if let Some(bytes) = overrides.get(&name) {
            layers.push((format!("templates/{name}"), bytes.as_ref()));
        }
        // The language of this file's words: the one whose rule picks their plural forms.
        let file_language = name
            .strip_prefix("i18n/")
            .and_then(|n| n.strip_suffix(".yaml"))
            .unwrap_or(language);
        for (file, bytes) in layers {
            let (given, text, doc) = parse_layer(&file, bytes, &mut problems);
            let lines = Lines::new(&text);
            // Where each key is, found once for any number of unknown keys.
            let keys: BTreeMap<&str, std::ops::Range<usize>> =
                doc.as_ref().map(|d| d.keys().collect()).unwrap_or_default();
            let mut forms: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
            for (key, value) in given {
                if let Some(word) = counted.iter().find(|w| {
                    key.strip_prefix(w.as_str())
                        .is_some_and(|r| r.starts_with('_'))
                }) {
                    forms.entry(word).or_default().push((key, value));
                    continue;
                }
                match words.get_mut(&key) {
                    Some(word) => *word = value,
                    // A site names its own species and topics (`species_ferret: ferrets`).
                    None if ["species_", "topic_", "in_language_"]
                        .iter()
                        .any(|p| key.starts_with(p)) =>
                    {
                        words.insert(key, value);
                    }
                    None => {
                        let at = keys.get(key.as_str()).cloned();
                        problems.push(unknown_key(&file, (&lines, at), &key, &words));
                    }
                }
            }
            for (word, given) in forms {
                let found = check_forms(&file, bytes, word, &given, file_language);
                if !found.is_empty() {
                    problems.extend(found);
                    continue;
                }
                // The forms come from one file, whole: English's `_one` must not stay beside
                // Russian's `_few`.
                let prefix = format!("{word}_");
                words.retain(|k, _| !k.starts_with(&prefix));
                words.extend(given);
                words.insert(rule_key(word), file_language.to_string());
            }
        }
    }
    if problems.is_empty() {
        Ok(words)
    } else {
        Err(problems)
    }
}

/// Where the language whose rule picks a counted word's form is kept among the words. Not a
/// key a file can give: `_rule` is no plural category, and such a key is refused.
fn rule_key(word: &str) -> String {
    format!("{word}_rule")
}

/// The problems with the plural forms of `word` that `file`, in `language`, gives: a form the
/// language does not have, or one it needs left out.
fn check_forms(
    file: &str,
    bytes: &[u8],
    word: &str,
    given: &[(String, String)],
    language: &str,
) -> Vec<Diagnostic> {
    let has = plural::categories(language);
    let listed = |forms: &[&str]| {
        forms
            .iter()
            .map(|f| format!("`{word}_{f}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut problems = Vec::new();
    for (key, _) in given {
        let form = &key[word.len() + 1..];
        if !has.contains(&form) {
            let what = match plural::CATEGORIES.contains(&form) {
                true => format!("the language `{language}` has no `{form}` form of a count"),
                false => format!("`{form}` is not a plural form"),
            };
            problems.push(
                at_key(file, bytes, key, format!("`{key}`: {what}"))
                    .with_help(format!("in `{language}` the forms are {}", listed(&has))),
            );
        }
    }
    let needed = plural::needed(language);
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|f| !given.iter().any(|(k, _)| k[word.len() + 1..] == **f))
        .collect();
    if !missing.is_empty()
        && let Some((first, _)) = given.first()
    {
        problems.push(
            at_key(
                file,
                bytes,
                first,
                format!("`{word}` lacks {} for some counts", listed(&missing)),
            )
            .with_help(format!(
                "give every form `{language}` uses: {} (`{{n}}` is the number)",
                listed(&needed)
            )),
        );
    }
    problems
}

/// The word `word` for the count `n`, `{n}` filled in: the form the count takes by the rule
/// of the language that gave the forms, or its `other` form. `get` looks up a key among the
/// page's words. `None` when there is no such word.
pub fn counted<'a>(get: impl Fn(&str) -> Option<&'a str>, word: &str, n: u64) -> Option<String> {
    let rule = get(&rule_key(word)).unwrap_or("en");
    let form = plural::category(rule, n);
    get(&format!("{word}_{form}"))
        .or_else(|| get(&format!("{word}_other")))
        .map(|text| text.replace("{n}", &n.to_string()))
}

/// The forms of the counted word `word` and the language whose rule picks among them, for a
/// page's script to pick as the count changes (the checklist's progress): `{"rule": "ru",
/// "one": "...", "few": "...", ...}`.
pub fn forms<'a>(get: impl Fn(&str) -> Option<&'a str>, word: &str) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    out.insert(
        "rule".into(),
        get(&rule_key(word)).unwrap_or("en").to_string().into(),
    );
    for form in plural::CATEGORIES {
        if let Some(text) = get(&format!("{word}_{form}")) {
            out.insert(form.into(), text.to_string().into());
        }
    }
    serde_json::Value::Object(out)
}

fn at_key(file: &str, bytes: &[u8], key: &str, message: String) -> Diagnostic {
    let (source, doc) = yaml::locate_file(file, bytes).unzip();
    let source = source.unwrap_or_default();
    let (at, len) = doc
        .and_then(|d| d.key_span(&[key]))
        .map_or((0, key.len()), |span| (span.start, span.len()));
    Diagnostic::at(file, &Lines::new(&source), at, len, message)
}

fn parse(file: &str, bytes: &[u8], problems: &mut Vec<Diagnostic>) -> Strings {
    parse_layer(file, bytes, problems).0
}

/// A file of words, with its text and tree to point at its keys (empty if it cannot be read).
fn parse_layer(
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Diagnostic>,
) -> (Strings, String, Option<yaml::Doc>) {
    match yaml::parse_file(file, bytes, yaml::Rules::NONE, problems) {
        Some((text, doc, strings)) => (strings, text, Some(doc)),
        None => (Strings::default(), String::new(), None),
    }
}

fn unknown_key(
    file: &str,
    (source, span): (&Lines, Option<std::ops::Range<usize>>),
    key: &str,
    known: &Strings,
) -> Diagnostic {
    let (at, len) = span.map_or((0, key.len()), |span| (span.start, span.len()));
    let help = match crate::diagnostic::closest(key, known.keys().map(String::as_str), 0.8) {
        Some(k) => {
            format!("did you mean `{k}`? The words are listed in the built-in i18n/en.yaml")
        }
        None => "the words a site can change are listed in the built-in i18n/en.yaml".into(),
    };
    Diagnostic::at(
        file,
        source,
        at,
        len,
        format!("`{key}` is not one of the theme's words"),
    )
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_language_has_every_english_word() {
        let none = BTreeMap::new();
        let english = strings(&none, "en").unwrap();
        assert!(english.len() > 50);
        let spanish = strings(&none, "es-MX").unwrap();
        assert_eq!(spanish["checklist"], "Lista de control");
        for (name, bytes) in BUILT_IN.iter().filter(|(n, _)| n.starts_with("i18n/")) {
            let mut problems = Vec::new();
            let words = parse(name, bytes, &mut problems);
            assert!(problems.is_empty(), "{name}: {problems:?}");
            // `in_language_<code>` phrases are optional: a language names the others it needs.
            let missing: Vec<_> = english
                .keys()
                .filter(|k| {
                    !words.contains_key(*k)
                        && !k.starts_with("in_language_")
                        && !k.ends_with("_rule")
                })
                .collect();
            assert!(missing.is_empty(), "{name} lacks {missing:?}");
        }
    }

    #[test]
    fn a_site_changes_single_words_and_misspelt_keys_are_errors() {
        let mut own = BTreeMap::new();
        own.insert(
            "i18n/en.yaml".to_string(),
            b"checklist: Tick list\n"[..].into(),
        );
        let words = strings(&own, "en").unwrap();
        assert_eq!(words["checklist"], "Tick list");
        assert_eq!(words["training_log"], "Training log");
        own.insert(
            "i18n/en.yaml".to_string(),
            b"species_ferret: ferret\n"[..].into(),
        );
        assert_eq!(strings(&own, "en").unwrap()["species_ferret"], "ferret");
        own.insert(
            "i18n/en.yaml".to_string(),
            b"checklst: Tick list\n"[..].into(),
        );
        let problems = strings(&own, "en").unwrap_err();
        assert_eq!(
            problems[0].message,
            "`checklst` is not one of the theme's words"
        );
        assert_eq!(problems[0].file, "templates/i18n/en.yaml");
        assert!(
            problems[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `checklist`?")
        );
    }

    fn site_words(file: &str, text: &str, language: &str) -> Result<Strings, Vec<Diagnostic>> {
        let mut own = BTreeMap::new();
        own.insert(file.to_string(), text.as_bytes().into());
        strings(&own, language)
    }

    fn count(words: &Strings, word: &str, n: u64) -> String {
        counted(|k| words.get(k).map(String::as_str), word, n).unwrap()
    }

    #[test]
    fn counted_words_take_the_form_of_their_number() {
        let none = BTreeMap::new();
        let english = strings(&none, "en").unwrap();
        assert_eq!(count(&english, "step_count", 1), "1 step");
        assert_eq!(count(&english, "step_count", 0), "0 steps");
        assert_eq!(count(&english, "step_count", 21), "21 steps");
        let spanish = strings(&none, "es").unwrap();
        assert_eq!(count(&spanish, "step_count", 1), "1 paso");
        assert_eq!(count(&spanish, "step_count", 9), "9 pasos");
        // A site's own language with more forms.
        let russian = site_words(
            "i18n/ru.yaml",
            "step_count_one: \"{n} шаг\"\nstep_count_few: \"{n} шага\"\nstep_count_many: \"{n} шагов\"\nstep_count_other: \"{n} шага\"\n",
            "ru",
        )
        .unwrap();
        let shown: Vec<String> = [1, 3, 5, 11, 21, 22]
            .iter()
            .map(|n| count(&russian, "step_count", *n))
            .collect();
        assert_eq!(
            shown,
            [
                "1 шаг",
                "3 шага",
                "5 шагов",
                "11 шагов",
                "21 шаг",
                "22 шага"
            ]
        );
        // Words still in English on a Russian page count as English does.
        assert_eq!(count(&russian, "progress_done", 21), "21 of {total} done");
        let untranslated = strings(&none, "ru").unwrap();
        assert_eq!(count(&untranslated, "step_count", 21), "21 steps");
        assert_eq!(count(&untranslated, "step_count", 1), "1 step");
    }

    #[test]
    fn a_file_gives_every_form_its_language_uses_and_no_other() {
        let problems = site_words(
            "i18n/ru.yaml",
            "step_count_one: \"{n} шаг\"\nstep_count_other: \"{n} шага\"\n",
            "ru",
        )
        .unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message,
            "`step_count` lacks `step_count_few`, `step_count_many` for some counts"
        );
        assert_eq!((problems[0].line, problems[0].column), (1, 1));
        let problems = site_words(
            "i18n/en.yaml",
            "step_count_one: One step\nstep_count_many: \"{n} steps\"\nstep_count_rule: ru\n",
            "en",
        )
        .unwrap_err();
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`step_count_many`: the language `en` has no `many` form of a count",
                "`step_count_rule`: `rule` is not a plural form",
                "`step_count` lacks `step_count_other` for some counts",
            ]
        );
        assert_eq!(
            problems[0].help.as_deref(),
            Some("in `en` the forms are `step_count_one`, `step_count_other`")
        );
        assert_eq!(problems[0].line, 2);
    }

    #[test]
    fn the_built_in_counted_words_are_whole() {
        let none = BTreeMap::new();
        for language in ["en", "es"] {
            let words = strings(&none, language).unwrap();
            let counted: Vec<&str> = words
                .keys()
                .filter_map(|k| k.strip_suffix("_rule"))
                .collect();
            assert_eq!(counted, ["progress_done", "step_count"], "{language}");
            for word in counted {
                // Every key starting with the word is one of its forms, and every form the
                // language needs is there.
                let forms: Vec<&str> = words
                    .keys()
                    .filter_map(|k| k.strip_prefix(word)?.strip_prefix('_'))
                    .filter(|f| *f != "rule")
                    .collect();
                assert_eq!(forms, plural::needed(language), "{language} {word}");
            }
        }
    }
}
