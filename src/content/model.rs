//! The validated site: plain data that the planner and the templates read. Markdown is already
//! HTML here and every link in it has been checked.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::content::config::{SiteConfig, SiteTranslation};
use crate::content::i18n::Strings;
use crate::content::load::Bytes;

#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    /// Guides in index order (`order`, then title). Shared, so a rebuild can reuse unchanged ones.
    pub guides: Vec<Arc<Guide>>,
    /// Files copied as they are: (output path, bytes).
    pub files: Vec<(String, crate::content::load::Bytes)>,
    /// Output path of the logo, if the site has one.
    pub logo: Option<String>,
    /// The theme's words for each of the site's languages.
    pub words: BTreeMap<String, Arc<Strings>>,
    /// `site.<language>.yaml` for each translation that has one.
    pub translated_config: BTreeMap<String, SiteTranslation>,
    /// Steps shown in the main language on a translated guide: (guide, language, step file
    /// that would translate it).
    pub untranslated: Vec<Untranslated>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untranslated {
    pub guide: String,
    pub language: String,
    /// The file that would hold the translation.
    pub file: String,
}

impl Site {
    /// The site's languages: its main language first, then its translations.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.config.language.as_str())
            .chain(self.config.translations.iter().map(String::as_str))
    }

    /// Guide `g` in `language`, if it exists in that language.
    pub fn guide_in(&self, g: usize, language: &str) -> Option<&Arc<Guide>> {
        let guide = &self.guides[g];
        if guide.lang == language {
            Some(guide)
        } else {
            guide.translations.get(language)
        }
    }
}

/// `guide.yaml` as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuideMeta {
    pub title: String,
    pub summary: String,
    pub species: String,
    #[serde(default)]
    pub topic: Option<String>,
    pub time_needed: String,
    #[serde(default)]
    pub order: Option<i64>,
    pub intro: String,
    #[serde(default)]
    pub before_you_start: Vec<String>,
    #[serde(default)]
    pub supplies: Vec<String>,
    #[serde(default)]
    pub tips: Vec<String>,
    #[serde(default)]
    pub safety: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
    /// Rows on the printable training log.
    #[serde(default = "default_log_rows")]
    pub log_rows: u32,
    /// How long the whole guide takes, as an ISO 8601 duration (`P3W`, `PT30M`), for search
    /// engines; `time_needed` says it in words for people.
    #[serde(default)]
    pub total_time: Option<String>,
}

/// `guide.<language>.yaml`: the translation of a guide's text. Everything else (species, order,
/// related guides, ...) comes from `guide.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuideTranslation {
    pub title: String,
    pub summary: String,
    pub time_needed: String,
    pub intro: String,
    #[serde(default)]
    pub before_you_start: Vec<String>,
    #[serde(default)]
    pub supplies: Vec<String>,
    #[serde(default)]
    pub tips: Vec<String>,
    #[serde(default)]
    pub safety: Vec<String>,
}

fn default_log_rows() -> u32 {
    14
}

/// A step file's front matter as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepFront {
    pub title: String,
    pub done_when: String,
    #[serde(default, rename = "where")]
    pub place: Option<String>,
    #[serde(default)]
    pub repeat: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Guide {
    pub slug: String,
    /// The language of the guide's text.
    pub lang: String,
    #[serde(flatten)]
    pub meta: GuideMeta,
    pub intro_html: String,
    pub before_you_start_html: Vec<String>,
    /// What the checklist remembers each "before you start" box by (`ids::checklist`).
    pub before_you_start_checks: Vec<String>,
    pub supplies_html: Vec<String>,
    pub tips_html: Vec<String>,
    pub safety_html: Vec<String>,
    /// Related guides that exist: (slug, title).
    pub related_guides: Vec<RelatedGuide>,
    pub steps: Vec<Step>,
    /// The guide in other languages, by language code.
    #[serde(skip)]
    pub translations: BTreeMap<String, Arc<Guide>>,
    /// Made in outline (`assemble::Options::only`): enough for the index, the search and
    /// other guides' pages, never for its own.
    #[serde(skip)]
    pub outline: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelatedGuide {
    pub slug: String,
    pub title: String,
    /// Relative to the guide's own pages.
    pub url: String,
    /// Set when the related guide is only in another language than this one.
    pub lang: Option<String>,
    /// That language's name, in that language.
    pub lang_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// 1-based position in the guide.
    pub number: usize,
    pub slug: String,
    #[serde(flatten)]
    pub front: StepFront,
    /// Inline HTML of `done_when` (it may hold emphasis or links).
    pub done_when_html: String,
    pub html: String,
    /// The body as written; its plain text (`Body::text`) is made by the pages that show it.
    #[serde(skip)]
    pub body: Body,
    /// The title's and body's words, for the index page's search (`search::words`): made
    /// when a part of the search first needs them (`Step::words`), once for every language
    /// whose search shows the step.
    #[serde(skip)]
    pub words: std::sync::OnceLock<String>,
    pub substeps: Vec<SubStep>,
    /// What the checklist remembers its box by (`ids::checklist`).
    pub check: String,
    /// Set when the step is shown in another language than its guide, because its
    /// translation is missing.
    pub lang: Option<String>,
}

impl Step {
    /// The title's and body's words, for the index page's search.
    pub fn words(&self) -> &str {
        self.words.get_or_init(|| {
            let mut words = crate::content::search::words(&[&self.front.title, &self.body.text()]);
            // Kept for the whole build: no room to spare.
            words.shrink_to_fit();
            words
        })
    }
}

/// A step's markdown body, held in the bytes its file was read into (shared with loading, not
/// copied): a site of thousands of steps keeps no second copy of their text in memory.
#[derive(Debug, Clone, Default)]
pub struct Body {
    bytes: Bytes,
    range: std::ops::Range<usize>,
}

impl Body {
    /// The body `body` of the file read as `raw` and decoded as `decoded` (`body` lies in
    /// `decoded`). A file decoding to its own bytes is shared; one that decoding changed (a
    /// byte order mark, Windows line ends) keeps its decoded body.
    pub fn new(raw: &Bytes, decoded: &str, body: &str) -> Body {
        let start = (body.as_ptr() as usize).saturating_sub(decoded.as_ptr() as usize);
        let range = start..start + body.len();
        match decoded.as_bytes() == &raw[..] && decoded.get(range.clone()) == Some(body) {
            true => Body {
                bytes: raw.clone(),
                range,
            },
            false => Body {
                bytes: body.as_bytes().into(),
                range: 0..body.len(),
            },
        }
    }

    /// The markdown, as decoded when it was read.
    pub fn markdown(&self) -> &str {
        // Valid UTF-8: it was decoded before it was kept.
        std::str::from_utf8(&self.bytes[self.range.clone()]).unwrap_or_default()
    }

    /// The body as plain text, for search engines' structured data and the templates' `text`.
    pub fn text(&self) -> String {
        crate::content::markdown::plain_text(self.markdown())
    }
}

/// A `##` heading in a step's body: numbered "8.1", with its own checklist box.
#[derive(Debug, Clone, Serialize)]
pub struct SubStep {
    pub number: String,
    /// Its heading's id, unique on every page of its guide (`ids`).
    pub id: String,
    pub title: String,
    /// What the checklist remembers its box by (`ids::checklist`).
    pub check: String,
}
