//! The whole flow, in order: load → assemble (model) → plan → render → write. `build` runs all
//! of it; `check` stops before writing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::assemble::{self, assemble};
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
