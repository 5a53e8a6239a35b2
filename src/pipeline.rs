//! The whole flow, in order: load → assemble (model) → plan → render → write. `build` runs all
//! of it; `check` stops before writing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::assemble::{self, Rebuilt, assemble};
use crate::config::Paper;
use crate::diagnostic::Diagnostics;
use crate::load::{LoadedSite, load};
use crate::output::write_site;
use crate::plan::{PageKind, plan};
use crate::render::Renderer;
use crate::theme::Theme;

pub struct BuildOptions {
    /// The site's folder: the one holding `content/`.
    pub root: PathBuf,
    /// Where to write; `<root>/public` when not given.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` in site.yaml.
    pub base_url: Option<String>,
    /// Overrides `paper` in site.yaml.
    pub paper: Option<Paper>,
    /// Also print each guide's handout, checklist and log to PDF.
    pub pdf: bool,
    /// Show a progress bar on a terminal when the build takes a while.
    pub progress: bool,
}

impl BuildOptions {
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a successful run made.
#[derive(Debug)]
pub struct Summary {
    pub guides: usize,
    /// PDFs printed (`--pdf`).
    pub pdfs: usize,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    /// Steps shown untranslated on translated guides.
    pub untranslated: Vec<crate::model::Untranslated>,
}

/// Files to write: (output path, bytes).
pub type OutputFiles = Vec<(String, Vec<u8>)>;

/// A built site, in memory.
pub struct Rendered {
    pub files: Vec<(String, Vec<u8>)>,
    /// Counts the work still to come (writing); cleared when the build ends.
    pub progress: indicatif::ProgressBar,
    pub guides: usize,
    pub pages: usize,
    pub untranslated: Vec<crate::model::Untranslated>,
}

/// Everything but writing: the files a build would write, or every problem found.
pub fn render_site(options: &BuildOptions) -> Result<Rendered, Diagnostics> {
    let loaded = load(&options.root).map_err(|d| Diagnostics::from(vec![d]))?;
    let assemble_options = assemble::Options {
        base_url: options.base_url.clone(),
        paper: options.paper,
    };
    render_with(&loaded, &assemble_options, options.pdf, options.progress)
}

/// The stages after loading, on a site already in memory.
pub fn render_loaded(
    loaded: &LoadedSite,
    base_url: Option<String>,
) -> Result<Rendered, Diagnostics> {
    let options = assemble::Options {
        base_url,
        ..Default::default()
    };
    render_with(loaded, &options, false, false)
}

fn render_with(
    loaded: &LoadedSite,
    options: &assemble::Options,
    pdfs: bool,
    progress: bool,
) -> Result<Rendered, Diagnostics> {
    let site = assemble(loaded, options)?;
    let theme = Theme::new(&loaded.templates);
    let plan = plan(&site, &theme).map_err(Diagnostics::from)?;
    // One bar for rendering the pages and then writing every file.
    let work = (plan.pages.len() * 2 + plan.copies.len()) as u64;
    let bar = crate::progress::bar(work, progress);
    let renderer = Renderer::new(&theme, &site, pdfs)
        .map_err(Diagnostics::from)?
        .with_progress(bar.clone());
    let files = renderer.render_all(&site, &plan);
    if files.is_err() {
        bar.finish_and_clear();
    }
    let files = files.map_err(Diagnostics::from)?;
    Ok(Rendered {
        files,
        progress: bar,
        guides: site.guides.len(),
        pages: plan.pages.len(),
        untranslated: site.untranslated.clone(),
    })
}

/// What a rebuild after an edit must render again, besides the guides assembled anew.
pub enum Templates<'a> {
    /// Nothing about the theme changed.
    Unchanged,
    /// These page templates changed: their pages are rendered again.
    Pages(&'a BTreeSet<String>),
    /// A template every page uses (or the site's settings) changed: render everything.
    All,
}

/// A rebuild after an edit, for `serve`: guides in `cache` that `changed` does not name are
/// reused, and only these pages are rendered again (with every copied file): the pages of guides
/// assembled anew, the index when any guide changed, and the pages of changed templates.
/// Returns the files rendered and which guides they cover.
pub fn rerender(
    loaded: &LoadedSite,
    base_url: Option<String>,
    cache: &mut assemble::Cache,
    changed: assemble::Changed,
    templates: Templates,
) -> Result<(OutputFiles, Rebuilt), Diagnostics> {
    let options = assemble::Options {
        base_url,
        ..Default::default()
    };
    let (site, rebuilt) = assemble::assemble_cached(loaded, &options, cache, changed)?;
    let theme = Theme::new(&loaded.templates);
    let plan = plan(&site, &theme).map_err(Diagnostics::from)?;
    let renderer = Renderer::new(&theme, &site, false).map_err(Diagnostics::from)?;
    let rebuilt = match templates {
        Templates::All => Rebuilt::All,
        _ => rebuilt,
    };
    let files = match (&rebuilt, &templates) {
        (Rebuilt::All, _) => renderer.render_all(&site, &plan),
        (Rebuilt::Guides(set), templates) => renderer.render_some(&site, &plan, |page, slug| {
            let template_changed =
                matches!(templates, Templates::Pages(t) if t.contains(page.kind.template()));
            let guide_changed = match slug {
                Some(slug) => set.contains(slug),
                // The index, its search and the sitemap list every guide; the 404 page and
                // the manifest use only the site's settings.
                None => {
                    !set.is_empty()
                        && matches!(
                            page.kind,
                            PageKind::Index | PageKind::SearchIndex | PageKind::Sitemap
                        )
                }
            };
            template_changed || guide_changed
        }),
    }
    .map_err(Diagnostics::from)?;
    Ok((files, rebuilt))
}

pub fn build(options: &BuildOptions) -> Result<Summary, Diagnostics> {
    let start = Instant::now();
    let output = options.output_dir();
    // Refuse a wrong output folder before spending time on the build.
    crate::output::check_output(&options.root, &output).map_err(|d| Diagnostics::from(vec![d]))?;
    // Without a browser there can be no PDFs: say so before building anything.
    let chromium = match options.pdf {
        true => Some(crate::pdf::find_chromium().map_err(|d| Diagnostics::from(vec![d]))?),
        false => None,
    };
    let rendered = render_site(options)?;
    let pages: Vec<String> = rendered.files.iter().map(|(p, _)| p.clone()).collect();
    // PDFs are printed from the staged site, so they go live in the same step as the pages.
    let print = |staging: &Path| match &chromium {
        Some(chromium) => crate::pdf::print_all(chromium, staging, &pages),
        None => Ok(()),
    };
    let written = write_site(
        &options.root,
        &output,
        &rendered.files,
        &print,
        &rendered.progress,
    );
    rendered.progress.finish_and_clear();
    written.map_err(|d| Diagnostics::from(vec![d]))?;
    Ok(Summary {
        pdfs: if options.pdf {
            pages
                .iter()
                .filter(|p| crate::pdf::pdf_for(p).is_some())
                .count()
        } else {
            0
        },
        guides: rendered.guides,
        pages: rendered.pages,
        files: rendered.files.len(),
        elapsed: start.elapsed(),
        untranslated: rendered.untranslated,
    })
}

pub fn check(options: &BuildOptions) -> Result<Summary, Diagnostics> {
    let start = Instant::now();
    let rendered = render_site(options)?;
    rendered.progress.finish_and_clear();
    Ok(Summary {
        pdfs: 0,
        guides: rendered.guides,
        pages: rendered.pages,
        files: rendered.files.len(),
        elapsed: start.elapsed(),
        untranslated: rendered.untranslated,
    })
}
