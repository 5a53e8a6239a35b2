//! The whole flow, in order: load → assemble (model) → plan → render → write. `build` runs all
//! of it, each page written as soon as it is rendered; `check` stops before writing; `serve`
//! keeps the result in memory.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::content::assemble::{self, Rebuilt, assemble};
use crate::content::config::Paper;
use crate::content::load::{LoadedSite, load};
use crate::content::model::{Site, Untranslated};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::plan::{PageKind, Plan, plan};
use crate::output::render::{Renderer, Sink};
use crate::output::theme::Theme;
use crate::output::write::Staging;

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

    fn assemble_options(&self) -> assemble::Options {
        assemble::Options {
            base_url: self.base_url.clone(),
            paper: self.paper,
        }
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
    pub untranslated: Vec<Untranslated>,
}

/// Files to write: (output path, bytes).
pub type OutputFiles = Vec<(String, Vec<u8>)>;

/// A built site, in memory.
pub struct Rendered {
    pub files: OutputFiles,
    pub guides: usize,
    pub pages: usize,
}

/// The stages after the model: the theme's templates compiled once, and the plan of pages.
fn prepare(site: &Site, loaded: &LoadedSite, pdfs: bool) -> Result<(Plan, Renderer), Diagnostics> {
    let theme = Theme::new(&loaded.templates);
    let plan = plan(site, &theme).map_err(Diagnostics::from)?;
    let renderer = Renderer::new(theme, site, pdfs).map_err(Diagnostics::from)?;
    Ok((plan, renderer))
}

/// The stages after loading, on a site already in memory, with every file kept in memory.
pub fn render_loaded(
    loaded: &LoadedSite,
    base_url: Option<String>,
) -> Result<Rendered, Diagnostics> {
    let options = assemble::Options {
        base_url,
        ..Default::default()
    };
    let site = assemble(loaded, &options)?;
    let (plan, renderer) = prepare(&site, loaded, false)?;
    let files = renderer
        .render_all(&site, &plan)
        .map_err(Diagnostics::from)?;
    Ok(Rendered {
        files,
        guides: site.guides.len(),
        pages: plan.pages.len(),
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
/// reused, and only these files are made again: the pages and pictures of guides assembled
/// anew, the index, search and sitemap when what they list of those guides changed, and the
/// pages of changed templates. Returns the files made and which guides they cover.
pub fn rerender(
    loaded: &LoadedSite,
    base_url: Option<String>,
    cache: &mut RebuildCache,
    changed: assemble::Changed,
    templates: Templates,
) -> Result<(OutputFiles, Rebuilt), Diagnostics> {
    let options = assemble::Options {
        base_url,
        ..Default::default()
    };
    let templates = match cache.render_everything_next {
        true => Templates::All,
        false => templates,
    };
    let (site, rebuilt) =
        match assemble::assemble_cached(loaded, &options, &mut cache.assembled, changed) {
            Ok(assembled) => assembled,
            Err(problems) => {
                // Guides assembled meanwhile are remembered by the assembly cache; changed
                // templates are not.
                cache.render_everything_next |= !matches!(templates, Templates::Unchanged);
                return Err(problems);
            }
        };
    let rebuilt = match templates {
        Templates::All => Rebuilt::All,
        _ => rebuilt,
    };
    // The same guides in the same order with the same pages: the last plan still holds.
    let same_pages = matches!(
        rebuilt,
        Rebuilt::Guides {
            lists: false,
            pages: false,
            ..
        }
    );
    // The compiled templates hold while the theme and the site's settings do: a patched site
    // keeps its settings.
    let same_theme = matches!(templates, Templates::Unchanged) && rebuilt != Rebuilt::All;
    let renderer = match cache.renderer.take() {
        Some(renderer) if same_theme => Ok(renderer),
        _ => Renderer::new(Theme::new(&loaded.templates), site, false),
    };
    let rendered = renderer.and_then(|renderer| {
        let plan = match cache.plan.take() {
            Some(plan) if same_pages => plan,
            _ => plan(site, renderer.theme())?,
        };
        let files = render_rebuilt(&renderer, site, &plan, &rebuilt, &templates)?;
        Ok((files, plan, renderer))
    });
    // A failed render leaves pages unmade that the next rebuild might not know to make.
    cache.render_everything_next = rendered.is_err();
    let (files, plan, renderer) = rendered.map_err(Diagnostics::from)?;
    cache.plan = Some(plan);
    cache.renderer = Some(renderer);
    Ok((files, rebuilt))
}

/// The files a rebuild makes again: see `rerender`.
fn render_rebuilt(
    renderer: &Renderer,
    site: &Site,
    plan: &Plan,
    rebuilt: &Rebuilt,
    templates: &Templates,
) -> Result<OutputFiles, Vec<Diagnostic>> {
    let Rebuilt::Guides {
        guides,
        lists,
        pages,
        moved,
    } = rebuilt
    else {
        return renderer.render_all(site, plan);
    };
    let rebuilt: Vec<bool> = site
        .guides
        .iter()
        .map(|g| guides.contains(&g.slug))
        .collect();
    // The parts of the search that hold a rebuilt guide, or all when guides changed places.
    let parts: BTreeSet<usize> = (0..site.guides.len())
        .filter(|&g| rebuilt[g] || *moved)
        .map(|g| g / crate::output::plan::SEARCH_PART)
        .collect();
    // Copied files to make again: the rebuilt guides' pictures. The site's own files and the
    // theme's change only with a whole rebuild.
    let pictures: BTreeSet<&str> = plan
        .copies
        .iter()
        .filter(|c| c.guide.is_some_and(|g| rebuilt[g]))
        .map(|c| c.path.as_str())
        .collect();
    renderer.render_some(site, plan, |path, page| {
        let Some(page) = page else {
            return pictures.contains(path);
        };
        let template_changed =
            matches!(templates, Templates::Pages(t) if t.contains(page.kind.template()));
        let guide_changed = match (page.guide, page.kind) {
            (Some(g), _) => rebuilt[g],
            // The index, the search and the sitemap list every guide, but only what they list
            // of these guides need change; the 404 page and the manifest use only the site's
            // settings.
            (None, PageKind::Index) => *lists,
            (None, PageKind::SearchIndex(part)) => parts.contains(&part),
            (None, PageKind::Sitemap) => *pages,
            (None, _) => false,
        };
        template_changed || guide_changed
    })
}

/// What `serve` keeps between rebuilds: the assembled guides, the last plan and the compiled
/// templates.
#[derive(Default)]
pub struct RebuildCache {
    assembled: assemble::Cache,
    plan: Option<Plan>,
    renderer: Option<Renderer>,
    /// A rebuild failed in a way the caches cannot account for: the next one makes everything.
    render_everything_next: bool,
}

impl RebuildCache {
    /// Whether the last plan makes the file at `path`: a file the site had before that it
    /// does not make now is gone.
    pub fn planned(&self, path: &str) -> bool {
        self.plan.as_ref().is_some_and(|plan| plan.contains(path))
    }
}

/// A site read and checked, ready to render: everything before the first page is made.
struct Ready {
    site: Site,
    plan: Plan,
    renderer: Renderer,
}

impl Ready {
    fn new(options: &BuildOptions) -> Result<Ready, Diagnostics> {
        let loaded = load(&options.root).map_err(|d| Diagnostics::from(vec![d]))?;
        let site = assemble(&loaded, &options.assemble_options())?;
        let (plan, renderer) = prepare(&site, &loaded, options.pdf)?;
        // `loaded` goes here: its bytes are in the model now and need not wait for the writing.
        Ok(Ready {
            site,
            plan,
            renderer,
        })
    }

    /// Renders every page, handing each file to `sink` as it is made; returns how many.
    fn render(self, progress: bool, sink: &Sink<'_>) -> Result<(Site, Plan, usize), Diagnostics> {
        let Ready {
            site,
            plan,
            renderer,
        } = self;
        let files = AtomicUsize::new(0);
        let bar = crate::progress::bar((plan.pages.len() + plan.copies.len()) as u64, progress);
        let rendered = renderer.with_progress(bar.clone()).render_into(
            &site,
            &plan,
            |_, _| true,
            &|path, bytes| {
                files.fetch_add(1, Ordering::Relaxed);
                sink(path, bytes)
            },
        );
        bar.finish_and_clear();
        rendered.map_err(Diagnostics::from)?;
        Ok((site, plan, files.into_inner()))
    }
}

pub fn build(options: &BuildOptions) -> Result<Summary, Diagnostics> {
    let start = Instant::now();
    let output = options.output_dir();
    let one = |d: Diagnostic| Diagnostics::from(vec![d]);
    // Refuse a wrong output folder before spending time on the build.
    crate::output::write::check_output(&options.root, &output).map_err(one)?;
    // Without a browser there can be no PDFs: say so before building anything.
    let chromium = match options.pdf {
        true => Some(crate::output::pdf::find_chromium().map_err(one)?),
        false => None,
    };
    let ready = Ready::new(options)?;
    // Made only once the site is known to be good, so a site with errors never touches the disk.
    let staging = Staging::begin(&options.root, &output).map_err(one)?;
    let (site, plan, files) =
        ready.render(options.progress, &|path, bytes| staging.write(path, &bytes))?;
    // Each guide's printed pages in every language it has, when PDFs are asked for.
    let pdfs = match chromium {
        Some(_) => plan.pdfs(&site),
        None => Vec::new(),
    };
    // PDFs are printed from the staged site, so they go live in the same step as the pages.
    let print = |staged: &Path| match &chromium {
        Some(chromium) => crate::output::pdf::print_all(chromium, staged, &pdfs),
        None => Ok(()),
    };
    staging.commit(&print).map_err(one)?;
    Ok(Summary {
        pdfs: pdfs.len(),
        guides: site.guides.len(),
        pages: plan.pages.len(),
        files,
        elapsed: start.elapsed(),
        untranslated: site.untranslated,
    })
}

pub fn check(options: &BuildOptions) -> Result<Summary, Diagnostics> {
    let start = Instant::now();
    let (site, plan, files) = Ready::new(options)?.render(options.progress, &|_, _| Ok(()))?;
    Ok(Summary {
        pdfs: 0,
        guides: site.guides.len(),
        pages: plan.pages.len(),
        files,
        elapsed: start.elapsed(),
        untranslated: site.untranslated,
    })
}
