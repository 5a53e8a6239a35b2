//! Whether every file a build of the site can make fits beside the others on any disk: no two
//! with one name, also when the names differ only in capital letters or in how an accented
//! letter is stored (Windows and Mac computers take those for one name), no file where another
//! needs a folder, and no name longer than disks allow. The files counted are all that a build
//! of this site may make, not only this run's: its pages, the theme's and the site's own files,
//! and also the PDFs `handout pdf` prints and the sitemap and robots.txt a `base_url` adds, so
//! that `handout check` finds what a later `handout pdf` or `--base-url` would trip on.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use unicode_normalization::UnicodeNormalization;

use crate::content::model::Site;
use crate::content::names;
use crate::diagnostic::Diagnostic;
use crate::output::paths::{Lang, OutputPath, Printed};
use crate::output::plan::{Copy, PageKind, Plan, page_path};

/// The longest file or folder name most disks hold, in bytes.
const NAME_MAX: usize = 255;

/// What makes one output file, to say so in a message.
enum Maker {
    /// A page of the plan (an index into `Plan::pages`).
    Page(usize),
    /// A page's PDF, printed by `handout pdf` (an index into `Plan::pages`).
    Pdf(usize),
    /// A file the build makes only with `base_url` set, which this site has not.
    Later(PageKind),
    /// A file of the theme, by its name inside `templates/`.
    Theme(String),
    /// A file of `content/` published as it is.
    Content,
}

struct Claim<'a> {
    path: Cow<'a, str>,
    maker: Maker,
}

impl Claim<'_> {
    fn is_content(&self) -> bool {
        matches!(self.maker, Maker::Content)
    }
}

/// Every output file a build of `site` may make, the build's own first and the content's
/// files last, so that a clash is reported on the file a person put there.
fn claims<'a>(site: &Site, plan: &'a Plan) -> Vec<Claim<'a>> {
    let mut claims: Vec<Claim> = Vec::with_capacity(plan.pages.len() * 2 + plan.copies.len());
    let languages: Vec<&str> = site.languages().collect();
    for (i, page) in plan.pages.iter().enumerate() {
        claims.push(Claim {
            path: Cow::Borrowed(&page.path),
            maker: Maker::Page(i),
        });
    }
    for (i, page) in plan.pages.iter().enumerate() {
        let (Some(kind), Some(guide), Some(code)) = (
            page.kind.printed(),
            page.guide.and_then(|g| site.guides.get(g)),
            languages.get(page.lang),
        ) else {
            continue;
        };
        let pdf = OutputPath::pdf(Lang::nth(page.lang, code), &guide.slug, kind);
        claims.push(Claim {
            path: Cow::Owned(pdf.into()),
            maker: Maker::Pdf(i),
        });
    }
    for kind in [PageKind::Sitemap, PageKind::Robots] {
        if !plan.pages.iter().any(|p| p.kind == kind)
            && let Some(path) = page_path(site, kind, None, 0)
        {
            claims.push(Claim {
                path: Cow::Owned(path.into()),
                maker: Maker::Later(kind),
            });
        }
    }
    let copies = |theme: bool| {
        plan.copies
            .iter()
            .filter(move |c| matches!(c.source, Copy::Theme(_)) == theme)
    };
    for copy in copies(true) {
        if let Copy::Theme(name) = &copy.source {
            claims.push(Claim {
                path: Cow::Borrowed(&copy.path),
                maker: Maker::Theme(name.clone()),
            });
        }
    }
    for copy in copies(false) {
        claims.push(Claim {
            path: Cow::Borrowed(&copy.path),
            maker: Maker::Content,
        });
    }
    claims
}

/// A name as disks that ignore case and the way accents are stored compare it.
fn folded(path: &str) -> String {
    if path.is_ascii() {
        path.to_ascii_lowercase()
    } else {
        path.chars().flat_map(char::to_lowercase).nfc().collect()
    }
}

/// Every problem with the names of the files a build of `site` may make, by `plan`.
pub(crate) fn clashes(site: &Site, plan: &Plan) -> Vec<Diagnostic> {
    let claims = claims(site, plan);
    let mut problems = Vec::new();
    // Folded name → the first claim of a file by that name.
    let mut files: HashMap<String, usize> = HashMap::with_capacity(claims.len());
    // Folded folder name → the first claim of a file inside it.
    let mut folders: HashMap<String, usize> = HashMap::new();
    // The file a message goes to → the claim whose name is the longest over the limit.
    let mut too_long: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (i, claim) in claims.iter().enumerate() {
        let key = folded(&claim.path);
        let mut end = key.len();
        while let Some(slash) = key[..end].rfind('/') {
            // A folder already known has its own folders known too.
            if folders.contains_key(&key[..slash]) {
                break;
            }
            folders.insert(key[..slash].to_string(), i);
            end = slash;
        }
        let longest = claim.path.split('/').map(str::len).max().unwrap_or(0);
        if longest > NAME_MAX {
            let file = file_of(site, plan, claim);
            let known = too_long.entry(file).or_insert((longest, i));
            if longest > known.0 {
                *known = (longest, i);
            }
        }
        match files.get(&key) {
            Some(&first) => problems.push(same_name(site, plan, &claims[first], claim)),
            None => {
                files.insert(key, i);
            }
        }
    }
    let mut file_keys: Vec<(&String, &usize)> = files.iter().collect();
    file_keys.sort_by_key(|(_, i)| **i);
    for (key, &file) in file_keys {
        if let Some(&inside) = folders.get(key.as_str()) {
            problems.push(file_and_folder(site, plan, &claims[file], &claims[inside]));
        }
    }
    for (_, (_, i)) in too_long {
        problems.push(name_too_long(site, plan, &claims[i]));
    }
    problems
}

/// What a claim is, in words: "the checklist of the guide `leash`".
fn what(site: &Site, plan: &Plan, claim: &Claim) -> String {
    let guide = |page: usize| {
        plan.pages
            .get(page)
            .and_then(|p| site.guides.get(p.guide?))
            .map_or("", |g| g.slug.as_str())
    };
    let language = |page: usize| match plan.pages.get(page).map_or(0, |p| p.lang) {
        0 => String::new(),
        lang => format!(" in `{}`", site.languages().nth(lang).unwrap_or_default()),
    };
    match &claim.maker {
        Maker::Page(i) => {
            let kind = plan.pages.get(*i).map_or(PageKind::Index, |p| p.kind);
            let g = guide(*i);
            let page = match kind {
                PageKind::Index => "the index page".to_string(),
                PageKind::NotFound => "the \"page not found\" page".to_string(),
                PageKind::Overview => format!("the overview page of the guide `{g}`"),
                PageKind::Step(s) => format!("the page of step {} of the guide `{g}`", s + 1),
                PageKind::Checklist => format!("the checklist of the guide `{g}`"),
                PageKind::Handout => format!("the printable handout of the guide `{g}`"),
                PageKind::Log => format!("the training log of the guide `{g}`"),
                PageKind::Sitemap => "the sitemap".to_string(),
                PageKind::Robots => "robots.txt".to_string(),
                PageKind::Manifest => "the web-app manifest".to_string(),
                PageKind::SearchIndex(part) => format!("part {} of the search index", part + 1),
            };
            format!("{page}{}", language(*i))
        }
        Maker::Pdf(i) => {
            let kind = plan.pages.get(*i).and_then(|p| p.kind.printed());
            let printed = match kind {
                Some(Printed::Checklist) => "checklist",
                Some(Printed::Log) => "training log",
                _ => "handout",
            };
            format!(
                "the {printed} of the guide `{}`{} as a PDF (made by `handout pdf`)",
                guide(*i),
                language(*i)
            )
        }
        Maker::Later(PageKind::Robots) => "robots.txt (made when `base_url` is set)".to_string(),
        Maker::Later(_) => "the sitemap (made when `base_url` is set)".to_string(),
        Maker::Theme(_) => "a file of the theme".to_string(),
        Maker::Content => format!("the file `content/{}`", claim.path),
    }
}

/// The file a message about a claim goes to: the content file, the site's own theme file, or
/// the folder of the guide a page belongs to.
fn file_of(site: &Site, plan: &Plan, claim: &Claim) -> String {
    match &claim.maker {
        Maker::Content => format!("content/{}", claim.path),
        Maker::Theme(name) => format!("templates/{name}"),
        Maker::Page(i) | Maker::Pdf(i) => plan
            .pages
            .get(*i)
            .and_then(|p| site.guides.get(p.guide?))
            .map_or_else(|| claim.path.to_string(), |g| names::guide_folder(&g.slug)),
        Maker::Later(_) => claim.path.to_string(),
    }
}

/// Why two names that are not the same are one name to some disks.
fn why_one_name(a: &str, b: &str) -> &'static str {
    if a.to_lowercase() == b.to_lowercase() {
        "names that differ only in capital letters are the same name on Windows and Mac computers"
    } else if a.nfc().eq(b.nfc()) {
        "the names look the same but store an accented letter in two different ways, and a Mac takes them for one name"
    } else {
        "the names differ only in capital letters and in how an accented letter is stored, and are the same name on Windows and Mac computers"
    }
}

/// Two claims of one file name (`first` made before `second`).
fn same_name(site: &Site, plan: &Plan, first: &Claim, second: &Claim) -> Diagnostic {
    let (a, b) = (&first.path, &second.path);
    if !second.is_content() {
        return Diagnostic::file(
            file_of(site, plan, second),
            format!(
                "{} would be written as `{b}`, which is also {}",
                what(site, plan, second),
                what(site, plan, first)
            ),
        )
        .with_help("rename the file so that each file of the site has its own name");
    }
    let message = match (a == b, first.is_content()) {
        // Only two names stored differently are published as one (files are published composed).
        (true, true) => format!(
            "this file and another one, `content/{a}`, would both be published as `{b}`: their names look the same, but store an accented letter in two different ways"
        ),
        (true, false) => format!(
            "this file would be published as `{b}`, where the build writes {}",
            what(site, plan, first)
        ),
        (false, true) => format!(
            "this file and `content/{a}` would be published as `{b}` and `{a}`: {}",
            why_one_name(a, b)
        ),
        (false, false) => format!(
            "this file would be published as `{b}`, and the build writes {} to `{a}`: {}",
            what(site, plan, first),
            why_one_name(a, b)
        ),
    };
    let help = match (a == b, first.is_content()) {
        (true, true) => "keep one of the two files, or give one of them another name".to_string(),
        (false, true) => "rename one of the two files".to_string(),
        _ => "rename or move the file: the build needs that name".to_string(),
    };
    Diagnostic::file(file_of(site, plan, second), message).with_help(help)
}

/// A file by the name of a folder that another file needs.
fn file_and_folder(site: &Site, plan: &Plan, file: &Claim, inside: &Claim) -> Diagnostic {
    // The folder as `inside` names it: as many names of its path as `file` has.
    let depth = file.path.split('/').count();
    let folder: String = inside
        .path
        .split('/')
        .take(depth)
        .collect::<Vec<_>>()
        .join("/");
    let same = folder == *file.path;
    let case = match same {
        true => String::new(),
        false => format!(" ({})", why_one_name(&folder, &file.path)),
    };
    if file.is_content() || !inside.is_content() {
        let needs = match inside.is_content() {
            true => format!("the file `content/{}`", inside.path),
            false => format!("{} (`{}`)", what(site, plan, inside), inside.path),
        };
        let named = match same {
            true => String::new(),
            false => format!(" `{folder}`"),
        };
        return Diagnostic::file(
            file_of(site, plan, file),
            format!(
                "this file would be published as `{}`, but that must be a folder{named}, which holds {needs}{case}",
                file.path
            ),
        )
        .with_help("rename or move the file: a file cannot have the name of a folder");
    }
    // The site's own folder is in the way of a file the build makes.
    Diagnostic::file(
        format!("content/{folder}"),
        format!(
            "this folder would be published as `{folder}/`, but the build writes {} to `{}`{case}",
            what(site, plan, file),
            file.path
        ),
    )
    .with_help("rename the folder (and the links to the files in it)")
}

/// A file whose name, or the name of a folder it is in, is longer than disks hold.
fn name_too_long(site: &Site, plan: &Plan, claim: &Claim) -> Diagnostic {
    let name = claim
        .path
        .split('/')
        .max_by_key(|n| n.len())
        .unwrap_or_default();
    let message = format!(
        "the build would write a file named `{name}` ({} bytes) for {}; most disks hold names of at most {NAME_MAX}",
        name.len(),
        what(site, plan, claim)
    );
    let guide = match claim.maker {
        Maker::Page(i) | Maker::Pdf(i) => plan.pages.get(i).and_then(|p| site.guides.get(p.guide?)),
        _ => None,
    };
    let help = match guide {
        // The guide's name is in the file's name once: shortening it shortens the file's.
        Some(g) if name.contains(&g.slug) => format!(
            "give the guide's folder a shorter name, of at most {} letters",
            g.slug.len().saturating_sub(name.len() - NAME_MAX)
        ),
        _ => "give the file a shorter name".to_string(),
    };
    Diagnostic::file(file_of(site, plan, claim), message).with_help(help)
}

#[cfg(test)]
mod tests {
    use super::folded;

    #[test]
    fn names_are_compared_as_disks_that_ignore_case_and_accent_storage_do() {
        assert_eq!(folded("guides/g/Checklist.html"), "guides/g/checklist.html");
        // `É` composed, and `E` with a combining accent: one name on a Mac.
        assert_eq!(
            folded("images/\u{c9}t\u{e9}.svg"),
            "images/\u{e9}t\u{e9}.svg"
        );
        assert_eq!(
            folded("images/E\u{301}te\u{301}.svg"),
            "images/\u{e9}t\u{e9}.svg"
        );
        assert_ne!(folded("images/ete.svg"), folded("images/\u{e9}t\u{e9}.svg"));
    }
}
