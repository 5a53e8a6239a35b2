//! The whole flow, in order: load → assemble (model) → plan → render → write. `build` runs all
//! of it: every guide is assembled in outline, then each is made whole for its own pages and
//! dropped with them, and each page is written as soon as it is rendered; over the last build,
//! only the guides an edit reaches are read, the others taken from that build's outline
//! (`Read::partly`). `check` stops before writing. `serve` keeps the result in memory and
//! patches it after edits (`serve::rebuild`).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::change::{self, Change, Redo};
use crate::content::assemble::{self, Outline, assemble};
use crate::content::config::Paper;
use crate::content::digest::{self, Digest, Digests};
use crate::content::load::{LoadedSite, load};
use crate::content::model::{Guide, Site, Untranslated};
use crate::content::names;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::plan::{Page, PageKind, Plan, plan};
use crate::output::render::Listing;
use crate::output::render::{Renderer, Sink};
use crate::output::state::State;
use crate::output::theme::Theme;
use crate::output::write::{Opened, Previous, Record, Writer};

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

    /// Everything besides the files that shapes the output, for the record the next build
    /// compares with.
    pub(crate) fn shaping(&self) -> String {
        format!(
            "{}\nbase_url {:?}\npaper {:?}\npdf {}",
            digest::program(),
            self.base_url,
            self.paper,
            self.pdf
        )
    }

    fn assemble_options(&self) -> assemble::Options {
        assemble::Options {
            base_url: self.base_url.clone(),
            paper: self.paper,
            only: None,
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
    /// Every file of the site.
    pub files: usize,
    /// Files a build over its last site wrote or removed (`None`: a whole new site, or none
    /// written).
    pub changed: Option<usize>,
    pub elapsed: Duration,
    /// Steps shown untranslated on translated guides.
    pub untranslated: Vec<Untranslated>,
    /// Pictures published as they are that are large for a phone: path and size in bytes.
    pub large_pictures: Vec<(String, u64)>,
}

/// The large pictures among a site's files as read.
fn large_pictures(loaded: &LoadedSite) -> Vec<(String, u64)> {
    crate::content::picture::large(
        loaded
            .content
            .iter()
            .map(|(path, bytes)| (path.as_str(), bytes.len() as u64)),
    )
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
    // The templates are compiled while the pages are planned.
    let (plan, renderer) = rayon::join(
        || plan(site, &theme),
        || Renderer::new(theme.clone(), site, pdfs),
    );
    let plan = plan.map_err(Diagnostics::from)?;
    let renderer = renderer.map_err(Diagnostics::from)?;
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

/// The guides of a site in outline made whole as their pages are rendered, and the problems
/// that kept any from being made.
struct Wholes<'o, 'l> {
    outline: &'o Outline<'l>,
    made: Vec<AtomicBool>,
    problems: Mutex<Vec<Diagnostic>>,
}

impl<'o, 'l> Wholes<'o, 'l> {
    fn new(outline: &'o Outline<'l>) -> Self {
        Wholes {
            outline,
            made: outline
                .site
                .guides
                .iter()
                .map(|_| AtomicBool::new(false))
                .collect(),
            problems: Mutex::new(Vec::new()),
        }
    }

    /// Guide `g` whole, or `None` when it has problems (kept for `checked`).
    fn get(&self, g: usize) -> Option<Arc<Guide>> {
        self.made[g].store(true, Ordering::Relaxed);
        match self.outline.whole(&self.outline.site.guides[g].slug) {
            Ok(guide) => Some(guide),
            Err(problems) => {
                if let Ok(mut all) = self.problems.lock() {
                    all.extend(problems);
                }
                None
            }
        }
    }

    /// Makes whole, to check them, the guides `must` accepts (by slug) that no page needed;
    /// then every problem found in any guide made whole.
    fn checked(self, must: &(dyn Fn(&str) -> bool + Sync)) -> Result<(), Diagnostics> {
        let guides = &self.outline.site.guides;
        (0..guides.len())
            .into_par_iter()
            .filter(|&g| !self.made[g].load(Ordering::Relaxed) && must(&guides[g].slug))
            .for_each(|g| {
                self.get(g);
            });
        let problems = self.problems.into_inner().unwrap_or_default();
        match problems.is_empty() {
            true => Ok(()),
            false => Err(Diagnostics::from(problems)),
        }
    }
}

/// Renders the pages `wanted` accepts from a site in outline, each guide made whole for its
/// pages, handing each file to `sink` as it is made; the guides `must` accepts are checked
/// whole even when none of their pages is wanted. Returns how many files were made. A problem
/// in a guide is reported before any in the templates, as a whole-site assembly would.
fn render_checked(
    outline: &Outline,
    (plan, renderer): (&Plan, Renderer),
    progress: bool,
    must: &(dyn Fn(&str) -> bool + Sync),
    wanted: impl Fn(&str, Option<&Page>) -> bool + Sync,
    sink: &Sink<'_>,
) -> Result<usize, Diagnostics> {
    let wholes = Wholes::new(outline);
    let site = &outline.site;
    let files = AtomicUsize::new(0);
    let bar = crate::progress::bar((plan.pages.len() + plan.copies.len()) as u64, progress);
    let whole = |g: usize| wholes.get(g);
    let rendered = renderer.with_progress(bar.clone()).render_into(
        site,
        plan,
        &whole,
        wanted,
        &|path, bytes| {
            files.fetch_add(1, Ordering::Relaxed);
            sink(path, bytes)
        },
    );
    bar.finish_and_clear();
    wholes.checked(must)?;
    rendered.map_err(Diagnostics::from)?;
    Ok(files.into_inner())
}

/// The plan and the compiled theme for a site in outline. When they cannot be made, the guides'
/// own problems are reported instead if they have any (those `must` accepts), as a whole-site
/// assembly would.
fn prepare_outline(
    outline: &Outline,
    loaded: &LoadedSite,
    pdfs: bool,
    must: &(dyn Fn(&str) -> bool + Sync),
) -> Result<(Plan, Renderer), Diagnostics> {
    prepare(&outline.site, loaded, pdfs).map_err(|problems| {
        match Wholes::new(outline).checked(must) {
            Err(in_guides) => in_guides,
            Ok(()) => problems,
        }
    })
}

/// What changed since the last build: the guides whose pages must be made again, with what
/// else the changes reach; the guides' order is compared once they are assembled.
fn changed_since(loaded: &LoadedSite, digests: &Digests, previous: &Previous) -> Vec<Change> {
    let naming = |slugs: &BTreeSet<String>| {
        names::guides_naming(&loaded.content, slugs.iter().map(String::as_str))
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    change::since_last_build(digests, &previous.state.sources, naming, false)
}

/// The guides to check whole after `changes`: the ones they reach (a guide whose output file
/// was changed by hand is made whole anyway, for its pages). `None`: all of them.
fn made_whole(redo: &Redo) -> Option<BTreeSet<String>> {
    (!redo.all).then(|| redo.guides.clone())
}

/// A site as a build read it: every file, or (over the last build, when only some guides'
/// files may have changed) those guides' files and the last build's outline of the others.
struct Read {
    loaded: LoadedSite,
    digests: Digests,
    partly: Option<Partly>,
}

/// What a build reading only some guides' files takes from the last build.
struct Partly {
    /// The other guides in outline, as the last build made them.
    cached: BTreeMap<String, crate::content::cached::Outlined>,
    /// The guides read, as the last build made them in outline.
    before: BTreeMap<String, Guide>,
    /// The guides read.
    read: BTreeSet<String>,
}

impl Read {
    /// Every file of the site at `root`.
    fn whole(loaded: LoadedSite, options: &BuildOptions) -> Read {
        let digests = Digests::of(&loaded, &options.shaping());
        Read {
            loaded,
            digests,
            partly: None,
        }
    }

    /// Which sources may have changed since the last build, which `state` records: `None` when
    /// that cannot be told without reading every file (other options, a name come or gone).
    fn look(options: &BuildOptions, state: &State) -> Option<Looked> {
        if state.sources.options != Digest::of(options.shaping().as_bytes()) {
            return None;
        }
        let changed = state.changed_since(&options.root)?;
        Some(match changed.is_empty() {
            true => Looked::Unchanged,
            false => Looked::Changed(changed.into_iter().map(str::to_string).collect()),
        })
    }

    /// Only the files that may have changed since the last build (`changed`, which `state`
    /// records), and the guides in the same part of the search, when every other source looks
    /// as that build read it and it kept its guides in outline; `None` otherwise.
    fn partly(
        options: &BuildOptions,
        state: &State,
        outline: Option<&[u8]>,
        changed: &BTreeSet<String>,
    ) -> Option<Read> {
        let shaping = options.shaping();
        let changed: BTreeSet<&str> = changed.iter().map(String::as_str).collect();
        let guides = change::guides_to_read(&changed, &state.order)?;
        let mut cached = crate::content::cached::read(outline?, state.sources.identity())?;
        let before: BTreeMap<String, Guide> = guides
            .iter()
            .filter_map(|slug| Some((slug.clone(), cached.remove(slug)?.guide)))
            .collect();
        // Pictures are copied from the site in memory: every guide's is read.
        let (read, kept): (Vec<&String>, Vec<&String>) =
            state.sources.files.keys().partition(|path| {
                names::guide_of(path).is_none_or(|guide| guides.contains(guide))
                    || !names::is_text(path)
            });
        let looks = kept
            .iter()
            .filter_map(|path| Some(((*path).clone(), *state.looks.get(*path)?)))
            .chain(
                state
                    .looks
                    .iter()
                    .filter(|(path, _)| path.ends_with('/'))
                    .map(|(path, look)| (path.clone(), *look)),
            )
            .collect();
        let loaded = crate::content::load::load_kept(
            &options.root,
            read.into_iter().cloned().collect(),
            kept.into_iter().cloned().collect(),
            looks,
        )?;
        let digests = Digests::of_kept(&loaded, &state.sources, &shaping);
        Some(Read {
            loaded,
            digests,
            partly: Some(Partly {
                cached,
                before,
                read: guides,
            }),
        })
    }
}

/// What a build over the last one found by looking at the sources again (`Read::look`).
enum Looked {
    /// Every source looks as the last build read it, and the options are the same.
    Unchanged,
    /// These may have changed.
    Changed(BTreeSet<String>),
}

/// What a build reports when its sources, its options and its output are exactly the last
/// build's: that build's figures, nothing written.
fn nothing_to_do(state: &State, start: Instant) -> Summary {
    Summary {
        guides: state.order.len(),
        pdfs: 0,
        pages: state.pages,
        files: state.outputs.len(),
        changed: Some(0),
        elapsed: start.elapsed(),
        untranslated: state.untranslated.clone(),
        // Every source looks as that build read it, so its sizes are the files' sizes.
        large_pictures: crate::content::picture::large(
            state
                .looks
                .iter()
                .map(|(path, seen)| (path.as_str(), seen.size())),
        ),
    }
}

pub fn build(options: &BuildOptions) -> Result<Summary, Diagnostics> {
    let start = Instant::now();
    let output = options.output_dir();
    let one = |d: Diagnostic| Diagnostics::from(vec![d]);
    // A site that an interrupted build left beside the output goes back first, whatever the
    // content holds.
    crate::output::write::put_back(&output);
    // A wrong output folder is refused before any time is spent on the build; nothing is
    // written until the site is known to be good. PDFs are printed from a whole new site.
    // Over the last build, its record says which files need reading at all; otherwise the
    // site is read meanwhile: on a large site both take a while.
    let (writer, read, partly) = match crate::output::write::can_update(&output) && !options.pdf {
        true => {
            let (writer, partly) = Writer::open_then(
                &options.root,
                &output,
                false,
                |state| Read::look(options, state?),
                // A build with nothing to do writes nothing into the spare.
                |looked| !matches!(looked, Some(Looked::Unchanged)),
                |looked, record| match (looked, record) {
                    (Some(Looked::Changed(changed)), Some((state, outline))) => {
                        Read::partly(options, state, outline, &changed)
                    }
                    // Nothing changed in the sources, but the output was changed by hand (or
                    // the record cannot tell): every file is read.
                    _ => None,
                },
            );
            (writer, None, partly)
        }
        false => {
            let (writer, loaded) = rayon::join(
                || {
                    Writer::open(&options.root, &output, options.pdf)
                        .map(|writer| Opened::Writer(Box::new(writer)))
                },
                || load(&options.root),
            );
            (writer, Some(loaded), None)
        }
    };
    let mut writer = match writer.map_err(one)? {
        Opened::Writer(writer) => *writer,
        // Nothing changed anywhere since the last build: its site stands as it is.
        Opened::AsRecorded(state) => {
            if std::env::var_os("HANDOUT_TEST_REPORT_READS").is_some() {
                eprintln!("read 0 of {} files", state.sources.files.len());
            }
            let summary = nothing_to_do(&state, start);
            in_background(state);
            return Ok(summary);
        }
    };
    // Without a browser there can be no PDFs: say so before building anything.
    let browser = match options.pdf {
        true => Some(crate::output::pdf::Browser::find().map_err(one)?),
        false => None,
    };
    // A site read in part is built over the last build's site only.
    let partly = partly.filter(|_| writer.previous().is_some());
    writer.forget_looks();
    let writer = match partly {
        Some(read) => match build_from(options, writer, read, browser.as_ref(), start)? {
            Built::Done(summary) => return Ok(summary),
            // What the edits reach cannot be made from the guides read: the whole site is.
            Built::ReadAll(writer) => *writer,
        },
        None => writer,
    };
    let loaded = match read {
        Some(loaded) => loaded,
        None => load(&options.root),
    };
    let read = Read::whole(loaded.map_err(one)?, options);
    match build_from(options, writer, read, browser.as_ref(), start)? {
        Built::Done(summary) => Ok(summary),
        Built::ReadAll(_) => Err(one(Diagnostic::file(
            output.display().to_string(),
            "the site could not be built (handout lost track of what changed)",
        ))),
    }
}

/// How a build from the files read went.
enum Built {
    Done(Summary),
    /// The site read in part cannot make what the edits reach; nothing was written, and the
    /// writer is handed back for a build from every file.
    ReadAll(Box<Writer>),
}

/// The build from the files `read`: what changed since the last build, the guides in outline,
/// the pages the changes reach, written; the new site made the output.
fn build_from(
    options: &BuildOptions,
    mut writer: Writer,
    read: Read,
    browser: Option<&crate::output::pdf::Browser>,
    start: Instant,
) -> Result<Built, Diagnostics> {
    let Read {
        mut loaded,
        digests,
        partly,
    } = read;
    // For the tests: how many of the site's files this build read.
    if std::env::var_os("HANDOUT_TEST_REPORT_READS").is_some() {
        let read = loaded.content.len() + loaded.templates.len();
        eprintln!("read {read} of {} files", read + loaded.kept.len());
    }
    let previous = writer.previous();
    let looks = std::mem::take(&mut loaded.looks);
    let mut changes = previous.map(|p| match &partly {
        // Guides not read show nothing new; those read are compared with what they were.
        Some(_) => change::since_last_build(&digests, &p.state.sources, |_| Vec::new(), false),
        None => changed_since(&loaded, &digests, p),
    });
    let mut only = match (&changes, previous) {
        (Some(changes), Some(_)) => made_whole(&Redo::of(changes)),
        _ => None,
    };
    let assemble_options = assemble::Options {
        only: only.clone(),
        ..options.assemble_options()
    };
    let (cached, before, guides_read) = match partly {
        Some(p) => (p.cached, p.before, Some(p.read)),
        None => Default::default(),
    };
    let outline = match guides_read {
        Some(_) => match assemble::outline_with(&loaded, &assemble_options, cached) {
            Ok(outline) => outline,
            Err(_) => return Ok(Built::ReadAll(Box::new(writer))),
        },
        None => assemble::outline(&loaded, &assemble_options)?,
    };
    let site = &outline.site;
    // A guide read that shows differently on other guides' pages than it did (a new title)
    // makes again the guides that show it as related, which must have been read too.
    if let (Some(guides_read), Some(changes)) = (&guides_read, &mut changes) {
        let languages: Vec<&str> = site.languages().collect();
        let find = |slug: &str| site.guides.iter().find(|g| g.slug == *slug);
        let mut shown = BTreeSet::new();
        for (slug, was) in &before {
            match find(slug) {
                Some(now) if !change::shows_elsewhere(was, now, &languages) => {}
                Some(_) => {
                    shown.insert(slug.as_str());
                }
                None => return Ok(Built::ReadAll(Box::new(writer))),
            }
        }
        let showing = site
            .guides
            .iter()
            .filter(|g| g.meta.related.iter().any(|r| shown.contains(r.as_str())))
            .map(|g| g.slug.clone());
        for slug in showing {
            if !guides_read.contains(&slug) {
                return Ok(Built::ReadAll(Box::new(writer)));
            }
            changes.push(Change::Pages(slug.clone()));
            changes.push(Change::Searched(slug));
        }
        only = made_whole(&Redo::of(changes));
    }
    // Every guide is checked whole, or, over the last build, those the changes reach.
    let must = |slug: &str| only.as_ref().is_none_or(|only| only.contains(slug));
    // Each guide's card on the index, so that the next build knows whether an edit changed it.
    let listing = Listing::new(site);
    let cards: BTreeMap<String, Digest> = site
        .guides
        .par_iter()
        .map(|g| (g.slug.clone(), Digest::of(&listing.card(g))))
        .collect();
    drop(listing);
    // Guides that moved on the index move every part of the search.
    let redo = changes.map(|changes| {
        let mut changes = match previous {
            Some(previous) => change::same_cards(changes, &previous.state.cards, &cards),
            None => changes,
        };
        let order = site.guides.iter().map(|g| &g.slug);
        if let Some(previous) = previous
            && !order.eq(previous.state.order.iter())
        {
            changes.push(Change::Moved);
        }
        Redo::of(&changes)
    });
    // A site read in part makes again only pages and parts of the search of the guides read.
    if let Some(guides_read) = &guides_read {
        let within = redo.as_ref().is_some_and(|redo| {
            !redo.all
                && !redo.search_all
                && !redo.plan
                && redo.guides.iter().all(|g| guides_read.contains(g))
        });
        if !within {
            return Ok(Built::ReadAll(Box::new(writer)));
        }
    }
    let (plan, renderer) = prepare_outline(&outline, &loaded, options.pdf, &must)?;
    writer.forget_sources();
    let order: Vec<String> = site.guides.iter().map(|g| g.slug.clone()).collect();
    let covers = redo
        .as_ref()
        .map(|redo| redo.covers(site, &plan, redo.plan));
    // A file nothing has changed since the last build is kept as it is on disk, unless it was
    // changed there since (or cannot be kept: then it is made, and writing it says why).
    // A page of a guide not read, or a part of the search holding one, that must be made
    // again after all (nothing changed it, but its file was changed by hand) needs that guide's
    // files.
    let unread = |page: &Page| match &guides_read {
        None => false,
        Some(read) => {
            let unread = |g: usize| !read.contains(&site.guides[g].slug);
            match (page.guide, page.kind) {
                (Some(g), _) => unread(g),
                (None, PageKind::SearchIndex(part)) => (0..site.guides.len())
                    .skip(part * crate::output::plan::SEARCH_PART)
                    .take(crate::output::plan::SEARCH_PART)
                    .any(unread),
                (None, _) => false,
            }
        }
    };
    let untouched: Option<Vec<&str>> = match &covers {
        Some(covers) => {
            let pages = plan.pages.par_iter().map(|p| (p.path.as_str(), Some(p)));
            let copies = plan.copies.par_iter().map(|c| (c.path.as_str(), None));
            pages
                .chain(copies)
                .filter_map(|(path, page)| {
                    let keep = !covers(path, page) && writer.can_keep(path);
                    match (keep, page) {
                        (true, _) => Some(Some(path)),
                        (false, Some(page)) if unread(page) => Some(None),
                        (false, _) => None,
                    }
                })
                .collect()
        }
        None => Some(Vec::new()),
    };
    let Some(untouched) = untouched else {
        return Ok(Built::ReadAll(Box::new(writer)));
    };
    let kept = writer.keep_all(untouched);
    let wanted = |path: &str, _: Option<&Page>| !kept.contains(path);
    // The guides in outline are kept for the next build, which takes those it need not read.
    let identity = digests.identity();
    let rendered = render_checked(
        &outline,
        (&plan, renderer),
        options.progress,
        &must,
        wanted,
        &|path, bytes| writer.write(path, &bytes),
    );
    // After the pages rather than beside them: at 10,000 guides the pages' values are the most
    // memory a build holds.
    writer.keep_outline(&|out| {
        crate::content::cached::write(out, identity, &site.guides, &site.untranslated)
    });
    rendered?;
    drop(covers);
    // Each guide's printed pages in every language it has, when PDFs are asked for.
    let pdfs = match browser {
        Some(_) => plan.pdfs(site),
        None => Vec::new(),
    };
    // PDFs are printed from the staged site, so they go live in the same step as the pages.
    // Their names go on the output's list of files with the pages'.
    let print = |staged: &Path| match &browser {
        Some(browser) => crate::output::pdf::print_all(browser, staged, &pdfs)
            .map(|()| pdfs.iter().map(|(_, pdf)| pdf.to_string()).collect()),
        None => Ok(Vec::new()),
    };
    let (guides, untranslated) = (site.guides.len(), site.untranslated.clone());
    let large_pictures = large_pictures(&loaded);
    let (pages, recorded_untranslated) = (plan.pages.len(), untranslated.clone());
    // The model and the files read are not needed to finish: they go before the record is
    // written, which on a large site is itself large.
    drop(kept);
    // The model is freed on another thread while the new site goes live; the record, which on
    // a large site is itself large, is made once it is gone.
    let model: Box<dyn Send> = Box::new((outline.into_site(), loaded));
    let freeing = std::thread::Builder::new().spawn(move || drop(model));
    let changed = writer
        .commit(&print, || {
            if let Ok(freeing) = freeing {
                let _ = freeing.join();
            }
            Some(Record {
                sources: digests,
                looks,
                order,
                cards,
                pages,
                untranslated: recorded_untranslated,
            })
        })
        .map_err(Diagnostics::from)?;
    let summary = Summary {
        pdfs: pdfs.len(),
        guides,
        pages: plan.pages.len(),
        files: plan.pages.len() + plan.copies.len(),
        changed,
        elapsed: start.elapsed(),
        untranslated,
        large_pictures,
    };
    in_background(Box::new(plan));
    Ok(Built::Done(summary))
}

/// Frees `value` on another thread: a large site's model is a million small allocations, and
/// the summary need not wait for them (when the program then ends, nothing waits at all).
pub(crate) fn in_background(value: Box<dyn Send>) {
    // With no thread to spare, it is freed here after all.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

pub fn check(options: &BuildOptions) -> Result<Summary, Diagnostics> {
    let start = Instant::now();
    let loaded = load(&options.root).map_err(|d| Diagnostics::from(vec![d]))?;
    let outline = assemble::outline(&loaded, &options.assemble_options())?;
    let must = |_: &str| true;
    let (plan, renderer) = prepare_outline(&outline, &loaded, options.pdf, &must)?;
    let files = render_checked(
        &outline,
        (&plan, renderer),
        options.progress,
        &must,
        |_, _| true,
        &|_, _| Ok(()),
    )?;
    let site = &outline.site;
    Ok(Summary {
        changed: None,
        pdfs: 0,
        guides: site.guides.len(),
        pages: plan.pages.len(),
        files,
        elapsed: start.elapsed(),
        untranslated: site.untranslated.clone(),
        large_pictures: large_pictures(&loaded),
    })
}
