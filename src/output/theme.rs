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
