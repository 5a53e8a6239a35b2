//! Turning the plan into bytes: tera templates (the theme, with the site's overrides) filled in
//! for each page, in parallel. Template problems become diagnostics naming the template file,
//! line and column, and the page being rendered.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, ErrorKind, Tera, Value};

use crate::content::model::{Guide, Site};
use crate::diagnostic::Diagnostic;
use crate::output::plan::{Copy, Page, PageKind, Plan};
use crate::output::theme::Theme;

/// A guide as the site index lists it.
#[derive(Serialize)]
struct GuideCard<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    species: &'a str,
    species_name: String,
    topic: Option<&'a str>,
    topic_name: Option<String>,
    time_needed: &'a str,
    step_count: usize,
    url: String,
    /// Set when the guide is not translated into the index's language and is listed in the
    /// main one.
    lang: Option<&'a str>,
    lang_name: Option<String>,
}

/// Guides of one species, for the index.
#[derive(Serialize)]
struct SpeciesGroup<'a> {
    species: &'a str,
    species_name: String,
    guides: Vec<&'a GuideCard<'a>>,
}

#[derive(Serialize)]
struct Topic<'a> {
    topic: &'a str,
    name: String,
}

/// What the index page's search looks through: one entry per guide.
#[derive(Serialize)]
struct SearchEntry<'a> {
    title: &'a str,
    url: String,
    /// The title's and summary's words (`search::words`).
    words: String,
    steps: Vec<SearchStep<'a>>,
}

#[derive(Serialize)]
struct SearchStep<'a> {
    title: &'a str,
    url: String,
    /// The step's words, cut when it was read (`search::words`).
    words: &'a str,
}

/// A neighbouring step, for previous/next links.
#[derive(Serialize)]
struct StepLink<'a> {
    number: usize,
    title: &'a str,
    url: String,
    lang: Option<&'a str>,
}

/// The same page in one of the site's languages.
#[derive(Serialize)]
struct Alternate {
    lang: String,
    /// The language's name, in that language.
    name: String,
    /// Relative to the page linking to it.
    url: String,
    /// The full address when the site has a base URL (search engines want those), else `url`.
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    alternates: Vec<Alternate>,
}

/// The index page's lists, as values for the templates.
struct IndexLists {
    cards: Value,
    groups: Value,
    topics: Value,
}

/// What the pages of one language share: its words, the site's text and the index's lists.
struct Language<'s> {
    code: &'s str,
    /// Where its pages go: `` for the main language, `es/` for Spanish.
    prefix: String,
    name: String,
    words: Value,
    site: Value,
    species_words: &'s crate::content::i18n::Strings,
    /// `../` from this language's folder to the main one's.
    up: &'static str,
    all_words:
        &'s std::collections::BTreeMap<String, std::sync::Arc<crate::content::i18n::Strings>>,
    lists: std::sync::OnceLock<IndexLists>,
    /// Each guide as this language shows it: (guide, whether it is in this language).
    shown: Vec<(&'s Guide, bool)>,
}

impl<'s> Language<'s> {
    fn new(site: &'s Site, code: &'s str, index: usize) -> Language<'s> {
        static NONE: crate::content::i18n::Strings = crate::content::i18n::Strings::new();
        let words = site.words.get(code).map_or(&NONE, |w| w.as_ref());
        let prefix = crate::output::plan::language_folder(index, code);
        let up = if index == 0 { "" } else { "../" };
        let mut config = site.config.clone();
        if let Some(tr) = site.translated_config.get(code) {
            config.tagline = tr.tagline.clone().or(config.tagline);
            config.call_to_action = tr.call_to_action.clone().or(config.call_to_action);
        }
        // Each guide in this language, or else in the main one.
        let shown: Vec<(&Guide, bool)> = (0..site.guides.len())
            .map(|g| match site.guide_in(g, code) {
                Some(guide) => (guide.as_ref(), true),
                None => (site.guides[g].as_ref(), false),
            })
            .collect();
        Language {
            code,
            prefix,
            up,
            name: words.get("language_name").cloned().unwrap_or_default(),
            words: Value::from_serializable(words),
            site: Value::from_serializable(&config),
            species_words: words,
            all_words: &site.words,
            lists: std::sync::OnceLock::new(),
            shown,
        }
    }

    /// The index page's lists, made the first time a page needs them.
    fn lists(&self) -> &IndexLists {
        self.lists.get_or_init(|| self.make_lists())
    }

    fn make_lists(&self) -> IndexLists {
        let (lang, code, up, shown) = (self, self.code, self.up, &self.shown);
        let url = |g: &Guide, here: bool| {
            let up = if here { "" } else { up };
            format!("{up}guides/{}/index.html", g.slug)
        };
        let cards: Vec<GuideCard> = shown
            .iter()
            .map(|(g, here)| GuideCard {
                slug: &g.slug,
                title: &g.meta.title,
                summary: &g.meta.summary,
                species: &g.meta.species,
                species_name: lang.name_of("species_", &g.meta.species),
                topic: g.meta.topic.as_deref(),
                topic_name: g.meta.topic.as_deref().map(|t| lang.name_of("topic_", t)),
                time_needed: &g.meta.time_needed,
                step_count: g.steps.len(),
                url: url(g, *here),
                lang: (!here).then_some(g.lang.as_str()),
                lang_name: (!here)
                    .then(|| crate::content::i18n::language_note(self.all_words, code, &g.lang)),
            })
            .collect();
        let mut groups: Vec<SpeciesGroup> = Vec::new();
        let mut species: Vec<&str> = cards.iter().map(|c| c.species).collect();
        species.sort_unstable();
        species.dedup();
        for name in species {
            groups.push(SpeciesGroup {
                species: name,
                species_name: lang.name_of("species_", name),
                guides: cards.iter().filter(|c| c.species == name).collect(),
            });
        }
        let mut topics: Vec<&str> = cards.iter().filter_map(|c| c.topic).collect();
        topics.sort_unstable();
        topics.dedup();
        let topics: Vec<Topic> = topics
            .into_iter()
            .map(|t| Topic {
                topic: t,
                name: lang.name_of("topic_", t),
            })
            .collect();
        IndexLists {
            groups: Value::from_serializable(&groups),
            topics: Value::from_serializable(&topics),
            cards: Value::from_serializable(&cards),
        }
    }

    /// Guide and step text for one part of the index page's search, as JSON.
    fn search_index(&self, part: usize) -> Value {
        let up = self.up;
        let entries: Vec<SearchEntry> = self
            .shown
            .iter()
            .skip(part * crate::output::plan::SEARCH_PART)
            .take(crate::output::plan::SEARCH_PART)
            .map(|(g, here)| {
                let up = if *here { "" } else { up };
                SearchEntry {
                    title: &g.meta.title,
                    url: format!("{up}guides/{}/index.html", g.slug),
                    words: crate::content::search::words(&[&g.meta.title, &g.meta.summary]),
                    steps: g
                        .steps
                        .iter()
                        .map(|s| SearchStep {
                            title: &s.front.title,
                            url: format!("{up}guides/{}/{}.html", g.slug, s.slug),
                            words: s.words.as_str(),
                        })
                        .collect(),
                }
            })
            .collect();
        // serde_json keeps keys in order (tera's maps do not), so the bytes are the same on
        // every build.
        let json = serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into());
        drop(entries);
        // Each copy dropped as soon as the next is made: the index is the largest file.
        let safe = crate::output::structured::script_safe(&json);
        drop(json);
        Value::safe_string(&safe)
    }

    /// A species or topic as the theme's words name it (`species_cat: cat`), or as written.
    fn name_of(&self, kind: &str, value: &str) -> String {
        self.species_words
            .get(&format!("{kind}{value}"))
            .cloned()
            .unwrap_or_else(|| value.to_string())
    }
}

/// `page` in each language it exists in (the page itself included).
fn alternates(site: &Site, langs: &[Language], page: &Page) -> Vec<Alternate> {
    let here = &langs[page.lang];
    let Some(base) = page.path.strip_prefix(here.prefix.as_str()) else {
        return Vec::new();
    };
    let root = "../".repeat(page.path.matches('/').count());
    langs
        .iter()
        .enumerate()
        .filter(|(i, l)| match page.guide {
            Some(g) => site.guide_in(g, l.code).is_some(),
            None => page.kind == PageKind::Index || *i == page.lang,
        })
        .map(|(i, l)| {
            let path = format!("{}{base}", l.prefix);
            let url = format!("{root}{path}");
            Alternate {
                lang: l.code.to_string(),
                name: l.name.clone(),
                href: match site.config.base_url {
                    Some(_) => address(site, &path),
                    None => url.clone(),
                },
                url,
                current: i == page.lang,
            }
        })
        .collect()
}

/// Where rendered files go, one at a time, from many threads: (output path, bytes).
pub type Sink<'a> = dyn Fn(&str, Vec<u8>) -> Result<(), Diagnostic> + Sync + 'a;

pub struct Renderer {
    tera: Tera,
    theme: Theme,
    /// Advanced once per page rendered.
    progress: indicatif::ProgressBar,
}

impl Renderer {
    /// Compiles every template once.
    /// `pdfs`: the build also makes PDFs, so pages may link to them.
    pub fn new(theme: Theme, site: &Site, pdfs: bool) -> Result<Self, Vec<Diagnostic>> {
        let mut tera = new_tera();
        let mut problems = Vec::new();
        let mut sources = Vec::new();
        for (name, bytes, _) in theme.templates() {
            match std::str::from_utf8(bytes) {
                Ok(text) => sources.push((name, text)),
                Err(e) => problems.push(Diagnostic::file(
                    theme.display_name(name),
                    format!(
                        "this template is not valid UTF-8 text (bad byte at offset {})",
                        e.valid_up_to()
                    ),
                )),
            }
        }
        // Each template is first parsed on its own so that every syntax error is reported, not
        // just the first; then all are added together so inheritance and includes resolve.
        for (name, text) in &sources {
            if let Err(e) = new_tera().add_raw_template(name, text)
                && matches!(e.kind(), ErrorKind::SyntaxError(_))
            {
                problems.push(tera_diagnostic(&theme, &e, None));
            }
        }
        if problems.is_empty()
            && let Err(e) = tera.add_raw_templates(sources.iter().copied())
        {
            problems.push(tera_diagnostic(&theme, &e, None));
        }
        let global = tera.global_context();
        global.insert("paper_css", site.config.paper.css());
        global.insert("logo", &site.logo);
        global.insert("pdfs", &pdfs);
        let contact = &site.config.contact;
        global.insert(
            "print_contact",
            &match &contact.phone {
                Some(phone) => format!("{} · {phone}", site.config.name),
                None => site.config.name.clone(),
            },
        );
        if problems.is_empty() {
            Ok(Renderer {
                tera,
                theme,
                progress: indicatif::ProgressBar::hidden(),
            })
        } else {
            Err(problems)
        }
    }

    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// Counts rendered pages on `bar`.
    pub fn with_progress(mut self, bar: indicatif::ProgressBar) -> Self {
        self.progress = bar;
        self
    }

    pub fn render_all(
        &self,
        site: &Site,
        plan: &Plan,
    ) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
        self.render_some(site, plan, |_, _| true)
    }

    /// Renders the files `wanted` accepts into memory (see `render_into`).
    pub fn render_some(
        &self,
        site: &Site,
        plan: &Plan,
        wanted: impl Fn(&str, Option<&Page>) -> bool + Sync,
    ) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
        let out = std::sync::Mutex::new(Vec::new());
        self.render_into(site, plan, wanted, &|path, bytes| {
            if let Ok(mut out) = out.lock() {
                out.push((path.to_string(), bytes));
            }
            Ok(())
        })?;
        Ok(out.into_inner().unwrap_or_default())
    }

    /// Renders the files `wanted` accepts (given each one's output path, and the page if it is
    /// one), handing each to `sink` as soon as it is made, so no more than a guide's pages per
    /// thread are held at once.
    pub fn render_into(
        &self,
        site: &Site,
        plan: &Plan,
        wanted: impl Fn(&str, Option<&Page>) -> bool + Sync,
        sink: &Sink<'_>,
    ) -> Result<(), Vec<Diagnostic>> {
        let langs: Vec<Language> = site
            .languages()
            .enumerate()
            .map(|(i, code)| Language::new(site, code, i))
            .collect();
        // The site's own pages, then each guide in each language: one value for the templates
        // per guide, dropped with its pages.
        let mut site_pages = Vec::new();
        let mut guide_pages: BTreeMap<(usize, usize), Vec<&Page>> = BTreeMap::new();
        for page in &plan.pages {
            if !wanted(&page.path, Some(page)) {
                continue;
            }
            match page.guide {
                Some(g) => guide_pages.entry((g, page.lang)).or_default().push(page),
                None => site_pages.push(page),
            }
        }
        let render = |page: &Page, guide: Option<&Value>| -> Result<(), Diagnostic> {
            let ctx = self.context(site, plan, &langs, page, guide);
            self.progress.inc(1);
            let bytes = self
                .tera
                .render(page.kind.template(), &ctx)
                .map_err(|e| tera_diagnostic(&self.theme, &e, Some(&page.path)))?
                .into_bytes();
            sink(&page.path, bytes)
        };
        // The site's pages (a few large ones: index, search, sitemap) alongside the guides', so
        // every core stays busy.
        let (mut problems, guide_problems): (Vec<Diagnostic>, Vec<Diagnostic>) = rayon::join(
            || {
                site_pages
                    .par_iter()
                    .filter_map(|page| render(page, None).err())
                    .collect()
            },
            || {
                guide_pages
                    .into_par_iter()
                    .flat_map_iter(|((g, l), pages)| {
                        let guide = site
                            .guide_in(g, langs[l].code)
                            .map(|guide| Value::from_serializable(guide.as_ref()));
                        pages
                            .into_iter()
                            .filter_map(|page| render(page, guide.as_ref()).err())
                            .collect::<Vec<_>>()
                    })
                    .collect()
            },
        );
        problems.extend(guide_problems);
        problems.extend(
            plan.copies
                .par_iter()
                .filter(|(path, _)| wanted(path, None))
                .filter_map(|(path, copy)| {
                    let bytes = match copy {
                        Copy::Content(i) => site.files[*i].1.clone(),
                        Copy::Theme(name) => self.theme.files[name].0.to_vec(),
                    };
                    self.progress.inc(1);
                    sink(path, bytes).err()
                })
                .collect::<Vec<_>>(),
        );
        if problems.is_empty() {
            Ok(())
        } else {
            // Every page that uses a broken template fails the same way: report it once.
            problems
                .sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
            problems.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.column == b.column);
            Err(problems)
        }
    }

    /// What the templates see on one page.
    fn context(
        &self,
        site: &Site,
        plan: &Plan,
        langs: &[Language],
        page: &Page,
        guide_value: Option<&Value>,
    ) -> Context {
        let lang = &langs[page.lang];
        let mut ctx = Context::new();
        let depth = page.path.matches('/').count();
        let root = "../".repeat(depth);
        ctx.insert("home", &format!("{root}{}", lang.prefix));
        ctx.insert("root", &root);
        ctx.insert("path", &page.path);
        ctx.insert("lang", lang.code);
        ctx.insert("main_language_name", &langs[0].name);
        ctx.insert_value("t", lang.words.clone());
        ctx.insert_value("site", lang.site.clone());
        if page.kind.is_html() {
            let alternates = alternates(site, langs, page);
            if alternates.len() > 1 {
                ctx.insert("alternates", &alternates);
            }
        }
        // With a base URL, a page knows its address: for the canonical link, sharing tags, and,
        // on paper, where to find its current version online.
        if site.config.base_url.is_some() && page.kind.is_html() && page.kind != PageKind::NotFound
        {
            let url = address(site, &page.path);
            ctx.insert("qr_svg", &crate::output::qr::svg(&url));
            ctx.insert("page_url", &url);
            if page.kind == PageKind::Overview
                && let Some(guide) = page.guide.and_then(|g| site.guide_in(g, lang.code))
            {
                let step_url = |slug: &str| {
                    address(
                        site,
                        &format!("{}guides/{}/{slug}.html", lang.prefix, guide.slug),
                    )
                };
                ctx.insert(
                    "jsonld",
                    &crate::output::structured::howto(guide, &url, step_url),
                );
            }
        }
        match page.kind {
            PageKind::Sitemap => ctx.insert("urls", &sitemap(site, plan, langs)),
            PageKind::SearchIndex(part) => ctx.insert_value("search", lang.search_index(part)),
            PageKind::Index => ctx.insert(
                "search_files",
                &(0..crate::output::plan::search_parts(site.guides.len()))
                    .map(crate::output::plan::search_file)
                    .collect::<Vec<_>>(),
            ),
            _ => {}
        }
        match page.guide.and_then(|g| site.guide_in(g, lang.code)) {
            Some(guide) => {
                if let Some(value) = guide_value {
                    ctx.insert_value("guide", value.clone());
                }
                ctx.insert(
                    "species_name",
                    &lang.name_of("species_", &guide.meta.species),
                );
                if let PageKind::Step(s) = page.kind {
                    step_context(&mut ctx, guide, s);
                }
                if page.kind == PageKind::Log {
                    ctx.insert("rows", &(1..=guide.meta.log_rows).collect::<Vec<_>>());
                }
            }
            // Only the index lists every guide: other site pages never pay for the lists.
            None if page.kind == PageKind::Index => {
                let lists = lang.lists();
                ctx.insert_value("guides", lists.cards.clone());
                ctx.insert_value("groups", lists.groups.clone());
                ctx.insert_value("topics", lists.topics.clone());
            }
            None => {}
        }
        ctx
    }
}

/// Every page a person reads, for the sitemap, with its other languages.
fn sitemap(site: &Site, plan: &Plan, langs: &[Language]) -> Vec<SitemapEntry> {
    plan.pages
        .iter()
        .filter(|p| p.kind.is_html() && p.kind != PageKind::NotFound)
        .map(|p| {
            let alternates = alternates(site, langs, p);
            SitemapEntry {
                loc: address(site, &p.path),
                alternates: if alternates.len() > 1 {
                    alternates
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

/// A page's web address (the site has a base URL): an `index.html` is addressed by its
/// folder, as web servers serve it.
fn address(site: &Site, path: &str) -> String {
    let base = site.config.base_url.as_deref().unwrap_or_default();
    format!("{base}{}", path.strip_suffix("index.html").unwrap_or(path))
}

fn step_context(ctx: &mut Context, guide: &Guide, s: usize) {
    let step = &guide.steps[s];
    let link = |i: usize| {
        let st = &guide.steps[i];
        StepLink {
            number: st.number,
            title: &st.front.title,
            url: format!("{}.html", st.slug),
            lang: st.lang.as_deref(),
        }
    };
    ctx.insert("step", step);
    ctx.insert("step_count", &guide.steps.len());
    ctx.insert("prev", &s.checked_sub(1).map(link));
    ctx.insert("next", &(s + 1 < guide.steps.len()).then(|| link(s + 1)));
}

/// A template engine with handout's own filters.
fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.register_filter("json", |v: Value, _: tera::Kwargs, _: &tera::State| {
        let text = serde_json::to_string(&v).unwrap_or_else(|_| "null".into());
        Value::safe_string(&crate::output::structured::script_safe(&text))
    });
    tera.register_filter(
        "css_string",
        |s: std::borrow::Cow<'_, str>, _: tera::Kwargs, _: &tera::State| {
            Value::safe_string(&css_string(&s))
        },
    );
    tera
}

/// Quotes text as a CSS string. `<`, `>` and `&` are escaped too, so that no text can close the
/// `<style>` element it sits in.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' | '>' | '&' => out.push_str(&format!("\\{:x} ", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\{:x} ", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn tera_diagnostic(theme: &Theme, e: &tera::Error, page: Option<&str>) -> Diagnostic {
    let rendering = page.map_or(String::new(), |p| format!(" (while making {p})"));
    match e.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let name = report.filename();
            let span = report.span();
            let source = theme
                .files
                .get(name)
                .and_then(|(b, _)| std::str::from_utf8(b).ok())
                .unwrap_or("");
            let mut d = Diagnostic::at_line_col(
                theme.display_name(name),
                source,
                span.start_line,
                span.start_col + 1,
                match e.kind() {
                    ErrorKind::SyntaxError(_) => {
                        format!("this template cannot be read: {}", report.message())
                    }
                    _ => format!("{}{rendering}", report.message()),
                },
            );
            if span.start_line == span.end_line
                && span.end_col > span.start_col
                && let Some(line) = &mut d.snippet
            {
                line.range.end =
                    (line.range.start + span.end_col - span.start_col).min(line.text.len());
            }
            d.with_help(match e.kind() {
                ErrorKind::SyntaxError(_) => {
                    "every `{{` needs its `}}`, and every `{% if %}`, `{% for %}` and `{% block %}` its `{% end... %}`"
                }
                _ => "the template asks for a value this page does not have; check the name against the list",
            })
        }
        other => {
            let mut message = format!("{other}{rendering}");
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            Diagnostic::file("templates/", message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::css_string;

    #[test]
    fn css_strings_cannot_break_out_of_style() {
        // The space after an escape ends it; the text's own space follows.
        assert_eq!(css_string("Tom & \"Jerry\""), "\"Tom \\26  \\\"Jerry\\\"\"");
        assert!(!css_string("</style><script>").contains('<'));
        assert_eq!(css_string("a\nb"), "\"a\\a b\"");
    }
}
