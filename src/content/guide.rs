//! One guide from its files: `guide.yaml` and its steps in the main language, then each
//! translation (`guide.<lang>.yaml`, `steps/NN-slug.<lang>.md`) laid over it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::content::config::MissingTranslation;
use crate::content::frontmatter;
use crate::content::i18n::Strings;
use crate::content::ids::{self, Ids};
use crate::content::links::{From, SiteIndex};
use crate::content::load::Bytes;
use crate::content::markdown::{self, IdsOf, Source, StepOf};
use crate::content::model::{
    Body, Guide, GuideMeta, GuideTranslation, Step, StepFront, Untranslated,
};
use crate::content::names;
use crate::content::text;
use crate::content::yaml;
use crate::content::yaml::Origin;
use crate::diagnostic::{Diagnostic, Lines};

/// What guide.yaml's fields must hold beyond their kind.
const GUIDE_RULES: yaml::Rules = yaml::Rules {
    required: &[
        ("title", "the guide's title"),
        ("summary", "a sentence or two about the guide"),
        ("species", "the animal the guide is for, such as `cat`"),
        ("time_needed", "how long the training takes"),
        ("intro", "why the guide matters and who it is for"),
    ],
    numbers: &[
        (
            "order",
            0..=1_000_000,
            "guides with smaller numbers come first on the index; guides without `order` come after them",
        ),
        // A training log is a sheet or two of rows; a huge number is a typo (found by fuzzing:
        // four billion rows exhausted memory).
        ("log_rows", 1..=100, "14 rows fill one printed sheet"),
    ],
};

/// What a guide's translation must hold: its text, and nothing else.
const TRANSLATION_RULES: yaml::Rules = yaml::Rules {
    required: &[
        ("title", "the guide's title"),
        ("summary", "a sentence or two about the guide"),
        ("time_needed", "how long the training takes"),
        ("intro", "why the guide matters and who it is for"),
    ],
    numbers: &[],
};

/// What a step's front matter must hold.
const STEP_RULES: yaml::Rules = yaml::Rules {
    required: &[
        (
            "title",
            "the step's title (it is also its line on the checklist)",
        ),
        (
            "done_when",
            "what the adopter will see when it is time to move on",
        ),
    ],
    numbers: &[],
};

/// What every guide is checked and rendered against.
pub struct Env<'a> {
    pub index: &'a SiteIndex,
    pub allow_html: bool,
    /// The theme's words for each language of the site.
    pub words: &'a BTreeMap<String, Arc<Strings>>,
    pub main_language: &'a str,
    pub missing_translation: MissingTranslation,
    /// When set, only these guides are made whole; the others are made in outline (see
    /// `assemble::Options::only`).
    pub only: Option<&'a BTreeSet<String>>,
}

impl Env<'_> {
    /// Whether guide `slug` is made in outline: its settings and step titles read, no markdown
    /// turned into HTML and no link checked.
    fn in_outline(&self, slug: &str) -> bool {
        self.only.is_some_and(|only| !only.contains(slug))
    }

    fn words(&self, lang: &str) -> &Strings {
        static NONE: Strings = Strings::new();
        self.words.get(lang).map_or(&NONE, |w| w.as_ref())
    }
}

/// A step file whose name has been read: (number, slug, path, bytes).
pub type StepFile<'a> = (usize, String, &'a str, &'a Bytes);

/// A guide's translation files for one language.
#[derive(Default)]
pub struct TranslationFiles<'a> {
    pub yaml: Option<(&'a str, &'a [u8])>,
    /// Step file name without `.<lang>.md` (`03-sniff`) → (path, bytes).
    pub steps: BTreeMap<String, (&'a str, &'a Bytes)>,
}

/// Builds the guide in the main language. `None` when its guide.yaml cannot be read; every
/// problem is appended to `problems`.
pub fn build_guide(
    slug: &str,
    (yaml_path, yaml_bytes): (&str, &[u8]),
    steps: &[StepFile],
    env: &Env,
    problems: &mut Vec<Diagnostic>,
) -> Option<Guide> {
    let lang = env.main_language;
    let steps_dir = names::steps_folder(slug);
    // The guide's pages show its texts together: their ids come from one book, in the order
    // of the steps, then the guide's own text.
    let mut book = Ids::for_guide(steps.iter().map(|(_, s, _, _)| s.as_str()));
    let rendered_steps: Vec<Step> = steps
        .iter()
        .filter_map(|(number, step_slug, path, bytes)| {
            let file = StepSource {
                path,
                bytes,
                number: *number,
                slug: step_slug,
            };
            build_step(slug, (lang, lang), &file, env, &mut book, problems)
        })
        .collect();

    let (text, doc, meta): (String, yaml::Doc, GuideMeta) =
        yaml::parse_file(yaml_path, yaml_bytes, GUIDE_RULES, problems)?;
    let lines = Lines::new(&text);
    if let Some(time) = &meta.total_time
        && !is_iso_duration(time)
    {
        problems.push(
            yaml::at_value(
                yaml_path,
                &lines,
                doc.node(&["total_time"]),
                format!("`total_time` must be a duration such as `P3W` or `PT45M`, not `{time}`"),
            )
            .with_help("write P, then a number and D (days) or W (weeks); for hours or minutes, PT and a number with H or M; `time_needed` says it in words")
        );
    }
    related_names(slug, &meta.related, (yaml_path, &lines, &doc), problems);
    if steps.is_empty() {
        problems.push(
            Diagnostic::file(yaml_path, "this guide has no steps").with_help(format!(
                "add step files to {steps_dir}/, named like 01-first-step.md"
            )),
        );
    }
    let words = GuideWords {
        intro: &meta.intro,
        before_you_start: &meta.before_you_start,
        supplies: &meta.supplies,
        tips: &meta.tips,
        safety: &meta.safety,
    };
    let html = render_words(
        slug,
        lang,
        (yaml_path, &lines, &doc),
        &words,
        env,
        &mut book,
        problems,
    );
    Some(new_guide(slug, lang, (meta, html, rendered_steps), env))
}

/// The guide `main` in `lang`, from its translation files. A step without a translation is
/// shown in the main language (marked so) or reported, as site.yaml chooses.
pub fn translate_guide(
    main: &Guide,
    main_steps: &[StepFile],
    lang: &str,
    files: &TranslationFiles,
    env: &Env,
    untranslated: &mut Vec<Untranslated>,
    problems: &mut Vec<Diagnostic>,
) -> Option<Guide> {
    let slug = main.slug.as_str();
    let steps_dir = names::steps_folder(slug);
    let Some((yaml_path, yaml_bytes)) = files.yaml else {
        // Step translations without the guide's own translation would never be shown.
        for path in files.steps.values().map(|(p, _)| p) {
            problems.push(
                Diagnostic::file(
                    *path,
                    format!("this step is translated, but the guide has no guide.{lang}.yaml"),
                )
                .with_help(format!(
                    "add content/guides/{slug}/guide.{lang}.yaml with the guide's title, summary, time_needed and intro in that language"
                )),
            );
        }
        return None;
    };
    // Each main step file's name without `.md`: its translation has the same name.
    let stems: BTreeMap<usize, &str> = main_steps
        .iter()
        .map(|(n, _, path, _)| {
            let name = names::file_name(path);
            (
                *n,
                names::split_step_file(name).map_or(name, |(stem, _)| stem),
            )
        })
        .collect();
    let mut steps = Vec::with_capacity(main.steps.len());
    let mut book = Ids::for_guide(main.steps.iter().map(|s| s.slug.as_str()));
    for step in &main.steps {
        let stem = stems.get(&step.number).copied().unwrap_or_default();
        let source = files.steps.get(stem).copied();
        let translated = match source {
            Some((path, bytes)) => {
                let file = StepSource {
                    path,
                    bytes,
                    number: step.number,
                    slug: &step.slug,
                };
                build_step(slug, (lang, lang), &file, env, &mut book, problems)
            }
            None => {
                let wanted = format!("{steps_dir}/{}", names::step_file_name(stem, Some(lang)));
                if env.missing_translation == MissingTranslation::Error {
                    problems.push(
                        Diagnostic::file(
                            &wanted,
                            format!("step {} of `{slug}` has no `{lang}` translation", step.number),
                        )
                        .with_help(format!(
                            "translate {steps_dir}/{stem}.md into this file, or set `missing_translation: fallback` in site.yaml to show it untranslated meanwhile"
                        )),
                    );
                    continue;
                }
                untranslated.push(Untranslated {
                    guide: slug.to_string(),
                    language: lang.to_string(),
                    file: wanted,
                });
                // Rendered again from the main file, so its links and pictures work from the
                // translated pages; its problems were reported with the main guide.
                let original = main_steps.iter().find(|(n, ..)| *n == step.number);
                original.and_then(|(number, step_slug, path, bytes)| {
                    let file = StepSource {
                        path,
                        bytes,
                        number: *number,
                        slug: step_slug,
                    };
                    let mut step = build_step(
                        slug,
                        (lang, &main.lang),
                        &file,
                        env,
                        &mut book,
                        &mut Vec::new(),
                    )?;
                    step.lang = Some(main.lang.clone());
                    Some(step)
                })
            }
        };
        steps.extend(translated);
    }
    for (name, (path, _)) in &files.steps {
        if !stems.values().any(|s| s == name) {
            let help = match crate::diagnostic::closest(name, stems.values().copied(), 0.6)
            {
                Some(n) => format!("did you mean `{}`? A translation has the name of the step it translates", names::step_file_name(n, Some(lang))),
                None => "a translation has the name of the step it translates, with the language before `.md`".into(),
            };
            problems.push(
                Diagnostic::file(
                    *path,
                    format!(
                        "there is no step `{}` for this file to translate",
                        names::step_file_name(name, None)
                    ),
                )
                .with_help(help),
            );
        }
    }

    let (text, doc, tr): (String, yaml::Doc, GuideTranslation) =
        yaml::parse_file(yaml_path, yaml_bytes, TRANSLATION_RULES, problems)?;
    let lines = Lines::new(&text);
    // A list left out would silently vanish from the translated pages.
    for (field, theirs, ours) in [
        (
            "before_you_start",
            &main.meta.before_you_start,
            &tr.before_you_start,
        ),
        ("supplies", &main.meta.supplies, &tr.supplies),
        ("tips", &main.meta.tips, &tr.tips),
        ("safety", &main.meta.safety, &tr.safety),
    ] {
        if !theirs.is_empty() && ours.is_empty() {
            problems.push(
                Diagnostic::file(
                    yaml_path,
                    format!("`{field}` is missing: guide.yaml has it, so its translation must too"),
                )
                .with_help(format!(
                    "add `{field}:` with the {} item(s) of guide.yaml, translated",
                    theirs.len()
                )),
            );
        }
    }
    let words = GuideWords {
        intro: &tr.intro,
        before_you_start: &tr.before_you_start,
        supplies: &tr.supplies,
        tips: &tr.tips,
        safety: &tr.safety,
    };
    let html = render_words(
        slug,
        lang,
        (yaml_path, &lines, &doc),
        &words,
        env,
        &mut book,
        problems,
    );
    let mut meta = main.meta.clone();
    meta.title = tr.title;
    meta.summary = tr.summary;
    meta.time_needed = tr.time_needed;
    meta.intro = tr.intro;
    meta.before_you_start = tr.before_you_start;
    meta.supplies = tr.supplies;
    meta.tips = tr.tips;
    meta.safety = tr.safety;
    Some(new_guide(slug, lang, (meta, html, steps), env))
}

struct StepSource<'a> {
    path: &'a str,
    bytes: &'a Bytes,
    number: usize,
    slug: &'a str,
}

/// One step file as it appears on the pages of guide `guide` in `page_lang`, its text being in
/// `text_lang` (the same, unless the step's translation is missing).
fn build_step(
    guide: &str,
    (page_lang, text_lang): (&str, &str),
    file: &StepSource,
    env: &Env,
    book: &mut Ids,
    problems: &mut Vec<Diagnostic>,
) -> Option<Step> {
    let path = file.path;
    let steps_dir = names::steps_folder(guide);
    let text = text::decode(path, file.bytes)
        .map_err(|d| problems.push(d))
        .ok()?;
    // One index of the file's lines places all of its problems, however many.
    let lines = Lines::new(&text);
    let split = frontmatter::split(path, &lines)
        .map_err(|d| problems.push(d))
        .ok()?;
    let (doc, front) =
        yaml::parse::<StepFront>(path, &lines, split.yaml, split.yaml_offset, STEP_RULES)
            .map_err(|d| problems.extend(d))
            .ok()?;
    let from = From {
        guide,
        lang: page_lang,
        dir: &steps_dir,
    };
    let link = |d: &str| env.index.link(&from, d);
    let image = |d: &str| env.index.image(&from, d);
    let body_source = Source {
        file: path,
        lines: &lines,
        origin: Origin::At(split.body_offset),
        allow_html: env.allow_html,
        link: &link,
        image: &image,
        words: env.words(text_lang),
    };
    if env.in_outline(guide) {
        return Some(Step {
            number: file.number,
            slug: file.slug.to_string(),
            body: Body::new(file.bytes, &text, split.body),
            words: std::sync::OnceLock::new(),
            front,
            done_when_html: String::new(),
            html: String::new(),
            substeps: Vec::new(),
            check: String::new(),
            lang: None,
        });
    }
    let body = markdown::render(
        split.body,
        &body_source,
        Some(StepOf {
            number: file.number,
            slug: file.slug,
        }),
        IdsOf {
            book,
            scope: file.slug,
        },
        problems,
    );
    let done_source = Source {
        origin: doc
            .node(&["done_when"])
            .map_or(Origin::At(split.yaml_offset), Origin::Value),
        ..body_source
    };
    let done_scope = format!("{}-done", file.slug);
    let done_when_html = markdown::render_inline(
        &front.done_when,
        &done_source,
        IdsOf {
            book,
            scope: &done_scope,
        },
        problems,
    );
    Some(Step {
        number: file.number,
        slug: file.slug.to_string(),
        front,
        done_when_html,
        html: body.html,
        words: std::sync::OnceLock::new(),
        body: Body::new(file.bytes, &text, split.body),
        substeps: body.substeps,
        check: String::new(),
        lang: None,
    })
}

/// The markdown fields of a guide.yaml or its translation.
struct GuideWords<'a> {
    intro: &'a str,
    before_you_start: &'a [String],
    supplies: &'a [String],
    tips: &'a [String],
    safety: &'a [String],
}

#[derive(Default)]
struct GuideHtml {
    intro: String,
    before_you_start: Vec<String>,
    supplies: Vec<String>,
    tips: Vec<String>,
    safety: Vec<String>,
}

fn render_words(
    guide: &str,
    lang: &str,
    (path, lines, doc): (&str, &Lines, &yaml::Doc),
    words: &GuideWords,
    env: &Env,
    book: &mut Ids,
    problems: &mut Vec<Diagnostic>,
) -> GuideHtml {
    if env.in_outline(guide) {
        return GuideHtml::default();
    }
    let dir = names::guide_folder(guide);
    let from = From {
        guide,
        lang,
        dir: &dir,
    };
    let link = |d: &str| env.index.link(&from, d);
    let image = |d: &str| env.index.image(&from, d);
    // Each value's parsed text maps back to its place in the file, whatever its YAML style.
    let base = Source {
        file: path,
        lines,
        origin: Origin::At(0),
        allow_html: env.allow_html,
        link: &link,
        image: &image,
        words: env.words(lang),
    };
    fn at<'a>(base: &Source<'a>, node: Option<&'a yaml::Node>) -> Source<'a> {
        Source {
            origin: node.map_or(Origin::At(0), Origin::Value),
            ..*base
        }
    }
    let source_at = |node| at(&base, node);
    // The intro comes first on the pages, then the lists.
    let intro_source = source_at(doc.node(&["intro"]));
    let intro = markdown::render(
        words.intro,
        &intro_source,
        None,
        IdsOf {
            book: &mut *book,
            scope: "intro",
        },
        problems,
    )
    .html;
    let mut inline_list = |field: &str, items: &[String]| -> Vec<String> {
        let list = doc.node(&[field]);
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let node = list.and_then(|l| l.item(i));
                let scope = format!("{}-{}", field.replace('_', "-"), i + 1);
                let ids = IdsOf {
                    book: &mut *book,
                    scope: &scope,
                };
                markdown::render_inline(item, &source_at(node), ids, problems)
            })
            .collect()
    };
    let before_you_start = inline_list("before_you_start", words.before_you_start);
    let supplies = inline_list("supplies", words.supplies);
    let tips = inline_list("tips", words.tips);
    let safety = inline_list("safety", words.safety);
    GuideHtml {
        intro,
        before_you_start,
        supplies,
        tips,
        safety,
    }
}

/// A guide listing itself in `related`, or another guide twice, would link to itself or show
/// the same guide twice; whether each guide exists is checked once all are known.
fn related_names(
    slug: &str,
    related: &[String],
    (path, lines, doc): (&str, &Lines, &yaml::Doc),
    problems: &mut Vec<Diagnostic>,
) {
    let listed = doc.node(&["related"]);
    let item = |i: usize| listed.and_then(|l| l.item(i));
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, other) in related.iter().enumerate() {
        if other == slug {
            problems.push(
                yaml::at_value(
                    path,
                    lines,
                    item(i),
                    format!("`related` names this guide, `{slug}`, itself"),
                )
                .with_help("list other guides here, the ones to read next; remove this line"),
            );
        } else if let Some(&first) = seen.get(other.as_str()) {
            let mut d = yaml::at_value(
                path,
                lines,
                item(i),
                format!("`related` names the guide `{other}` twice"),
            )
            .with_help("keep one of them: each related guide is listed once");
            if let Some(node) = item(first) {
                let (at, len) = node.mark(lines.text());
                d = d.with_note(lines, at, len, "first named here");
            }
            problems.push(d);
        } else {
            seen.insert(other, i);
        }
    }
}

/// An ISO 8601 duration of the kind schema.org's `totalTime` takes: `P3W`, `P2DT4H`, `PT45M`.
fn is_iso_duration(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return false,
        None => (rest, None),
    };
    let parts_ok = |part: &str, units: &str| {
        let mut digits = 0;
        let mut last_unit = None;
        for c in part.chars() {
            if c.is_ascii_digit() {
                digits += 1;
            } else {
                let Some(position) = units.find(c) else {
                    return false;
                };
                if digits == 0 || last_unit.is_some_and(|l| position <= l) {
                    return false;
                }
                last_unit = Some(position);
                digits = 0;
            }
        }
        digits == 0
    };
    (!date.is_empty() || time.is_some())
        && parts_ok(date, "YMWD")
        && time.is_none_or(|t| parts_ok(t, "HMS"))
}

/// A guide in one language, from its settings, their rendered markdown and its steps; related
/// guides and translations are linked in later.
fn new_guide(
    slug: &str,
    lang: &str,
    (meta, html, steps): (GuideMeta, GuideHtml, Vec<Step>),
    env: &Env,
) -> Guide {
    let mut guide = Guide {
        outline: env.in_outline(slug),
        slug: slug.to_string(),
        lang: lang.to_string(),
        meta,
        intro_html: html.intro,
        before_you_start_html: html.before_you_start,
        supplies_html: html.supplies,
        tips_html: html.tips,
        safety_html: html.safety,
        related_guides: Vec::new(),
        steps,
        translations: BTreeMap::new(),
        before_you_start_checks: Vec::new(),
    };
    ids::checklist(&mut guide);
    guide
}

#[cfg(test)]
mod tests {
    use super::is_iso_duration;

    #[test]
    fn durations_follow_iso_8601() {
        for ok in ["P3W", "PT45M", "P2DT4H", "P1Y2M", "PT1H30M"] {
            assert!(is_iso_duration(ok), "{ok}");
        }
        for bad in [
            "3 weeks", "P", "PT", "P3", "PW", "PT30M1H", "P1H", "p3w", "",
        ] {
            assert!(!is_iso_duration(bad), "{bad}");
        }
    }
}
