//! The default theme, compiled into the binary, merged with a site's own `templates/` folder:
//! a file there replaces the built-in file of the same name.

use std::borrow::Cow;
use std::collections::BTreeMap;

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
    "sitemap.xml",
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

/// The theme a site is built with.
pub struct Theme {
    /// Path inside `templates/` → (contents, whether it came from the site's own folder).
    pub files: BTreeMap<String, (Cow<'static, [u8]>, bool)>,
}

impl Theme {
    pub fn new(overrides: &BTreeMap<String, Vec<u8>>) -> Self {
        let mut files: BTreeMap<String, (Cow<'static, [u8]>, bool)> = BUILT_IN
            .iter()
            .map(|(name, bytes)| (name.to_string(), (Cow::Borrowed(*bytes), false)))
            .collect();
        for (name, bytes) in overrides {
            files.insert(name.clone(), (Cow::Owned(bytes.clone()), true));
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
