//! Deciding what to write: one entry per output file, each saying what it is made from. Page
//! kinds and paths live here; nothing is rendered yet.

use std::collections::BTreeMap;

use crate::content::links::page_path;
use crate::content::model::Site;
use crate::diagnostic::Diagnostic;
use crate::output::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Index,
    NotFound,
    Overview,
    Step(usize),
    Checklist,
    Handout,
    Log,
    /// `sitemap.xml`, when the site has a `base_url`.
    Sitemap,
    /// `robots.txt`, pointing at the sitemap.
    Robots,
    /// `manifest.webmanifest`, so the site can be added to a phone's home screen.
    Manifest,
    /// `search-index.js` (then `search-index-2.js`, ... for every hundred guides): guide and
    /// step text for the index page's search, as scripts so they load from disk too. Split so
    /// that an edit re-renders one part of a large library's search.
    SearchIndex(usize),
}

impl PageKind {
    pub fn template(self) -> &'static str {
        match self {
            PageKind::Index => "index.html",
            PageKind::NotFound => "404.html",
            PageKind::Overview => "guide.html",
            PageKind::Step(_) => "step.html",
            PageKind::Checklist => "checklist.html",
            PageKind::Handout => "handout.html",
            PageKind::Log => "log.html",
            PageKind::Sitemap => "sitemap.xml",
            PageKind::Robots => "robots.txt",
            PageKind::Manifest => "manifest.webmanifest",
            PageKind::SearchIndex(_) => "search-index.js",
        }
    }

    /// A page a person reads (and may print), as opposed to a file for machines.
    pub fn is_html(self) -> bool {
        !matches!(
            self,
            PageKind::Sitemap | PageKind::Robots | PageKind::Manifest | PageKind::SearchIndex(_)
        )
    }
}

/// Where a language's pages go: the main language (index 0) at the top, others in `<code>/`.
pub fn language_folder(index: usize, code: &str) -> String {
    if index == 0 {
        String::new()
    } else {
        format!("{code}/")
    }
}

/// Guides per part of the search index.
pub const SEARCH_PART: usize = 100;

/// How many parts the search index of `guides` guides has (at least one, maybe empty).
pub fn search_parts(guides: usize) -> usize {
    guides.div_ceil(SEARCH_PART).max(1)
}

/// The file name of a part of the search index, in its language's folder.
pub fn search_file(part: usize) -> String {
    match part {
        0 => "search-index.js".into(),
        n => format!("search-index-{}.js", n + 1),
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Output path, relative to the output folder, `/`-separated.
    pub path: String,
    pub kind: PageKind,
    /// Index into `Site::guides` for guide pages.
    pub guide: Option<usize>,
    /// Index into `Site::languages()`: 0 is the main language, whose pages are at the top;
    /// a translation's pages are under `<language>/`.
    pub lang: usize,
}

/// A file copied as it is.
#[derive(Debug, Clone)]
pub enum Copy {
    /// Index into `Site::files`.
    Content(usize),
    /// A theme asset, by its name inside `templates/`.
    Theme(String),
}

#[derive(Debug, Default)]
pub struct Plan {
    pub pages: Vec<Page>,
    pub copies: Vec<(String, Copy)>,
}

pub fn plan(site: &Site, theme: &Theme) -> Result<Plan, Vec<Diagnostic>> {
    let mut plan = Plan::default();
    // Files the whole site shares, in the main language only.
    let mut site_file = |path: &str, kind| {
        plan.pages.push(Page {
            path: path.into(),
            kind,
            guide: None,
            lang: 0,
        })
    };
    site_file("404.html", PageKind::NotFound);
    site_file("manifest.webmanifest", PageKind::Manifest);
    if site.config.base_url.is_some() {
        site_file("sitemap.xml", PageKind::Sitemap);
        site_file("robots.txt", PageKind::Robots);
    }
    for (lang, code) in site.languages().enumerate() {
        let prefix = language_folder(lang, code);
        let mut add = |path: String, kind, guide| {
            plan.pages.push(Page {
                path: format!("{prefix}{path}"),
                kind,
                guide,
                lang,
            })
        };
        add("index.html".into(), PageKind::Index, None);
        for part in 0..search_parts(site.guides.len()) {
            add(search_file(part), PageKind::SearchIndex(part), None);
        }
        for g in 0..site.guides.len() {
            let Some(guide) = site.guide_in(g, code) else {
                continue;
            };
            let dir = format!("guides/{}", guide.slug);
            add(page_path(&guide.slug, None), PageKind::Overview, Some(g));
            for (s, step) in guide.steps.iter().enumerate() {
                add(
                    page_path(&guide.slug, Some(&step.slug)),
                    PageKind::Step(s),
                    Some(g),
                );
            }
            add(
                format!("{dir}/checklist.html"),
                PageKind::Checklist,
                Some(g),
            );
            add(format!("{dir}/handout.html"), PageKind::Handout, Some(g));
            add(format!("{dir}/log.html"), PageKind::Log, Some(g));
        }
    }
    for (name, _) in theme.assets() {
        plan.copies
            .push((name.to_string(), Copy::Theme(name.to_string())));
    }
    for (i, (path, _)) in site.files.iter().enumerate() {
        plan.copies.push((path.clone(), Copy::Content(i)));
    }

    // A content file must not take the place of a page or a theme file.
    let mut taken: BTreeMap<&str, &str> = BTreeMap::new();
    let mut problems = Vec::new();
    for page in &plan.pages {
        taken.insert(&page.path, "a page the build makes");
    }
    for (path, copy) in &plan.copies {
        let what = match copy {
            Copy::Theme(_) => "a file of the theme",
            Copy::Content(_) => "another file",
        };
        if let Some(other) = taken.insert(path, what) {
            problems.push(
                Diagnostic::file(
                    format!("content/{path}"),
                    format!("this file would be published as `{path}`, which is {other}"),
                )
                .with_help("rename or move the file"),
            );
        }
    }
    if problems.is_empty() {
        Ok(plan)
    } else {
        Err(problems)
    }
}

/// The guide an output file belongs to: `guides/<slug>/...`, or `<lang>/guides/<slug>/...` in a
/// translation.
pub fn guide_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("guides/").or_else(|| {
        let (_, after) = path.split_once('/')?;
        after.strip_prefix("guides/")
    })?;
    Some(rest.split_once('/')?.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn output_files_belong_to_their_guide_in_every_language() {
        assert_eq!(super::guide_of("guides/leash/a.html"), Some("leash"));
        assert_eq!(super::guide_of("es/guides/leash/a.html"), Some("leash"));
        assert_eq!(super::guide_of("es/index.html"), None);
        assert_eq!(super::guide_of("assets/style.css"), None);
    }
}
