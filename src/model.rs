//! The validated site: plain data that the planner and the templates read. Markdown is already
//! HTML here and every link in it has been checked.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::SiteConfig;

#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    /// Guides in index order (`order`, then title). Shared, so a rebuild can reuse unchanged ones.
    pub guides: Vec<Arc<Guide>>,
    /// Files copied as they are: (output path, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// Output path of the logo, if the site has one.
    pub logo: Option<String>,
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
    #[serde(flatten)]
    pub meta: GuideMeta,
    pub intro_html: String,
    pub before_you_start_html: Vec<String>,
    pub supplies_html: Vec<String>,
    pub tips_html: Vec<String>,
    pub safety_html: Vec<String>,
    /// Related guides that exist: (slug, title).
    pub related_guides: Vec<RelatedGuide>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelatedGuide {
    pub slug: String,
    pub title: String,
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
    /// The body as plain text, for search engines' structured data.
    pub text: String,
    pub substeps: Vec<SubStep>,
}

/// A `##` heading in a step's body: numbered "8.1", with its own checklist box.
#[derive(Debug, Clone, Serialize)]
pub struct SubStep {
    pub number: String,
    pub id: String,
    pub title: String,
}
