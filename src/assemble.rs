//! From loaded files to the validated site model: YAML parsed, step files ordered by their
//! `NN-` prefix, markdown rendered and every link checked. All problems are collected.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{SiteConfig, normalise_base_url};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::frontmatter;
use crate::links::{From, SiteIndex};
use crate::load::LoadedSite;
use crate::markdown::{self, Source, StepOf, Unresolved};
use crate::model::{Guide, GuideMeta, RelatedGuide, Site, Step, StepFront};
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

/// One guide's result: the guide if it could be made, and its problems.
type Assembled = (Option<Arc<Guide>>, Vec<Diagnostic>);

#[derive(PartialEq)]
struct Context {
    guides: BTreeMap<String, BTreeSet<String>>,
    assets: BTreeSet<String>,
    allow_html: bool,
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
    Guides(BTreeSet<String>),
}

/// A step file whose name has been read: (number, slug, path, bytes).
type StepFile<'a> = (usize, String, &'a str, &'a [u8]);

/// A guide folder's files, sorted out by role.
#[derive(Default)]
struct GuideFiles<'a> {
    yaml: Option<(&'a str, &'a [u8])>,
    /// A `guide.yml`, reported once instead of as a missing guide.yaml and a stray file.
    misnamed_yaml: Option<&'a str>,
    steps: Vec<(&'a str, &'a [u8])>,
}

/// The most rows a training log may have.
const MAX_LOG_ROWS: u32 = 100;

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

    let mut guide_files: BTreeMap<&str, GuideFiles> = BTreeMap::new();
    let mut index = SiteIndex::default();
    for (path, bytes) in &loaded.content {
        let rest = &path["content/".len()..];
        let parts: Vec<&str> = rest.split('/').collect();
        let ext = rest.rsplit_once('.').map_or("", |(_, e)| e);
        match parts.as_slice() {
            ["site.yaml"] => {}
            ["guides", guide, "guide.yaml"] => {
                guide_files.entry(guide).or_default().yaml = Some((path, bytes));
            }
            ["guides", guide, "guide.yml"] => {
                guide_files.entry(guide).or_default().misnamed_yaml = Some(path);
            }
            ["guides", guide, "steps", _] if ext == "md" => {
                guide_files
                    .entry(guide)
                    .or_default()
                    .steps
                    .push((path, bytes));
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

    let allow_html = config.as_ref().is_some_and(|c| c.allow_html);
    let context = Context {
        guides: index.guides.clone(),
        assets: index.assets.clone(),
        allow_html,
    };
    let reuse_all = cache.context.as_ref() == Some(&context);
    let must_build = |slug: &str| match changed {
        _ if !reuse_all => true,
        Changed::All => true,
        Changed::Guides(set) => set.contains(slug) || !cache.guides.contains_key(slug),
    };
    let results: Vec<(&str, bool, Assembled)> = ordered
        .par_iter()
        .map(|(slug, steps)| {
            if !must_build(slug) {
                return (*slug, false, cache.guides[*slug].clone());
            }
            let mut problems = Vec::new();
            let yaml = guide_files[slug].yaml;
            let guide = yaml.and_then(|(path, bytes)| {
                build_guide(slug, path, bytes, steps, &index, allow_html, &mut problems)
            });
            (*slug, true, (guide.map(Arc::new), problems))
        })
        .collect();
    let mut rebuilt = BTreeSet::new();
    let mut titles_changed = false;
    let mut guides = Vec::with_capacity(results.len());
    let mut fresh = BTreeMap::new();
    for (slug, built, (guide, p)) in results {
        if built {
            rebuilt.insert(slug.to_string());
            let old_title = cache
                .guides
                .get(slug)
                .and_then(|(g, _)| g.as_ref())
                .map(|g| &g.meta.title);
            titles_changed |= old_title != guide.as_ref().map(|g| &g.meta.title);
        }
        problems.extend(p.iter().cloned());
        if let Some(g) = &guide {
            guides.push(g.clone());
        }
        fresh.insert(slug.to_string(), (guide, p));
    }
    cache.guides = fresh;
    cache.context = Some(context);
    // Other guides show related guides' titles; a changed title means their pages change too.
    let rebuilt = if !reuse_all || titles_changed || matches!(changed, Changed::All) {
        Rebuilt::All
    } else {
        Rebuilt::Guides(rebuilt)
    };
    let titles: BTreeMap<String, String> = guides
        .iter()
        .map(|g| (g.slug.clone(), g.meta.title.clone()))
        .collect();
    for guide in guides.iter_mut().filter(|g| !g.meta.related.is_empty()) {
        let mut related = Vec::new();
        for slug in &guide.meta.related {
            match titles.get(slug) {
                Some(title) => related.push(RelatedGuide {
                    slug: slug.clone(),
                    title: title.clone(),
                }),
                // A guide whose own files have errors exists; those errors are reported already.
                None if index.guides.contains_key(slug) => {}
                None => problems.push(related_problem(loaded, guide, slug, &index)),
            }
        }
        Arc::make_mut(guide).related_guides = related;
    }
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
            },
            rebuilt,
        )),
        _ => Err(Diagnostics::from(problems)),
    }
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
    // Addresses from site.yaml land in `href`s: only web and mail addresses are allowed.
    let mut addresses = vec![("website", config.contact.website.clone())];
    if let Some(cta) = &config.call_to_action {
        addresses.push(("url", Some(cta.url.clone())));
    }
    for (field, value) in addresses {
        let Some(value) = value else { continue };
        let lower = value.trim().to_ascii_lowercase();
        if !(lower.starts_with("https://")
            || lower.starts_with("http://")
            || lower.starts_with("mailto:"))
        {
            let at = source.find(&format!("{field}:")).unwrap_or(0);
            problems.push(
                Diagnostic::at(
                    FILE,
                    &source,
                    at,
                    field.len(),
                    format!("`{field}` must be a web address, not `{value}`"),
                )
                .with_help("write the full address, starting with https://"),
            );
        }
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

#[allow(clippy::too_many_arguments)]
fn build_guide(
    slug: &str,
    yaml_path: &str,
    yaml_bytes: &[u8],
    steps: &[StepFile],
    index: &SiteIndex,
    allow_html: bool,
    problems: &mut Vec<Diagnostic>,
) -> Option<Guide> {
    let guide_dir = format!("content/guides/{slug}");
    let steps_dir = format!("{guide_dir}/steps");
    let link_from = |dir: &str, d: &str| index.link(&From { guide: slug, dir }, d);
    let image_from = |dir: &str, d: &str| index.image(&From { guide: slug, dir }, d);

    let mut rendered_steps = Vec::with_capacity(steps.len());
    for (i, (_, step_slug, path, bytes)) in steps.iter().enumerate() {
        let Ok(text) = text::decode(path, bytes).map_err(|d| problems.push(d)) else {
            continue;
        };
        let Ok(split) = frontmatter::split(path, &text).map_err(|d| problems.push(d)) else {
            continue;
        };
        let Ok(front) = yaml::parse::<StepFront>(path, &text, split.yaml, split.yaml_offset)
            .map_err(|d| problems.push(d))
        else {
            continue;
        };
        problems.extend(yaml::empty_fields(
            path,
            &text,
            split.yaml,
            split.yaml_offset,
            &[
                (
                    "title",
                    &front.title,
                    "the step's title (it is also its line on the checklist)",
                ),
                (
                    "done_when",
                    &front.done_when,
                    "what the adopter will see when it is time to move on",
                ),
            ],
        ));
        let link = |d: &str| link_from(&steps_dir, d);
        let image = |d: &str| image_from(&steps_dir, d);
        let body_source = Source {
            file: path,
            text: &text,
            offset: split.body_offset,
            allow_html,
            link: &link,
            image: &image,
        };
        let body = markdown::render(
            split.body,
            &body_source,
            Some(StepOf {
                number: i + 1,
                slug: step_slug,
            }),
            problems,
        );
        let done_at = text
            .find(front.done_when.as_str())
            .unwrap_or(split.yaml_offset);
        let done_source = Source {
            offset: done_at,
            ..body_source
        };
        let done_when_html = markdown::render_inline(&front.done_when, &done_source, problems);
        rendered_steps.push(Step {
            number: i + 1,
            slug: step_slug.clone(),
            front,
            done_when_html,
            html: body.html,
            text: markdown::plain_text(split.body),
            substeps: body.substeps,
        });
    }

    let text = text::decode(yaml_path, yaml_bytes)
        .map_err(|d| problems.push(d))
        .ok()?;
    let meta: GuideMeta = yaml::parse(yaml_path, &text, &text, 0)
        .map_err(|d| problems.push(d))
        .ok()?;
    problems.extend(yaml::empty_fields(
        yaml_path,
        &text,
        &text,
        0,
        &[
            ("title", &meta.title, "the guide's title"),
            (
                "summary",
                &meta.summary,
                "a sentence or two about the guide",
            ),
            (
                "species",
                &meta.species,
                "the animal the guide is for, such as `cat`",
            ),
            (
                "time_needed",
                &meta.time_needed,
                "how long the training takes",
            ),
            (
                "intro",
                &meta.intro,
                "why the guide matters and who it is for",
            ),
        ],
    ));
    // A training log is a sheet or two of rows; a huge number is a typo (found by fuzzing:
    // four billion rows exhausted memory).
    if !(1..=MAX_LOG_ROWS).contains(&meta.log_rows) {
        let at = text
            .find("log_rows:")
            .map_or(0, |i| i + "log_rows:".len() + 1);
        problems.push(
            Diagnostic::at(
                yaml_path,
                &text,
                at,
                meta.log_rows.to_string().len(),
                format!(
                    "`log_rows` must be between 1 and {MAX_LOG_ROWS}, but it is {}",
                    meta.log_rows
                ),
            )
            .with_help("14 rows fill one printed sheet"),
        );
    }
    let link = |d: &str| link_from(&guide_dir, d);
    let image = |d: &str| image_from(&guide_dir, d);
    // serde_yaml does not give positions of values, so a value's first line is looked up in the
    // file to point messages about its markdown at the right place.
    let source_at = |value: &str| Source {
        file: yaml_path,
        text: &text,
        offset: value
            .lines()
            .next()
            .and_then(|first| text.find(first))
            .unwrap_or(0),
        allow_html,
        link: &link,
        image: &image,
    };
    let mut inline_list = |items: &[String]| -> Vec<String> {
        items
            .iter()
            .map(|item| markdown::render_inline(item, &source_at(item), problems))
            .collect()
    };
    let before_you_start_html = inline_list(&meta.before_you_start);
    let supplies_html = inline_list(&meta.supplies);
    let tips_html = inline_list(&meta.tips);
    let safety_html = inline_list(&meta.safety);
    let intro_html = markdown::render(&meta.intro, &source_at(&meta.intro), None, problems).html;
    if steps.is_empty() {
        problems.push(
            Diagnostic::file(yaml_path, "this guide has no steps").with_help(format!(
                "add step files to {steps_dir}/, named like 01-first-step.md"
            )),
        );
    }
    Some(Guide {
        slug: slug.to_string(),
        meta,
        intro_html,
        before_you_start_html,
        supplies_html,
        tips_html,
        safety_html,
        related_guides: Vec::new(),
        steps: rendered_steps,
    })
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
