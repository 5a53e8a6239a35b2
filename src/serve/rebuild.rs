//! A rebuild after an edit: the site patched (`patch`), then only the files the changes reach
//! (`change::Redo`) rendered again, with the last plan and compiled templates kept while they
//! still hold.

use super::patch;
use crate::change::{Change, Redo};
use crate::content::assemble;
use crate::content::load::LoadedSite;
use crate::content::model::Site;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::plan::{PageKind, Plan, plan};
use crate::output::render::Renderer;
use crate::output::theme::Theme;
use crate::pipeline::OutputFiles;

/// What `serve` keeps between rebuilds: the assembled guides, the last plan and the compiled
/// templates.
#[derive(Default)]
pub(crate) struct RebuildCache {
    assembled: patch::Cache,
    plan: Option<Plan>,
    renderer: Option<Renderer>,
    /// A rebuild failed in a way the caches cannot account for: the next one makes everything.
    render_everything_next: bool,
}

impl RebuildCache {
    /// Whether the last plan makes the file at `path`: a file the site had before that it
    /// does not make now is gone.
    pub(crate) fn planned(&self, path: &str) -> bool {
        self.plan.as_ref().is_some_and(|plan| plan.contains(path))
    }
}

/// Rebuilds after `changes`: returns the files made again and what they cover.
pub(crate) fn rerender(
    loaded: &LoadedSite,
    base_url: Option<String>,
    cache: &mut RebuildCache,
    mut changes: Vec<Change>,
) -> Result<(OutputFiles, Redo), Diagnostics> {
    let options = assemble::Options {
        base_url,
        ..Default::default()
    };
    if cache.render_everything_next {
        changes.push(Change::SharedTemplate);
    }
    let (site, found) = match patch::assemble(loaded, &options, &mut cache.assembled, &changes) {
        Ok(assembled) => assembled,
        Err(problems) => {
            // Guides assembled meanwhile are remembered by the assembly cache; changed
            // templates are not.
            cache.render_everything_next |= changes
                .iter()
                .any(|c| matches!(c, Change::PageTemplate(_) | Change::SharedTemplate));
            return Err(problems);
        }
    };
    changes.extend(found);
    let redo = Redo::of(&changes);
    // The compiled templates hold while the theme and the site's settings do.
    let renderer = match cache.renderer.take() {
        Some(renderer) if !redo.templates => Ok(renderer),
        _ => Renderer::new(Theme::new(&loaded.templates), site, false),
    };
    let rendered = renderer.and_then(|renderer| {
        // The same guides in the same order with the same pages: the last plan still holds.
        let (plan, sitemap) = match cache.plan.take() {
            Some(plan) if !redo.plan && !redo.all => (plan, false),
            old => {
                let new = plan(site, renderer.theme())?;
                // The sitemap is made from the plan's pages (and which languages each guide
                // has, which they show): it changes when they do.
                let same = old.is_some_and(|old| same_pages(&old, &new));
                (new, !same)
            }
        };
        let files = render_redo(&renderer, site, &plan, &redo, sitemap)?;
        Ok((files, plan, renderer))
    });
    // A failed render leaves pages unmade that the next rebuild might not know to make.
    cache.render_everything_next = rendered.is_err();
    let (files, plan, renderer) = rendered.map_err(Diagnostics::from)?;
    cache.plan = Some(plan);
    cache.renderer = Some(renderer);
    Ok((files, redo))
}

fn same_pages(a: &Plan, b: &Plan) -> bool {
    fn key(p: &crate::output::plan::Page) -> (&str, PageKind, Option<usize>, usize) {
        (p.path.as_str(), p.kind, p.guide, p.lang)
    }
    a.pages.iter().map(key).eq(b.pages.iter().map(key))
}

/// The files `redo` names (`Redo::covers`).
fn render_redo(
    renderer: &Renderer,
    site: &Site,
    plan: &Plan,
    redo: &Redo,
    sitemap: bool,
) -> Result<OutputFiles, Vec<Diagnostic>> {
    if redo.all {
        return renderer.render_all(site, plan);
    }
    renderer.render_some(site, plan, redo.covers(site, plan, sitemap))
}
