//! Serve's incremental path: the assembly cache and the patching of the last good site. An edit
//! inside guide folders assembles only those guides again (and, when their steps,
//! translations or pictures came or went, the guides whose files name them) and swaps them
//! into the site, saying what each change turned out to be (`Change`); any other edit
//! assembles the whole site (`assemble::assemble_whole`).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::Arc;

use rayon::prelude::*;

use crate::change::{self, Change};
use crate::content::assemble::{
    self, Folder, Related, add_to_index, assemble_folder, related_of, related_problems,
    set_related, shown_as_related, sort_guides,
};
use crate::content::guide::{Env, StepFile};
use crate::content::links::SiteIndex;
use crate::content::load::LoadedSite;
use crate::content::model::{Guide, Site};
use crate::content::names;
use crate::content::placement::{self, GuideFiles, Place, Shape};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::paths::OutputPath;
use crate::output::render::Listing;

/// What one run leaves for the next.
#[derive(Default)]
pub(crate) struct Cache {
    folders: BTreeMap<String, Folder>,
    /// What links are checked against, kept up to date by patching.
    index: SiteIndex,
    /// The last site assembled without problems, and the guides assembled anew since it was
    /// handed out. `None` after a whole-site run failed: the next run assembles everything.
    last: Option<(Site, BTreeSet<String>)>,
}

/// Assembles the site after `changes`: only the guides they name when the last good site can
/// be patched, else every guide. Returns the site and what the changes turned out to be
/// (`Change::Whole` for a whole run).
pub(crate) fn assemble<'c>(
    loaded: &LoadedSite,
    options: &assemble::Options,
    cache: &'c mut Cache,
    changes: &[Change],
) -> Result<(&'c Site, Vec<Change>), Diagnostics> {
    let patched = match change::to_assemble(changes) {
        Some(guides) => patch(loaded, cache, &guides),
        None => None,
    };
    let found = match patched {
        Some(found) => found?,
        None => {
            let whole = assemble::assemble_whole(loaded, options);
            cache.folders = whole.folders;
            cache.index = whole.index;
            // A failed whole run leaves no site to patch: the next run is whole too.
            cache.last = None;
            cache.last = Some((whole.site?, BTreeSet::new()));
            vec![Change::Whole]
        }
    };
    let Some((site, _)) = &cache.last else {
        unreachable!("patching needs a site, and a whole-site run without problems leaves one")
    };
    Ok((site, found))
}

/// Assembles again the guides in `changed` (and those that may link to them, if their steps,
/// translations or pictures came or went) and patches the last good site with them. `None` when
/// that cannot be done and the whole site must be assembled.
fn patch(
    loaded: &LoadedSite,
    cache: &mut Cache,
    changed: &BTreeSet<String>,
) -> Option<Result<Vec<Change>, Diagnostics>> {
    let Cache {
        folders,
        index,
        last,
    } = cache;
    let (site, pending) = last.as_mut()?;
    // The theme's words change only with a whole run (`Change::ThemeWords`).
    let languages: Vec<String> = site.languages().map(str::to_string).collect();
    let (laid_out, reshaped) = lay_out_again(loaded, folders, index, changed, &languages)?;
    let env = Env {
        index,
        allow_html: site.config.allow_html,
        words: &site.words,
        main_language: &site.config.language,
        missing_translation: site.config.missing_translation,
        only: None,
    };
    let built: Vec<(String, Folder)> = laid_out
        .into_par_iter()
        .map(|(slug, files, steps, shape)| {
            let mut folder = assemble_folder(&slug, &files, &steps, shape, &env);
            if let Some(guide) = &folder.guide {
                folder
                    .problems
                    .extend(related_problems(guide, index, loaded));
            }
            (slug, folder)
        })
        .collect();
    for slug in reshaped {
        folders.remove(slug);
        pending.insert(slug.to_string());
    }
    for (slug, folder) in built {
        pending.insert(slug.clone());
        folders.insert(slug, folder);
    }
    // Only a whole-site run without problems leaves a site to patch, so the site's own files
    // had none; only the folders' problems, and files that could not be read, can remain.
    let problems: Vec<Diagnostic> = loaded
        .problems
        .iter()
        .chain(folders.values().flat_map(|f| &f.problems))
        .cloned()
        .collect();
    if !problems.is_empty() {
        return Some(Err(Diagnostics::from(problems)));
    }

    swap_in(site, pending, folders, index, loaded).map(Ok)
}

/// A guide folder read again: its slug, files, steps in order and shape.
type LaidOut<'a> = (String, GuideFiles<'a>, Vec<StepFile<'a>>, Shape);

/// Lays out again the folders `changed` names. Those whose shape changed, or that came or went
/// (returned second), update the link index, and every guide whose files name one of them is
/// laid out again too: a link or a `related` entry to a guide names its folder, which needs no
/// escaping. `None` when only a whole-site run can report what changed.
fn lay_out_again<'a>(
    loaded: &'a LoadedSite,
    folders: &BTreeMap<String, Folder>,
    index: &mut SiteIndex,
    changed: &'a BTreeSet<String>,
    languages: &[String],
) -> Option<(Vec<LaidOut<'a>>, Vec<&'a str>)> {
    let known = |lang: &str| languages[1..].iter().any(|l| l == lang);
    let files_of = |slug: &str| {
        let prefix = format!("{}/", names::guide_folder(slug));
        let mut files = GuideFiles::default();
        let mut any = false;
        for (path, bytes) in loaded
            .content
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .take_while(|(path, _)| path.starts_with(&prefix))
        {
            any = true;
            if let Place::Guide(_, part) = placement::place(path) {
                files.add(path, bytes, part, &known);
            }
        }
        for path in loaded
            .unread
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .take_while(|path| path.starts_with(&prefix))
        {
            any = true;
            if let Place::Guide(_, part) = placement::place(path) {
                files.add_unread(path, part);
            }
        }
        any.then_some(files)
    };
    let mut laid_out = Vec::new();
    // Folders whose shape changed, came or went: what links are checked against changes.
    let mut reshaped: Vec<&str> = Vec::new();
    for slug in changed {
        let old = folders.get(slug);
        let Some(mut files) = files_of(slug) else {
            if old.is_some() {
                reshaped.push(slug);
            }
            continue;
        };
        // A bad folder name, or files in a language the site does not have, are reported by
        // the whole run (the second once per language, site-wide).
        placement::folder_name_problem(slug)
            .is_none()
            .then_some(())?;
        let (steps, shape) = files.lay_out(slug);
        match old {
            Some(old) if old.shape == shape => {}
            Some(old) if old.shape.unknown != shape.unknown => return None,
            None if !shape.unknown.is_empty() => return None,
            _ => reshaped.push(slug),
        }
        laid_out.push((slug.clone(), files, steps, shape));
    }
    if !reshaped.is_empty() {
        for slug in &reshaped {
            if let Some(old) = folders.get(*slug) {
                remove_from_index(index, slug, &old.shape);
            }
        }
        for (slug, _, _, shape) in &laid_out {
            if reshaped.contains(&slug.as_str()) {
                add_to_index(index, slug, shape);
            }
        }
        // A guide that links to one of these, or lists it as related, names it in its files
        // (folder names need no escaping in a link): it is checked and made again too.
        let naming = names::guides_naming(&loaded.content, reshaped.iter().copied());
        let dependents: Vec<&String> = folders
            .keys()
            .filter(|slug| !changed.contains(*slug) && naming.contains(slug.as_str()))
            .collect();
        for slug in dependents {
            if let Some(mut files) = files_of(slug) {
                let (steps, shape) = files.lay_out(slug);
                laid_out.push((slug.clone(), files, steps, shape));
            }
        }
    }

    Some((laid_out, reshaped))
}

/// Puts the guides assembled since the site was handed out (`pending`) into it, with what
/// other pages show of them: related guides, untranslated steps, pictures, the order of the
/// index. Returns what each change turned out to be, found by comparing each guide before and
/// after; `None` if the site cannot be patched after all.
fn swap_in(
    site: &mut Site,
    pending: &mut BTreeSet<String>,
    folders: &mut BTreeMap<String, Folder>,
    index: &SiteIndex,
    loaded: &LoadedSite,
) -> Option<Vec<Change>> {
    let before: Vec<Arc<Guide>> = std::mem::take(&mut site.guides);
    let mut changes = Vec::new();
    let mut guides = Vec::with_capacity(before.len());
    let mut shown_before = BTreeSet::new();
    for shown in &before {
        if !pending.contains(&shown.slug) {
            guides.push(Arc::clone(shown));
            continue;
        }
        shown_before.insert(shown.slug.clone());
        match folders.get(&shown.slug) {
            Some(folder) => guides.push(folder.guide.clone()?),
            None => changes.push(Change::Removed(shown.slug.clone())),
        }
    }
    for slug in pending.iter().filter(|slug| !shown_before.contains(*slug)) {
        if let Some(new) = folders.get(slug).and_then(|f| f.guide.clone()) {
            changes.push(Change::Added(slug.clone()));
            guides.push(new);
        }
    }
    // A part of the search coming or going is a file the patch would not remove or add.
    if crate::output::plan::search_parts(before.len())
        != crate::output::plan::search_parts(guides.len())
    {
        site.guides = before;
        return None;
    }
    sort_guides(&mut guides);
    if !before
        .iter()
        .map(|g| &g.slug)
        .eq(guides.iter().map(|g| &g.slug))
    {
        changes.push(Change::Moved);
    }
    site.guides = guides;
    let old: BTreeMap<&str, &Arc<Guide>> = before
        .iter()
        .filter(|g| pending.contains(&g.slug))
        .map(|g| (g.slug.as_str(), g))
        .collect();

    // Guides whose related guides show differently: removed, or retitled in some language.
    let languages: Vec<&str> = site.languages().collect();
    let as_related = |g: &Guide| -> Vec<String> {
        let titles = languages
            .iter()
            .map(|l| shown_as_related(g, l).meta.title.clone());
        titles.collect()
    };
    let retitled: BTreeSet<&str> = old
        .iter()
        .filter(
            |(slug, g)| match folders.get(**slug).and_then(|f| f.guide.as_deref()) {
                Some(new) => as_related(g) != as_related(new),
                None => true,
            },
        )
        .map(|(slug, _)| *slug)
        .collect();
    // Guides assembled anew, and guides showing a retitled one among their related guides,
    // are linked to their related guides again.
    let relink: Vec<usize> = (0..site.guides.len())
        .filter(|&i| {
            let g = &site.guides[i];
            pending.contains(&g.slug)
                || g.meta.related.iter().any(|r| retitled.contains(r.as_str()))
        })
        .collect();
    let find = |s: &str| folders.get(s).and_then(|f| f.guide.as_deref());
    let related: Vec<Related> = relink
        .iter()
        .map(|&i| related_of(&site.guides[i], &find, index))
        .collect();
    // Guides relinked whose own files did not change, as they were before.
    let mut relinked: BTreeMap<String, Arc<Guide>> = BTreeMap::new();
    for (i, related) in relink.into_iter().zip(related) {
        let guide = &mut site.guides[i];
        if !pending.contains(&guide.slug) {
            relinked.insert(guide.slug.clone(), Arc::clone(guide));
        }
        set_related(guide, related);
        if let Some(folder) = folders.get_mut(&guide.slug) {
            folder.guide = Some(Arc::clone(guide));
        }
    }
    site.untranslated.retain(|u| !pending.contains(&u.guide));
    for slug in pending.iter() {
        let assets = match folders.get(slug) {
            Some(folder) => {
                site.untranslated
                    .extend(folder.untranslated.iter().cloned());
                folder.shape.assets.as_slice()
            }
            None => &[],
        };
        // The folder's pictures, in the sorted list of copied files, replaced by what is there
        // now. Copies are planned by their place in the list: if that moves, so do the pages.
        let prefix = OutputPath::guide_folder(slug);
        let start = site
            .files
            .partition_point(|(p, _)| p.as_str() < prefix.as_str());
        let end = start + site.files[start..].partition_point(|(p, _)| p.starts_with(&prefix));
        let now: Vec<(String, crate::content::load::Bytes)> = assets
            .iter()
            .filter_map(|path| {
                let bytes = loaded.content.get(path)?.clone();
                Some((OutputPath::content_file(path).into(), bytes))
            })
            .collect();
        if !site.files[start..end]
            .iter()
            .map(|(p, _)| p)
            .eq(now.iter().map(|(p, _)| p))
        {
            changes.push(Change::Reshaped(slug.clone()));
        }
        site.files.splice(start..end, now);
    }

    // What each guide kept turned out to be: the site's own pages are compared by the values
    // their templates are given about it.
    let listing = Listing::new(site);
    for new in &site.guides {
        let Some(old) = old
            .get(new.slug.as_str())
            .copied()
            .or_else(|| relinked.get(&new.slug))
        else {
            continue;
        };
        let slug = &new.slug;
        changes.push(Change::Pages(slug.clone()));
        if crate::change::pages_of(old) != crate::change::pages_of(new) {
            changes.push(Change::Reshaped(slug.clone()));
        }
        let (was, is) = (listing.of(old), listing.of(new));
        if was.card != is.card {
            changes.push(Change::Listed(slug.clone()));
        }
        if was.search != is.search {
            changes.push(Change::Searched(slug.clone()));
        }
    }
    pending.clear();
    Some(changes)
}

fn remove_from_index(index: &mut SiteIndex, slug: &str, shape: &Shape) {
    index.guides.remove(slug);
    for (path, _) in &shape.steps {
        index.step_files.remove(path);
    }
    for lang in &shape.translated {
        if let Some(guides) = index.translated.get_mut(lang) {
            guides.remove(slug);
        }
    }
    for path in &shape.assets {
        index.assets.remove(path);
    }
}
