//! Turning the plan into bytes: tera templates (the theme, with the site's overrides) filled in
//! for each page, in parallel. Template problems become diagnostics naming the template file,
//! line and column, and the page being rendered.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, ErrorKind, Tera, Value};

use crate::content::model::{Guide, Site};
use crate::diagnostic::Diagnostic;
use crate::output::paths::{Lang, OutputPath, Printed, asset};
use crate::output::plan::{Copy, Page, PageKind, Plan, page_path};
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
    /// The step's words (`Step::words`).
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

/// The index page's lists, as values for the templates.
struct IndexLists {
    cards: Value,
    groups: Value,
    topics: Value,
}

/// What the pages of one language share: its words, the site's text and the index's lists.
struct Language<'s> {
    code: &'s str,
    /// Which folder its pages go in.
    lang: Lang<'s>,
    name: String,
    words: Value,
    site: Value,
    species_words: &'s crate::content::i18n::Strings,
    all_words:
        &'s std::collections::BTreeMap<String, std::sync::Arc<crate::content::i18n::Strings>>,
    /// Each guide as this language shows it: (guide, whether it is in this language).
    shown: Vec<(&'s Guide, bool)>,
}

impl<'s> Language<'s> {
    /// `guides`: also note how this language shows each guide (for the index and search).
    fn new(site: &'s Site, code: &'s str, index: usize, guides: bool) -> Language<'s> {
        static NONE: crate::content::i18n::Strings = crate::content::i18n::Strings::new();
        let words = site.words.get(code).map_or(&NONE, |w| w.as_ref());
        let mut config = site.config.clone();
        if let Some(tr) = site.translated_config.get(code) {
            config.tagline = tr.tagline.clone().or(config.tagline);
            config.call_to_action = tr.call_to_action.clone().or(config.call_to_action);
        }
        // Each guide in this language, or else in the main one.
        let shown: Vec<(&Guide, bool)> = match guides {
            true => site.guides.iter().map(|g| shown_in(g, code)).collect(),
            false => Vec::new(),
        };
        Language {
            code,
            lang: Lang::nth(index, code),
            name: words.get("language_name").cloned().unwrap_or_default(),
            words: Value::from_serializable(words),
            site: Value::from_serializable(&config),
            species_words: words,
            all_words: &site.words,
            shown,
        }
    }

    /// Guide `g` as this language's index lists it; `here`: the guide is in this language.
    fn card<'g>(&self, g: &'g Guide, here: bool) -> GuideCard<'g> {
        let index = OutputPath::index(self.lang);
        GuideCard {
            slug: &g.slug,
            title: &g.meta.title,
            summary: &g.meta.summary,
            species: &g.meta.species,
            species_name: self.name_of("species_", &g.meta.species),
            topic: g.meta.topic.as_deref(),
            topic_name: g.meta.topic.as_deref().map(|t| self.name_of("topic_", t)),
            time_needed: &g.meta.time_needed,
            step_count: g.steps.len(),
            url: OutputPath::overview(self.guide_lang(here), &g.slug).url_from(&index),
            lang: (!here).then_some(g.lang.as_str()),
            lang_name: (!here)
                .then(|| crate::content::i18n::language_note(self.all_words, self.code, &g.lang)),
        }
    }

    /// The index page's lists, made for that page alone: with thousands of guides they are
    /// large, and no other page needs them.
    fn lists(&self) -> IndexLists {
        let (lang, shown) = (self, &self.shown);
        let cards: Vec<GuideCard> = shown.iter().map(|(g, here)| lang.card(g, *here)).collect();
        // Each card made into a value once: the species' groups share them.
        let card_values: Vec<Value> = cards.iter().map(Value::from_serializable).collect();
        let mut groups: Vec<Value> = Vec::new();
        let mut species: Vec<&str> = cards.iter().map(|c| c.species).collect();
        species.sort_unstable();
        species.dedup();
        for name in species {
            let guides: Vec<Value> = cards
                .iter()
                .zip(&card_values)
                .filter(|(c, _)| c.species == name)
                .map(|(_, v)| v.clone())
                .collect();
            let group: BTreeMap<&str, Value> = BTreeMap::from([
                ("species", Value::from(name)),
                ("species_name", Value::from(lang.name_of("species_", name))),
                ("guides", Value::from(guides)),
            ]);
            groups.push(Value::from(group));
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
            groups: Value::from(groups),
            topics: Value::from_serializable(&topics),
            cards: Value::from(card_values),
        }
    }

    /// Where a guide's pages are shown in this language's lists: in this language when it is
    /// translated (`here`), else in the main one.
    fn guide_lang(&self, here: bool) -> Lang<'s> {
        match here {
            true => self.lang,
            false => Lang::Main,
        }
    }

    /// Guide `g` as this language's search looks through it. Its URLs are relative to the
    /// index page, which loads the search.
    fn search_entry<'g>(&self, g: &'g Guide, here: bool) -> SearchEntry<'g> {
        let index = OutputPath::index(self.lang);
        let lang = self.guide_lang(here);
        SearchEntry {
            title: &g.meta.title,
            url: OutputPath::overview(lang, &g.slug).url_from(&index),
            words: crate::content::search::words(&[&g.meta.title, &g.meta.summary]),
            steps: g
                .steps
                .iter()
                .map(|s| SearchStep {
                    title: &s.front.title,
                    url: OutputPath::step(lang, &g.slug, &s.slug).url_from(&index),
                    words: s.words(),
                })
                .collect(),
        }
    }

    /// Guide and step text for one part of the index page's search, as JSON.
    fn search_index(&self, part: usize) -> Value {
        let shown = self
            .shown
            .iter()
            .skip(part * crate::output::plan::SEARCH_PART)
            .take(crate::output::plan::SEARCH_PART);
        // The steps' words are most of the work, and a part's hundred guides are a thousand
        // steps: on every core.
        shown
            .clone()
            .collect::<Vec<_>>()
            .par_iter()
            .flat_map_iter(|(g, _)| g.steps.iter())
            .for_each(|s| {
                s.words();
            });
        let entries: Vec<SearchEntry> =
            shown.map(|(g, here)| self.search_entry(g, *here)).collect();
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

/// A guide as a language shows it: in that language if it is translated (`true`), else in the
/// main one.
fn shown_in<'g>(guide: &'g Guide, code: &str) -> (&'g Guide, bool) {
    match guide.lang == code {
        true => (guide, true),
        false => guide
            .translations
            .get(code)
            .map_or((guide, false), |t| (t.as_ref(), true)),
    }
}

/// What the site's own pages are given about one guide, in every language: its card on the
/// index and its entry in the search, as the bytes the templates' values are made from.
/// `serve` compares them before and after an edit to know whether those pages change; being
/// the templates' own values, a field added to a card or an entry is compared too.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Listed {
    pub card: Vec<u8>,
    pub search: Vec<u8>,
}

/// The site's languages as its own pages show guides, for `Listed`.
pub(crate) struct Listing<'s> {
    langs: Vec<Language<'s>>,
}

impl<'s> Listing<'s> {
    pub(crate) fn new(site: &'s Site) -> Listing<'s> {
        let langs = site
            .languages()
            .enumerate()
            .map(|(i, code)| Language::new(site, code, i, false))
            .collect();
        Listing { langs }
    }

    /// The guide's card on the index in every language, as the template receives it.
    pub(crate) fn card(&self, guide: &Guide) -> Vec<u8> {
        let mut card = Vec::new();
        for lang in &self.langs {
            let (g, here) = shown_in(guide, lang.code);
            // Serialising a plain struct cannot fail.
            let _ = serde_json::to_writer(&mut card, &lang.card(g, here));
        }
        card
    }

    pub(crate) fn of(&self, guide: &Guide) -> Listed {
        let (mut card, mut search) = (Vec::new(), Vec::new());
        for lang in &self.langs {
            let (g, here) = shown_in(guide, lang.code);
            // Serialising these plain structs cannot fail.
            let _ = serde_json::to_writer(&mut card, &lang.card(g, here));
            let _ = serde_json::to_writer(&mut search, &lang.search_entry(g, here));
        }
        Listed { card, search }
    }
}

/// `page` in each language it exists in (the page itself included).
fn alternates(site: &Site, langs: &[Language], page: &Page) -> Vec<Alternate> {
    langs
        .iter()
        .enumerate()
        .filter(|(i, l)| match page.guide {
            Some(g) => site.guide_in(g, l.code).is_some(),
            None => page.kind == PageKind::Index || *i == page.lang,
        })
        .filter_map(|(i, l)| {
            let path = page_path(site, page.kind, page.guide, i)?;
            let url = path.url_from_top(&page.path);
            Some(Alternate {
                lang: l.code.to_string(),
                name: l.name.clone(),
                href: match &site.config.base_url {
                    Some(base) => path.address(base),
                    None => url.clone(),
                },
                url,
                current: i == page.lang,
            })
        })
        .collect()
}

/// Where rendered files go, one at a time, from many threads: (output path, bytes).
pub type Sink<'a> = dyn Fn(&str, Vec<u8>) -> Result<(), Diagnostic> + Sync + 'a;

/// Gives the guide at an index of `site.guides` whole, for its own pages (`Renderer::render_into`).
pub type Whole<'a> = dyn Fn(usize) -> Option<std::sync::Arc<Guide>> + Sync + 'a;

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
        let languages: Vec<&str> = site.languages().collect();
        let mut problems = theme.unused_files(&languages);
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

    /// Renders the files `wanted` accepts into memory (see `render_into`), from a site whose
    /// guides are whole.
    pub fn render_some(
        &self,
        site: &Site,
        plan: &Plan,
        wanted: impl Fn(&str, Option<&Page>) -> bool + Sync,
    ) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
        let out = std::sync::Mutex::new(Vec::new());
        let whole = |g: usize| Some(site.guides[g].clone());
        self.render_into(site, plan, &whole, wanted, &|path, bytes| {
            if let Ok(mut out) = out.lock() {
                out.push((path.to_string(), bytes));
            }
            Ok(())
        })?;
        Ok(out.into_inner().unwrap_or_default())
    }

    /// Renders the files `wanted` accepts (given each one's output path, and the page if it is
    /// one), handing each to `sink` as soon as it is made. A guide's pages are made from the
    /// guide `whole` gives for its index in `site.guides` (none: its pages are not made, its
    /// problems are the caller's to report), asked for once and dropped with its pages, so no
    /// more than a guide per thread is held whole at once.
    pub fn render_into(
        &self,
        site: &Site,
        plan: &Plan,
        whole: &Whole<'_>,
        wanted: impl Fn(&str, Option<&Page>) -> bool + Sync,
        sink: &Sink<'_>,
    ) -> Result<(), Vec<Diagnostic>> {
        let langs: Vec<Language> = site
            .languages()
            .enumerate()
            .map(|(i, code)| Language::new(site, code, i, true))
            .collect();
        // The site's own pages, then each guide's pages by language: one value for the
        // templates per guide and language, dropped with its pages.
        let mut site_pages = Vec::new();
        let mut guide_pages: BTreeMap<usize, BTreeMap<usize, Vec<&Page>>> = BTreeMap::new();
        for page in &plan.pages {
            if !wanted(page.path.as_str(), Some(page)) {
                continue;
            }
            match page.guide {
                Some(g) => guide_pages
                    .entry(g)
                    .or_default()
                    .entry(page.lang)
                    .or_default()
                    .push(page),
                None => site_pages.push(page),
            }
        }
        let render =
            |page: &Page, guide: Option<(&Guide, &GuideValues)>| -> Result<(), Diagnostic> {
                // A guide made in outline has no text to show: its pages are never made from it.
                if guide.is_some_and(|(g, _)| g.outline) {
                    return Err(Diagnostic::file(
                        page.path.as_str(),
                        "this page's guide was given without its text",
                    )
                    .with_help("this is a bug in handout: please report it"));
                }
                self.progress.inc(1);
                if page.kind == PageKind::Sitemap {
                    return sink(&page.path, sitemap(site, plan, &langs));
                }
                let ctx = self.context(site, &langs, page, guide);
                let bytes = self
                    .tera
                    .render(page.kind.template(), &ctx)
                    .map_err(|e| tera_diagnostic(&self.theme, &e, Some(&page.path)))?
                    .into_bytes();
                sink(&page.path, bytes)
            };
        // The site's pages alongside the guides', so every core stays busy; one after another,
        // as a few are large (the index and the sitemap of a site of thousands of guides take
        // tens of megabytes each while they are made).
        let (mut problems, guide_problems): (Vec<Diagnostic>, Vec<Diagnostic>) = rayon::join(
            || {
                site_pages
                    .iter()
                    .filter_map(|page| render(page, None).err())
                    .collect()
            },
            || {
                guide_pages
                    .into_par_iter()
                    .flat_map_iter(|(g, by_lang)| {
                        let Some(main) = whole(g) else {
                            return Vec::new();
                        };
                        let mut problems = Vec::new();
                        for (l, pages) in by_lang {
                            let code = langs[l].code;
                            let guide = match main.lang == code {
                                true => Some(&main),
                                false => main.translations.get(code),
                            };
                            let values = guide.map(|g| GuideValues::new(site, &langs[l], g));
                            let shown = guide.map(|g| g.as_ref()).zip(values.as_ref());
                            problems
                                .extend(pages.into_iter().filter_map(|p| render(p, shown).err()));
                        }
                        problems
                    })
                    .collect()
            },
        );
        problems.extend(guide_problems);
        problems.extend(
            plan.copies
                .par_iter()
                .filter(|copy| wanted(copy.path.as_str(), None))
                .filter_map(|copy| {
                    let bytes = match &copy.source {
                        Copy::Content(i) => site.files[*i].1.to_vec(),
                        Copy::Theme(name) => self.theme.files[name].0.to_vec(),
                    };
                    self.progress.inc(1);
                    sink(&copy.path, bytes).err()
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
        langs: &[Language],
        page: &Page,
        shown: Option<(&Guide, &GuideValues)>,
    ) -> Context {
        let lang = &langs[page.lang];
        let mut ctx = Context::new();
        // The way up to the output's top, for a site's own templates that link its own files.
        ctx.insert("root", &page.path.up_to_top());
        ctx.insert("path", page.path.as_str());
        ctx.insert("lang", lang.code);
        ctx.insert("main_language_name", &langs[0].name);
        ctx.insert_value("t", lang.words.clone());
        ctx.insert_value("site", lang.site.clone());
        match shown {
            Some((_, values)) => ctx.insert_value("urls", values.urls.clone()),
            None => ctx.insert("urls", &page_urls(site, lang, page)),
        }
        if page.kind.is_html() {
            let alternates = alternates(site, langs, page);
            if alternates.len() > 1 {
                ctx.insert("alternates", &alternates);
            }
        }
        // With a base URL, a page knows its address: for the canonical link, sharing tags, and,
        // on paper, where to find its current version online.
        if let Some(base) = &site.config.base_url
            && page.kind.is_html()
            && page.kind != PageKind::NotFound
        {
            let url = page.path.address(base);
            ctx.insert("qr_svg", &crate::output::qr::svg(&url));
            ctx.insert("page_url", &url);
            if page.kind == PageKind::Overview
                && let Some((guide, values)) = shown
            {
                let step_url =
                    |slug: &str| OutputPath::step(lang.lang, &guide.slug, slug).address(base);
                ctx.insert(
                    "jsonld",
                    &crate::output::structured::howto(guide, &values.texts, &url, step_url),
                );
            }
        }
        if let PageKind::SearchIndex(part) = page.kind {
            ctx.insert_value("search", lang.search_index(part));
        }
        match shown {
            Some((guide, values)) => {
                ctx.insert_value("guide", values.guide.clone());
                ctx.insert(
                    "species_name",
                    &lang.name_of("species_", &guide.meta.species),
                );
                if let PageKind::Step(s) = page.kind {
                    if let Some(step) = values.steps.get(s) {
                        ctx.insert_value("step", step.clone());
                    }
                    step_context(&mut ctx, guide, s, lang.lang, &page.path);
                }
                if page.kind == PageKind::Log {
                    ctx.insert("rows", &(1..=guide.meta.log_rows).collect::<Vec<_>>());
                }
            }
            // Only the index lists every guide: other site pages never pay for the lists.
            None if page.kind == PageKind::Index => {
                let lists = lang.lists();
                ctx.insert_value("guides", lists.cards);
                ctx.insert_value("groups", lists.groups);
                ctx.insert_value("topics", lists.topics);
            }
            None => {}
        }
        ctx
    }
}

/// What every page of a guide in one language shares, made once for them all.
struct GuideValues {
    guide: Value,
    urls: Value,
    /// Each step as its own page sees it (`step`).
    steps: Vec<Value>,
    /// Each step's body as plain text (`Body::text`), made once for all the pages that show it.
    texts: Vec<String>,
}

impl GuideValues {
    fn new(site: &Site, lang: &Language, guide: &Guide) -> GuideValues {
        let texts = step_texts(guide);
        let steps: Vec<Value> = guide
            .steps
            .iter()
            .zip(&texts)
            .map(|(step, text)| step_value(step, text.clone()))
            .collect();
        GuideValues {
            guide: guide_value(guide, lang.lang, &steps),
            urls: Value::from_serializable(&guide_urls(site, lang, guide)),
            steps,
            texts,
        }
    }
}

/// Each step's body of `guide` as plain text.
fn step_texts(guide: &Guide) -> Vec<String> {
    guide.steps.iter().map(|s| s.body.text()).collect()
}

/// A step as the templates see it: the model, with its body's plain text as `text`.
fn step_value(step: &crate::content::model::Step, text: String) -> Value {
    let value = Value::from_serializable(step);
    match value.into_map() {
        Some(mut map) => {
            map.insert(tera::value::Key::from("text"), Value::from(text));
            Value::from(map)
        }
        None => Value::none(),
    }
}

/// A guide as its pages' templates see it: the model, each step (`steps`, as `step_value` made
/// them) with its `url` (every page of a guide sits in the guide's folder, so one URL serves
/// them all).
fn guide_value(guide: &Guide, lang: Lang, steps: &[Value]) -> Value {
    let value = Value::from_serializable(guide);
    if !value.is_map() {
        return value;
    }
    // Each value held once, so taking it apart copies no text.
    let mut map = value.into_map().unwrap_or_default();
    let steps_key = tera::value::Key::from("steps");
    let overview = OutputPath::overview(lang, &guide.slug);
    let steps: Vec<Value> = steps
        .iter()
        .cloned()
        .zip(&guide.steps)
        .map(|(value, step)| match value.into_map() {
            Some(mut step_map) => {
                let url = OutputPath::step(lang, &guide.slug, &step.slug).url_from(&overview);
                step_map.insert(tera::value::Key::from("url"), Value::from(url));
                Value::from(step_map)
            }
            None => Value::none(),
        })
        .collect();
    map.insert(steps_key, Value::from(steps));
    Value::from(map)
}

/// Every URL a page prints, relative to it (or, for robots.txt, absolute): templates never
/// build one. Fields that do not apply to a page are left empty.
#[derive(Serialize, Default)]
struct Urls {
    /// This language's index of guides.
    home: String,
    style: String,
    icon: String,
    manifest: String,
    logo: Option<String>,
    /// The index page: the parts of its search, and its script.
    search: Vec<String>,
    library_script: Option<String>,
    /// A guide's pages (its steps' URLs are in `guide.steps`).
    overview: Option<String>,
    checklist: Option<String>,
    handout: Option<String>,
    log: Option<String>,
    /// The guide's PDFs in this page's language (linked when the build makes them), and the
    /// checklist's script.
    pdf: Option<PdfUrls>,
    checklist_script: Option<String>,
    /// The manifest's start page.
    start: Option<String>,
    /// robots.txt: the sitemap's address.
    sitemap: Option<String>,
}

#[derive(Serialize)]
struct PdfUrls {
    handout: String,
    checklist: String,
    log: String,
}

/// The URLs every page prints, from the page at `here`. The site-wide links go up to the top
/// and down, as they always have.
fn site_urls(site: &Site, lang: &Language, here: &OutputPath) -> Urls {
    let top = |path: OutputPath| path.url_from_top(here);
    Urls {
        home: top(OutputPath::index(lang.lang)),
        style: top(OutputPath::theme_file(asset::STYLE)),
        icon: top(OutputPath::theme_file(asset::ICON)),
        manifest: top(OutputPath::manifest()),
        logo: site.logo.as_deref().map(|l| top(OutputPath::published(l))),
        ..Urls::default()
    }
}

/// The URLs of one of the site's own pages (not a guide's).
fn page_urls(site: &Site, lang: &Language, page: &Page) -> Urls {
    let here = &page.path;
    let mut urls = site_urls(site, lang, here);
    match page.kind {
        PageKind::Index => {
            urls.search = (0..crate::output::plan::search_parts(site.guides.len()))
                .map(|part| OutputPath::search_part(lang.lang, part).url_from(here))
                .collect();
            urls.library_script =
                Some(OutputPath::theme_file(asset::LIBRARY_SCRIPT).url_from_top(here));
        }
        PageKind::Manifest => urls.start = Some(OutputPath::index(Lang::Main).url_from(here)),
        PageKind::Robots => {
            urls.sitemap = site
                .config
                .base_url
                .as_deref()
                .map(|base| OutputPath::sitemap().address(base));
        }
        _ => {}
    }
    urls
}

/// The URLs of a guide's pages in one language: they all sit in the guide's folder, so they
/// share them.
fn guide_urls(site: &Site, lang: &Language, guide: &Guide) -> Urls {
    let (l, slug) = (lang.lang, guide.slug.as_str());
    let here = OutputPath::overview(l, slug);
    let near = |path: OutputPath| path.url_from(&here);
    let pdf = |kind| near(OutputPath::pdf(l, slug, kind));
    Urls {
        overview: Some(near(OutputPath::overview(l, slug))),
        checklist: Some(near(OutputPath::checklist(l, slug))),
        handout: Some(near(OutputPath::handout(l, slug))),
        log: Some(near(OutputPath::log(l, slug))),
        pdf: Some(PdfUrls {
            handout: pdf(Printed::Handout),
            checklist: pdf(Printed::Checklist),
            log: pdf(Printed::Log),
        }),
        checklist_script: Some(OutputPath::theme_file(asset::CHECKLIST_SCRIPT).url_from_top(&here)),
        ..site_urls(site, lang, &here)
    }
}

/// The sitemap: every page a person reads, with its other languages. Written here, not by a
/// template: a site of thousands of guides has a hundred thousand entries, which as values for
/// a template took some 70 MB while the sitemap was made.
fn sitemap(site: &Site, plan: &Plan, langs: &[Language]) -> Vec<u8> {
    let base = site.config.base_url.as_deref().unwrap_or_default();
    let mut out = Vec::with_capacity(160 * plan.pages.len());
    let text = |out: &mut Vec<u8>, text: &str| {
        // Writing to a Vec cannot fail.
        let _ = tera::escape_html(text, out);
    };
    out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    let read = |p: &&Page| p.kind.is_html() && p.kind != PageKind::NotFound;
    for page in plan.pages.iter().filter(read) {
        out.extend_from_slice(b"<url><loc>");
        text(&mut out, &page.path.address(base));
        out.extend_from_slice(b"</loc>");
        let alternates = alternates(site, langs, page);
        if alternates.len() > 1 {
            for other in &alternates {
                out.extend_from_slice(b"<xhtml:link rel=\"alternate\" hreflang=\"");
                text(&mut out, &other.lang);
                out.extend_from_slice(b"\" href=\"");
                text(&mut out, &other.href);
                out.extend_from_slice(b"\"/>");
            }
        }
        out.extend_from_slice(b"</url>\n");
    }
    out.extend_from_slice(b"</urlset>\n");
    out
}

/// A step page's neighbours; the step itself is `step_value`.
fn step_context(ctx: &mut Context, guide: &Guide, s: usize, lang: Lang, here: &OutputPath) {
    let link = |i: usize| {
        let st = &guide.steps[i];
        StepLink {
            number: st.number,
            title: &st.front.title,
            url: OutputPath::step(lang, &guide.slug, &st.slug).url_from(here),
            lang: st.lang.as_deref(),
        }
    };
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
    // `{{ t | count(word="step_count", n=3) }}`: the word's form for that count, `{n}` filled
    // in. A word that is not there is an error naming it, as any unknown value is.
    tera.register_filter(
        "count",
        |t: &tera::Map, kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let word = kwargs.must_get::<&str>("word")?;
            let n = kwargs.must_get::<u64>("n")?;
            crate::content::i18n::counted(|k| word_of(t, k), word, n).ok_or_else(|| {
                tera::Error::message(format!("there is no counted word `{word}` in `t`"))
            })
        },
    );
    // `{{ t | plural_forms(word="progress_done") }}`: every form of the word and the language
    // whose rule picks among them, as JSON, for a script to pick as a count changes.
    tera.register_filter(
        "plural_forms",
        |t: &tera::Map, kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let word = kwargs.must_get::<&str>("word")?;
            Ok(crate::content::i18n::forms(|k| word_of(t, k), word).to_string())
        },
    );
    tera.register_filter(
        "css_string",
        |s: std::borrow::Cow<'_, str>, _: tera::Kwargs, _: &tera::State| {
            Value::safe_string(&css_string(&s))
        },
    );
    tera
}

/// A theme word by its key, from the page's `t`.
fn word_of<'a>(t: &'a tera::Map, key: &str) -> Option<&'a str> {
    t.get(&tera::value::Key::from(key.to_string()))
        .and_then(|v| v.as_str())
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
            let lines = crate::diagnostic::Lines::new(source);
            let start = (span.start_line, span.start_col + 1);
            // The whole span when it is on one line, else its first character.
            let len = if span.start_line == span.end_line && span.end_col > span.start_col {
                lines.offset_of(span.end_line, span.end_col + 1) - lines.offset_of(start.0, start.1)
            } else {
                1
            };
            let d = Diagnostic::at_line_col(
                theme.display_name(name),
                &lines,
                start,
                len,
                match e.kind() {
                    ErrorKind::SyntaxError(_) => {
                        format!("this template cannot be read: {}", report.message())
                    }
                    _ => format!("{}{rendering}", report.message()),
                },
            );
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
