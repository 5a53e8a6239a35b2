//! The whole flow, in order: load → assemble (model) → plan → render → write. `build` runs all
//! of it; `check` stops before writing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::assemble::{self, Rebuilt, assemble};
use crate::diagnostic::Diagnostics;
use crate::load::{LoadedSite, load};
use crate::output::write_site;
use crate::plan::plan;
use crate::render::Renderer;
use crate::theme::Theme;

pub struct BuildOptions {
    /// The site's folder: the one holding `content/`.
    pub root: PathBuf,
    /// Where to write; `<root>/public` when not given.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` in site.yaml.
    pub base_url: Option<String>,
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
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
}

/// Files to write: (output path, bytes).
pub type OutputFiles = Vec<(String, Vec<u8>)>;

/// A built site, in memory.
pub struct Rendered {
    pub files: Vec<(String, Vec<u8>)>,
    pub guides: usize,
    pub pages: usize,
}

/// Everything but writing: the files a build would write, or every problem found.
pub fn render_site(root: &Path, base_url: Option<String>) -> Result<Rendered, Diagnostics> {
    let loaded = load(root).map_err(|d| Diagnostics::from(vec![d]))?;
    render_loaded(&loaded, base_url)
}

/// The stages after loading, on a site already in memory.
pub fn render_loaded(
    loaded: &LoadedSite,
    base_url: Option<String>,
) -> Result<Rendered, Diagnostics> {
    let site = assemble(loaded, &assemble::Options { base_url })?;
    let theme = Theme::new(&loaded.templates);
    let plan = plan(&site, &theme).map_err(Diagnostics::from)?;
    let renderer = Renderer::new(&theme, &site).map_err(Diagnostics::from)?;
    let files = renderer
        .render_all(&site, &plan)
        .map_err(Diagnostics::from)?;
    Ok(Rendered {
        files,
        guides: site.guides.len(),
        pages: plan.pages.len(),
    })
}

/// A rebuild after an edit, for `serve`: guides in `cache` that `changed` does not name are
/// reused, and only the pages of guides assembled anew are rendered (with the site-wide pages
/// and copied files), unless `render_everything` (a template changed) or the edit reaches every
/// guide. Returns the files rendered and which guides they cover.
pub fn rerender(
    loaded: &LoadedSite,
    base_url: Option<String>,
    cache: &mut assemble::Cache,
    changed: assemble::Changed,
    render_everything: bool,
) -> Result<(OutputFiles, Rebuilt), Diagnostics> {
    let (site, rebuilt) =
        assemble::assemble_cached(loaded, &assemble::Options { base_url }, cache, changed)?;
    let theme = Theme::new(&loaded.templates);
    let plan = plan(&site, &theme).map_err(Diagnostics::from)?;
    let renderer = Renderer::new(&theme, &site).map_err(Diagnostics::from)?;
    let rebuilt = if render_everything {
        Rebuilt::All
    } else {
        rebuilt
    };
    let files = match &rebuilt {
        Rebuilt::All => renderer.render_all(&site, &plan),
        Rebuilt::Guides(set) => renderer.render_some(&site, &plan, |slug| set.contains(slug)),
    }
    .map_err(Diagnostics::from)?;
    Ok((files, rebuilt))
}

pub fn build(options: &BuildOptions) -> Result<Summary, Diagnostics> {
    let start = Instant::now();
    let output = options.output_dir();
    // Refuse a wrong output folder before spending time on the build.
    crate::output::check_output(&options.root, &output).map_err(|d| Diagnostics::from(vec![d]))?;
    let rendered = render_site(&options.root, options.base_url.clone())?;
    write_site(&options.root, &output, &rendered.files).map_err(|d| Diagnostics::from(vec![d]))?;
    Ok(Summary {
        guides: rendered.guides,
        pages: rendered.pages,
        files: rendered.files.len(),
        elapsed: start.elapsed(),
    })
}

pub fn check(options: &BuildOptions) -> Result<Summary, Diagnostics> {
    let start = Instant::now();
    let rendered = render_site(&options.root, options.base_url.clone())?;
    Ok(Summary {
        guides: rendered.guides,
        pages: rendered.pages,
        files: rendered.files.len(),
        elapsed: start.elapsed(),
    })
}
