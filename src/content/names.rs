//! What a content file's name means, and how a name is made: step files (`NN-slug.md`, their
//! translations `NN-slug.<lang>.md`), translated settings (`site.<lang>.yaml`,
//! `guide.<lang>.yaml`), the slug rule for guide folders and steps, the step names a guide's own
//! pages take, language codes, the files editors and operating systems leave beside the ones
//! being edited, which kinds of file may be published as they are (by extension), and which
//! names are one on a disk that ignores case. Loading, checking, serving and scaffolding all read
//! names through this module, so they never disagree.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The site's settings, as loading names them (relative to the site's folder).
pub(crate) const SITE_FILE: &str = "content/site.yaml";

/// A guide's folder under `content/guides/`.
pub(crate) fn guide_folder(slug: &str) -> String {
    format!("content/guides/{slug}")
}

/// A guide's own settings, `guide.yaml`, in its folder.
pub(crate) fn guide_file(slug: &str) -> String {
    format!("content/guides/{slug}/guide.yaml")
}

/// Whether the file at `path` is one of the site's texts (markdown or YAML), which are read
/// whole and understood, rather than a file published as it is (a picture, a PDF).
pub(crate) fn is_text(path: &str) -> bool {
    let name = file_name(path);
    matches!(
        crate::content::placement::extension(name)
            .to_ascii_lowercase()
            .as_str(),
        "md" | "yaml" | "yml"
    )
}

/// The guide whose folder holds `path` (a file in it, or the folder itself), as loading and
/// watching name paths (relative to the site's folder).
pub(crate) fn guide_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("content/guides/")?;
    let slug = rest.split_once('/').map_or(rest, |(slug, _)| slug);
    (!slug.is_empty()).then_some(slug)
}

/// The guides whose files name any of the guide folders `slugs`, the named ones too if they do:
/// a link or a `related` entry to a guide names its folder, which needs no escaping, so every
/// guide that links to one of them or lists it as related is among these.
pub(crate) fn guides_naming<'a>(
    content: &'a std::collections::BTreeMap<String, crate::content::load::Bytes>,
    slugs: impl IntoIterator<Item = &'a str>,
) -> std::collections::BTreeSet<&'a str> {
    use rayon::prelude::*;
    let names: Vec<memchr::memmem::Finder> = slugs
        .into_iter()
        .map(|slug| memchr::memmem::Finder::new(slug.as_bytes()))
        .collect();
    if names.is_empty() {
        return Default::default();
    }
    content
        .par_iter()
        .filter_map(|(path, bytes)| {
            let guide = guide_of(path)?;
            names
                .iter()
                .any(|name| name.find(bytes).is_some())
                .then_some(guide)
        })
        .collect()
}

/// The folder of a guide's step files.
pub(crate) fn steps_folder(slug: &str) -> String {
    format!("content/guides/{slug}/steps")
}

/// Step slugs that would collide with a guide's own pages (`index.html`, `checklist.html`, …):
/// a step's page is named by its slug, beside them.
pub(crate) const RESERVED_STEP_SLUGS: &[&str] = &["index", "checklist", "handout", "log"];

/// The fewest digits a step number is written with (`01-`), so that file listings sort in
/// step order up to 99 steps.
pub(crate) const STEP_NUMBER_WIDTH: usize = 2;

/// Whether `s` may be a guide folder's name or a step's slug, which become parts of web
/// addresses: lower-case ASCII letters, digits and hyphens, not starting or ending with one.
pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The slug for a title or a misspelt name: its letters and digits, lower-case, with accents
/// taken off (`Café au lait` → `cafe-au-lait`), each run of anything else made one hyphen. Empty
/// when the text has no letter or digit of the Latin alphabet.
pub(crate) fn slug_of(text: &str) -> String {
    let mut slug = String::new();
    let mut gap = false;
    // NFD splits `é` into `e` and a combining accent, which is then dropped like punctuation
    // but without making a word break.
    for c in text.nfd() {
        if c.is_ascii_alphanumeric() {
            if gap && !slug.is_empty() {
                slug.push('-');
            }
            gap = false;
            slug.push(c.to_ascii_lowercase());
        } else if !is_combining_mark(c) {
            gap = true;
        }
    }
    slug
}

/// The longest slug a new step is given from its title: file names have a limit (255 bytes on
/// most disks), and a page address is better short.
pub(crate) const NEW_SLUG_MAX: usize = 60;

/// The slug of a new step with title `title`: [`slug_of`], cut after the last whole word that
/// fits in [`NEW_SLUG_MAX`] characters.
pub(crate) fn new_step_slug(title: &str) -> String {
    let slug = slug_of(title);
    if slug.len() <= NEW_SLUG_MAX {
        return slug;
    }
    // The slug is ASCII, so any index is a character boundary.
    let cut = &slug[..=NEW_SLUG_MAX];
    match cut.rfind('-') {
        Some(end) if end > 0 => cut[..end].to_string(),
        _ => slug[..NEW_SLUG_MAX].to_string(),
    }
}

/// Why a file published as it is (a picture, a download) cannot keep its name, if it cannot:
/// a `:` lets a browser read a link to it as a scheme (`javascript:...`), and Windows cannot
/// hold such a name; a control character cannot be shown or typed safely.
pub(crate) fn published_name_problem(path: &str) -> Option<&'static str> {
    let name = file_name(path);
    if name.contains(':') {
        Some(
            "a file name with `:` in it cannot be published (a browser may read it as a link of another kind)",
        )
    } else if path.chars().any(char::is_control) {
        Some("a file name with a control character in it cannot be published")
    } else {
        None
    }
}

/// A BCP 47 language tag of the simple kind pages use: `en`, `es`, `pt-BR`, `zh-Hant`.
pub(crate) fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `site.<lang>.yaml` → `<lang>`, likewise `guide.<lang>.yaml` (`base` is `site` or `guide`).
pub(crate) fn translation_of<'a>(name: &'a str, base: &str, ext: &str) -> Option<&'a str> {
    let lang = name
        .strip_prefix(base)?
        .strip_prefix('.')?
        .strip_suffix(ext)?;
    is_language_code(lang).then_some(lang)
}

/// The last part of a `/`-separated path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A markdown file in a guide's `steps/` folder, split into its stem and its language:
/// `03-sniff.es.md` → (`03-sniff`, `Some("es")`), `03-sniff.md` → (`03-sniff`, `None`). A
/// translation has its step's stem. `None` for a name not ending in `.md`.
pub(crate) fn split_step_file(name: &str) -> Option<(&str, Option<&str>)> {
    let stem = name.strip_suffix(".md")?;
    Some(match stem.rsplit_once('.') {
        Some((base, lang)) if is_language_code(lang) => (base, Some(lang)),
        _ => (stem, None),
    })
}

/// A step file's stem read as number and slug: `03-sniff` → 3, `03`, `sniff`. The slug is not
/// checked here (see [`step_slug_problem`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StepStem<'a> {
    pub number: usize,
    /// The number as written, leading zeros included.
    pub digits: &'a str,
    pub slug: &'a str,
}

/// Reads `NN-slug`; `None` unless it starts with a number above zero, a hyphen and something.
pub(crate) fn parse_step_stem(stem: &str) -> Option<StepStem<'_>> {
    let (digits, slug) = stem.split_once('-')?;
    let number = digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse::<usize>().ok())
        .flatten()
        .filter(|n| *n > 0)?;
    (!slug.is_empty()).then_some(StepStem {
        number,
        digits,
        slug,
    })
}

/// What is wrong with a step slug, if anything.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SlugProblem {
    /// Not lower-case letters, digits and hyphens.
    NotASlug,
    /// The name of one of the guide's own pages.
    Reserved,
}

pub(crate) fn step_slug_problem(slug: &str) -> Option<SlugProblem> {
    if !is_slug(slug) {
        Some(SlugProblem::NotASlug)
    } else if RESERVED_STEP_SLUGS.contains(&slug) {
        Some(SlugProblem::Reserved)
    } else {
        None
    }
}

/// The stem of step `number`: `03-sniff`, its number written with at least `width` digits.
pub(crate) fn step_stem(number: usize, width: usize, slug: &str) -> String {
    format!(
        "{number:0width$}-{slug}",
        width = width.max(STEP_NUMBER_WIDTH)
    )
}

/// The file of a step (`lang` `None`) or of its translation into `lang`, from its stem:
/// `03-sniff.md`, `03-sniff.es.md`.
pub(crate) fn step_file_name(stem: &str, lang: Option<&str>) -> String {
    match lang {
        Some(lang) => format!("{stem}.{lang}.md"),
        None => format!("{stem}.md"),
    }
}

/// Files that are not content: hidden files (`.DS_Store`, `.git`), what editors write beside
/// the file being edited (vim's swap files and its `4913` probe, backups ending in `~` or
/// `.bck`, Emacs lock files `.#name`, temporary files, and the `sedXXXXXX` file `sed -i` writes
/// before renaming it over the original), and what Windows, Office and macOS leave
/// in folders by themselves (`Thumbs.db`, `desktop.ini`, Office's `~$name.docx` while a file is
/// open, macOS's `Icon\r` and the `__MACOSX` folder of unpacked archives). They are never read,
/// so they can neither break a build, nor be published, nor trigger a rebuild.
pub(crate) fn is_editor_litter(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name == "4913"
        || name.ends_with('~')
        || name.starts_with('.')
        || name.starts_with("~$")
        || name == "Icon\r"
        || is_sed_temporary(name)
        || [
            "thumbs.db",
            "ehthumbs.db",
            "ehthumbs_vista.db",
            "desktop.ini",
            "__macosx",
        ]
        .contains(&lower.as_str())
        || [".swp", ".swo", ".swx", ".bck", ".tmp", ".crswap"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

/// GNU sed's `-i` writes the new text to `sed` and six random letters or digits, with no
/// extension, beside the file, then renames it over the file: no content file is named so.
fn is_sed_temporary(name: &str) -> bool {
    name.len() == 9
        && name.starts_with("sed")
        && name[3..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// What a file published as it is from `content/` holds, by its extension (in any case):
/// only kinds a browser shows or downloads, never runs, are published. An SVG picture is
/// published once `content::svg` finds nothing live in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Published {
    /// A picture (`.png`, `.jpg`, ...).
    Picture,
    /// An SVG picture, published only when it holds no script (`content::svg`).
    Svg,
    /// A document, sound or video to open or download (`.pdf`, `.mp4`, ...).
    Download,
    /// A file a browser runs as part of the site: a web page, a script, a style sheet with
    /// transformations, a compressed SVG that cannot be checked.
    Active,
    /// Any other kind, or no extension: a web server may send it without a type, and a browser
    /// may then guess it is a web page.
    Unknown,
}

/// Picture extensions published as they are; `svg` is checked first.
pub(crate) const PICTURE_EXTENSIONS: &[&str] =
    &["png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "ico"];

/// Documents, sound and video that browsers show or download without running anything.
pub(crate) const DOWNLOAD_EXTENSIONS: &[&str] = &[
    "pdf", "txt", "csv", "rtf", "doc", "docx", "odt", "xls", "xlsx", "ods", "ppt", "pptx", "odp",
    "mp3", "m4a", "ogg", "oga", "wav", "mp4", "m4v", "webm", "mov",
];

/// Extensions browsers run (or that hold what they run), named in the message so a shelter
/// knows why: web pages, scripts, XML that can carry script or a transformation, Flash,
/// programs, and compressed SVG, which cannot be checked.
const ACTIVE_EXTENSIONS: &[&str] = &[
    "html", "htm", "xhtml", "xht", "shtml", "shtm", "mht", "mhtml", "hta", "js", "mjs", "cjs",
    "jsx", "ts", "wasm", "swf", "xml", "xsl", "xslt", "svgz", "php", "asp", "aspx", "jsp", "cgi",
    "exe", "bat", "cmd", "vbs", "ps1", "sh", "jar",
];

/// The kind of a file published from `content/`, by its extension in any case.
pub(crate) fn published_kind(path: &str) -> Published {
    let name = file_name(path);
    let ext = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => return Published::Unknown,
    };
    let ext = ext.as_str();
    if ext == "svg" {
        Published::Svg
    } else if PICTURE_EXTENSIONS.contains(&ext) {
        Published::Picture
    } else if DOWNLOAD_EXTENSIONS.contains(&ext) {
        Published::Download
    } else if ACTIVE_EXTENSIONS.contains(&ext) {
        Published::Active
    } else {
        Published::Unknown
    }
}

/// A name as a disk that ignores case sees it (Windows, and macOS, which also treats `é` typed
/// as one character or as `e` and an accent alike): paths equal here are one file there.
fn folded(path: &str) -> String {
    // Most names are plain ASCII, which composing leaves alone.
    match path.is_ascii() {
        true => path.to_ascii_lowercase(),
        false => path.nfc().flat_map(char::to_lowercase).collect(),
    }
}

/// Paths among `paths` that are different names here but one name on a disk that ignores case
/// (`images/Toy.svg` and `images/toy.svg`; `Steps/` and `steps/`): each pair as (first,
/// second) in sorted order, named at the shortest part where they differ, so two folders are
/// one pair, not one per file in them.
pub(crate) fn case_twins<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    use std::collections::{BTreeMap, BTreeSet};
    // Every path and every folder above it, by its folded form.
    let mut seen: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    // A folder holds many files: each is folded once.
    let mut folders: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for path in paths {
        for (i, _) in path.match_indices('/') {
            let folder = &path[..i];
            if folders.insert(folder) {
                seen.entry(folded(folder)).or_default().insert(folder);
            }
        }
        seen.entry(folded(path)).or_default().insert(path);
    }
    let mut twins: Vec<(String, String)> = Vec::new();
    for spellings in seen.values().filter(|s| s.len() > 1) {
        let mut spellings = spellings.iter();
        let Some(first) = spellings.next() else {
            continue;
        };
        for other in spellings {
            // Under folders already named as twins, the files in them are not named again.
            let inside_named = twins.iter().any(|(a, b)| {
                let under = |p: &str, f: &str| {
                    p.len() > f.len() && p.starts_with(f) && p.as_bytes()[f.len()] == b'/'
                };
                (under(first, a) || under(first, b)) && (under(other, a) || under(other, b))
            });
            if !inside_named {
                twins.push(((*first).to_string(), (*other).to_string()));
            }
        }
    }
    twins.sort();
    twins
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_files_split_into_stem_and_language() {
        assert_eq!(split_step_file("03-sniff.md"), Some(("03-sniff", None)));
        assert_eq!(
            split_step_file("03-sniff.es.md"),
            Some(("03-sniff", Some("es")))
        );
        assert_eq!(
            split_step_file("03-sniff.pt-BR.md"),
            Some(("03-sniff", Some("pt-BR")))
        );
        // Not a language code: part of the stem (and so a bad slug, reported by the loader).
        assert_eq!(
            split_step_file("03-sniff.draft2.md"),
            Some(("03-sniff.draft2", None))
        );
        assert_eq!(split_step_file("03-sniff.txt"), None);
    }

    #[test]
    fn step_stems_have_a_number_above_zero_and_a_slug() {
        assert_eq!(
            parse_step_stem("03-sniff-and-treat"),
            Some(StepStem {
                number: 3,
                digits: "03",
                slug: "sniff-and-treat"
            })
        );
        assert_eq!(parse_step_stem("120-x").map(|s| s.number), Some(120));
        for bad in [
            "sniff", "00-sniff", "03-", "-sniff", "+3-sniff", "3a-sniff", "",
        ] {
            assert_eq!(parse_step_stem(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_are_made_back_the_way_they_are_read() {
        let stem = step_stem(3, 0, "sniff");
        assert_eq!(stem, "03-sniff");
        assert_eq!(step_stem(3, 3, "sniff"), "003-sniff");
        assert_eq!(step_stem(100, 2, "sniff"), "100-sniff");
        let file = step_file_name(&stem, Some("es"));
        assert_eq!(file, "03-sniff.es.md");
        let (read_stem, lang) = split_step_file(&file).unwrap();
        assert_eq!((read_stem, lang), ("03-sniff", Some("es")));
        let read = parse_step_stem(read_stem).unwrap();
        assert_eq!((read.number, read.slug), (3, "sniff"));
    }

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        assert!(is_slug("leash-training"));
        assert!(is_slug("step2"));
        for bad in ["", "-a", "a-", "Leash", "a_b", "a.b", "café", "a b"] {
            assert!(!is_slug(bad), "{bad}");
        }
        assert_eq!(step_slug_problem("go-outside"), None);
        assert_eq!(step_slug_problem("Go"), Some(SlugProblem::NotASlug));
        for taken in RESERVED_STEP_SLUGS {
            assert_eq!(step_slug_problem(taken), Some(SlugProblem::Reserved));
        }
    }

    #[test]
    fn slugs_are_made_from_any_title() {
        for (title, slug) in [
            ("Celebrate", "celebrate"),
            ("Check the fit", "check-the-fit"),
            ("Say \"yes\": reward!", "say-yes-reward"),
            ("back\\slash", "back-slash"),
            ("Café au lait, señor", "cafe-au-lait-senor"),
            ("  # - [Leading] marks", "leading-marks"),
            ("Treats 🐟 then play", "treats-then-play"),
            ("Übung 2", "ubung-2"),
            ("日本語", ""),
            ("🐈", ""),
        ] {
            let made = slug_of(title);
            assert_eq!(made, slug, "{title}");
            assert!(made.is_empty() || is_slug(&made), "{title}");
        }
    }

    #[test]
    fn long_titles_give_slugs_cut_at_a_word() {
        let title = "Walk ".repeat(30);
        let slug = new_step_slug(&title);
        assert!(slug.len() <= NEW_SLUG_MAX && is_slug(&slug), "{slug}");
        assert!(slug.ends_with("walk"), "{slug}");
        let one_word = "a".repeat(100);
        assert_eq!(new_step_slug(&one_word).len(), NEW_SLUG_MAX);
        assert_eq!(new_step_slug("Check the fit"), "check-the-fit");
    }

    #[test]
    fn translations_of_settings_name_a_language() {
        assert_eq!(translation_of("site.es.yaml", "site", ".yaml"), Some("es"));
        assert_eq!(
            translation_of("guide.pt-BR.yaml", "guide", ".yaml"),
            Some("pt-BR")
        );
        assert_eq!(translation_of("site.yaml", "site", ".yaml"), None);
        assert_eq!(translation_of("site.backup.yaml", "site", ".yaml"), None);
        assert_eq!(translation_of("guide.es.yaml", "site", ".yaml"), None);
    }

    #[test]
    fn language_codes_are_simple_bcp47_tags() {
        for ok in ["en", "es", "pt-BR", "zh-Hant", "gsw"] {
            assert!(is_language_code(ok), "{ok}");
        }
        for bad in ["", "e", "english", "es_ES", "es-", "1a", "pt-B"] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }

    #[test]
    fn editor_litter_is_recognised() {
        for name in [
            "4913",
            "01-a.md~",
            ".01-a.md.swp",
            "x.swx",
            "a.bck",
            ".#01-a.md",
            "a.md.tmp",
            ".DS_Store",
            "sedK3x9Qa",
        ] {
            assert!(is_editor_litter(name), "{name}");
        }
        assert!(!is_editor_litter("01-a.md"));
        assert!(
            !is_editor_litter("sedation.md"),
            "a step about sedation is content"
        );
        assert!(!is_editor_litter("sedan.svg"));
        assert!(!is_editor_litter("guide.yaml"));
    }

    #[test]
    fn windows_office_and_mac_litter_is_recognised_in_any_case() {
        for name in [
            "Thumbs.db",
            "thumbs.db",
            "THUMBS.DB",
            "ehthumbs.db",
            "desktop.ini",
            "Desktop.ini",
            "~$notes.docx",
            "~$03-end.md",
            "Icon\r",
            "__MACOSX",
            "~WRL0003.TMP",
        ] {
            assert!(is_editor_litter(name), "{name}");
        }
        for name in [
            "thumbs.svg",
            "desktop.ini.txt",
            "icon.png",
            "Icon",
            "a~$b.pdf",
        ] {
            assert!(!is_editor_litter(name), "{name}");
        }
    }

    #[test]
    fn published_files_are_pictures_and_downloads_by_extension_in_any_case() {
        use Published::*;
        for (path, kind) in [
            ("content/images/a.png", Picture),
            ("content/images/a.JPG", Picture),
            ("content/images/a.svg", Svg),
            ("content/images/a.SVG", Svg),
            ("content/files/a.pdf", Download),
            ("content/files/a.Mp4", Download),
            ("content/a.html", Active),
            ("content/a.HTM", Active),
            ("content/a.xhtml", Active),
            ("content/a.js", Active),
            ("content/a.mjs", Active),
            ("content/a.svgz", Active),
            ("content/a.xml", Active),
            ("content/a.swf", Active),
            ("content/a.css", Unknown),
            ("content/a.unknown", Unknown),
            ("content/README", Unknown),
            ("content/.png", Unknown),
            ("content/a.pdf.html", Active),
        ] {
            assert_eq!(published_kind(path), kind, "{path}");
        }
    }

    #[test]
    fn names_one_on_a_disk_that_ignores_case_are_twins() {
        let twins = case_twins([
            "content/images/Toy.svg",
            "content/images/toy.svg",
            "content/guides/g/Steps/01-a.md",
            "content/guides/g/Steps/02-b.md",
            "content/guides/g/steps/01-a.md",
            "content/guides/g/guide.yaml",
            "content/guides/g/Guide.yaml",
            "content/caf\u{e9}.png",
            "content/cafe\u{301}.png",
            "content/images/other.svg",
        ]);
        assert_eq!(
            twins,
            [
                // Sorted by bytes: the accent written apart comes first.
                (
                    "content/cafe\u{301}.png".to_string(),
                    "content/caf\u{e9}.png".to_string()
                ),
                (
                    "content/guides/g/Guide.yaml".into(),
                    "content/guides/g/guide.yaml".into()
                ),
                (
                    "content/guides/g/Steps".into(),
                    "content/guides/g/steps".into()
                ),
                (
                    "content/images/Toy.svg".into(),
                    "content/images/toy.svg".into()
                ),
            ]
        );
        assert!(case_twins(["content/a/b.png", "content/a/c.png"]).is_empty());
    }
}
