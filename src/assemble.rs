//! From loaded files to the validated site model: YAML parsed, step files ordered by their
//! `NN-` prefix, markdown rendered and every link checked. All problems are collected.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{MissingTranslation, SiteConfig, SiteTranslation, normalise_base_url};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::guide::{Env, StepFile, TranslationFiles, build_guide, translate_guide};
use crate::i18n::Strings;
use crate::links::SiteIndex;
use crate::load::LoadedSite;
use crate::markdown::{self, Unresolved};
use crate::model::{Guide, RelatedGuide, Site, Untranslated};
use crate::text;
use crate::yaml;

/// Step slugs that would collide with a guide's own pages.
const RESERVED_SLUGS: &[&str] = &["index", "checklist", "handout", "log"];

#[derive(Default)]
pub struct Options {
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Overrides `paper` from site.yaml.
    pub paper: Option<crate::config::Paper>,
}

/// Guides assembled by an earlier run, for `serve`: a guide whose files did not change is reused
/// as long as what its links were checked against (the guides, their steps, the site's files,
/// whether raw HTML is allowed) is the same.
#[derive(Default)]
pub struct Cache {
    context: Option<Context>,
    guides: BTreeMap<String, Assembled>,
}

/// One guide's result: the guide if it could be made (with its translations), its steps shown
/// untranslated, and its problems.
type Assembled = (Option<Arc<Guide>>, Vec<Untranslated>, Vec<Diagnostic>);

#[derive(PartialEq)]
struct Context {
    guides: BTreeMap<String, BTreeSet<String>>,
    translated: BTreeMap<String, BTreeSet<String>>,
    assets: BTreeSet<String>,
    allow_html: bool,
    languages: Vec<String>,
    missing_translation: MissingTranslation,
    words: BTreeMap<String, Arc<Strings>>,
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
        guides: BTreeSet<String>,
        /// What the index lists of them changed (title, summary, time, number of steps, ...).
        lists: bool,
        /// Pages of theirs came or went (a step added, removed or renamed).
        pages: bool,
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

/// A guide folder's files, sorted out by role.
#[derive(Default)]
struct GuideFiles<'a> {
    yaml: Option<(&'a str, &'a [u8])>,
    /// A `guide.yml`, reported once instead of as a missing guide.yaml and a stray file.
    misnamed_yaml: Option<&'a str>,
    steps: Vec<(&'a str, &'a [u8])>,
    /// Translation files, by language.
    translations: BTreeMap<&'a str, TranslationFiles<'a>>,
}

/// Required fields of guide.yaml, for the message about a folder without one.
const GUIDE_FIELDS: &str = "`title`, `summary`, `species`, `time_needed` and `intro`";

pub fn assemble(loaded: &LoadedSite, options: &Options) -> Result<Site, Diagnostics> {
    assemble_cached(loaded, options, &mut Cache::default(), Changed::All).map(|(site, _)| site)
}

/// `assemble`, reusing the guides in `cache` that `changed` does not name.
pub fn assemble_cached(
    loaded: &LoadedSite,
    options: &Options,
    cache: &mut Cache,
    changed: Changed,
) -> Result<(Site, Rebuilt), Diagnostics> {
    let mut problems: Vec<Diagnostic> = loaded.problems.clone();
    let config = site_config(loaded, options, &mut problems);
    let main_language = config
        .as_ref()
        .map_or_else(|| "en".to_string(), |c| c.language.clone());
    let languages: Vec<String> = std::iter::once(main_language.clone())
        .chain(config.iter().flat_map(|c| c.translations.iter().cloned()))
        .collect();
    // A file for a language the site does not have would never be shown. Reported once per
    // language, at its first file.
    let mut unknown_languages: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut known_language = |path: &str, lang: &str| {
        let known = languages[1..].iter().any(|l| l == lang);
        if !known && config.is_some() {
            unknown_languages
                .entry(lang.to_string())
                .or_default()
                .push(path.to_string());
        }
        known
    };

    let mut guide_files: BTreeMap<&str, GuideFiles> = BTreeMap::new();
    let mut site_translations: BTreeMap<&str, (&str, &[u8])> = BTreeMap::new();
    let mut index = SiteIndex::default();
    for (path, bytes) in &loaded.content {
        let rest = &path["content/".len()..];
        // Up to five parts, without an allocation per file: no pattern below is longer.
        let mut buf = [""; 5];
        let mut count = 0;
        for part in rest.split('/') {
            if count < buf.len() {
                buf[count] = part;
            }
            count += 1;
        }
        let parts = &buf[..count.min(buf.len())];
        let ext = rest.rsplit_once('.').map_or("", |(_, e)| e);
        match parts {
            ["site.yaml"] => {}
            [name] if translation_of(name, "site", ".yaml").is_some() => {
                let lang = translation_of(name, "site", ".yaml").unwrap_or_default();
                if known_language(path, lang) {
                    site_translations.insert(lang, (path, bytes));
                }
            }
            ["guides", guide, "guide.yaml"] => {
                guide_files.entry(guide).or_default().yaml = Some((path, bytes));
            }
            ["guides", guide, "guide.yml"] => {
                guide_files.entry(guide).or_default().misnamed_yaml = Some(path);
            }
            ["guides", guide, name] if translation_of(name, "guide", ".yaml").is_some() => {
                let lang = translation_of(name, "guide", ".yaml").unwrap_or_default();
                let files = guide_files.entry(guide).or_default();
                if known_language(path, lang) {
                    files.translations.entry(lang).or_default().yaml = Some((path, bytes));
                }
            }
            ["guides", guide, "steps", name] if ext == "md" => {
                let files = guide_files.entry(guide).or_default();
                match step_translation(name) {
                    Some((stem, lang)) => {
                        if known_language(path, lang) {
                            files
                                .translations
                                .entry(lang)
                                .or_default()
                                .steps
                                .insert(stem.to_string(), (path, bytes));
                        }
                    }
                    None => files.steps.push((path, bytes)),
                }
            }
            ["guides", guide, "steps", name] => {
                // Anything else in steps/ is a step that would silently go missing.
                guide_files.entry(guide).or_default();
                let stem = name.split('.').next().unwrap_or(name);
                problems.push(
                    Diagnostic::file(path.as_str(), "step files must end in .md").with_help(
                        format!(
                            "rename it to `{stem}.md`; pictures go in the guide's images/ folder"
                        ),
                    ),
                );
            }
            ["guides", guide, ..] if parts.len() > 2 => {
                guide_files.entry(guide).or_default();
                check_stray(path, ext, &mut problems);
                index.assets.insert(path.clone());
            }
            _ => {
                check_stray(path, ext, &mut problems);
                index.assets.insert(path.clone());
            }
        }
    }

    for (lang, paths) in unknown_languages {
        let others = match paths.len() - 1 {
            0 => String::new(),
            1 => " (and 1 other file)".to_string(),
            n => format!(" (and {n} other files)"),
        };
        problems.push(
            Diagnostic::file(
                &paths[0],
                format!("`{lang}` is not one of the site's translations{others}"),
            )
            .with_help(if lang == main_language {
                format!("`{lang}` is the site's main language: its text goes in the file without `.{lang}`")
            } else {
                format!("add `{lang}` to `translations:` in content/site.yaml, or rename the file")
            }),
        );
    }

    // Step order and slugs first, so links between guides can be checked while rendering.
    let mut ordered: Vec<(&str, Vec<StepFile>)> = Vec::new();
    for (slug, files) in &guide_files {
        let folder = format!("content/guides/{slug}");
        if !is_slug(slug) {
            problems.push(
                Diagnostic::file(
                    &folder,
                    format!("`{slug}` cannot be used as a guide folder name"),
                )
                .with_help(format!(
                    "use lower-case letters, digits and hyphens, for example `{}`",
                    markdown::slugify(slug)
                )),
            );
            continue;
        }
        let steps = order_steps(&files.steps, &mut problems);
        let mut slugs = BTreeSet::new();
        for (_, step_slug, path, _) in &steps {
            slugs.insert(step_slug.clone());
            index.step_files.insert(
                (*path).to_string(),
                ((*slug).to_string(), step_slug.clone()),
            );
        }
        // The guide counts as existing for links even if its guide.yaml is broken or missing,
        // so one mistake gives one message rather than one per link to it.
        index.guides.insert((*slug).to_string(), slugs);
        for (lang, translation) in &files.translations {
            if translation.yaml.is_some() {
                index
                    .translated
                    .entry((*lang).to_string())
                    .or_default()
                    .insert((*slug).to_string());
            }
        }
        match (files.yaml, files.misnamed_yaml) {
            (Some(_), _) => ordered.push((slug, steps)),
            (None, Some(path)) => problems.push(
                Diagnostic::file(path, "the guide file must be called `guide.yaml`, not `guide.yml`")
                    .with_help("rename it to `guide.yaml`"),
            ),
            (None, None) => problems.push(
                Diagnostic::file(&folder, "this guide folder has no guide.yaml").with_help(format!(
                    "add {folder}/guide.yaml with at least {GUIDE_FIELDS} (the README has an example)"
                )),
            ),
        }
    }

    let mut words = BTreeMap::new();
    for lang in &languages {
        match crate::i18n::strings(&loaded.templates, lang) {
            Ok(w) => {
                words.insert(lang.clone(), Arc::new(w));
            }
            // The same file is behind several languages: report each problem once.
            Err(p) => {
                let new: Vec<Diagnostic> =
                    p.into_iter().filter(|d| !problems.contains(d)).collect();
                problems.extend(new);
            }
        }
    }
    index.main_language = main_language.clone();
    index.words = words.clone();

    let allow_html = config.as_ref().is_some_and(|c| c.allow_html);
    let missing_translation = config
        .as_ref()
        .map_or(MissingTranslation::default(), |c| c.missing_translation);
    let context = Context {
        guides: index.guides.clone(),
        translated: index.translated.clone(),
        assets: index.assets.clone(),
        allow_html,
        languages: languages.clone(),
        missing_translation,
        words: words.clone(),
    };
    let reuse_all = cache.context.as_ref() == Some(&context);
    let must_build = |slug: &str| match changed {
        _ if !reuse_all => true,
        Changed::All => true,
        Changed::Guides(set) => set.contains(slug) || !cache.guides.contains_key(slug),
    };
    let env = Env {
        index: &index,
        allow_html,
        words: &words,
        main_language: &main_language,
        missing_translation,
    };
    // Guides reused from the cache are moved out of it, so each is held once and can be
    // updated in place (related guides) rather than copied.
    let build: Vec<bool> = ordered.iter().map(|(slug, _)| must_build(slug)).collect();
    let mut old = std::mem::take(&mut cache.guides);
    let mut reused: Vec<Option<Assembled>> = ordered
        .iter()
        .zip(build)
        .map(|((slug, _), build)| if build { None } else { old.remove(*slug) })
        .collect();
    let results: Vec<(&str, bool, Assembled)> = ordered
        .par_iter()
        .zip(reused.par_iter_mut())
        .map(|((slug, steps), reused)| {
            if let Some(assembled) = reused.take() {
                return (*slug, false, assembled);
            }
            let mut problems = Vec::new();
            let mut untranslated = Vec::new();
            let files = &guide_files[slug];
            let guide = files.yaml.and_then(|yaml| {
                let mut guide = build_guide(slug, yaml, steps, &env, &mut problems)?;
                for (lang, translation) in &files.translations {
                    let translated = translate_guide(
                        &guide,
                        steps,
                        lang,
                        translation,
                        &env,
                        &mut untranslated,
                        &mut problems,
                    );
                    if let Some(t) = translated {
                        guide.translations.insert((*lang).to_string(), Arc::new(t));
                    }
                }
                Some(guide)
            });
            (*slug, true, (guide.map(Arc::new), untranslated, problems))
        })
        .collect();
    let mut rebuilt = BTreeSet::new();
    let mut titles_changed = false;
    let (mut lists_changed, mut pages_changed) = (false, false);
    let mut guides = Vec::with_capacity(results.len());
    let mut untranslated = Vec::new();
    let mut fresh = BTreeMap::new();
    for (slug, built, (guide, u, p)) in results {
        if built {
            rebuilt.insert(slug.to_string());
            let old_outline = old
                .get(slug)
                .and_then(|(g, ..)| g.as_ref())
                .map(|g| outline(g));
            let new_outline = guide.as_ref().map(|g| outline(g));
            match (old_outline, new_outline) {
                (Some((c1, n1, p1)), Some((c2, n2, p2))) => {
                    // Titles (each card's second field) also show on other guides' pages.
                    titles_changed |= !c1.iter().map(|c| c[1]).eq(c2.iter().map(|c| c[1]));
                    lists_changed |= c1 != c2 || n1 != n2;
                    pages_changed |= p1 != p2;
                }
                (None, None) => {}
                _ => (titles_changed, lists_changed, pages_changed) = (true, true, true),
            }
        }
        problems.extend(p.iter().cloned());
        untranslated.extend(u.iter().cloned());
        if let Some(g) = guide {
            guides.push(g);
        }
        fresh.insert(slug.to_string(), (u, p));
    }
    drop(old);
    // Other guides show related guides' titles; a changed title means their pages change too.
    let rebuilt = if !reuse_all || titles_changed || matches!(changed, Changed::All) {
        Rebuilt::All
    } else {
        Rebuilt::Guides {
            guides: rebuilt,
            lists: lists_changed,
            pages: pages_changed,
        }
    };
    // Guides reused as they were keep their related guides: the titles they show are the same.
    let only = match &rebuilt {
        Rebuilt::All => None,
        Rebuilt::Guides { guides, .. } => Some(guides),
    };
    link_related(&mut guides, only, &index, loaded, &mut problems);
    // The cache keeps the finished guides (shared with the site, not copied).
    let by_slug: BTreeMap<&str, &Arc<Guide>> =
        guides.iter().map(|g| (g.slug.as_str(), g)).collect();
    cache.guides = fresh
        .into_iter()
        .map(|(slug, (u, p))| {
            let guide = by_slug.get(slug.as_str()).map(|g| Arc::clone(g));
            (slug, (guide, u, p))
        })
        .collect();
    cache.context = Some(context);
    guides.sort_by(|a, b| {
        (a.meta.order.unwrap_or(i64::MAX), &a.meta.title, &a.slug).cmp(&(
            b.meta.order.unwrap_or(i64::MAX),
            &b.meta.title,
            &b.slug,
        ))
    });

    let mut logo = None;
    if let Some(config) = &config
        && let Some(path) = &config.logo
    {
        let target = format!("content/{}", path.trim_start_matches("./"));
        if index.assets.contains(&target) {
            logo = Some(target["content/".len()..].to_string());
        } else {
            let source = site_yaml_text(loaded);
            let at = source.find(path.as_str()).unwrap_or(0);
            problems.push(
                Diagnostic::at(
                    "content/site.yaml",
                    &source,
                    at,
                    path.len(),
                    format!("the logo `{target}` does not exist"),
                )
                .with_help(
                    "the logo path is relative to `content/`, for example `images/logo.svg`",
                ),
            );
        }
    }
    let translated_config: BTreeMap<String, SiteTranslation> = site_translations
        .iter()
        .filter_map(|(lang, (path, bytes))| {
            Some((
                (*lang).to_string(),
                site_translation(path, bytes, &mut problems)?,
            ))
        })
        .collect();

    match config {
        Some(config) if problems.is_empty() => Ok((
            Site {
                config,
                guides,
                files: index
                    .assets
                    .iter()
                    .map(|p| (p["content/".len()..].to_string(), loaded.content[p].clone()))
                    .collect(),
                logo,
                words,
                translated_config,
                untranslated,
            },
            rebuilt,
        )),
        _ => Err(Diagnostics::from(problems)),
    }
}

/// Fills in each guide's related guides, in each of its languages: a related guide not
/// translated into that language is linked in the main language, and marked so.
fn link_related(
    guides: &mut [Arc<Guide>],
    only: Option<&BTreeSet<String>>,
    index: &SiteIndex,
    loaded: &LoadedSite,
    problems: &mut Vec<Diagnostic>,
) {
    type Related = (Vec<RelatedGuide>, BTreeMap<String, Vec<RelatedGuide>>);
    let related: Vec<Option<Related>> = {
        let by_slug: BTreeMap<&str, &Guide> = guides
            .iter()
            .map(|g| (g.slug.as_str(), g.as_ref()))
            .collect();
        // Each related guide in `lang` where it is translated, else as written, marked so.
        let related_in = |guide: &Guide, lang: &str| -> Vec<RelatedGuide> {
            guide
                .meta
                .related
                .iter()
                .filter_map(|slug| by_slug.get(slug.as_str()))
                .map(|other| {
                    let shown = other.translations.get(lang).map_or(*other, |t| t.as_ref());
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
        guides
            .iter()
            .map(|guide| {
                if guide.meta.related.is_empty() {
                    return None;
                }
                for slug in &guide.meta.related {
                    // A guide whose own files have errors exists; those are reported already.
                    if !by_slug.contains_key(slug.as_str()) && !index.guides.contains_key(slug) {
                        problems.push(related_problem(loaded, guide, slug, index));
                    }
                }
                if only.is_some_and(|only| !only.contains(&guide.slug)) {
                    return None;
                }
                let translated = guide
                    .translations
                    .keys()
                    .map(|lang| (lang.clone(), related_in(guide, lang)))
                    .collect();
                Some((related_in(guide, &guide.lang), translated))
            })
            .collect()
    };
    for (guide, related) in guides.iter_mut().zip(related) {
        let Some((main, mut translated)) = related else {
            continue;
        };
        let guide = Arc::make_mut(guide);
        guide.related_guides = main;
        for (lang, translation) in guide.translations.iter_mut() {
            Arc::make_mut(translation).related_guides = translated.remove(lang).unwrap_or_default();
        }
    }
}

/// `site.<lang>.yaml` → `<lang>`, likewise for `guide.<lang>.yaml`.
fn translation_of<'a>(name: &'a str, base: &str, ext: &str) -> Option<&'a str> {
    let lang = name
        .strip_prefix(base)?
        .strip_prefix('.')?
        .strip_suffix(ext)?;
    is_language_code(lang).then_some(lang)
}

/// `03-sniff.es.md` → (`03-sniff`, `es`).
fn step_translation(name: &str) -> Option<(&str, &str)> {
    let (stem, lang) = name.strip_suffix(".md")?.rsplit_once('.')?;
    is_language_code(lang).then_some((stem, lang))
}

fn site_translation(
    path: &str,
    bytes: &[u8],
    problems: &mut Vec<Diagnostic>,
) -> Option<SiteTranslation> {
    let source = text::decode(path, bytes)
        .map_err(|d| problems.push(d))
        .ok()?;
    let translation: SiteTranslation = yaml::parse(path, &source, &source, 0)
        .map_err(|d| problems.push(d))
        .ok()?;
    if let Some(cta) = &translation.call_to_action {
        check_address(path, &source, "url", &cta.url, problems);
    }
    Some(translation)
}

fn site_yaml_text(loaded: &LoadedSite) -> String {
    loaded
        .content
        .get("content/site.yaml")
        .and_then(|b| text::decode("content/site.yaml", b).ok())
        .unwrap_or_default()
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
    let source = text::decode(FILE, bytes)
        .map_err(|d| problems.push(d))
        .ok()?;
    let mut config: SiteConfig = yaml::parse(FILE, &source, &source, 0)
        .map_err(|d| problems.push(d))
        .ok()?;
    problems.extend(yaml::empty_fields(
        FILE,
        &source,
        &source,
        0,
        &[(
            "name",
            &config.name,
            "the shelter's name; it is shown on every page and printed sheet",
        )],
    ));
    if !is_language_code(&config.language) {
        let at = source
            .find("language:")
            .map_or(0, |i| i + "language:".len() + 1);
        problems.push(
            Diagnostic::at(
                FILE,
                &source,
                at,
                config.language.len(),
                format!("`{}` is not a language code", config.language),
            )
            .with_help("use a code such as `en`, `es`, `fr` or `pt-BR`"),
        );
    }
    let mut seen = BTreeSet::from([config.language.as_str()]);
    for lang in &config.translations {
        let at = source
            .find("translations:")
            .and_then(|i| Some(i + source[i..].find(lang.as_str())?))
            .unwrap_or(0);
        let problem = if !is_language_code(lang) {
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
            problems.push(Diagnostic::at(FILE, &source, at, lang.len(), message).with_help(help));
        }
    }
    // Addresses from site.yaml land in `href`s: only web and mail addresses are allowed.
    if let Some(website) = &config.contact.website {
        check_address(FILE, &source, "website", website, problems);
    }
    if let Some(cta) = &config.call_to_action {
        check_address(FILE, &source, "url", &cta.url, problems);
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
                let at = source.find("base_url").unwrap_or(0);
                problems.push(Diagnostic::at(FILE, &source, at, 8, message).with_help(
                    "write the full address, for example https://shelter.example/guides/",
                ));
            }
        }
    }
    Some(config)
}

fn check_address(
    file: &str,
    source: &str,
    field: &str,
    value: &str,
    problems: &mut Vec<Diagnostic>,
) {
    let lower = value.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:"))
    {
        let at = source.find(&format!("{field}:")).unwrap_or(0);
        problems.push(
            Diagnostic::at(
                file,
                source,
                at,
                field.len(),
                format!("`{field}` must be a web address, not `{value}`"),
            )
            .with_help("write the full address, starting with https://"),
        );
    }
}

/// Files under `content/` that look like content in the wrong place are reported rather than
/// copied, so a misnamed `guide.yml` or a step outside `steps/` is never silently ignored.
fn check_stray(path: &str, ext: &str, problems: &mut Vec<Diagnostic>) {
    let help = match ext {
        "yml" => "rename it to end in .yaml",
        "yaml" => {
            "only content/site.yaml and content/guides/<guide>/guide.yaml are read; move or rename this file"
        }
        "md" => "steps go in content/guides/<guide>/steps/ and are named like 01-first-step.md",
        _ => return,
    };
    problems.push(Diagnostic::file(path, "this file is not used by the site").with_help(help));
}

/// A BCP 47 language tag of the simple kind pages use: `en`, `es`, `pt-BR`, `zh-Hant`.
fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Sorts step files by their `NN-` prefix and checks it: present, unique, 1, 2, 3, ... in order.
fn order_steps<'a>(
    files: &[(&'a str, &'a [u8])],
    problems: &mut Vec<Diagnostic>,
) -> Vec<StepFile<'a>> {
    let mut steps = Vec::new();
    for (path, bytes) in files {
        let name = path.rsplit('/').next().unwrap_or(path);
        let stem = name.strip_suffix(".md").unwrap_or(name);
        let parsed = stem
            .split_once('-')
            .and_then(|(n, slug)| Some((n, n.parse::<usize>().ok()?, slug)))
            .filter(|(_, n, slug)| *n > 0 && !slug.is_empty());
        match parsed {
            Some((digits, _, slug)) if !is_slug(slug) => problems.push(
                Diagnostic::file(*path, format!("`{slug}` cannot be used as a step name"))
                    .with_help(format!(
                        "use lower-case letters, digits and hyphens: rename the file to `{digits}-{}.md`",
                        markdown::slugify(slug)
                    )),
            ),
            Some((digits, _, slug)) if RESERVED_SLUGS.contains(&slug) => problems.push(
                Diagnostic::file(
                    *path,
                    format!("a step cannot be called `{slug}`: the guide has a page of that name"),
                )
                .with_help(format!(
                    "add a word, for example `{digits}-final-{slug}.md`; the names {} are taken",
                    RESERVED_SLUGS.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                )),
            ),
            Some((_, n, slug)) => steps.push((n, slug.to_string(), *path, *bytes)),
            None => problems.push(
                Diagnostic::file(
                    *path,
                    "a step file's name must start with its number, like `01-get-a-harness.md`",
                )
                .with_help(format!(
                    "rename it to `{:02}-{}.md` if it is the last step (the number is its place in the guide)",
                    files.len(),
                    markdown::slugify(stem)
                )),
            ),
        }
    }
    steps.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut seen_slugs: BTreeMap<String, &str> = BTreeMap::new();
    let mut expected = 1;
    for (i, (n, slug, path, _)) in steps.iter().enumerate() {
        let name = path.rsplit('/').next().unwrap_or(path);
        if i > 0 && steps[i - 1].0 == *n {
            problems.push(
                Diagnostic::file(
                    *path,
                    format!(
                        "two steps are numbered {n:02}: this one and `{}`",
                        steps[i - 1].2
                    ),
                )
                .with_help("give each step its own number, and renumber the steps after it"),
            );
        } else if *n != expected {
            let help = if expected == 1 {
                format!("the first step must be 01: rename it to `01-{slug}.md`")
            } else {
                format!(
                    "rename `{name}` to `{expected:02}-{slug}.md`, and renumber the steps after it"
                )
            };
            problems.push(
                Diagnostic::file(
                    *path,
                    format!("step numbers must run 01, 02, 03, ...: expected {expected:02} here, found {n:02}"),
                )
                .with_help(help),
            );
        }
        expected = n + 1;
        if let Some(other) = seen_slugs.insert(slug.clone(), path) {
            problems.push(
                Diagnostic::file(*path, format!("two steps are named `{slug}`: this one and `{other}`"))
                    .with_help("each step's name (the part after the number) becomes its page's name, so it must be unique in the guide"),
            );
        }
    }
    steps
}

fn related_problem(
    loaded: &LoadedSite,
    guide: &Guide,
    slug: &str,
    index: &SiteIndex,
) -> Diagnostic {
    let path = format!("content/guides/{}/guide.yaml", guide.slug);
    let text = loaded
        .content
        .get(&path)
        .and_then(|b| text::decode(&path, b).ok())
        .unwrap_or_default();
    let at = text
        .find(&format!("- {slug}"))
        .map(|i| i + 2)
        .or_else(|| text.find("related"))
        .unwrap_or(0);
    let best = crate::diagnostic::closest(slug, index.guides.keys().map(String::as_str), 0.7);
    let unresolved = Unresolved {
        message: format!("`related` names a guide `{slug}` that does not exist"),
        help: Some(match best {
            Some(k) => format!("did you mean `{k}`?"),
            None => "use the name of a folder in content/guides/".into(),
        }),
    };
    let mut d = Diagnostic::at(&path, &text, at, slug.len(), unresolved.message);
    d.help = unresolved.help;
    d
}
