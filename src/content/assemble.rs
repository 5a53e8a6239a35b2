//! From loaded files to the validated site model: YAML parsed, step files ordered by their
//! `NN-` prefix, markdown rendered and every link checked. All problems are collected.
//!
//! For `serve`, a `Cache` keeps each guide folder's result, the link index and the last good
//! site: an edit inside guide folders assembles only those guides again (and, when their steps,
//! translations or pictures came or went, the guides whose files name them) and patches the
//! site with them; an edit elsewhere assembles the whole site.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::config::{MissingTranslation, SiteConfig, SiteTranslation, normalise_base_url};
use crate::content::guide::{Env, StepFile, build_guide, translate_guide};
use crate::content::i18n::Strings;
use crate::content::links::SiteIndex;
use crate::content::load::LoadedSite;
use crate::content::markdown::Unresolved;
use crate::content::model::{Guide, RelatedGuide, Site, Untranslated};
use crate::content::names;
use crate::content::placement::{self, GuideFiles, Place, Shape};
use crate::content::yaml;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::paths::OutputPath;

#[derive(Default)]
pub struct Options {
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Overrides `paper` from site.yaml.
    pub paper: Option<crate::content::config::Paper>,
}

/// What one run leaves for the next, for `serve`.
#[derive(Default)]
pub struct Cache {
    folders: BTreeMap<String, Folder>,
    /// What links are checked against, kept up to date by patching.
    index: SiteIndex,
    /// The last site assembled without problems, and the guides assembled anew since it was
    /// handed out. `None` after a whole-site run failed: the next run assembles everything.
    last: Option<(Site, BTreeSet<String>)>,
}

/// One guide folder as the last run left it.
#[derive(Default)]
struct Folder {
    shape: Shape,
    /// The guide, if it could be made (with its translations).
    guide: Option<Arc<Guide>>,
    /// Its steps shown untranslated.
    untranslated: Vec<Untranslated>,
    /// Every problem with its files: names, contents, links, `related`.
    problems: Vec<Diagnostic>,
}

/// Which guides' files changed since the cache was filled.
pub enum Changed<'a> {
    All,
    Guides(&'a BTreeSet<String>),
}

/// Which guides a run assembled anew, so only their pages need rendering again.
#[derive(Debug, PartialEq, Eq)]
pub enum Rebuilt {
    All,
    Guides {
        /// Guides whose pages change: those assembled anew, and those showing a changed title
        /// among their related guides.
        guides: BTreeSet<String>,
        /// What the index lists of them changed (title, summary, time, number of steps, ...).
        lists: bool,
        /// Pages of theirs came or went (a step added, removed or renamed).
        pages: bool,
        /// The order of the guides changed: every part of the search moves.
        moved: bool,
    },
}

/// What the index shows of a guide in each of its languages, and which pages it has.
type Outline<'a> = (
    Vec<[&'a str; 5]>,
    Vec<(usize, Option<i64>)>,
    Vec<Vec<&'a str>>,
);

fn outline(g: &Guide) -> Outline<'_> {
    let all = || std::iter::once(g).chain(g.translations.values().map(|t| t.as_ref()));
    fn card(g: &Guide) -> [&str; 5] {
        [
            g.lang.as_str(),
            g.meta.title.as_str(),
            g.meta.summary.as_str(),
            g.meta.time_needed.as_str(),
            g.meta.topic.as_deref().unwrap_or(""),
        ]
    }
    (
        all().map(card).collect(),
        // The number of steps, and the place on the index.
        all().map(|g| (g.steps.len(), g.meta.order)).collect(),
        all()
            .map(|g| g.steps.iter().map(|s| s.slug.as_str()).collect())
            .collect(),
    )
}

pub fn assemble(loaded: &LoadedSite, options: &Options) -> Result<Site, Diagnostics> {
    assemble_all(loaded, options, &mut Cache::default())
}

/// `assemble`, for a site that `cache` holds an earlier result of: only the guides `changed`
/// names are assembled again when their folders keep their shape.
pub fn assemble_cached<'c>(
    loaded: &LoadedSite,
    options: &Options,
    cache: &'c mut Cache,
    changed: Changed,
) -> Result<(&'c Site, Rebuilt), Diagnostics> {
    let patched = match changed {
        Changed::Guides(guides) => patch(loaded, cache, guides),
        Changed::All => None,
    };
    let rebuilt = match patched {
        Some(patched) => patched?,
        None => {
            let site = assemble_all(loaded, options, cache).inspect_err(|_| cache.last = None)?;
            cache.last = Some((site, BTreeSet::new()));
            Rebuilt::All
        }
    };
    let Some((site, _)) = &cache.last else {
        unreachable!("patching needs a site, and a whole-site run without problems leaves one")
    };
    Ok((site, rebuilt))
}

/// Assembles every guide, leaving each folder's result and the link index in `cache`.
fn assemble_all(
    loaded: &LoadedSite,
    options: &Options,
    cache: &mut Cache,
) -> Result<Site, Diagnostics> {
    // Problems that belong to no guide folder.
    let mut problems: Vec<Diagnostic> = loaded.problems.clone();
    let config = site_config(loaded, options, &mut problems);
    let main_language = config
        .as_ref()
        .map_or_else(|| "en".to_string(), |c| c.language.clone());
    let languages: Vec<String> = std::iter::once(main_language.clone())
        .chain(config.iter().flat_map(|c| c.translations.iter().cloned()))
        .collect();
    let known = |lang: &str| languages[1..].iter().any(|l| l == lang);

    let mut guide_files: BTreeMap<&str, GuideFiles> = BTreeMap::new();
    let mut site_translations: BTreeMap<&str, (&str, &[u8])> = BTreeMap::new();
    let mut unknown: Vec<(&str, &str)> = Vec::new();
    let mut index = SiteIndex::default();
    for (path, bytes) in &loaded.content {
        match placement::place(path) {
            Place::SiteYaml => {}
            Place::SiteTranslation(lang) if known(lang) => {
                site_translations.insert(lang, (path, bytes));
            }
            Place::SiteTranslation(lang) => unknown.push((path, lang)),
            Place::Guide(slug, part) => {
                guide_files
                    .entry(slug)
                    .or_default()
                    .add(path, bytes, part, &known);
            }
            Place::Other => {
                placement::check_stray(path, placement::extension(path), &mut problems);
                index.assets.insert(path.clone());
            }
        }
    }

    // Step order and slugs first, so links between guides can be checked while rendering.
    let mut folders: BTreeMap<String, Folder> = BTreeMap::new();
    let mut laid_out = Vec::new();
    for (slug, mut files) in guide_files {
        unknown.extend(files.unknown.iter().copied());
        if let Some(problem) = placement::folder_name_problem(slug) {
            let folder = Folder {
                problems: vec![problem],
                ..Folder::default()
            };
            folders.insert(slug.to_string(), folder);
            continue;
        }
        let (steps, shape) = files.lay_out(slug);
        // The guide counts as existing for links even if its guide.yaml is broken or missing,
        // so one mistake gives one message rather than one per link to it.
        add_to_index(&mut index, slug, &shape);
        laid_out.push((slug, files, steps, shape));
    }
    if config.is_some() {
        unknown.sort();
        report_unknown_languages(&unknown, &main_language, &mut problems);
    }

    let words = theme_words(loaded, &languages, &mut problems);
    index.main_language = main_language.clone();
    index.words = words.clone();
    let env = Env {
        index: &index,
        allow_html: config.as_ref().is_some_and(|c| c.allow_html),
        words: &words,
        main_language: &main_language,
        missing_translation: config
            .as_ref()
            .map_or(MissingTranslation::default(), |c| c.missing_translation),
    };
    let built: Vec<(&str, Folder)> = laid_out
        .into_par_iter()
        .map(|(slug, files, steps, shape)| {
            (slug, assemble_folder(slug, files, &steps, shape, &env))
        })
        .collect();
    folders.extend(built.into_iter().map(|(slug, f)| (slug.to_string(), f)));

    // Related guides, once every guide is made.
    let related: Vec<(String, Related, Vec<Diagnostic>)> = folders
        .iter()
        .filter_map(|(slug, folder)| {
            let guide = folder.guide.as_deref()?;
            let find = |s: &str| folders.get(s).and_then(|f| f.guide.as_deref());
            let problems = related_problems(guide, &index, loaded);
            Some((slug.clone(), related_of(guide, &find, &index), problems))
        })
        .collect();
    for (slug, related, related_problems) in related {
        if let Some(folder) = folders.get_mut(&slug) {
            if let Some(guide) = &mut folder.guide {
                set_related(guide, related);
            }
            folder.problems.extend(related_problems);
        }
    }

    let logo = config
        .as_ref()
        .and_then(|c| logo(loaded, c, &index, &mut problems));
    let translated_config: BTreeMap<String, SiteTranslation> = site_translations
        .iter()
        .filter_map(|(lang, (path, bytes))| {
            Some((
                (*lang).to_string(),
                site_translation(path, bytes, &mut problems)?,
            ))
        })
        .collect();
    problems.extend(folders.values().flat_map(|f| f.problems.iter().cloned()));
    let mut guides: Vec<Arc<Guide>> = folders.values().filter_map(|f| f.guide.clone()).collect();
    sort_guides(&mut guides);
    let untranslated = folders
        .values()
        .flat_map(|f| f.untranslated.iter().cloned())
        .collect();
    let files = index
        .assets
        .iter()
        .map(|p| {
            (
                OutputPath::content_file(p).into(),
                loaded.content[p].clone(),
            )
        })
        .collect();
    cache.folders = folders;
    cache.index = index;
    match config {
        Some(config) if problems.is_empty() => Ok(Site {
            config,
            guides,
            files,
            logo,
            words,
            translated_config,
            untranslated,
        }),
        _ => Err(Diagnostics::from(problems)),
    }
}

/// Assembles again the guides in `changed` (and those that may link to them, if their steps,
/// translations or pictures came or went) and patches the last good site with them. `None` when
/// that cannot be done and the whole site must be assembled.
fn patch(
    loaded: &LoadedSite,
    cache: &mut Cache,
    changed: &BTreeSet<String>,
) -> Option<Result<Rebuilt, Diagnostics>> {
    let Cache {
        folders,
        index,
        last,
    } = cache;
    let (site, pending) = last.as_mut()?;
    // The words come from the theme, whose edits do not name guides: read them every time.
    let languages: Vec<String> = site.languages().map(str::to_string).collect();
    let mut word_problems = Vec::new();
    let words = theme_words(loaded, &languages, &mut word_problems);
    if !word_problems.is_empty() || words != site.words {
        return None;
    }
    let (laid_out, reshaped) = lay_out_again(loaded, folders, index, changed, &languages)?;
    let env = Env {
        index,
        allow_html: site.config.allow_html,
        words: &site.words,
        main_language: &site.config.language,
        missing_translation: site.config.missing_translation,
    };
    let built: Vec<(String, Folder)> = laid_out
        .into_par_iter()
        .map(|(slug, files, steps, shape)| {
            let mut folder = assemble_folder(&slug, files, &steps, shape, &env);
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
        let prefix = format!("content/guides/{slug}/");
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
        let names: Vec<memchr::memmem::Finder> = reshaped
            .iter()
            .map(|slug| memchr::memmem::Finder::new(slug.as_bytes()))
            .collect();
        let dependents: Vec<&String> = folders
            .par_iter()
            .map(|(slug, _)| slug)
            .filter(|slug| !changed.contains(*slug))
            .filter(|slug| {
                let prefix = format!("content/guides/{slug}/");
                loaded
                    .content
                    .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                    .take_while(|(path, _)| path.starts_with(&prefix))
                    .any(|(_, bytes)| names.iter().any(|name| name.find(bytes).is_some()))
            })
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
/// index. `None` if the site cannot be patched after all.
fn swap_in(
    site: &mut Site,
    pending: &mut BTreeSet<String>,
    folders: &mut BTreeMap<String, Folder>,
    index: &SiteIndex,
    loaded: &LoadedSite,
) -> Option<Rebuilt> {
    // Swap in the guides assembled since the site was handed out, noting what others see of
    // them; add the new ones and drop those whose folders went.
    let (mut lists, mut pages) = (false, false);
    let mut retitled = BTreeSet::new();
    let count = site.guides.len();
    let mut shown_before = BTreeSet::new();
    let mut removed = Vec::new();
    let mut guides = Vec::with_capacity(count);
    for shown in std::mem::take(&mut site.guides) {
        if !pending.contains(&shown.slug) {
            guides.push(shown);
            continue;
        }
        shown_before.insert(shown.slug.clone());
        let Some(folder) = folders.get(&shown.slug) else {
            (lists, pages) = (true, true);
            retitled.insert(shown.slug.clone());
            removed.push(shown.slug.clone());
            continue;
        };
        let new = folder.guide.clone()?;
        let ((c1, n1, p1), (c2, n2, p2)) = (outline(&shown), outline(&new));
        // Titles (each card's second field) also show on other guides' pages.
        if !c1.iter().map(|c| c[1]).eq(c2.iter().map(|c| c[1])) {
            retitled.insert(new.slug.clone());
        }
        lists |= c1 != c2 || n1 != n2;
        pages |= p1 != p2;
        guides.push(new);
    }
    for slug in pending.iter().filter(|slug| !shown_before.contains(*slug)) {
        if let Some(new) = folders.get(slug).and_then(|f| f.guide.clone()) {
            (lists, pages) = (true, true);
            guides.push(new);
        }
    }
    site.guides = guides;
    // A part of the search coming or going is a file the patch would not remove or add.
    if crate::output::plan::search_parts(count)
        != crate::output::plan::search_parts(site.guides.len())
    {
        return None;
    }
    // Guides assembled anew, and guides showing a retitled one among their related guides,
    // are linked to their related guides again.
    let relink: Vec<usize> = (0..site.guides.len())
        .filter(|&i| {
            let g = &site.guides[i];
            pending.contains(&g.slug) || g.meta.related.iter().any(|r| retitled.contains(r))
        })
        .collect();
    let find = |s: &str| folders.get(s).and_then(|f| f.guide.as_deref());
    let related: Vec<Related> = relink
        .iter()
        .map(|&i| related_of(&site.guides[i], &find, index))
        .collect();
    // A removed guide counts as rebuilt, with no pages: its old ones go.
    let mut rebuilt: BTreeSet<String> = removed.into_iter().collect();
    for (i, related) in relink.into_iter().zip(related) {
        let guide = &mut site.guides[i];
        set_related(guide, related);
        rebuilt.insert(guide.slug.clone());
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
        let now: Vec<(String, Vec<u8>)> = assets
            .iter()
            .filter_map(|path| {
                let bytes = loaded.content.get(path)?.clone();
                Some((OutputPath::content_file(path).into(), bytes))
            })
            .collect();
        pages |= !site.files[start..end]
            .iter()
            .map(|(p, _)| p)
            .eq(now.iter().map(|(p, _)| p));
        site.files.splice(start..end, now);
    }
    let mut moved = site.guides.len() != count;
    if lists {
        let before: Vec<Arc<Guide>> = site.guides.clone();
        sort_guides(&mut site.guides);
        moved |= !before
            .iter()
            .zip(&site.guides)
            .all(|(a, b)| a.slug == b.slug);
    }
    pending.clear();
    Some(Rebuilt::Guides {
        guides: rebuilt,
        lists,
        pages,
        moved,
    })
}

/// Builds one guide folder's guide in every language it has.
fn assemble_folder(
    slug: &str,
    files: GuideFiles,
    steps: &[StepFile],
    shape: Shape,
    env: &Env,
) -> Folder {
    let mut problems = files.problems.clone();
    let mut untranslated = Vec::new();
    let guide = files.yaml.and_then(|yaml| {
        let mut guide = build_guide(slug, yaml, steps, env, &mut problems)?;
        for (lang, translation) in &files.translations {
            let translated = translate_guide(
                &guide,
                steps,
                lang,
                translation,
                env,
                &mut untranslated,
                &mut problems,
            );
            if let Some(t) = translated {
                guide.translations.insert((*lang).to_string(), Arc::new(t));
            }
        }
        Some(Arc::new(guide))
    });
    Folder {
        shape,
        guide,
        untranslated,
        problems,
    }
}

fn add_to_index(index: &mut SiteIndex, slug: &str, shape: &Shape) {
    let mut slugs = BTreeSet::new();
    for (path, step_slug) in &shape.steps {
        slugs.insert(step_slug.clone());
        index
            .step_files
            .insert(path.clone(), (slug.to_string(), step_slug.clone()));
    }
    index.guides.insert(slug.to_string(), slugs);
    for lang in &shape.translated {
        index
            .translated
            .entry(lang.clone())
            .or_default()
            .insert(slug.to_string());
    }
    index.assets.extend(shape.assets.iter().cloned());
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

/// In index order: `order`, then title.
fn sort_guides(guides: &mut [Arc<Guide>]) {
    guides.sort_by(|a, b| {
        (a.meta.order.unwrap_or(i64::MAX), &a.meta.title, &a.slug).cmp(&(
            b.meta.order.unwrap_or(i64::MAX),
            &b.meta.title,
            &b.slug,
        ))
    });
}

/// The theme's words in each language. The same file is behind several languages: each problem
/// is reported once.
fn theme_words(
    loaded: &LoadedSite,
    languages: &[String],
    problems: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Arc<Strings>> {
    let mut words = BTreeMap::new();
    for lang in languages {
        match crate::content::i18n::strings(&loaded.templates, lang) {
            Ok(w) => {
                words.insert(lang.clone(), Arc::new(w));
            }
            Err(p) => {
                let new: Vec<Diagnostic> =
                    p.into_iter().filter(|d| !problems.contains(d)).collect();
                problems.extend(new);
            }
        }
    }
    words
}

/// A file for a language the site does not have would never be shown. Reported once per
/// language, at its first file; `unknown` is sorted by path.
fn report_unknown_languages(
    unknown: &[(&str, &str)],
    main_language: &str,
    problems: &mut Vec<Diagnostic>,
) {
    let mut by_language: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (path, lang) in unknown {
        by_language.entry(lang).or_default().push(path);
    }
    for (lang, paths) in by_language {
        let others = match paths.len() - 1 {
            0 => String::new(),
            1 => " (and 1 other file)".to_string(),
            n => format!(" (and {n} other files)"),
        };
        problems.push(
            Diagnostic::file(
                paths[0],
                format!("`{lang}` is not one of the site's translations{others}"),
            )
            .with_help(if lang == main_language {
                format!("`{lang}` is the site's main language: its text goes in the file without `.{lang}`")
            } else {
                format!("add `{lang}` to `translations:` in content/site.yaml, or rename the file")
            }),
        );
    }
}

/// The logo's output path, if site.yaml names one that exists.
fn logo(
    loaded: &LoadedSite,
    config: &SiteConfig,
    index: &SiteIndex,
    problems: &mut Vec<Diagnostic>,
) -> Option<String> {
    let path = config.logo.as_ref()?;
    let target = format!("content/{}", path.trim_start_matches("./"));
    if index.assets.contains(&target) {
        return Some(OutputPath::content_file(&target).into());
    }
    let (source, doc) = site_yaml_tree(loaded);
    problems.push(
        yaml::at_value(
            "content/site.yaml",
            &source,
            doc.as_ref().and_then(|d| d.node(&["logo"])),
            format!("the logo `{target}` does not exist"),
        )
        .with_help("the logo path is relative to `content/`, for example `images/logo.svg`"),
    );
    None
}

/// A guide's related guides in its main language, and in each of its translations.
type Related = (Vec<RelatedGuide>, BTreeMap<String, Vec<RelatedGuide>>);

/// A guide's related guides in each of its languages: a related guide not translated into that
/// language is linked in the main language, and marked so. `find` gives a guide by its slug.
fn related_of<'g>(
    guide: &Guide,
    find: &dyn Fn(&str) -> Option<&'g Guide>,
    index: &SiteIndex,
) -> Related {
    let related_in = |lang: &str| -> Vec<RelatedGuide> {
        guide
            .meta
            .related
            .iter()
            .filter_map(|slug| find(slug))
            .map(|other| {
                let shown = other.translations.get(lang).map_or(other, |t| t.as_ref());
                let target = index.overview(&guide.slug, lang, &other.slug);
                let (lang, lang_name) = target.other_language.unzip();
                RelatedGuide {
                    slug: other.slug.clone(),
                    title: shown.meta.title.clone(),
                    url: target.url,
                    lang,
                    lang_name,
                }
            })
            .collect()
    };
    let translated = guide
        .translations
        .keys()
        .map(|lang| (lang.clone(), related_in(lang)))
        .collect();
    (related_in(&guide.lang), translated)
}

fn set_related(guide: &mut Arc<Guide>, (main, mut translated): Related) {
    if main.is_empty() && translated.values().all(Vec::is_empty) && guide.related_guides.is_empty()
    {
        return;
    }
    let guide = Arc::make_mut(guide);
    guide.related_guides = main;
    for (lang, translation) in guide.translations.iter_mut() {
        Arc::make_mut(translation).related_guides = translated.remove(lang).unwrap_or_default();
    }
}

/// `related` entries naming no guide folder. A guide whose own files have errors exists; those
/// are reported already.
fn related_problems(guide: &Guide, index: &SiteIndex, loaded: &LoadedSite) -> Vec<Diagnostic> {
    guide
        .meta
        .related
        .iter()
        .enumerate()
        .filter(|(_, slug)| !index.guides.contains_key(*slug))
        .map(|(i, slug)| related_problem(loaded, guide, (i, slug), index))
        .collect()
}

fn site_translation(
    path: &str,
    bytes: &[u8],
    problems: &mut Vec<Diagnostic>,
) -> Option<SiteTranslation> {
    let (source, doc, translation): (String, yaml::Doc, SiteTranslation) =
        yaml::parse_file(path, bytes, problems)?;
    if let Some(cta) = &translation.call_to_action {
        let node = doc.node(&["call_to_action", "url"]);
        check_address((path, &source, node), "url", &cta.url, problems);
    }
    Some(translation)
}

/// site.yaml's text and tree, to point at a value in it after it was read.
fn site_yaml_tree(loaded: &LoadedSite) -> (String, Option<yaml::Doc>) {
    const FILE: &str = "content/site.yaml";
    match loaded
        .content
        .get(FILE)
        .and_then(|b| yaml::locate_file(FILE, b))
    {
        Some((text, doc)) => (text, Some(doc)),
        None => (String::new(), None),
    }
}

fn site_config(
    loaded: &LoadedSite,
    options: &Options,
    problems: &mut Vec<Diagnostic>,
) -> Option<SiteConfig> {
    const FILE: &str = "content/site.yaml";
    let Some(bytes) = loaded.content.get(FILE) else {
        problems.push(
            Diagnostic::file(FILE, "the site has no site.yaml").with_help(
                "create content/site.yaml with at least `name: Your Shelter's Name` (see the README)",
            ),
        );
        return None;
    };
    let (source, doc, mut config): (String, yaml::Doc, SiteConfig) =
        yaml::parse_file(FILE, bytes, problems)?;
    problems.extend(yaml::empty_fields(
        FILE,
        &source,
        &doc,
        &[(
            "name",
            &config.name,
            "the shelter's name; it is shown on every page and printed sheet",
        )],
    ));
    if !names::is_language_code(&config.language) {
        problems.push(
            yaml::at_value(
                FILE,
                &source,
                doc.node(&["language"]),
                format!("`{}` is not a language code", config.language),
            )
            .with_help("use a code such as `en`, `es`, `fr` or `pt-BR`"),
        );
    }
    let mut seen = BTreeSet::from([config.language.as_str()]);
    let listed = doc.node(&["translations"]);
    for (i, lang) in config.translations.iter().enumerate() {
        let item = listed.and_then(|l| l.item(i));
        let problem = if !names::is_language_code(lang) {
            Some((
                format!("`{lang}` is not a language code"),
                "use a code such as `es`, `fr` or `pt-BR`",
            ))
        } else if !seen.insert(lang) {
            Some((
                format!("`{lang}` is listed twice, or is the site's main language"),
                "list each other language once; `language:` is the main one",
            ))
        } else {
            None
        };
        if let Some((message, help)) = problem {
            problems.push(yaml::at_value(FILE, &source, item, message).with_help(help));
        }
    }
    // Addresses from site.yaml land in `href`s: only web and mail addresses are allowed.
    if let Some(website) = &config.contact.website {
        let node = doc.node(&["contact", "website"]);
        check_address((FILE, &source, node), "website", website, problems);
    }
    if let Some(cta) = &config.call_to_action {
        let node = doc.node(&["call_to_action", "url"]);
        check_address((FILE, &source, node), "url", &cta.url, problems);
    }
    if let Some(paper) = options.paper {
        config.paper = paper;
    }
    let base = options.base_url.as_ref().or(config.base_url.as_ref());
    if let Some(url) = base {
        match normalise_base_url(url) {
            Ok(url) => config.base_url = Some(url),
            Err(message) if options.base_url.is_some() => {
                problems.push(Diagnostic::file("--base-url", message));
            }
            Err(message) => {
                let node = doc.node(&["base_url"]);
                problems.push(yaml::at_value(FILE, &source, node, message).with_help(
                    "write the full address, for example https://shelter.example/guides/",
                ));
            }
        }
    }
    Some(config)
}

/// Checks a web address from a YAML file; `node` is its value there.
fn check_address(
    (file, source, node): (&str, &str, Option<&yaml::Node>),
    field: &str,
    value: &str,
    problems: &mut Vec<Diagnostic>,
) {
    let lower = value.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:"))
    {
        problems.push(
            yaml::at_value(
                file,
                source,
                node,
                format!("`{field}` must be a web address, not `{value}`"),
            )
            .with_help("write the full address, starting with https://"),
        );
    }
}

fn related_problem(
    loaded: &LoadedSite,
    guide: &Guide,
    (i, slug): (usize, &str),
    index: &SiteIndex,
) -> Diagnostic {
    let path = names::guide_file(&guide.slug);
    let (text, doc) = loaded
        .content
        .get(&path)
        .and_then(|b| yaml::locate_file(&path, b))
        .unzip();
    let text = text.unwrap_or_default();
    let item = doc.as_ref().and_then(|d| d.node(&["related"])?.item(i));
    let best = crate::diagnostic::closest(slug, index.guides.keys().map(String::as_str), 0.7);
    let unresolved = Unresolved {
        message: format!("`related` names a guide `{slug}` that does not exist"),
        help: Some(match best {
            Some(k) => format!("did you mean `{k}`?"),
            None => "use the name of a folder in content/guides/".into(),
        }),
    };
    let mut d = yaml::at_value(&path, &text, item, unresolved.message);
    d.help = unresolved.help;
    d
}
