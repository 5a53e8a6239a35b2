//! `content/site.yaml`: the shelter's name, contact details and site-wide settings.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The shelter's name, shown on every page and every printed sheet.
    pub name: String,
    /// A line under the name on the home page.
    #[serde(default)]
    pub tagline: Option<String>,
    /// Language of the pages, as an HTML `lang` code (`en`, `es`, ...).
    #[serde(default = "default_language")]
    pub language: String,
    /// Other languages the guides are translated into (`es`, ...); their pages go under
    /// `<language>/`.
    #[serde(default)]
    pub translations: Vec<String>,
    /// What to do when a translated guide lacks the translation of a step.
    #[serde(default)]
    pub missing_translation: MissingTranslation,
    /// Paper size for printing: `letter` or `a4`.
    #[serde(default)]
    pub paper: Paper,
    /// Where the site is published, e.g. `https://example.org/guides/`; optional.
    #[serde(default)]
    pub base_url: Option<String>,
    /// A logo image, relative to `content/`.
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default)]
    pub contact: Contact,
    /// A call to action at the end of pages, such as a newsletter sign-up.
    #[serde(default)]
    pub call_to_action: Option<CallToAction>,
    /// Let raw HTML in markdown through. Off by default: it is shown as text.
    #[serde(default)]
    pub allow_html: bool,
}

fn default_language() -> String {
    "en".into()
}

/// A translated guide whose step has no translation yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingTranslation {
    /// Show the step in the site's main language, with a notice saying so.
    #[default]
    Fallback,
    /// Stop the build and name the missing file.
    Error,
}

/// `site.<language>.yaml`: the site's own words in a translation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteTranslation {
    #[serde(default)]
    pub tagline: Option<String>,
    #[serde(default)]
    pub call_to_action: Option<CallToAction>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    Letter,
    A4,
}

impl Paper {
    /// The CSS `@page size` keyword.
    pub fn css(self) -> &'static str {
        match self {
            Paper::Letter => "letter",
            Paper::A4 => "A4",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CallToAction {
    pub heading: String,
    #[serde(default)]
    pub text: Option<String>,
    pub link_text: String,
    pub url: String,
}

/// Checks a base URL and gives it the trailing slash that relative joins need.
pub fn normalise_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!(
            "`{url}` is not a web address: it must start with https:// (or http://)"
        ));
    }
    if url.contains(char::is_whitespace) || url.contains(['"', '<', '>']) {
        return Err(format!(
            "`{url}` contains characters a web address cannot have"
        ));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_gets_a_trailing_slash_and_must_be_http() {
        assert_eq!(
            normalise_base_url("https://a.example/g").unwrap(),
            "https://a.example/g/"
        );
        assert!(normalise_base_url("a.example").is_err());
    }
}
