//! The default theme, compiled into the binary, merged with a site's own `templates/` folder:
//! a file there replaces the built-in file of the same name.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::content::{names, placement};
use crate::diagnostic::{Diagnostic, closest};

macro_rules! theme_files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../templates/", $name)))),*]
    };
}

/// Every file of the built-in theme, by its path inside `templates/`.
pub const BUILT_IN: &[(&str, &[u8])] = theme_files![
    "base.html",
    "index.html",
    "guide.html",
    "step.html",
    "checklist.html",
    "handout.html",
    "log.html",
    "404.html",
    "partials/contact.html",
    "robots.txt",
    "manifest.webmanifest",
    "search-index.js",
    "assets/style.css",
    "assets/checklist.js",
    "assets/library.js",
    "assets/favicon.svg",
    "i18n/en.yaml",
    "i18n/es.yaml",
];

/// The folder of a site's own pieces of templates, included by its other templates: the only
/// place a template that replaces no built-in file is expected.
pub const PARTIALS: &str = "partials/";

/// The folder of the theme's words, one `<language>.yaml` per language.
const WORDS: &str = "i18n/";

/// The theme a site is built with.
#[derive(Clone)]
pub struct Theme {
    /// Path inside `templates/` → (contents, whether it came from the site's own folder).
    pub files: BTreeMap<String, (Cow<'static, [u8]>, bool)>,
}

impl Theme {
    pub fn new(overrides: &BTreeMap<String, crate::content::load::Bytes>) -> Self {
        let mut files: BTreeMap<String, (Cow<'static, [u8]>, bool)> = BUILT_IN
            .iter()
            .map(|(name, bytes)| (name.to_string(), (Cow::Borrowed(*bytes), false)))
            .collect();
        for (name, bytes) in overrides {
            files.insert(name.clone(), (Cow::Owned(bytes.to_vec()), true));
        }
        Theme { files }
    }

    /// Tera templates: every theme file outside `assets/` and `i18n/`.
    pub fn templates(&self) -> impl Iterator<Item = (&str, &[u8], bool)> {
        self.files
            .iter()
            .filter(|(name, _)| !name.starts_with("assets/") && !name.starts_with("i18n/"))
            .map(|(name, (bytes, own))| (name.as_str(), bytes.as_ref(), *own))
    }

    /// Static files, published under `assets/`.
    pub fn assets(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .filter(|(name, _)| name.starts_with("assets/"))
            .map(|(name, (bytes, _))| (name.as_str(), bytes.as_ref()))
    }

    /// How a template file is named in messages: the site's own file, or the built-in one.
    pub fn display_name(&self, name: &str) -> String {
        match self.files.get(name) {
            Some((_, true)) => format!("templates/{name}"),
            _ => format!("{name} (built-in theme)"),
        }
    }

    /// Files of the site's own `templates/` that replace nothing and that nothing uses, so a
    /// misspelt name (`stpe.html`, `i18n/en.yml`) is reported instead of silently ignored; and
    /// names that are one on a disk that ignores case. `languages` are the site's. What is
    /// expected where:
    /// - a template outside `assets/`, `i18n/` and `partials/` has a built-in file's name;
    /// - `i18n/<language>.yaml` names a language of the site (or the first part of one: `pt`
    ///   for `pt-BR`);
    /// - `partials/` holds the site's own pieces, which its templates include: any name;
    /// - `assets/` is published as it is, the site's own files too; one whose name is a near
    ///   miss of a built-in asset's (`styles.css`) and that no theme file names is reported.
    pub fn unused_files(&self, languages: &[&str]) -> Vec<Diagnostic> {
        let built_in = |name: &str| BUILT_IN.iter().any(|(n, _)| *n == name);
        let own: Vec<&str> = self
            .files
            .iter()
            .filter(|(_, (_, own))| *own)
            .map(|(name, _)| name.as_str())
            .collect();
        let mut problems = Vec::new();
        let words_files: Vec<String> = languages
            .iter()
            .flat_map(|l| [l.to_string(), l.split('-').next().unwrap_or(l).to_string()])
            .map(|l| format!("{WORDS}{l}.yaml"))
            .collect();
        for name in own.iter().copied().filter(|n| !built_in(n)) {
            let file = format!("templates/{name}");
            if let Some(rest) = name.strip_prefix(WORDS) {
                if words_files.iter().any(|w| w == name) {
                    continue;
                }
                let stem = rest.rsplit_once('.').map_or(rest, |(stem, _)| stem);
                let mut shown: Vec<&str> = words_files.iter().map(|w| &w[WORDS.len()..]).collect();
                shown.dedup();
                let list = shown
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let message = if words_files.contains(&format!("{WORDS}{stem}.yaml")) {
                    format!("the theme's words are read from `{stem}.yaml`, not `{rest}`")
                } else {
                    format!(
                        "the site has no language `{stem}`, so the words in this file are never shown"
                    )
                };
                let rule = format!(
                    "files in templates/i18n/ are named after a language code of the site (`language` and `translations` in content/site.yaml): {list}"
                );
                // Compared by language code, closely: `espanol` is not `es`, `ES` is.
                let codes = shown.iter().filter_map(|w| w.strip_suffix(".yaml"));
                let help = match closest(stem, codes, 0.85).map(|c| format!("{c}.yaml")) {
                    Some(near) => format!(
                        "did you mean `{near}`? {}{}",
                        rule[..1].to_uppercase(),
                        &rule[1..]
                    ),
                    None => rule,
                };
                problems.push(Diagnostic::file(file, message).with_help(help));
            } else if let Some(rest) = name.strip_prefix("assets/") {
                let near = BUILT_IN
                    .iter()
                    .filter_map(|(n, _)| n.strip_prefix("assets/"))
                    .find(|n| strsim::levenshtein(&rest.to_lowercase(), &n.to_lowercase()) <= 2);
                let named = self.files.iter().any(|(other, (bytes, _))| {
                    other != name
                        && memchr::memmem::find(bytes, names::file_name(rest).as_bytes()).is_some()
                });
                if let Some(near) = near.filter(|_| !named) {
                    problems.push(
                        Diagnostic::file(
                            file,
                            format!("this asset replaces nothing, and no theme file names it: the built-in theme has no `assets/{rest}`"),
                        )
                        .with_help(format!("did you mean `assets/{near}`? A file in templates/ replaces the built-in file of the same name")),
                    );
                }
            } else if !name.starts_with(PARTIALS) {
                let templates = BUILT_IN
                    .iter()
                    .map(|(n, _)| *n)
                    .filter(|n| !n.starts_with("assets/") && !n.starts_with(WORDS));
                let help = match closest(name, templates.clone(), 0.7) {
                    Some(near) => format!(
                        "did you mean `{near}`? A file in templates/ replaces the built-in file of the same name; your own pieces for templates to include go in templates/{PARTIALS}"
                    ),
                    None => format!(
                        "a file in templates/ replaces the built-in file of the same name ({}); your own pieces for templates to include go in templates/{PARTIALS}",
                        templates
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                problems.push(
                    Diagnostic::file(
                        file,
                        format!(
                            "this theme file replaces nothing: the built-in theme has no `{name}`"
                        ),
                    )
                    .with_help(help),
                );
            }
        }
        let own_paths: Vec<String> = own.iter().map(|n| format!("templates/{n}")).collect();
        for (first, second) in names::case_twins(own_paths.iter().map(String::as_str)) {
            problems.push(placement::twin_problem(&first, &second));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::BUILT_IN;
    use crate::content::ids::THEME_IDS;

    /// Every id the built-in pages give their own parts is one the text's ids avoid
    /// (`ids::THEME_IDS`), or one of the families they avoid by other means: `step-` and a
    /// step's slug (taken in each guide's book of ids), the checklist's `check-` boxes (a page
    /// with no heading or note of the text), the index's `species-` groups (the same).
    #[test]
    fn the_theme_s_own_ids_are_ones_the_text_never_takes() {
        let mut found = 0;
        for (name, bytes) in BUILT_IN.iter().filter(|(n, _)| n.ends_with(".html")) {
            let text = String::from_utf8_lossy(bytes);
            for piece in text.split("id=\"").skip(1) {
                let id = piece.split('"').next().unwrap_or_default();
                found += 1;
                match id.split_once("{{") {
                    Some((family, _)) => assert!(
                        ["step-", "check-", "species-"].contains(&family),
                        "{name}: id `{id}` is of a family the text's ids do not avoid"
                    ),
                    None => assert!(
                        THEME_IDS.contains(&id),
                        "{name}: id `{id}` is not in ids::THEME_IDS"
                    ),
                }
            }
        }
        assert!(found > 15, "only {found} ids found in the templates");
        let client = include_str!("../serve/client.js");
        assert!(client.contains("box.id = \"handout-problems\""));
        assert!(THEME_IDS.contains(&"handout-problems"));
    }
}
