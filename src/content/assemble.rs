//! From loaded files to the validated site model: YAML parsed, step files ordered by their
//! `NN-` prefix, markdown rendered and every link checked. All problems are collected.
//!
//! The site is made folder by folder (`Folder`); `serve` keeps each folder's result and the
//! link index to patch the site after an edit (`serve::patch`), using the functions here.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::config::{MissingTranslation, SiteConfig, SiteTranslation, normalise_base_url};
use crate::content::guide::{Env, StepFile, build_guide, translate_guide};
use crate::content::i18n::Strings;
use crate::content::links::SiteIndex;
use crate::content::load::LoadedSite;
use crate::content::model::{Guide, RelatedGuide, Site, Untranslated};
use crate::content::names;
use crate::content::placement::{self, GuideFiles, Place, Shape};
use crate::content::yaml;
use crate::diagnostic::{Diagnostic, Diagnostics, Lines};
use crate::output::paths::OutputPath;

#[derive(Default)]
pub struct Options {
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Overrides `paper` from site.yaml.
    pub paper: Option<crate::content::config::Paper>,
    /// When set, only these guides are made whole, to have their pages made; the others are
    /// made in outline (their settings and step titles, for the index, the search and other
    /// guides' pages), unchecked: a build that knows they did not change since the last one,
    /// which checked them, uses this.
    pub only: Option<BTreeSet<String>>,
}

/// One guide folder as assembly left it.
#[derive(Default)]
pub(crate) struct Folder {
    pub(crate) shape: Shape,
    /// The guide, if it could be made (with its translations).
    pub(crate) guide: Option<Arc<Guide>>,
    /// Its steps shown untranslated.
    pub(crate) untranslated: Vec<Untranslated>,
    /// Every problem with its files: names, contents, links, `related`.
    pub(crate) problems: Vec<Diagnostic>,
}

/// A whole run's result, with the parts it was made from: each guide folder's result and the
/// link index.
pub(crate) struct Whole {
    pub(crate) site: Result<Site, Diagnostics>,
    pub(crate) folders: BTreeMap<String, Folder>,
    pub(crate) index: SiteIndex,
}

pub fn assemble(loaded: &LoadedSite, options: &Options) -> Result<Site, Diagnostics> {
    assemble_whole(loaded, options).site
}

/// Assembles every guide.
pub(crate) fn assemble_whole(loaded: &LoadedSite, options: &Options) -> Whole {
    assemble_kept(loaded, options, BTreeMap::new()).0
}

/// A site whose guides are all made in outline, with what it takes to make any of them whole
/// for its own pages (`Outline::whole`): a build holds every guide's settings and step titles,
/// but the rendered text of only the guides whose pages are being made.
pub struct Outline<'l> {
    pub site: Site,
    /// Each guide in outline by its folder's name, for the guides a guide names as related.
    guides: BTreeMap<String, Arc<Guide>>,
    index: SiteIndex,
    laid_out: BTreeMap<String, LaidOut<'l>>,
    allow_html: bool,
    missing_translation: MissingTranslation,
}

/// A guide folder's files and its steps in order, as laid out for assembly.
type LaidOut<'l> = (GuideFiles<'l>, Vec<StepFile<'l>>);

/// Assembles the site with every guide in outline; each guide's markdown and links are checked
/// when it is made whole (`Outline::whole`). A site with problems is assembled as `options`
/// say (the guides `only` names whole), so that every problem is reported at once.
pub fn outline<'l>(loaded: &'l LoadedSite, options: &Options) -> Result<Outline<'l>, Diagnostics> {
    outline_with(loaded, options, BTreeMap::new())
}

/// `outline`, with the guides `cached` holds (the last build's, `content::cached`) taken as
/// they are instead of assembled from their files: a site read in part (`load::load_kept`)
/// holds only the files of the others. A guide taken from there cannot be made whole.
pub fn outline_with<'l>(
    loaded: &'l LoadedSite,
    options: &Options,
    cached: BTreeMap<String, crate::content::cached::Outlined>,
) -> Result<Outline<'l>, Diagnostics> {
    let in_outline = Options {
        only: Some(BTreeSet::new()),
        base_url: options.base_url.clone(),
        paper: options.paper,
    };
    let (whole, kept) = assemble_kept(loaded, &in_outline, cached);
    let site = match whole.site {
        Ok(site) => site,
        Err(in_outline) => return Err(assemble(loaded, options).err().unwrap_or(in_outline)),
    };
    Ok(Outline {
        allow_html: site.config.allow_html,
        missing_translation: site.config.missing_translation,
        site,
        // Only the guides: their folders' shapes are for `serve`, which patches the site.
        guides: whole
            .folders
            .into_iter()
            .filter_map(|(slug, folder)| Some((slug, folder.guide?)))
            .collect(),
        index: whole.index,
        laid_out: kept,
    })
}

impl Outline<'_> {
    pub fn into_site(self) -> Site {
        self.site
    }

    /// Guide `slug` made whole, with its translations and related guides, as a whole-site
    /// assembly makes it; or the problems that kept it from being made.
    pub fn whole(&self, slug: &str) -> Result<Arc<Guide>, Vec<Diagnostic>> {
        let Some((files, steps)) = self.laid_out.get(slug) else {
            return Err(vec![Diagnostic::file(
                names::guide_folder(slug),
                "this guide was not found when the site was read",
            )]);
        };
        let env = Env {
            index: &self.index,
            allow_html: self.allow_html,
            words: &self.site.words,
            main_language: &self.site.config.language,
            missing_translation: self.missing_translation,
            only: None,
        };
        let (guide, _, problems) = assemble_guide(slug, files, steps, &env);
        match guide {
            Some(mut guide) if problems.is_empty() => {
                let find = |s: &str| self.guides.get(s).map(|g| g.as_ref());
                let related = related_of(&guide, &find, &self.index);
                set_related(&mut guide, related);
                Ok(guide)
            }
            _ => Err(problems),
        }
    }
}

/// Assembles every guide (those `options.only` leaves out in outline), keeping each guide
/// folder's files as laid out; a guide `cached` holds is taken from there (its files are not
/// kept: it cannot be made whole).
fn assemble_kept<'l>(
    loaded: &'l LoadedSite,
    options: &Options,
    mut cached: BTreeMap<String, crate::content::cached::Outlined>,
) -> (Whole, BTreeMap<String, LaidOut<'l>>) {
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
                placement::check_published(path, bytes, &mut problems);
                index.assets.insert(path.clone());
            }
        }
    }
    // Files that are there but could not be read (each reported by loading) keep their names:
    // a step keeps its number.
    // So do the files not read because they did not change since the last build.
    for path in loaded.unread.iter().chain(&loaded.kept) {
        if let Place::Guide(slug, part) = placement::place(path) {
            guide_files.entry(slug).or_default().add_unread(path, part);
        }
    }
    // Names that are one on a disk that ignores case: inside a guide folder each folder checks
    // its own (`GuideFiles::lay_out`, which serve runs alone); here the rest, and the guide
    // folders' own names.
    let every_path = || {
        loaded
            .content
            .keys()
            .chain(&loaded.unread)
            .chain(&loaded.kept)
    };
    let guide_folders: BTreeSet<String> = every_path()
        .filter_map(|p| names::guide_of(p))
        .map(names::guide_folder)
        .collect();
    let outside_guides = every_path()
        .filter(|p| names::guide_of(p).is_none())
        .map(String::as_str);
    for (first, second) in
        names::case_twins(outside_guides.chain(guide_folders.iter().map(String::as_str)))
    {
        problems.push(placement::twin_problem(&first, &second));
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

    // A code that is not a language, or one listed twice, is reported with site.yaml and has
    // no words of its own to read (thousands of them once took seconds each).
    let mut seen = BTreeSet::new();
    let with_words: Vec<String> = languages
        .iter()
        .filter(|lang| names::is_language_code(lang) && seen.insert(lang.as_str()))
        .cloned()
        .collect();
    let words = theme_words(loaded, &with_words, &mut problems);
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
        only: options.only.as_ref(),
    };
    let (from_cache, laid_out): (Vec<_>, Vec<_>) = laid_out
        .into_iter()
        .partition(|(slug, ..)| cached.contains_key(*slug));
    for (slug, files, _, shape) in from_cache {
        if let Some(outlined) = cached.remove(slug) {
            let folder = Folder {
                shape,
                guide: Some(Arc::new(outlined.guide)),
                untranslated: outlined.untranslated,
                problems: files.problems.clone(),
            };
            folders.insert(slug.to_string(), folder);
        }
    }
    let built: Vec<(&str, Folder, LaidOut)> = laid_out
        .into_par_iter()
        .map(|(slug, files, steps, shape)| {
            let folder = assemble_folder(slug, &files, &steps, shape, &env);
            (slug, folder, (files, steps))
        })
        .collect();
    let mut kept = BTreeMap::new();
    for (slug, folder, files) in built {
        folders.insert(slug.to_string(), folder);
        kept.insert(slug.to_string(), files);
    }

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
    let site = match config {
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
    };
    let whole = Whole {
        site,
        folders,
        index,
    };
    (whole, kept)
}

/// Builds one guide folder's guide in every language it has.
pub(crate) fn assemble_folder(
    slug: &str,
    files: &GuideFiles,
    steps: &[StepFile],
    shape: Shape,
    env: &Env,
) -> Folder {
    let (guide, untranslated, problems) = assemble_guide(slug, files, steps, env);
    Folder {
        shape,
        guide,
        untranslated,
        problems,
    }
}

/// A guide folder's guide in every language it has, its steps shown untranslated, and its
/// problems.
fn assemble_guide(
    slug: &str,
    files: &GuideFiles,
    steps: &[StepFile],
    env: &Env,
) -> (Option<Arc<Guide>>, Vec<Untranslated>, Vec<Diagnostic>) {
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
    (guide, untranslated, problems)
}

pub(crate) fn add_to_index(index: &mut SiteIndex, slug: &str, shape: &Shape) {
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

/// In index order: `order`, then title.
pub(crate) fn sort_guides(guides: &mut [Arc<Guide>]) {
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
    // Problems already reported, so each is said once (and found at once among thousands).
    let mut seen: std::collections::HashSet<Diagnostic> = problems.iter().cloned().collect();
    for lang in languages {
        match crate::content::i18n::strings(&loaded.templates, lang) {
            Ok(w) => {
                words.insert(lang.clone(), Arc::new(w));
            }
            Err(p) => {
                for d in p {
                    if seen.insert(d.clone()) {
                        problems.push(d);
                    }
                }
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
    if let Some(file) = index.assets.find(&target) {
        return Some(OutputPath::content_file(file).into());
    }
    let (source, doc) = site_yaml_tree(loaded);
    problems.push(
        yaml::at_value(
            "content/site.yaml",
            &Lines::new(&source),
            doc.as_ref().and_then(|d| d.node(&["logo"])),
            format!("the logo `{target}` does not exist"),
        )
        .with_help("the logo path is relative to `content/`, for example `images/logo.svg`"),
    );
    None
}

/// A guide's related guides in its main language, and in each of its translations.
pub(crate) type Related = (Vec<RelatedGuide>, BTreeMap<String, Vec<RelatedGuide>>);

/// A guide's related guides in each of its languages: a related guide not translated into that
/// language is linked in the main language, and marked so. `find` gives a guide by its slug.
pub(crate) fn related_of<'g>(
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
                let shown = shown_as_related(other, lang);
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

/// `other` as a related guide on a page in `lang` shows it: translated, or in its own language.
pub(crate) fn shown_as_related<'g>(other: &'g Guide, lang: &str) -> &'g Guide {
    other.translations.get(lang).map_or(other, |t| t.as_ref())
}

pub(crate) fn set_related(guide: &mut Arc<Guide>, (main, mut translated): Related) {
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
/// are reported already. guide.yaml is read again once, to point at each entry.
pub(crate) fn related_problems(
    guide: &Guide,
    index: &SiteIndex,
    loaded: &LoadedSite,
) -> Vec<Diagnostic> {
    let missing: Vec<(usize, &str)> = guide
        .meta
        .related
        .iter()
        .enumerate()
        .filter(|(_, slug)| !index.guides.contains_key(*slug))
        .map(|(i, slug)| (i, slug.as_str()))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let path = names::guide_file(&guide.slug);
    let (text, doc) = loaded
        .content
        .get(&path)
        .and_then(|b| yaml::locate_file(&path, b))
        .unzip();
    let text = text.unwrap_or_default();
    let lines = Lines::new(&text);
    let listed = doc.as_ref().and_then(|d| d.node(&["related"]));
    missing
        .into_iter()
        .map(|(i, slug)| {
            let best =
                crate::diagnostic::closest(slug, index.guides.keys().map(String::as_str), 0.7);
            yaml::at_value(
                &path,
                &lines,
                listed.and_then(|l| l.item(i)),
                format!("`related` names a guide `{slug}` that does not exist"),
            )
            .with_help(match best {
                Some(k) => format!("did you mean `{k}`?"),
                None => "use the name of a folder in content/guides/".into(),
            })
        })
        .collect()
}

fn site_translation(
    path: &str,
    bytes: &[u8],
    problems: &mut Vec<Diagnostic>,
) -> Option<SiteTranslation> {
    let (source, doc, translation): (String, yaml::Doc, SiteTranslation) =
        yaml::parse_file(path, bytes, SITE_TRANSLATION_RULES, problems)?;
    let lines = Lines::new(&source);
    if let Some(cta) = &translation.call_to_action {
        let node = doc.node(&["call_to_action", "url"]);
        check_address((path, &lines, node), "url", &cta.url, problems);
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

/// The call to action's fields, which it cannot do without.
const CALL_TO_ACTION: yaml::Required = &[
    (
        "call_to_action.heading",
        "the heading of the box at the foot of every page",
    ),
    (
        "call_to_action.link_text",
        "the words of its link, such as `Sign up`",
    ),
    ("call_to_action.url", "the web address its link goes to"),
];

const SITE_RULES: yaml::Rules = yaml::Rules {
    required: &[
        (
            "name",
            "the shelter's name; it is shown on every page and printed sheet",
        ),
        CALL_TO_ACTION[0],
        CALL_TO_ACTION[1],
        CALL_TO_ACTION[2],
    ],
    numbers: &[],
};

const SITE_TRANSLATION_RULES: yaml::Rules = yaml::Rules {
    required: CALL_TO_ACTION,
    numbers: &[],
};

fn site_config(
    loaded: &LoadedSite,
    options: &Options,
    problems: &mut Vec<Diagnostic>,
) -> Option<SiteConfig> {
    const FILE: &str = "content/site.yaml";
    let Some(bytes) = loaded.content.get(FILE) else {
        // One that is there but could not be read has its problem already.
        if loaded.unread.contains(FILE) {
            return None;
        }
        problems.push(
            Diagnostic::file(FILE, "the site has no site.yaml").with_help(
                "create content/site.yaml with at least `name: Your Shelter's Name` (see the README)",
            ),
        );
        return None;
    };
    let (source, doc, mut config): (String, yaml::Doc, SiteConfig) =
        yaml::parse_file(FILE, bytes, SITE_RULES, problems)?;
    let source = Lines::new(&source);
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
    if let Some(email) = &config.contact.email
        && let Err(e) = crate::content::config::check_email("email", email)
    {
        let node = doc.node(&["contact", "email"]);
        problems.push(yaml::at_value(FILE, &source, node, e.message).with_help(e.help));
    }
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
            Err(e) if options.base_url.is_some() => {
                problems.push(Diagnostic::file("--base-url", e.message).with_help(e.help));
            }
            Err(e) => {
                let node = doc.node(&["base_url"]);
                problems.push(yaml::at_value(FILE, &source, node, e.message).with_help(e.help));
            }
        }
    }
    Some(config)
}

/// Checks a link from a YAML file; `node` is its value there. Addresses from site.yaml land
/// in `href`s: only web and mail addresses that work are allowed.
fn check_address(
    (file, source, node): (&str, &Lines, Option<&yaml::Node>),
    field: &str,
    value: &str,
    problems: &mut Vec<Diagnostic>,
) {
    if let Err(e) = crate::content::config::check_link(field, value) {
        problems.push(yaml::at_value(file, source, node, e.message).with_help(e.help));
    }
}
