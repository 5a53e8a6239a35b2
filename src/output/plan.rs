//! Deciding what to write: one entry per output file, each saying what it is made from and which
//! guide it belongs to. Page kinds live here, their paths in `paths`; nothing is rendered yet.

use crate::content::model::Site;
use crate::diagnostic::Diagnostic;
use crate::output::paths::{Lang, OutputPath, Printed};
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

    /// Every kind, for questions about all of them (the numbers inside are placeholders).
    const ALL: [PageKind; 11] = [
        PageKind::Index,
        PageKind::NotFound,
        PageKind::Overview,
        PageKind::Step(0),
        PageKind::Checklist,
        PageKind::Handout,
        PageKind::Log,
        PageKind::Sitemap,
        PageKind::Robots,
        PageKind::Manifest,
        PageKind::SearchIndex(0),
    ];

    /// Whether the theme file `name` is the template of one kind of page (rather than a base,
    /// a partial or an asset, which any page may use).
    pub fn is_page_template(name: &str) -> bool {
        PageKind::ALL.iter().any(|k| k.template() == name)
    }

    /// A page a person reads (and may print), as opposed to a file for machines.
    pub fn is_html(self) -> bool {
        !matches!(
            self,
            PageKind::Sitemap | PageKind::Robots | PageKind::Manifest | PageKind::SearchIndex(_)
        )
    }
}

/// Guides per part of the search index.
pub const SEARCH_PART: usize = 100;

/// How many parts the search index of `guides` guides has (at least one, maybe empty).
pub fn search_parts(guides: usize) -> usize {
    guides.div_ceil(SEARCH_PART).max(1)
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Output path, relative to the output folder.
    pub path: OutputPath,
    pub kind: PageKind,
    /// Index into `Site::guides` for guide pages.
    pub guide: Option<usize>,
    /// Index into `Site::languages()`: 0 is the main language, whose pages are at the top;
    /// a translation's pages are under `<language>/`.
    pub lang: usize,
}

/// Where the page of `kind` goes in language `lang` (an index into `Site::languages()`), for
/// guide `guide` when it is a guide's page; `None` when that guide has no such page in that
/// language.
pub fn page_path(
    site: &Site,
    kind: PageKind,
    guide: Option<usize>,
    lang: usize,
) -> Option<OutputPath> {
    let code = site.languages().nth(lang)?;
    let l = Lang::nth(lang, code);
    let slug = |g: usize| site.guides.get(g).map(|guide| guide.slug.as_str());
    Some(match (kind, guide) {
        (PageKind::Index, _) => OutputPath::index(l),
        (PageKind::NotFound, _) => OutputPath::not_found(),
        (PageKind::Sitemap, _) => OutputPath::sitemap(),
        (PageKind::Robots, _) => OutputPath::robots(),
        (PageKind::Manifest, _) => OutputPath::manifest(),
        (PageKind::SearchIndex(part), _) => OutputPath::search_part(l, part),
        (_, None) => return None,
        (PageKind::Overview, Some(g)) => OutputPath::overview(l, slug(g)?),
        (PageKind::Step(s), Some(g)) => {
            let step = &site.guide_in(g, code)?.steps.get(s)?.slug;
            OutputPath::step(l, slug(g)?, step)
        }
        (PageKind::Checklist, Some(g)) => OutputPath::checklist(l, slug(g)?),
        (PageKind::Handout, Some(g)) => OutputPath::handout(l, slug(g)?),
        (PageKind::Log, Some(g)) => OutputPath::log(l, slug(g)?),
    })
}

impl PageKind {
    /// The kind of PDF this page is printed to, if it is printed.
    pub fn printed(self) -> Option<Printed> {
        match self {
            PageKind::Handout => Some(Printed::Handout),
            PageKind::Checklist => Some(Printed::Checklist),
            PageKind::Log => Some(Printed::Log),
            _ => None,
        }
    }
}

/// A file copied as it is.
#[derive(Debug, Clone)]
pub enum Copy {
    /// Index into `Site::files`.
    Content(usize),
    /// A theme asset, by its name inside `templates/`.
    Theme(String),
}

#[derive(Debug, Clone)]
pub struct Copied {
    pub path: OutputPath,
    pub source: Copy,
    /// Index into `Site::guides` for a guide's own files (its pictures).
    pub guide: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub pages: Vec<Page>,
    pub copies: Vec<Copied>,
    /// Every output path, sorted: pages first (`i`), then copies (`pages.len() + i`).
    sorted: Vec<usize>,
}

impl Plan {
    fn path(&self, i: usize) -> &str {
        match self.pages.get(i) {
            Some(page) => &page.path,
            None => &self.copies[i - self.pages.len()].path,
        }
    }

    /// Whether the plan makes the file at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.sorted
            .binary_search_by(|&i| self.path(i).cmp(path))
            .is_ok()
    }

    /// Every printed page with the PDF it is printed to, in each language the guide has.
    pub fn pdfs(&self, site: &Site) -> Vec<(OutputPath, OutputPath)> {
        let languages: Vec<&str> = site.languages().collect();
        self.pages
            .iter()
            .filter_map(|page| {
                let kind = page.kind.printed()?;
                let slug = &site.guides.get(page.guide?)?.slug;
                let lang = Lang::nth(page.lang, languages.get(page.lang)?);
                Some((page.path.clone(), OutputPath::pdf(lang, slug, kind)))
            })
            .collect()
    }
}

pub fn plan(site: &Site, theme: &Theme) -> Result<Plan, Vec<Diagnostic>> {
    let mut plan = Plan::default();
    let mut add = |kind, guide, lang| {
        if let Some(path) = page_path(site, kind, guide, lang) {
            plan.pages.push(Page {
                path,
                kind,
                guide,
                lang,
            })
        }
    };
    // Files the whole site shares, in the main language only.
    add(PageKind::NotFound, None, 0);
    add(PageKind::Manifest, None, 0);
    if site.config.base_url.is_some() {
        add(PageKind::Sitemap, None, 0);
        add(PageKind::Robots, None, 0);
    }
    for (lang, code) in site.languages().enumerate() {
        add(PageKind::Index, None, lang);
        for part in 0..search_parts(site.guides.len()) {
            add(PageKind::SearchIndex(part), None, lang);
        }
        for g in 0..site.guides.len() {
            let Some(guide) = site.guide_in(g, code) else {
                continue;
            };
            add(PageKind::Overview, Some(g), lang);
            for s in 0..guide.steps.len() {
                add(PageKind::Step(s), Some(g), lang);
            }
            add(PageKind::Checklist, Some(g), lang);
            add(PageKind::Handout, Some(g), lang);
            add(PageKind::Log, Some(g), lang);
        }
    }
    for (name, _) in theme.assets() {
        plan.copies.push(Copied {
            path: OutputPath::theme_file(name),
            source: Copy::Theme(name.to_string()),
            guide: None,
        });
    }
    // The site's files are sorted by path: each guide's are those in its folder.
    let mut owner = vec![None; site.files.len()];
    for (g, guide) in site.guides.iter().enumerate() {
        let folder = OutputPath::guide_folder(&guide.slug);
        let start = site
            .files
            .partition_point(|(p, _)| p.as_str() < folder.as_str());
        let end = start + site.files[start..].partition_point(|(p, _)| p.starts_with(&folder));
        owner[start..end].fill(Some(g));
    }
    for (i, (path, _)) in site.files.iter().enumerate() {
        plan.copies.push(Copied {
            path: OutputPath::published(path),
            source: Copy::Content(i),
            guide: owner[i],
        });
    }

    // Every path in order: the plan's sorted index.
    let mut sorted: Vec<usize> = (0..plan.pages.len() + plan.copies.len()).collect();
    sorted.sort_by(|&a, &b| plan.path(a).cmp(plan.path(b)));
    plan.sorted = sorted;
    // Each file must fit beside the others on any disk, also those that `handout pdf` or a
    // `base_url` would add, so that `check` and every kind of build find the same problems.
    let problems = crate::output::clash::clashes(site, &plan);
    if problems.is_empty() {
        Ok(plan)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The minimal fixture with its second guide translated into Spanish, planned.
    fn planned() -> (Site, Plan) {
        let dir = tempfile::TempDir::new().unwrap();
        let fixture = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/minimal/content"
        );
        for entry in walkdir::WalkDir::new(fixture) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(fixture).unwrap();
            let to = dir.path().join("content").join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        let settings = dir.path().join("content/site.yaml");
        let text = std::fs::read_to_string(&settings).unwrap();
        std::fs::write(
            &settings,
            format!("{text}translations: [es]\nmissing_translation: fallback\n"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("content/guides/second-guide/guide.es.yaml"),
            "title: Segunda\nsummary: Corta.\ntime_needed: Un día\nintro: Por qué.\n",
        )
        .unwrap();
        let loaded = crate::content::load::load(dir.path()).unwrap();
        let site = crate::content::assemble::assemble(&loaded, &Default::default()).unwrap();
        let plan = plan(&site, &Theme::new(&loaded.templates)).unwrap();
        (site, plan)
    }

    #[test]
    fn each_printed_page_has_a_pdf_in_its_own_language() {
        let (site, plan) = planned();
        let pdfs: Vec<(String, String)> = plan
            .pdfs(&site)
            .into_iter()
            .map(|(page, pdf)| (page.into(), pdf.into()))
            .collect();
        let has = |page: &str, pdf: &str| pdfs.iter().any(|(a, b)| a == page && b == pdf);
        assert_eq!(pdfs.len(), 9, "{pdfs:#?}");
        // Two guides in English and one in Spanish, three PDFs each.
        assert!(has(
            "es/guides/second-guide/handout.html",
            "es/guides/second-guide/second-guide-handout-es.pdf"
        ));
        assert!(has(
            "guides/first-guide/log.html",
            "guides/first-guide/first-guide-log.pdf"
        ));
    }

    #[test]
    fn the_plan_knows_its_files_and_each_pictures_guide() {
        let (site, plan) = planned();
        assert!(plan.contains("es/guides/second-guide/only-step.html"));
        assert!(plan.contains("assets/style.css"));
        assert!(!plan.contains("es/guides/first-guide/index.html"));
        let toy = plan
            .copies
            .iter()
            .find(|c| c.path.as_str() == "guides/first-guide/images/toy.svg")
            .unwrap();
        assert_eq!(
            toy.guide.map(|g| site.guides[g].slug.as_str()),
            Some("first-guide")
        );
    }
}
