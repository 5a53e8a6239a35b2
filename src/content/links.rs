//! Checking and rewriting link and image targets. Every internal target becomes a relative URL
//! that names a file, so the site works at a domain's root, in a sub-folder and from disk.

use std::collections::{BTreeMap, BTreeSet};

use crate::content::markdown::{Target, Unresolved};
use crate::content::names;
use crate::output::paths::{self, Lang, OutputPath};

/// What exists in the site, for checking links before anything is rendered.
#[derive(Debug, Default)]
pub struct SiteIndex {
    /// Guide slug → its step slugs.
    pub guides: BTreeMap<String, BTreeSet<String>>,
    /// Step source file (`content/guides/g/steps/01-a.md`) → (guide slug, step slug).
    pub step_files: BTreeMap<String, (String, String)>,
    /// Content files copied to the output as they are (`content/guides/g/images/a.svg`).
    pub assets: Assets,
    /// The site's main language; its pages are at the top of the output.
    pub main_language: String,
    /// Each other language → the guides translated into it (their pages are under `<lang>/`).
    pub translated: BTreeMap<String, BTreeSet<String>>,
    /// The theme's words in each language, for marking links to pages in another language.
    pub words: BTreeMap<String, std::sync::Arc<crate::content::i18n::Strings>>,
}

impl SiteIndex {
    /// How a page in `page` says that a link leads to a page in `target` ("en inglés").
    pub fn language_note(&self, page: &str, target: &str) -> String {
        crate::content::i18n::language_note(&self.words, page, target)
    }
}

/// Where a piece of markdown sits: its guide (pages go in `guides/<slug>/`, or
/// `<lang>/guides/<slug>/` in a translation), its language, and its folder in `content/`, which
/// relative paths start from.
pub struct From<'a> {
    pub guide: &'a str,
    pub lang: &'a str,
    pub dir: &'a str,
}

/// The content files published as they are, by their path (`content/guides/g/images/a.svg`),
/// found also by a name whose accented letters are stored the other way: a Mac writes `é` in a
/// file name as `e` and an accent mark, while a keyboard types it as one letter, and the two look
/// the same. Both sides are compared composed (NFC), the form files are published under.
#[derive(Debug, Default)]
pub struct Assets {
    paths: BTreeSet<String>,
    /// Composed form → path, for the paths the disk stores otherwise.
    composed: BTreeMap<String, String>,
}

impl Assets {
    /// The paths in a range of the sorted set, as they are stored.
    pub fn range(&self, range: std::ops::Range<String>) -> impl Iterator<Item = &String> {
        self.paths.range(range)
    }

    pub fn insert(&mut self, path: String) {
        let composed = paths::composed(&path);
        if composed != path {
            self.composed.insert(composed, path.clone());
        }
        self.paths.insert(path);
    }

    pub fn remove(&mut self, path: &str) {
        let composed = paths::composed(path);
        if self.composed.get(&composed).is_some_and(|p| p == path) {
            self.composed.remove(&composed);
        }
        self.paths.remove(path);
    }

    /// The file `path` names, as stored: the same path, or one that differs only in how its
    /// accented letters are stored.
    pub fn find(&self, path: &str) -> Option<&str> {
        if let Some(p) = self.paths.get(path) {
            return Some(p);
        }
        let composed = paths::composed(path);
        self.paths
            .get(&composed)
            .or_else(|| self.composed.get(&composed))
            .map(String::as_str)
    }

    /// Every path, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.paths.iter()
    }
}

impl Extend<String> for Assets {
    fn extend<T: IntoIterator<Item = String>>(&mut self, paths: T) {
        for path in paths {
            self.insert(path);
        }
    }
}

const WEB_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "sms"];

impl SiteIndex {
    pub fn link(&self, from: &From, dest: &str) -> Result<Target, Unresolved> {
        let dest = dest.trim();
        if dest.is_empty() {
            return Err(unresolved(
                "this link has no target",
                "put the address between the parentheses: [text](guide:other-guide)",
            ));
        }
        if dest.starts_with('#') {
            return Ok(Target::same(dest.to_string()));
        }
        if let Some(rest) = dest.strip_prefix("guide:") {
            return self.guide_link(from, rest);
        }
        if let Some(scheme) = scheme(dest) {
            let lower = scheme.to_ascii_lowercase();
            if WEB_SCHEMES.contains(&lower.as_str()) {
                return Ok(Target::same(dest.to_string()));
            }
            return Err(unresolved(
                &format!("links starting with `{scheme}:` are not allowed"),
                "link to a web page (https://...), an email address (mailto:...), a phone number (tel:...) or another guide (guide:...)",
            ));
        }
        let (path, fragment) = split_fragment(dest);
        let target = self.relative_target(from, path)?;
        if let Some((guide, step)) = self.step_files.get(&target) {
            return Ok(self.page(from, guide, Some(step), fragment));
        }
        if let Some(guide) = names::guide_of(&target)
            .filter(|g| self.guides.contains_key(*g) && target == names::guide_file(g))
        {
            return Ok(self.page(from, guide, None, fragment));
        }
        if let Some(file) = self.assets.find(&target) {
            return Ok(Target::same(format!(
                "{}{fragment}",
                self.asset_url(from, file)
            )));
        }
        Err(unresolved(
            &format!("this link points to `{target}`, which does not exist"),
            "check the spelling; paths are relative to this file's folder",
        ))
    }

    pub fn image(&self, from: &From, dest: &str) -> Result<String, Unresolved> {
        let dest = dest.trim();
        if scheme(dest).is_some() || dest.starts_with("//") {
            return Err(unresolved(
                "images must be files in `content/`, not addresses on other sites",
                "save the picture in the guide's images/ folder and write ![description](../images/picture.jpg)",
            ));
        }
        let target = self.relative_target(from, dest)?;
        if let Some(file) = self.assets.find(&target) {
            return Ok(self.asset_url(from, file));
        }
        // Suggest a picture from the same folder, written the way the link was.
        let (folder, name) = target.rsplit_once('/').unwrap_or(("", &target));
        // The folder's files are a range of the sorted set: `folder/` up to `folder0`, the
        // character after `/`, found without going through every file of the site.
        let siblings: Vec<&str> = self
            .assets
            .range(format!("{folder}/")..format!("{folder}0"))
            .filter_map(|a| a.strip_prefix(folder)?.strip_prefix('/'))
            .filter(|n| !n.contains('/'))
            .collect();
        let written_folder = dest.rsplit_once('/').map_or("", |(f, _)| f);
        // Written so that it works when pasted into the link: a space as `%20`, and so on.
        let as_written = |n: &str| {
            if written_folder.is_empty() {
                link_form(n)
            } else {
                format!("{written_folder}/{}", link_form(n))
            }
        };
        let help = match closest(name, &siblings) {
            // Said when it is the capitals that differ, which web hosts tell apart.
            Some(n) if n.to_lowercase() == name.to_lowercase() => {
                format!("did you mean `{}`? (capital letters matter)", as_written(n))
            }
            Some(n) => format!("did you mean `{}`?", as_written(n)),
            None if siblings.is_empty() => format!(
                "there are no files in `{folder}/`; paths are relative to this file's folder"
            ),
            None => format!(
                "the files in `{folder}/` are: {}",
                crate::diagnostic::some_names(siblings.iter().copied())
            ),
        };
        Err(unresolved(
            &format!("the image `{target}` does not exist"),
            &help,
        ))
    }

    fn guide_link(&self, from: &From, rest: &str) -> Result<Target, Unresolved> {
        let (path, fragment) = split_fragment(rest);
        let (guide, step) = match path.split_once('/') {
            Some((g, s)) => (g, Some(s)),
            None => (path, None),
        };
        let Some(steps) = self.guides.get(guide) else {
            let known: Vec<&str> = self.guides.keys().map(String::as_str).collect();
            return Err(unresolved(
                &format!("there is no guide `{guide}`"),
                &suggest("guide", guide, &known),
            ));
        };
        if let Some(step) = step
            && !steps.contains(step)
        {
            let known: Vec<&str> = steps.iter().map(String::as_str).collect();
            return Err(unresolved(
                &format!("the guide `{guide}` has no step `{step}`"),
                &suggest("step", step, &known),
            ));
        }
        Ok(self.page(from, guide, step, fragment))
    }

    /// The overview of `guide` as seen from the pages of `from_guide` in `lang`.
    pub fn overview(&self, from_guide: &str, lang: &str, guide: &str) -> Target {
        let from = From {
            guide: from_guide,
            lang,
            dir: "",
        };
        self.page(&from, guide, None, "")
    }

    /// A guide page as seen from `from`: in `from`'s language when the guide is translated into
    /// it, otherwise in the main language, marked as such.
    fn page(&self, from: &From, guide: &str, step: Option<&str>, fragment: &str) -> Target {
        let here = self.page_of(from);
        let in_language = |lang| match step {
            Some(step) => OutputPath::step(lang, guide, step),
            None => OutputPath::overview(lang, guide),
        };
        let lang = Lang::of(from.lang, &self.main_language);
        if lang == Lang::Main
            || self
                .translated
                .get(from.lang)
                .is_some_and(|t| t.contains(guide))
        {
            let url = in_language(lang).url_from(&here);
            return Target::same(format!("{url}{fragment}"));
        }
        Target {
            url: format!("{}{fragment}", in_language(Lang::Main).url_from(&here)),
            other_language: Some((
                self.main_language.clone(),
                self.language_note(from.lang, &self.main_language),
            )),
        }
    }

    /// A page that markdown from `from` is shown on: every page of a guide sits in the guide's
    /// folder, so the same URLs serve them all.
    fn page_of(&self, from: &From) -> OutputPath {
        OutputPath::overview(Lang::of(from.lang, &self.main_language), from.guide)
    }

    /// Content file `content/X` is published once for all languages.
    fn asset_url(&self, from: &From, target: &str) -> String {
        OutputPath::content_file(target).url_from(&self.page_of(from))
    }

    /// Joins a relative path to the markdown file's folder, refusing paths that leave `content/`.
    /// The path is read as a URL is: `%20` is a space, `%C3%B1` is `ñ` (what editors write for
    /// a file name with a space), and the result is composed (NFC) as file names are published.
    fn relative_target(&self, from: &From, path: &str) -> Result<String, Unresolved> {
        if path.starts_with('/') || path.starts_with('\\') {
            return Err(unresolved(
                "paths starting with `/` break when the site is opened from disk or put in a sub-folder",
                "link to another guide with guide:NAME (or guide:NAME/STEP), or write a path relative to this file, such as ../images/cat.jpg",
            ));
        }
        let decoded = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .map_err(|_| {
                unresolved(
                    &format!("`{path}` has a `%` code that does not stand for a letter"),
                    "write the file's name as it is, with each space as %20 and each % as %25",
                )
            })?;
        let mut parts: Vec<&str> = from.dir.split('/').filter(|p| !p.is_empty()).collect();
        for part in decoded.split(['/', '\\']) {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                    if parts.is_empty() {
                        return Err(unresolved(
                            &format!("`{path}` leads outside the `content/` folder"),
                            "only files inside `content/` are published; copy the file there",
                        ));
                    }
                }
                p => parts.push(p),
            }
        }
        if parts.first() != Some(&"content") {
            return Err(unresolved(
                &format!("`{path}` leads outside the `content/` folder"),
                "only files inside `content/` are published; copy the file there",
            ));
        }
        Ok(paths::composed(&parts.join("/")))
    }
}

/// A file name as it must be written in a markdown link or picture to reach that file: the
/// characters that would end the path or be read as a code (a space, `%`, `#`, `?`, brackets,
/// quotes) and those that cannot be seen (a zero-width space, a soft hyphen) written as `%`
/// codes, so a suggestion never looks like what was written; letters of any language are
/// left as they are.
pub(crate) fn link_form(name: &str) -> String {
    let invisible = |c: char| matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}');
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_whitespace() || c.is_control() || invisible(c) || "%#?()<>[]\\\"'`".contains(c) {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The file under `content/` that `path`, written in a file in folder `dir`, names, exactly as
/// a link is read (scaffolding finds the links to a renamed step with it); an error for paths
/// that start at the root or leave `content/`.
pub(crate) fn resolve(dir: &str, path: &str) -> Result<String, Unresolved> {
    // Joining a path needs nothing of the index (an empty one allocates nothing).
    let from = From {
        guide: "",
        lang: "",
        dir,
    };
    SiteIndex::default().relative_target(&from, path)
}

fn unresolved(message: &str, help: &str) -> Unresolved {
    Unresolved {
        message: message.to_string(),
        help: Some(help.to_string()),
    }
}

fn closest<'a>(wrong: &str, known: &[&'a str]) -> Option<&'a str> {
    crate::diagnostic::closest(wrong, known.iter().copied(), 0.7)
}

fn suggest(kind: &str, wrong: &str, known: &[&str]) -> String {
    match closest(wrong, known) {
        Some(k) => format!("did you mean `{k}`?"),
        None if known.is_empty() => format!("there is no {kind} to link to yet"),
        None => format!(
            "the {kind}s are: {}",
            crate::diagnostic::some_names(known.iter().copied())
        ),
    }
}

/// The scheme of an absolute URL (`https` in `https://...`), if it has one.
fn scheme(dest: &str) -> Option<&str> {
    let colon = dest.find(':')?;
    let s = &dest[..colon];
    let mut chars = s.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    (first_ok && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))).then_some(s)
}

fn split_fragment(dest: &str) -> (&str, &str) {
    match dest.find(['#', '?']) {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SiteIndex {
        let mut i = SiteIndex::default();
        i.guides
            .insert("leash".into(), ["harness".to_string()].into());
        i.guides.insert("play".into(), BTreeSet::new());
        i.step_files.insert(
            "content/guides/leash/steps/01-harness.md".into(),
            ("leash".into(), "harness".into()),
        );
        i.assets
            .insert("content/guides/leash/images/fit.svg".into());
        i.assets.insert("content/images/logo.svg".into());
        i.main_language = "en".into();
        i.translated
            .insert("es".into(), ["leash".to_string()].into());
        let mut english = crate::content::i18n::Strings::new();
        english.insert("language_name".into(), "English".into());
        i.words.insert("en".into(), english.into());
        i
    }

    const FROM: From = From {
        guide: "leash",
        lang: "en",
        dir: "content/guides/leash/steps",
    };

    #[test]
    fn guide_links_resolve_to_files() {
        let i = index();
        assert_eq!(
            i.link(&FROM, "guide:play").ok().unwrap().url,
            "../play/index.html"
        );
        assert_eq!(
            i.link(&FROM, "guide:leash/harness").ok().unwrap().url,
            "harness.html"
        );
        assert_eq!(
            i.link(&FROM, "01-harness.md#x").ok().unwrap().url,
            "harness.html#x"
        );
        let e = i.link(&FROM, "guide:plya").err().unwrap();
        assert_eq!(e.message, "there is no guide `plya`");
        assert_eq!(e.help.unwrap(), "did you mean `play`?");
    }

    #[test]
    fn translated_pages_link_within_their_language_or_to_the_main_one() {
        let i = index();
        let from = From {
            guide: "leash",
            lang: "es",
            dir: "content/guides/leash/steps",
        };
        let same = i.link(&from, "guide:leash/harness").ok().unwrap();
        assert_eq!(
            (same.url.as_str(), same.other_language),
            ("harness.html", None)
        );
        let other = i.link(&from, "guide:play#toys").ok().unwrap();
        assert_eq!(other.url, "../../../guides/play/index.html#toys");
        assert_eq!(
            other.other_language,
            Some(("en".to_string(), "English".to_string()))
        );
        assert_eq!(
            i.image(&from, "../images/fit.svg").ok().unwrap(),
            "../../../guides/leash/images/fit.svg"
        );
    }

    #[test]
    fn images_resolve_relative_to_the_file() {
        let i = index();
        assert_eq!(
            i.image(&FROM, "../images/fit.svg").ok().unwrap(),
            "images/fit.svg"
        );
        assert_eq!(
            i.image(&FROM, "../../../images/logo.svg").ok().unwrap(),
            "../../images/logo.svg"
        );
        assert!(i.image(&FROM, "../images/missing.png").is_err());
        assert!(
            i.image(&FROM, "../../../../../etc/passwd")
                .err()
                .unwrap()
                .message
                .contains("outside")
        );
    }

    #[test]
    fn paths_are_read_as_urls_so_a_space_written_as_20_finds_the_file() {
        let mut i = index();
        i.assets
            .insert("content/guides/leash/images/my photo.jpg".into());
        i.assets.insert("content/guides/leash/notes #1.pdf".into());
        // Published under its own name, which the page's URL encodes again.
        assert_eq!(
            i.image(&FROM, "../images/my%20photo.jpg").ok().unwrap(),
            "images/my%20photo.jpg"
        );
        assert_eq!(
            i.image(&FROM, "../images/my photo.jpg").ok().unwrap(),
            "images/my%20photo.jpg"
        );
        assert_eq!(
            i.link(&FROM, "../notes%20%231.pdf#page=2")
                .ok()
                .unwrap()
                .url,
            "notes%20%231.pdf#page=2"
        );
        // A `%` code that is not part of a letter is refused with what to write.
        let bad = i.image(&FROM, "../images/my%FFphoto.jpg").err().unwrap();
        assert!(bad.message.contains("`%` code"), "{}", bad.message);
        // Decoding cannot lead outside `content/`.
        let out = i
            .image(&FROM, "..%2F..%2F..%2F..%2Fsecret.jpg")
            .err()
            .unwrap();
        assert!(out.message.contains("outside"), "{}", out.message);
    }

    #[test]
    fn a_suggested_name_is_written_so_that_it_works_in_the_link() {
        let mut i = index();
        i.assets
            .insert("content/guides/leash/images/my photo.jpg".into());
        let e = i.image(&FROM, "../images/my-photo.jpg").err().unwrap();
        assert_eq!(e.help.unwrap(), "did you mean `../images/my%20photo.jpg`?");
        let e = i.image(&FROM, "../images/My photo.jpg").err().unwrap();
        assert_eq!(
            e.help.unwrap(),
            "did you mean `../images/my%20photo.jpg`? (capital letters matter)"
        );
        assert_eq!(link_form("a (1) #2?.jpg"), "a%20%281%29%20%232%3F.jpg");
        assert_eq!(link_form("niño 100%.jpg"), "niño%20100%25.jpg");
        assert_eq!(link_form("toy\u{200b}.svg"), "toy%E2%80%8B.svg");
    }

    #[test]
    fn names_stored_decomposed_are_found_by_names_typed_composed_and_back() {
        let mut i = index();
        // `ñ` as a Mac writes it in a file name: `n` and a combining tilde.
        let decomposed = "content/guides/leash/images/nin\u{303}o.jpg";
        i.assets.insert(decomposed.into());
        i.assets
            .insert("content/guides/leash/images/caf\u{e9}.jpg".into());
        for (written, url) in [
            ("../images/ni\u{f1}o.jpg", "images/ni%C3%B1o.jpg"),
            ("../images/nin\u{303}o.jpg", "images/ni%C3%B1o.jpg"),
            ("../images/ni%C3%B1o.jpg", "images/ni%C3%B1o.jpg"),
            ("../images/cafe\u{301}.jpg", "images/caf%C3%A9.jpg"),
        ] {
            assert_eq!(i.image(&FROM, written).ok().unwrap(), url, "{written}");
        }
        // The URL names the file as it is published: composed.
        assert_eq!(
            crate::output::paths::OutputPath::content_file(decomposed).as_str(),
            "guides/leash/images/ni\u{f1}o.jpg"
        );
        i.assets.remove(decomposed);
        assert!(i.image(&FROM, "../images/ni\u{f1}o.jpg").is_err());
    }

    #[test]
    fn unsafe_and_absolute_targets_are_refused() {
        let i = index();
        assert!(i.link(&FROM, "javascript:alert(1)").is_err());
        assert!(i.link(&FROM, "DATA:text/html,x").is_err());
        assert!(i.link(&FROM, "/guides/x.html").is_err());
        assert_eq!(
            i.link(&FROM, "https://a.example/").ok().unwrap().url,
            "https://a.example/"
        );
    }
}
