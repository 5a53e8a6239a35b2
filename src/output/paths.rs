//! Where every output file goes and the URLs that lead to it: the only module that knows the
//! shape of `public/`. Pages of every kind, the language folders, PDFs, the theme's assets, the
//! search parts, the content files, the sitemap, robots.txt and the manifest; relative URLs
//! between any two output files (so the site works at a domain's root, in a sub-folder and from
//! disk), and absolute addresses under `base_url`.

use std::fmt;

use unicode_normalization::UnicodeNormalization;

/// Which language's folder a page goes in: the main language's pages are at the top of the
/// output, each translation's under `<code>/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang<'a> {
    Main,
    Translation(&'a str),
}

impl<'a> Lang<'a> {
    /// Language `index` of `Site::languages()` (0 is the main one), whose code is `code`.
    pub(crate) fn nth(index: usize, code: &'a str) -> Lang<'a> {
        match index {
            0 => Lang::Main,
            _ => Lang::Translation(code),
        }
    }

    /// The language `code` on a site whose main language is `main`.
    pub(crate) fn of(code: &'a str, main: &str) -> Lang<'a> {
        match code == main {
            true => Lang::Main,
            false => Lang::Translation(code),
        }
    }

    fn folder(self) -> String {
        match self {
            Lang::Main => String::new(),
            Lang::Translation(code) => format!("{code}/"),
        }
    }
}

/// The guide pages also printed to PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Printed {
    Handout,
    Checklist,
    Log,
}

impl Printed {
    fn name(self) -> &'static str {
        match self {
            Printed::Handout => "handout",
            Printed::Checklist => "checklist",
            Printed::Log => "log",
        }
    }
}

/// The theme's files that the default templates link to, by their place in `templates/` (a
/// theme file is published under the name it has there).
pub(crate) mod asset {
    pub(crate) const STYLE: &str = "assets/style.css";
    pub(crate) const ICON: &str = "assets/favicon.svg";
    pub(crate) const CHECKLIST_SCRIPT: &str = "assets/checklist.js";
    pub(crate) const LIBRARY_SCRIPT: &str = "assets/library.js";
}

/// The file a web server answers with for a folder's address (`guides/leash/`), and the name
/// of every folder's own page.
pub(crate) const FOLDER_INDEX: &str = "index.html";

/// A file's path in the output folder, `/`-separated and relative to it. Made only by the
/// constructors below, so that no other module spells out where a file goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct OutputPath(String);

impl OutputPath {
    /// A language's index of every guide.
    pub(crate) fn index(lang: Lang) -> OutputPath {
        OutputPath(format!("{}{FOLDER_INDEX}", lang.folder()))
    }

    /// The "page not found" page, one for the whole site, at the top (web hosts look for it
    /// there).
    pub(crate) fn not_found() -> OutputPath {
        OutputPath("404.html".into())
    }

    /// A guide's overview: its folder's `index.html`.
    pub(crate) fn overview(lang: Lang, guide: &str) -> OutputPath {
        Self::in_guide(lang, guide, "index.html")
    }

    pub(crate) fn step(lang: Lang, guide: &str, step: &str) -> OutputPath {
        Self::in_guide(lang, guide, &format!("{step}.html"))
    }

    pub(crate) fn checklist(lang: Lang, guide: &str) -> OutputPath {
        Self::printed(lang, guide, Printed::Checklist)
    }

    pub(crate) fn handout(lang: Lang, guide: &str) -> OutputPath {
        Self::printed(lang, guide, Printed::Handout)
    }

    pub(crate) fn log(lang: Lang, guide: &str) -> OutputPath {
        Self::printed(lang, guide, Printed::Log)
    }

    /// The web page that is printed to a PDF.
    pub(crate) fn printed(lang: Lang, guide: &str, kind: Printed) -> OutputPath {
        Self::in_guide(lang, guide, &format!("{}.html", kind.name()))
    }

    /// A printed page's PDF, beside it: `<guide>-handout.pdf` in the main language and
    /// `<guide>-handout-es.pdf` in Spanish, so a downloaded file still says what it is and in
    /// which language.
    pub(crate) fn pdf(lang: Lang, guide: &str, kind: Printed) -> OutputPath {
        let suffix = match lang {
            Lang::Main => String::new(),
            Lang::Translation(code) => format!("-{code}"),
        };
        Self::in_guide(lang, guide, &format!("{guide}-{}{suffix}.pdf", kind.name()))
    }

    /// Part `part` (from 0) of a language's search index: `search-index.js`, then
    /// `search-index-2.js`, ...
    pub(crate) fn search_part(lang: Lang, part: usize) -> OutputPath {
        let name = match part {
            0 => "search-index.js".to_string(),
            n => format!("search-index-{}.js", n + 1),
        };
        OutputPath(format!("{}{name}", lang.folder()))
    }

    pub(crate) fn sitemap() -> OutputPath {
        OutputPath("sitemap.xml".into())
    }

    pub(crate) fn robots() -> OutputPath {
        OutputPath("robots.txt".into())
    }

    pub(crate) fn manifest() -> OutputPath {
        OutputPath("manifest.webmanifest".into())
    }

    /// A file of the theme, published under its name inside `templates/` (`assets/style.css`).
    pub(crate) fn theme_file(name: &str) -> OutputPath {
        OutputPath(name.to_string())
    }

    /// A file of `content/` copied as it is: `content/X` is published as `X`, once for every
    /// language. Its name is published composed (NFC: `é` as one letter, as keyboards type it),
    /// whichever way the disk stores it (a Mac writes `e` and an accent mark), so the links to
    /// it, resolved the same way, name the file that is there.
    pub(crate) fn content_file(source: &str) -> OutputPath {
        let rel = source.strip_prefix("content/").unwrap_or(source);
        OutputPath(composed(rel))
    }

    /// A file already placed in the output (the model keeps copied files and the logo by their
    /// output path, made by `content_file`).
    pub(crate) fn published(path: &str) -> OutputPath {
        OutputPath(path.to_string())
    }

    /// A smaller copy of the published picture at this path, `width` pixels wide, beside it:
    /// `images/cat.jpg` at 480 is `images/cat-480w.jpg`. The picture's own path carries its
    /// widest copy, so a link written to the file still shows it.
    // Not used by the build until it publishes renditions (issue 15, next step).
    #[allow(dead_code)]
    pub(crate) fn rendition(&self, width: u32) -> OutputPath {
        let (folder, name) = match self.0.rsplit_once('/') {
            Some((folder, name)) => (format!("{folder}/"), name),
            None => (String::new(), self.0.as_str()),
        };
        let (stem, extension) = match name.rsplit_once('.') {
            Some((stem, extension)) if !stem.is_empty() => (stem, format!(".{extension}")),
            _ => (name, String::new()),
        };
        OutputPath(format!("{folder}{stem}-{width}w{extension}"))
    }

    /// The folder (ending in `/`) that holds a guide's pages in the main language and the
    /// guide's own files (`content/guides/<guide>/images/...`), which all languages share.
    pub(crate) fn guide_folder(guide: &str) -> String {
        format!("guides/{guide}/")
    }

    fn in_guide(lang: Lang, guide: &str, file: &str) -> OutputPath {
        OutputPath(format!(
            "{}{}{file}",
            lang.folder(),
            Self::guide_folder(guide)
        ))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL of this file in a page at `from`, as short as it can be: down from the folder
    /// both share (`harness.html`, `../play/index.html`, `images/fit.svg`). It names the file,
    /// `index.html` included, so links work from disk too.
    pub(crate) fn url_from(&self, from: &OutputPath) -> String {
        let from_dirs: Vec<&str> = from.0.split('/').collect();
        let from_dirs = &from_dirs[..from_dirs.len() - 1];
        let to: Vec<&str> = self.0.split('/').collect();
        let shared = from_dirs
            .iter()
            .zip(&to[..to.len() - 1])
            .take_while(|(a, b)| a == b)
            .count();
        let mut url = "../".repeat(from_dirs.len() - shared);
        push_segments(&mut url, &to[shared..]);
        url
    }

    /// The URL of this file in a page at `from`, up to the output's top and down again
    /// (`../../../es/index.html`): how the site-wide links (home, theme, languages) have always
    /// been written. It leads to the same file as `url_from`.
    pub(crate) fn url_from_top(&self, from: &OutputPath) -> String {
        let mut url = from.up_to_top();
        push_segments(&mut url, &self.0.split('/').collect::<Vec<_>>());
        url
    }

    /// `../` once for each folder this file is in: the way from it to the top of the output.
    pub(crate) fn up_to_top(&self) -> String {
        "../".repeat(self.0.matches('/').count())
    }

    /// The file's web address under `base_url` (which ends with `/`). An `index.html` is
    /// addressed by its folder, as web servers serve it.
    pub(crate) fn address(&self, base_url: &str) -> String {
        let path = self.0.strip_suffix(FOLDER_INDEX).unwrap_or(&self.0);
        format!("{base_url}{path}")
    }
}

/// `name` with its accented letters composed (Unicode NFC), as file names are published and
/// links to them are looked up.
pub(crate) fn composed(name: &str) -> String {
    if name.is_ascii() {
        name.to_string()
    } else {
        name.nfc().collect()
    }
}

/// What a file name must not carry into a relative URL as it is: `:` (a first segment such as
/// `javascript:x` would be read as a scheme), `#` and `?` (they would end the path), `%`,
/// spaces, quotes and the characters URLs do not allow. Non-ASCII is encoded too.
const URL_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'\'')
    .add(b'#')
    .add(b'%')
    .add(b'?')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Appends `segments` to a relative URL, `/`-separated, each percent-encoded: every relative
/// URL the site prints is made here, so none can become a link to something else.
fn push_segments(url: &mut String, segments: &[&str]) {
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            url.push('/');
        }
        url.extend(percent_encoding::utf8_percent_encode(segment, URL_SEGMENT));
    }
}

/// The bytes a `file://` address keeps as they are: letters, digits, `-._~` and the `/` between
/// folders. Everything else is percent-encoded, so a space, `#`, `%`, `?` or an accent in a
/// folder's name cannot end or change the address.
const FILE_URL_KEPT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The `file://` address of a file on this computer (`path` absolute), for the browser that
/// prints the PDFs.
pub(crate) fn file_url(path: &std::path::Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    // Windows: `C:\site\a.html` is `file:///C:/site/a.html`.
    #[cfg(not(unix))]
    let bytes = format!("/{}", path.to_string_lossy().replace('\\', "/")).into_bytes();
    let encoded: String = percent_encoding::percent_encode(&bytes, FILE_URL_KEPT).collect();
    // The drive's colon stays, as browsers expect.
    #[cfg(not(unix))]
    let encoded = encoded.replacen("%3A", ":", 1);
    format!("file://{encoded}")
}

impl std::ops::Deref for OutputPath {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for OutputPath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<OutputPath> for String {
    fn from(path: OutputPath) -> String {
        path.0
    }
}

impl fmt::Display for OutputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::{Lang, OutputPath as P, Printed};

    #[test]
    fn a_pictures_smaller_copies_sit_beside_it_named_by_their_width() {
        let cat = P::content_file("content/guides/leash/images/my cat.jpg");
        assert_eq!(
            cat.rendition(480).as_str(),
            "guides/leash/images/my cat-480w.jpg"
        );
        let page = P::step(Lang::Main, "leash", "harness");
        assert_eq!(
            cat.rendition(960).url_from(&page),
            "images/my%20cat-960w.jpg"
        );
        // A name without an extension, or one that is all extension, keeps it whole.
        assert_eq!(
            P::content_file("content/images/photo")
                .rendition(480)
                .as_str(),
            "images/photo-480w"
        );
        assert_eq!(
            P::content_file("content/images/.jpg")
                .rendition(480)
                .as_str(),
            "images/.jpg-480w"
        );
    }

    #[test]
    fn a_file_name_never_becomes_a_scheme_or_breaks_its_url() {
        let page = P::step(Lang::Main, "leash", "harness");
        let odd = P::content_file("content/guides/leash/javascript:alert(1)");
        assert_eq!(odd.url_from(&page), "javascript%3Aalert(1)");
        let odd = P::content_file("content/guides/leash/images/a #1?.svg");
        assert_eq!(odd.url_from(&page), "images/a%20%231%3F.svg");
        let top = P::content_file("content/javascript:x");
        assert_eq!(top.url_from_top(&P::not_found()), "javascript%3Ax");
        let accent = P::content_file("content/guides/leash/images/niño.svg");
        assert_eq!(accent.url_from(&page), "images/ni%C3%B1o.svg");
    }

    #[test]
    #[cfg(unix)]
    fn a_file_address_reaches_the_file_whatever_its_folders_are_called() {
        let path = std::path::Path::new("/tmp/my#site 50%?/niño/a.html");
        assert_eq!(
            super::file_url(path),
            "file:///tmp/my%23site%2050%25%3F/ni%C3%B1o/a.html"
        );
        // A name that is not UTF-8 is still the same bytes.
        use std::os::unix::ffi::OsStrExt;
        let odd = std::path::Path::new(std::ffi::OsStr::from_bytes(b"/tmp/a\xff/b.html"));
        assert_eq!(super::file_url(odd), "file:///tmp/a%FF/b.html");
    }

    const ES: Lang = Lang::Translation("es");

    #[test]
    fn pages_go_in_their_language_folder() {
        assert_eq!(P::index(Lang::Main).as_str(), "index.html");
        assert_eq!(P::index(ES).as_str(), "es/index.html");
        assert_eq!(
            P::step(ES, "leash", "harness").as_str(),
            "es/guides/leash/harness.html"
        );
        assert_eq!(
            P::checklist(Lang::Main, "leash").as_str(),
            "guides/leash/checklist.html"
        );
        assert_eq!(P::search_part(ES, 0).as_str(), "es/search-index.js");
        assert_eq!(P::search_part(Lang::Main, 2).as_str(), "search-index-3.js");
        assert_eq!(
            P::content_file("content/guides/leash/images/a.svg").as_str(),
            "guides/leash/images/a.svg"
        );
        assert_eq!(Lang::nth(0, "en"), Lang::Main);
        assert_eq!(Lang::of("es", "en"), ES);
    }

    #[test]
    fn pdfs_say_what_they_are_in_every_language() {
        assert_eq!(
            P::pdf(Lang::Main, "leash", Printed::Handout).as_str(),
            "guides/leash/leash-handout.pdf"
        );
        assert_eq!(
            P::pdf(ES, "leash", Printed::Log).as_str(),
            "es/guides/leash/leash-log-es.pdf"
        );
        // Beside the page it is printed from, so the overview links it by its name.
        let overview = P::overview(ES, "leash");
        assert_eq!(
            P::pdf(ES, "leash", Printed::Checklist).url_from(&overview),
            "leash-checklist-es.pdf"
        );
    }

    #[test]
    fn relative_urls_between_pages_at_any_depth_and_language() {
        let step = P::step(Lang::Main, "leash", "harness");
        let es_step = P::step(ES, "leash", "harness");
        let index = P::index(Lang::Main);
        let es_index = P::index(ES);
        // Same folder, another guide, down from the index, up to it.
        assert_eq!(
            P::handout(Lang::Main, "leash").url_from(&step),
            "handout.html"
        );
        assert_eq!(
            P::overview(Lang::Main, "play").url_from(&step),
            "../play/index.html"
        );
        assert_eq!(step.url_from(&index), "guides/leash/harness.html");
        assert_eq!(index.url_from(&step), "../../index.html");
        // Between languages: nothing shared, so up to the top and down.
        assert_eq!(
            P::overview(Lang::Main, "play").url_from(&es_step),
            "../../../guides/play/index.html"
        );
        assert_eq!(
            es_step.url_from(&step),
            "../../es/guides/leash/harness.html"
        );
        assert_eq!(es_step.url_from(&es_index), "guides/leash/harness.html");
        assert_eq!(
            P::overview(Lang::Main, "a").url_from(&es_index),
            "../guides/a/index.html"
        );
        assert_eq!(es_index.url_from(&es_step), "../../index.html");
        // Pictures are published once, for every language.
        let picture = P::content_file("content/guides/leash/images/fit.svg");
        assert_eq!(picture.url_from(&step), "images/fit.svg");
        assert_eq!(
            picture.url_from(&es_step),
            "../../../guides/leash/images/fit.svg"
        );
        assert_eq!(
            P::content_file("content/images/logo.svg").url_from(&step),
            "../../images/logo.svg"
        );
        // A file at the top, from the top.
        assert_eq!(
            P::theme_file("assets/style.css").url_from(&P::not_found()),
            "assets/style.css"
        );
    }

    #[test]
    fn urls_from_the_top_lead_to_the_same_files() {
        let es_step = P::step(ES, "leash", "harness");
        let es_index = P::index(ES);
        assert_eq!(es_index.url_from_top(&es_step), "../../../es/index.html");
        assert_eq!(es_index.url_from_top(&es_index), "../es/index.html");
        assert_eq!(
            P::theme_file("assets/style.css").url_from_top(&es_step),
            "../../../assets/style.css"
        );
        assert_eq!(
            P::index(Lang::Main).url_from_top(&P::not_found()),
            "index.html"
        );
        // Resolving both against the page's folder gives the same file.
        for (to, from) in [
            (&es_index, &es_step),
            (&es_index, &es_index),
            (&P::index(Lang::Main), &es_step),
        ] {
            assert_eq!(
                resolve(from, &to.url_from_top(from)),
                resolve(from, &to.url_from(from))
            );
            assert_eq!(resolve(from, &to.url_from(from)), to.as_str());
        }
    }

    /// Where a relative URL in the page at `from` leads, as a browser resolves it.
    fn resolve(from: &P, url: &str) -> String {
        let mut parts: Vec<&str> = from.split('/').collect();
        parts.pop();
        for part in url.split('/') {
            match part {
                ".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
        parts.join("/")
    }

    #[test]
    fn addresses_under_base_url_name_index_pages_by_their_folder() {
        let base = "https://shelter.example/guides/";
        assert_eq!(P::index(Lang::Main).address(base), base);
        assert_eq!(
            P::overview(ES, "leash").address(base),
            "https://shelter.example/guides/es/guides/leash/"
        );
        assert_eq!(
            P::step(Lang::Main, "leash", "harness").address(base),
            "https://shelter.example/guides/guides/leash/harness.html"
        );
        assert_eq!(
            P::sitemap().address(base),
            "https://shelter.example/guides/sitemap.xml"
        );
    }
}
