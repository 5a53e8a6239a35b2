//! The theme's own words (labels such as "Step", "Move on when", "Checklist") in the site's
//! language: the built-in English, then the built-in file for the site's language, then the
//! site's own `templates/i18n/<language>.yaml`, each replacing only the keys it gives.

use std::collections::BTreeMap;

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
    overrides: &BTreeMap<String, Vec<u8>>,
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
            layers.push((format!("templates/{name}"), bytes.as_slice()));
        }
        for (file, bytes) in layers {
            let (given, text, doc) = parse_layer(&file, bytes, &mut problems);
            let lines = Lines::new(&text);
            // Where each key is, found once for any number of unknown keys.
            let keys: BTreeMap<&str, std::ops::Range<usize>> =
                doc.as_ref().map(|d| d.keys().collect()).unwrap_or_default();
            for (key, value) in given {
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
        }
    }
    if problems.is_empty() {
        Ok(words)
    } else {
        Err(problems)
    }
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
                .filter(|k| !words.contains_key(*k) && !k.starts_with("in_language_"))
                .collect();
            assert!(missing.is_empty(), "{name} lacks {missing:?}");
        }
    }

    #[test]
    fn a_site_changes_single_words_and_misspelt_keys_are_errors() {
        let mut own = BTreeMap::new();
        own.insert(
            "i18n/en.yaml".to_string(),
            b"checklist: Tick list\n".to_vec(),
        );
        let words = strings(&own, "en").unwrap();
        assert_eq!(words["checklist"], "Tick list");
        assert_eq!(words["training_log"], "Training log");
        own.insert(
            "i18n/en.yaml".to_string(),
            b"species_ferret: ferret\n".to_vec(),
        );
        assert_eq!(strings(&own, "en").unwrap()["species_ferret"], "ferret");
        own.insert(
            "i18n/en.yaml".to_string(),
            b"checklst: Tick list\n".to_vec(),
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
}
