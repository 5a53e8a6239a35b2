//! Turning the plan into bytes: tera templates (the theme, with the site's overrides) filled in
//! for each page, in parallel. Template problems become diagnostics naming the template file,
//! line and column, and the page being rendered.

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, ErrorKind, Tera, Value};

use crate::diagnostic::Diagnostic;
use crate::model::{Guide, Site};
use crate::plan::{Copy, Page, PageKind, Plan};
use crate::theme::Theme;

/// A guide as the site index lists it.
#[derive(Serialize)]
struct GuideCard<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    species: &'a str,
    topic: Option<&'a str>,
    time_needed: &'a str,
    step_count: usize,
    url: String,
}

/// Guides of one species, for the index.
#[derive(Serialize)]
struct SpeciesGroup<'a> {
    species: &'a str,
    guides: Vec<&'a GuideCard<'a>>,
}

/// What the index page's search looks through: one entry per guide.
#[derive(Serialize)]
struct SearchEntry<'a> {
    title: &'a str,
    summary: &'a str,
    url: String,
    steps: Vec<SearchStep<'a>>,
}

#[derive(Serialize)]
struct SearchStep<'a> {
    title: &'a str,
    url: String,
    text: &'a str,
}

/// A neighbouring step, for previous/next links.
#[derive(Serialize)]
struct StepLink<'a> {
    number: usize,
    title: &'a str,
    url: String,
}

pub struct Renderer<'a> {
    tera: Tera,
    theme: &'a Theme,
    /// Advanced once per page rendered.
    progress: indicatif::ProgressBar,
}

impl<'a> Renderer<'a> {
    /// Compiles every template once.
    /// `pdfs`: the build also makes PDFs, so pages may link to them.
    pub fn new(theme: &'a Theme, site: &Site, pdfs: bool) -> Result<Self, Vec<Diagnostic>> {
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
                problems.push(tera_diagnostic(theme, &e, None));
            }
        }
        if problems.is_empty()
            && let Err(e) = tera.add_raw_templates(sources.iter().copied())
        {
            problems.push(tera_diagnostic(theme, &e, None));
        }
        let words = match crate::i18n::strings(theme, &site.config.language) {
            Ok(words) => words,
            Err(mut p) => {
                problems.append(&mut p);
                Default::default()
            }
        };
        let global = tera.global_context();
        global.insert("t", &words);
        global.insert("site", &site.config);
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

    /// Renders the pages `wanted` accepts (given each page and its guide's slug), and every
    /// copied file.
    pub fn render_some(
        &self,
        site: &Site,
        plan: &Plan,
        wanted: impl Fn(&Page, Option<&str>) -> bool + Sync,
    ) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
        let chosen: Vec<&Page> = plan
            .pages
            .iter()
            .filter(|p| wanted(p, p.guide.map(|g| site.guides[g].slug.as_str())))
            .collect();
        let mut needed = vec![false; site.guides.len()];
        for page in &chosen {
            if let Some(g) = page.guide {
                needed[g] = true;
            }
        }
        let guides: Vec<Option<Value>> = site
            .guides
            .par_iter()
            .zip(needed.par_iter())
            .map(|(g, needed)| needed.then(|| Value::from_serializable(g.as_ref())))
            .collect();
        let cards: Vec<GuideCard> = site
            .guides
            .iter()
            .map(|g| GuideCard {
                slug: &g.slug,
                title: &g.meta.title,
                summary: &g.meta.summary,
                species: &g.meta.species,
                topic: g.meta.topic.as_deref(),
                time_needed: &g.meta.time_needed,
                step_count: g.steps.len(),
                url: format!("guides/{}/index.html", g.slug),
            })
            .collect();
        let mut groups: Vec<SpeciesGroup> = Vec::new();
        let mut species: Vec<&str> = cards.iter().map(|c| c.species).collect();
        species.sort_unstable();
        species.dedup();
        for name in species {
            groups.push(SpeciesGroup {
                species: name,
                guides: cards.iter().filter(|c| c.species == name).collect(),
            });
        }
        let mut topics: Vec<&str> = cards.iter().filter_map(|c| c.topic).collect();
        topics.sort_unstable();
        topics.dedup();
        let groups = Value::from_serializable(&groups);
        let topics = Value::from_serializable(&topics);
        let search = chosen
            .iter()
            .any(|p| p.kind == PageKind::SearchIndex)
            .then(|| {
                let entries: Vec<SearchEntry> = site
                    .guides
                    .iter()
                    .map(|g| SearchEntry {
                        title: &g.meta.title,
                        summary: &g.meta.summary,
                        url: format!("guides/{}/index.html", g.slug),
                        steps: g
                            .steps
                            .iter()
                            .map(|s| SearchStep {
                                title: &s.front.title,
                                url: format!("guides/{}/{}.html", g.slug, s.slug),
                                text: &s.text,
                            })
                            .collect(),
                    })
                    .collect();
                // serde_json keeps keys in order (tera's maps do not), so the bytes are the
                // same on every build.
                let json = serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into());
                Value::safe_string(&crate::structured::script_safe(&json))
            });
        let cards = Value::from_serializable(&cards);
        // Every page a person reads, for the sitemap.
        let urls: Vec<String> = match &site.config.base_url {
            Some(base) => plan
                .pages
                .iter()
                .filter(|p| p.kind.is_html() && p.kind != PageKind::NotFound)
                .map(|p| address(base, &p.path))
                .collect(),
            None => Vec::new(),
        };
        let urls = Value::from_serializable(&urls);

        let pages: Vec<Result<(String, Vec<u8>), Diagnostic>> = chosen
            .par_iter()
            .map(|page| {
                let mut ctx = Context::new();
                let depth = page.path.matches('/').count();
                ctx.insert("root", &"../".repeat(depth));
                ctx.insert("path", &page.path);
                // With a base URL, a page knows its address: for the canonical link, sharing
                // tags, and, on paper, where to find its current version online.
                if let Some(base) = &site.config.base_url
                    && page.kind.is_html()
                    && page.kind != PageKind::NotFound
                {
                    let url = address(base, &page.path);
                    ctx.insert("qr_svg", &crate::qr::svg(&url));
                    ctx.insert("page_url", &url);
                    if page.kind == PageKind::Overview
                        && let Some(g) = page.guide
                    {
                        let guide = &site.guides[g];
                        let step_url = |slug: &str| {
                            address(base, &format!("guides/{}/{slug}.html", guide.slug))
                        };
                        ctx.insert(
                            "jsonld",
                            &crate::structured::howto(guide, &site.config.language, &url, step_url),
                        );
                    }
                }
                if page.kind == PageKind::Sitemap {
                    ctx.insert_value("urls", urls.clone());
                }
                if let Some(g) = page.guide {
                    if let Some(value) = &guides[g] {
                        ctx.insert_value("guide", value.clone());
                    }
                    if let PageKind::Step(s) = page.kind {
                        step_context(&mut ctx, &site.guides[g], s);
                    }
                } else {
                    ctx.insert_value("guides", cards.clone());
                    ctx.insert_value("groups", groups.clone());
                    ctx.insert_value("topics", topics.clone());
                }
                if let (PageKind::SearchIndex, Some(search)) = (page.kind, &search) {
                    ctx.insert_value("search", search.clone());
                }
                if page.kind == PageKind::Log {
                    let rows = site.guides[page.guide.unwrap_or(0)].meta.log_rows;
                    ctx.insert("rows", &(1..=rows).collect::<Vec<_>>());
                }
                self.progress.inc(1);
                self.tera
                    .render(page.kind.template(), &ctx)
                    .map(|html| (page.path.clone(), html.into_bytes()))
                    .map_err(|e| tera_diagnostic(self.theme, &e, Some(&page.path)))
            })
            .collect();
        let mut out = Vec::with_capacity(pages.len() + plan.copies.len());
        let mut problems = Vec::new();
        for page in pages {
            match page {
                Ok(file) => out.push(file),
                Err(d) => problems.push(d),
            }
        }
        for (path, copy) in &plan.copies {
            let bytes = match copy {
                Copy::Content(i) => site.files[*i].1.clone(),
                Copy::Theme(name) => self.theme.files[name].0.to_vec(),
            };
            out.push((path.clone(), bytes));
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            // Every page that uses a broken template fails the same way: report it once.
            problems
                .sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
            problems.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.column == b.column);
            Err(problems)
        }
    }
}

/// A page's web address: an `index.html` is addressed by its folder, as web servers serve it.
fn address(base: &str, path: &str) -> String {
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
        Value::safe_string(&crate::structured::script_safe(&text))
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
