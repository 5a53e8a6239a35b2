//! The ids that a guide's text gives its pages: sub-step headings (`leave-the-harness-out-use-a-treat`)
//! and footnotes (`go-outside-fn-1`). A guide's pages show its text together (the handout holds
//! every step, the overview the intro), so ids are handed out once per guide and language by
//! an [`Ids`] book: none is given twice, none is one the theme's own pages use, and a repeat
//! gets a number (`-2`, `-3`). The same text always gets the same ids, and an id changes only
//! when what it names, or an earlier id it would repeat, changes.

use std::collections::HashSet;

use crate::content::model::Guide;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The ids the built-in theme's pages give their own parts, which text never takes. A test
/// reads the templates and checks that each id they write is here, or is `step-` with a
/// step's slug (the handout's step headings), `check-` (the checklist's boxes) or `species-`
/// (the index's groups).
pub(crate) const THEME_IDS: &[&str] = &[
    "main",
    "cta-heading",
    "about",
    "before",
    "supplies",
    "steps",
    "tips",
    "safety",
    "related",
    "questions",
    "done-when",
    "progress-bar",
    "library-search",
    // The problem panel that `handout serve` adds to the pages it shows.
    "handout-problems",
];

/// The id of the handout's heading for the step `slug`.
pub(crate) fn step_heading(slug: &str) -> String {
    format!("step-{slug}")
}

/// The ids given out so far on one guide's pages in one language.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    /// A book for a guide with these step slugs: the theme's ids, and its step headings on
    /// the handout, are taken from the start.
    pub(crate) fn for_guide<'a>(step_slugs: impl IntoIterator<Item = &'a str>) -> Ids {
        let mut taken: HashSet<String> = THEME_IDS.iter().map(|s| s.to_string()).collect();
        taken.extend(step_slugs.into_iter().map(step_heading));
        Ids { taken }
    }

    /// `base` if it is free, else `base-2`, `base-3`, ...: the first that is.
    pub(crate) fn claim(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| self.taken.insert(id.clone()))
            .unwrap_or_default()
    }
}

/// Gives each box of the guide's checklist the key the browser remembers its tick by: a step's
/// slug, `before-1`, ... for the "before you start" items, a sub-step's heading id. These are
/// the keys ticks have always been saved under, so saved ticks stay; only a key that would
/// repeat another (a step named `before-1`, a sub-step's id that is another step's slug) gets
/// a number, so that no two boxes share their ticks.
pub(crate) fn checklist(guide: &mut Guide) {
    let mut keys = Ids::default();
    for step in &mut guide.steps {
        step.check = keys.claim(&step.slug);
    }
    guide.before_you_start_checks = (1..=guide.before_you_start_html.len())
        .map(|n| keys.claim(&format!("before-{n}")))
        .collect();
    for sub in guide.steps.iter_mut().flat_map(|s| s.substeps.iter_mut()) {
        sub.check = keys.claim(&sub.id);
    }
}

/// A heading's words as an id: letters and digits of any script, lower-case, with the marks
/// that belong to them (accents, vowel signs), each run of anything else one hyphen:
/// `Use a treat!` → `use-a-treat`, `Практика` → `практика`, `Práctica` → `práctica`. Browsers
/// percent-encode such an id in a link themselves. `part` when there is no letter or digit.
pub(crate) fn heading_slug(text: &str) -> String {
    let mut slug = String::new();
    let mut gap = false;
    for c in text.nfc() {
        if c.is_alphanumeric() || (is_combining_mark(c) && !slug.is_empty() && !gap) {
            if gap && !slug.is_empty() {
                slug.push('-');
            }
            gap = false;
            slug.push(c);
        } else {
            gap = true;
        }
    }
    if slug.is_empty() {
        return "part".into();
    }
    // Lower case for the whole text at once, so that a Greek word's last sigma becomes `ς`.
    slug.to_lowercase().nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_keep_the_letters_of_every_script() {
        assert_eq!(heading_slug("Use your voice"), "use-your-voice");
        assert_eq!(heading_slug("  Don’t pull -- ever!  "), "don-t-pull-ever");
        assert_eq!(heading_slug("Практика"), "практика");
        assert_eq!(heading_slug("Игра с мячом"), "игра-с-мячом");
        assert_eq!(heading_slug("Práctica"), "práctica");
        // The same heading saved decomposed (e + a combining accent) gets the same id.
        assert_eq!(heading_slug("Pra\u{301}ctica"), "práctica");
        assert_eq!(heading_slug("प्रशिक्षण"), "प्रशिक्षण");
        assert_eq!(heading_slug("遊び 2"), "遊び-2");
        assert_eq!(heading_slug("ΟΔΟΣ"), "οδος");
        assert_eq!(heading_slug("🐾 !!"), "part");
    }

    #[test]
    fn no_id_is_given_twice_nor_one_the_theme_uses() {
        let mut ids = Ids::for_guide(["go-outside", "x"]);
        assert_eq!(
            ids.claim("go-outside-use-a-treat"),
            "go-outside-use-a-treat"
        );
        assert_eq!(
            ids.claim("go-outside-use-a-treat"),
            "go-outside-use-a-treat-2"
        );
        assert_eq!(
            ids.claim("go-outside-use-a-treat"),
            "go-outside-use-a-treat-3"
        );
        // A heading that reads like the number of a repeat still gets an id of its own.
        assert_eq!(
            ids.claim("go-outside-use-a-treat-2"),
            "go-outside-use-a-treat-2-2"
        );
        assert_eq!(ids.claim("main"), "main-2");
        assert_eq!(ids.claim("done-when"), "done-when-2");
        assert_eq!(
            ids.claim("step-x"),
            "step-x-2",
            "the handout's heading of step x"
        );
        assert_eq!(ids.claim("step-y"), "step-y");
    }
}
