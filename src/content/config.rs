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

/// A web or e-mail address that cannot be used: what is wrong with it, and what to do (with
/// the address as it should be written, when that can be told).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadAddress {
    pub message: String,
    pub help: String,
    /// The address with this mistake put right, when that can be told.
    pub fixed: Option<String>,
}

impl BadAddress {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        BadAddress {
            message: message.into(),
            help: help.into(),
            fixed: None,
        }
    }

    /// A mistake with a fix: the help is `advice` and the fixed address.
    fn fix(message: impl Into<String>, advice: &str, fixed: String) -> Self {
        BadAddress {
            message: message.into(),
            help: format!("{advice}: `{fixed}`"),
            fixed: Some(fixed),
        }
    }
}

/// A web address taken apart: `https://shelter.example:8080/guides/?a=1#top`.
struct Web<'a> {
    scheme: &'static str,
    host: String,
    /// `:8080`, or empty.
    port: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

impl Web<'_> {
    /// The address with only its scheme, host, port and `path`.
    fn with_path(&self, path: &str) -> String {
        format!("{}://{}{}{path}", self.scheme, self.host, self.port)
    }

    fn whole(&self) -> String {
        let mut out = self.with_path(self.path);
        if let Some(q) = self.query {
            out.push('?');
            out.push_str(q);
        }
        if let Some(f) = self.fragment {
            out.push('#');
            out.push_str(f);
        }
        out
    }
}

/// `url` with `https://` in front of what follows any `scheme:` and slashes, most likely the
/// site's name: `shelter.example` or `htps:/shelter.example` → `https://shelter.example`.
fn with_https(url: &str) -> String {
    let bare = match url.split_once(':') {
        Some((scheme, rest))
            if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            rest
        }
        _ => url,
    };
    format!("https://{}", bare.trim_start_matches('/'))
}

/// Reads an `http://` or `https://` address, refusing what would make a wrong or unsafe link:
/// spaces, characters no address has, no site name, a user name or password, a bad port or
/// `%` escape. Scheme and site name are made lower-case (both are, to browsers).
fn web(url: &str) -> Result<Web<'_>, BadAddress> {
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        let fixed: String = url
            .split(|c: char| c.is_whitespace() || c.is_control())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("%20");
        let what = if c == ' ' {
            "a space"
        } else {
            "a space or control character"
        };
        return Err(BadAddress::fix(
            format!("`{url}` has {what} in it; a web address has none"),
            "write `%20` for a space, or leave it out",
            fixed,
        ));
    }
    if let Some(c) = url
        .chars()
        .find(|c| matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'))
    {
        let (advice, fixed) = match c {
            '\\' => ("use `/` between folders", url.replace('\\', "/")),
            _ => ("leave it out", url.replace(c, "")),
        };
        return Err(BadAddress::fix(
            format!("`{url}` contains `{c}`, which a web address cannot have"),
            advice,
            fixed,
        ));
    }
    let lower = url.to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("https://") {
        ("https", &url[8..])
    } else if lower.starts_with("http://") {
        ("http", &url[7..])
    } else {
        return Err(BadAddress::fix(
            format!("`{url}` is not a web address: it must start with https:// (or http://)"),
            "write the full address",
            with_https(url),
        ));
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if let Some((user, host)) = authority.rsplit_once('@') {
        return Err(BadAddress::fix(
            format!(
                "`{url}` holds a user name or password (`{user}@`), which would be shown to everyone"
            ),
            "leave it out",
            format!("{scheme}://{host}{tail}"),
        ));
    }
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => authority.split_at(i),
        _ => (authority, ""),
    };
    let ipv6 = host.starts_with('[')
        && host.ends_with(']')
        && host.len() > 2
        && host[1..host.len() - 1]
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
    let name_ok = |label: &str| {
        !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    };
    if host.is_empty() {
        let message = if rest.is_empty() {
            format!("`{url}` is only the start of a web address: it has no site name")
        } else {
            format!("`{url}` has no site name after `{scheme}://`")
        };
        return Err(BadAddress::new(
            message,
            "write the whole address, such as `https://shelter.example/guides/`",
        ));
    }
    if !ipv6 && !host.split('.').all(name_ok) {
        return Err(BadAddress::new(
            format!("`{host}` in `{url}` is not a site name"),
            "a site name is made of letters, digits and hyphens, with dots between the parts, such as `shelter.example`",
        ));
    }
    if !port.is_empty() && !port[1..].parse::<u16>().is_ok_and(|p| p > 0) {
        return Err(BadAddress::fix(
            format!("`{port}` in `{url}` is not a port number"),
            "write a number from 1 to 65535 after the colon, or leave it out",
            format!("{scheme}://{host}{tail}"),
        ));
    }
    let (before_fragment, fragment) = match tail.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (tail, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    let bytes = tail.as_bytes();
    let bad_escape = (0..bytes.len()).find(|&i| {
        bytes[i] == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    if bad_escape.is_some() {
        return Err(BadAddress::fix(
            format!("`{url}` has a `%` that is not followed by two hexadecimal digits"),
            "write `%25` for a % sign",
            url.replace("%25", "%").replace('%', "%25"),
        ));
    }
    Ok(Web {
        scheme,
        host: host.to_lowercase(),
        port,
        path,
        query,
        fragment,
    })
}

/// Checks `base_url` (from site.yaml or `--base-url`): where the site is published, a folder,
/// to which each page's address is added. Returns it as used, ending with `/` (added when the
/// address ends in a name without a dot, such as `.../guides`).
pub fn normalise_base_url(url: &str) -> Result<String, BadAddress> {
    base_url(url).map_err(|mut e| {
        // The address suggested has every mistake put right, not only this one.
        if let Some(fixed) = e.fixed.take() {
            let mut better = fixed.clone();
            for _ in 0..8 {
                match base_url(&better) {
                    Ok(good) => {
                        better = good;
                        break;
                    }
                    Err(next) => match next.fixed {
                        Some(f) if f != better => better = f,
                        _ => break,
                    },
                }
            }
            e.help = e
                .help
                .replace(&format!("`{fixed}`"), &format!("`{better}`"));
            e.fixed = Some(better);
        }
        e
    })
}

fn base_url(url: &str) -> Result<String, BadAddress> {
    let url = url.trim();
    let address = web(url)?;
    let base = address.with_path(address.path);
    if let Some(query) = address.query {
        return Err(BadAddress::fix(
            format!(
                "`{url}` ends with a query, `?{query}`, which cannot be part of where the site is published"
            ),
            "leave it out",
            base,
        ));
    }
    if let Some(fragment) = address.fragment {
        return Err(BadAddress::fix(
            format!(
                "`{url}` ends with `#{fragment}`, a place in a page, not where the site is published"
            ),
            "leave it out",
            base,
        ));
    }
    let segments: Vec<&str> = address.path.split('/').collect();
    if segments.iter().any(|s| *s == "." || *s == "..") {
        let mut kept: Vec<&str> = Vec::new();
        for segment in &segments {
            match *segment {
                "." => {}
                ".." => {
                    if kept.len() > 1 {
                        kept.pop();
                    }
                }
                other => kept.push(other),
            }
        }
        let fixed = address.with_path(&format!("{}/", kept.join("/").trim_end_matches('/')));
        return Err(BadAddress::fix(
            format!("`{url}` has `.` or `..` in its path"),
            "write the folder's own address",
            fixed,
        ));
    }
    let last = segments.last().copied().unwrap_or_default();
    if last.contains('.') {
        let folder = address.with_path(&address.path[..address.path.len() - last.len()]);
        let page = [
            ".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp",
        ]
        .iter()
        .any(|ext| last.to_ascii_lowercase().ends_with(ext));
        return Err(if page {
            BadAddress::fix(
                format!(
                    "`{url}` names a page, `{last}`; `base_url` is the folder the site is published in"
                ),
                "leave the page out",
                folder,
            )
        } else {
            BadAddress::new(
                format!(
                    "`{url}` ends in `{last}`, which looks like a file's name; `base_url` is the folder the site is published in"
                ),
                format!(
                    "if `{last}` is a folder, end the address with `/`: `{}/`; if it is a page, leave it out: `{folder}`",
                    address.whole()
                ),
            )
        });
    }
    Ok(if address.path.ends_with('/') {
        address.whole()
    } else {
        format!("{}/", address.whole())
    })
}

/// Checks a link from site.yaml (`contact.website`, `call_to_action.url`): a web address, or
/// `mailto:` and an e-mail address. `field` names it in the message.
pub fn check_link(field: &str, value: &str) -> Result<(), BadAddress> {
    let value = value.trim();
    if value
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("mailto:"))
    {
        return match email_problem(&value[7..]) {
            Some(problem) => Err(BadAddress::new(
                format!("`{field}` is `{value}`, but {problem}"),
                "write `mailto:` and the address, like `mailto:adopt@shelter.example`",
            )),
            None => Ok(()),
        };
    }
    let lower = value.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        let e = web(value).err().map(|e| e.help).unwrap_or_default();
        return Err(BadAddress::new(
            format!("`{field}` must be a web address, not `{value}`"),
            e,
        ));
    }
    web(value).map(|_| ())
}

/// Checks an e-mail address (`contact.email`): a name, `@` and a site name, with no spaces.
pub fn check_email(field: &str, email: &str) -> Result<(), BadAddress> {
    match email_problem(email) {
        Some(problem) => Err(BadAddress::new(
            format!("`{field}` is `{email}`, but {problem}"),
            "write the address like `adopt@shelter.example`",
        )),
        None => Ok(()),
    }
}

/// What keeps `email` from being an e-mail address, if anything.
fn email_problem(email: &str) -> Option<&'static str> {
    let email = email.trim();
    let bad = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '@' | '<'
                    | '>'
                    | '"'
                    | ','
                    | ';'
                    | ':'
                    | '\\'
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '?'
                    | '#'
                    | '/'
            )
    };
    match email.split_once('@') {
        _ if email.is_empty() => Some("there is no e-mail address"),
        _ if email.contains(char::is_whitespace) => Some("an e-mail address has no spaces"),
        None => Some("an e-mail address has an `@`"),
        Some((name, site)) => (name.is_empty()
            || !site.contains('.')
            || site.starts_with('.')
            || site.ends_with('.')
            || name.contains(bad)
            || site.contains(bad))
        .then_some("that is not an e-mail address"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: &str) -> (String, String) {
        let e = normalise_base_url(url).expect_err(url);
        (e.message, e.help)
    }

    #[test]
    fn base_url_is_a_folder_and_gets_its_trailing_slash() {
        for (given, used) in [
            ("https://a.example/g", "https://a.example/g/"),
            ("https://a.example", "https://a.example/"),
            ("  https://a.example/guides/  ", "https://a.example/guides/"),
            (
                "HTTPS://Shelter.Example/Guides/",
                "https://shelter.example/Guides/",
            ),
            ("http://localhost:8080/x", "http://localhost:8080/x/"),
            ("https://[::1]:8080/", "https://[::1]:8080/"),
            ("https://ex.example/a%20b/", "https://ex.example/a%20b/"),
            ("https://café.example/", "https://café.example/"),
        ] {
            assert_eq!(normalise_base_url(given).as_deref(), Ok(used), "{given}");
        }
    }

    #[test]
    fn a_base_url_that_would_give_wrong_links_is_refused_with_the_fix() {
        let help = |url| refused(url).1;
        assert_eq!(
            help("a.example"),
            "write the full address: `https://a.example/`"
        );
        assert_eq!(
            help("a.example/guides"),
            "write the full address: `https://a.example/guides/`"
        );
        assert_eq!(
            help("https:/a.example/"),
            "write the full address: `https://a.example/`"
        );
        assert_eq!(
            help("ftp://a.example/"),
            "write the full address: `https://a.example/`"
        );
        assert!(
            refused("https://")
                .0
                .contains("is only the start of a web address")
        );
        assert!(refused("https:///guides/").0.contains("has no site name"));
        assert_eq!(
            help("https://x.example/guides/#top"),
            "leave it out: `https://x.example/guides/`"
        );
        assert_eq!(
            help("https://x.example/guides?a=1"),
            "leave it out: `https://x.example/guides/`"
        );
        assert_eq!(
            help("https://x.example/index.html"),
            "leave the page out: `https://x.example/`"
        );
        assert_eq!(
            help("https://x.example/guides/Index.HTM"),
            "leave the page out: `https://x.example/guides/`"
        );
        assert_eq!(
            help("https://x.example/guides.v2"),
            "if `guides.v2` is a folder, end the address with `/`: `https://x.example/guides.v2/`; if it is a page, leave it out: `https://x.example/`"
        );
        assert_eq!(
            help("https://me:secret@x.example/"),
            "leave it out: `https://x.example/`"
        );
        assert!(
            refused("https://me:secret@x.example/")
                .0
                .contains("`me:secret@`")
        );
        assert_eq!(
            help("https://x.example/my guides/"),
            "write `%20` for a space, or leave it out: `https://x.example/my%20guides/`"
        );
        assert!(help("https://x.example/a\tb/").starts_with("write `%20`"));
        assert_eq!(
            help("https://x.example\\guides\\"),
            "use `/` between folders: `https://x.example/guides/`"
        );
        assert_eq!(
            help("https://x.example/\"/"),
            "leave it out: `https://x.example//`"
        );
        // Every mistake is put right in the address suggested.
        assert_eq!(
            help("HTTPS://me@X.example/guides/index.html?a=1#top"),
            "leave it out: `https://x.example/guides/`"
        );
        assert_eq!(
            help("x.example/a b/index.html"),
            "write `%20` for a space, or leave it out: `https://x.example/a%20b/`"
        );
        assert!(
            refused("https://x.example:0/")
                .0
                .contains("is not a port number")
        );
        assert!(
            refused("https://x.example:99999/")
                .0
                .contains("is not a port number")
        );
        assert!(
            refused("https://x.example:/")
                .0
                .contains("is not a port number")
        );
        assert!(
            refused("https://x..example/")
                .0
                .contains("is not a site name")
        );
        assert!(
            refused("https://x!.example/")
                .0
                .contains("is not a site name")
        );
        assert_eq!(
            help("https://x.example/100%/"),
            "write `%25` for a % sign: `https://x.example/100%25/`"
        );
        assert_eq!(
            help("https://x.example/a/../b/"),
            "write the folder's own address: `https://x.example/b/`"
        );
        assert_eq!(
            help("https://x.example/./"),
            "write the folder's own address: `https://x.example/`"
        );
    }

    #[test]
    fn links_may_have_a_query_and_a_fragment_but_no_password() {
        for ok in [
            "https://a.example/news?ref=handout#sign-up",
            "http://a.example",
            "mailto:adopt@a.example",
            "MAILTO:adopt@a.example",
        ] {
            assert_eq!(check_link("url", ok), Ok(()), "{ok}");
        }
        let e = check_link("url", "newsletter.example/sign-up").unwrap_err();
        assert_eq!(
            e.message,
            "`url` must be a web address, not `newsletter.example/sign-up`"
        );
        assert_eq!(
            e.help,
            "write the full address: `https://newsletter.example/sign-up`"
        );
        assert!(check_link("url", "https://").is_err());
        assert!(check_link("url", "https://a b.example/").is_err());
        assert!(check_link("url", "https://u:p@a.example/").is_err());
        assert!(check_link("url", "javascript:alert(1)").is_err());
        let e = check_link("website", "mailto:").unwrap_err();
        assert_eq!(
            e.message,
            "`website` is `mailto:`, but there is no e-mail address"
        );
        assert!(check_link("url", "mailto:adopt").is_err());
    }

    #[test]
    fn email_addresses_have_a_name_an_at_and_a_site() {
        assert_eq!(
            check_email("email", "adopt@riverbend-shelter.example"),
            Ok(())
        );
        for bad in [
            "",
            "adopt",
            "adopt@",
            "@a.example",
            "a@b",
            "a b@c.example",
            "a@b.example?subject=x",
            "<a@b.example>",
            "a@@b.example",
        ] {
            assert!(check_email("email", bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_email("email", "adopt.example").unwrap_err().message,
            "`email` is `adopt.example`, but an e-mail address has an `@`"
        );
    }
}
