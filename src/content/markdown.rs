//! Markdown to HTML: CommonMark plus tables, footnotes, strikethrough, task lists and GFM alerts
//! (rendered as labelled callouts), with every link and image checked by a resolver and raw HTML
//! shown as text unless the site allows it. Sub-step headings and footnotes get their ids from
//! the guide's book of ids (`ids`), so that none repeats on a page that shows several texts.

use std::ops::Range;

use std::collections::HashMap;

use pulldown_cmark::{BlockQuoteKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::content::ids::{self, Ids};
use crate::content::model::SubStep;
use crate::diagnostic::Diagnostic;

/// Where a link goes.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    pub url: String,
    /// Set when the page linked to is in another language than the page linking to it:
    /// (language code, the language's own name), so the link can say so.
    pub other_language: Option<(String, String)>,
}

impl Target {
    /// A link that stays in the page's language (or leaves the site).
    pub fn same(url: String) -> Target {
        Target {
            url,
            other_language: None,
        }
    }
}

/// A link or image target that cannot be used, with what to do about it.
pub struct Unresolved {
    pub message: String,
    pub help: Option<String>,
}

/// Where a piece of markdown comes from, and how its links are resolved.
pub struct Source<'a> {
    /// Display path of the file, for messages.
    pub file: &'a str,
    /// The whole (decoded) text of the file, with its lines found once for all its problems.
    pub lines: &'a crate::diagnostic::Lines<'a>,
    /// Where the markdown sits in `text`: a slice of it, or a YAML value whose parsed text
    /// maps back to the file.
    pub origin: crate::content::yaml::Origin<'a>,
    pub allow_html: bool,
    pub link: &'a dyn Fn(&str) -> Result<Target, Unresolved>,
    pub image: &'a dyn Fn(&str) -> Result<String, Unresolved>,
    /// The theme's words in the text's language, for callout labels.
    pub words: &'a crate::content::i18n::Strings,
}

/// Which step a body belongs to, so its `##` headings become numbered sub-steps.
pub struct StepOf<'a> {
    pub number: usize,
    pub slug: &'a str,
}

pub struct Rendered {
    pub html: String,
    pub substeps: Vec<SubStep>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_GFM
}

/// Where a text's ids come from: the book of its guide's pages, and the text's own part of
/// them (a step's slug, `intro`, `tips-2`), which starts its footnotes' ids (`intro-fn-1`).
pub struct IdsOf<'a> {
    pub book: &'a mut Ids,
    pub scope: &'a str,
}

/// Renders block markdown. Problems are appended to `problems`; the HTML is still produced so
/// that every problem in a run can be found.
pub fn render(
    md: &str,
    src: &Source,
    step: Option<StepOf>,
    ids: IdsOf,
    problems: &mut Vec<Diagnostic>,
) -> Rendered {
    // Raw HTML becomes text first, so no later step (headings, callouts) can pass it through.
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(md, options())
        .into_offset_iter()
        .map(|(e, r)| match e {
            Event::Html(raw) | Event::InlineHtml(raw) if !src.allow_html => (Event::Text(raw), r),
            other => (other, r),
        })
        .collect();
    let notes = footnotes(&events, ids.book, ids.scope);
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut substeps = Vec::new();
    // Set inside a link to a page in another language, so its end can say which language.
    let mut link_language: Option<String> = None;
    // Inside a `##` heading of a step, rendered as a numbered sub-step.
    let mut in_substep = false;
    // Every problem in this text is placed through one map of it to the file.
    let places = src.origin.places(src.lines.text());
    let at = |range: &Range<usize>, message: String, help: Option<String>| {
        let start = places.file_offset(range.start);
        let end = places.file_offset(range.end);
        let len = if end > start {
            end - start
        } else {
            range.len()
        };
        let mut d = Diagnostic::at(src.file, src.lines, start, len.min(80), message);
        d.help = help;
        d
    };
    for unread in unread_links(md, &events) {
        let (message, help) = unread.explained();
        problems.push(at(&unread.range, message, Some(help)));
    }
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let target = match (src.link)(dest_url) {
                    Ok(target) => target,
                    Err(u) => {
                        problems.push(at(range, u.message, u.help));
                        Target::same(String::from("#"))
                    }
                };
                match target.other_language {
                    Some((code, name)) => {
                        out.push(Event::InlineHtml(
                            format!(
                                "<a href=\"{}\" hreflang=\"{}\"{}>",
                                escaped_href(&target.url),
                                escaped(&code),
                                match title.is_empty() {
                                    true => String::new(),
                                    false => format!(" title=\"{}\"", escaped(title)),
                                }
                            )
                            .into(),
                        ));
                        link_language = Some(format!(
                            "</a> <span class=\"lang-note\" lang=\"{}\">({})</span>",
                            escaped(&code),
                            escaped(&name)
                        ));
                    }
                    None => out.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: target.url.into(),
                        title: title.clone(),
                        id: id.clone(),
                    })),
                }
            }
            Event::End(TagEnd::Link) if link_language.is_some() => {
                if let Some(end) = link_language.take() {
                    out.push(Event::InlineHtml(end.into()));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let alt = image_alt(&events[i + 1..]);
                if alt.trim().is_empty() {
                    problems.push(at(
                        range,
                        "this image has no alt text".into(),
                        Some("describe the picture between the brackets: ![A cat wearing a harness](...)".into()),
                    ));
                }
                let url = match (src.image)(dest_url) {
                    Ok(url) => url,
                    Err(u) => {
                        problems.push(at(range, u.message, u.help));
                        String::new()
                    }
                };
                out.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: url.into(),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Heading { level, .. })
                if step.is_some() && *level <= HeadingLevel::H2 =>
            {
                let (title, _) = heading_text(&events, i);
                let step = step.as_ref().map_or((0, ""), |s| (s.number, s.slug));
                let number = format!("{}.{}", step.0, substeps.len() + 1);
                let id = ids
                    .book
                    .claim(&format!("{}-{}", step.1, ids::heading_slug(&title)));
                out.push(Event::Html(
                    format!(
                        "<h3 class=\"substep\" id=\"{id}\"><span class=\"substep-number\">{number}</span> "
                    )
                    .into(),
                ));
                substeps.push(SubStep {
                    number,
                    id,
                    title,
                    check: String::new(),
                });
                // The heading's own text goes on through this loop, so its links and pictures
                // are checked and rewritten like any others; its end closes the `<h3>`.
                in_substep = true;
            }
            Event::End(TagEnd::Heading(_)) if in_substep => {
                in_substep = false;
                out.push(Event::Html("</h3>\n".into()));
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => out.push(Event::Start(Tag::Heading {
                level: demote(*level),
                id: id.clone(),
                classes: classes.clone(),
                attrs: attrs.clone(),
            })),
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::End(TagEnd::Heading(demote(*level))))
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, key, english) = callout(*kind);
                let label = escaped(src.words.get(key).map_or(english, String::as_str));
                out.push(Event::Html(
                    format!(
                        "<aside class=\"callout callout-{class}\"><p class=\"callout-label\">{label}</p>\n"
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                out.push(Event::Html("</aside>\n".into()));
            }
            // Footnotes as pulldown-cmark writes them, with the ids of the guide's book instead
            // of their labels (`[^1]` in two steps, `[^main]` beside the page's `<main>`).
            Event::FootnoteReference(label) => {
                let (number, id) = &notes[&note_key(label)];
                out.push(Event::InlineHtml(
                    format!(
                        "<sup class=\"footnote-reference\"><a href=\"#{}\">{number}</a></sup>",
                        escaped(id)
                    )
                    .into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (number, id) = &notes[&note_key(label)];
                out.push(Event::Html(
                    format!(
                        "<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">{number}</sup>",
                        escaped(id)
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                out.push(Event::Html("</div>\n".into()));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    let mut html_out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut html_out, out.into_iter());
    // The model keeps it for the whole build: no room to spare.
    html_out.shrink_to_fit();
    Rendered {
        html: html_out,
        substeps,
    }
}

/// Footnote labels match whatever their case, as in GitHub's markdown.
fn note_key(label: &str) -> String {
    label.to_lowercase()
}

/// Each footnote of a text by its label: its number, counted as pulldown-cmark counts them (in
/// the order each label first appears, as a reference or a definition), and its id.
fn footnotes(
    events: &[(Event, Range<usize>)],
    book: &mut Ids,
    scope: &str,
) -> HashMap<String, (usize, String)> {
    let mut notes = HashMap::new();
    for (event, _) in events {
        let label = match event {
            Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label)) => label,
            _ => continue,
        };
        let key = note_key(label);
        if !notes.contains_key(&key) {
            let number = notes.len() + 1;
            let id = book.claim(&format!("{scope}-fn-{number}"));
            notes.insert(key, (number, id));
        }
    }
    notes
}

/// A link or picture written with a space in its target, which CommonMark does not read as one
/// (`![A cat](../images/my cat.jpg)`), so that it would be shown as its text.
struct UnreadLink<'a> {
    /// Where it is written, in the markdown.
    range: Range<usize>,
    picture: bool,
    /// The text between the brackets, and the target as written.
    text: &'a str,
    target: &'a str,
}

impl UnreadLink<'_> {
    /// The message and the help: the same link written so that it works, and for a file a
    /// name without spaces.
    fn explained(&self) -> (String, String) {
        let (kind, target) = match self.picture {
            true => ("picture", "path"),
            false => ("link", "address"),
        };
        let message = format!(
            "this {kind} is shown as text, not as a {kind}, because its {target} has a space in it"
        );
        // A title after the path (`"A cat"`) stays as it is.
        let (path, title) = split_title(self.target);
        let encoded: String = path
            .chars()
            .map(|c| match c {
                c if c.is_whitespace() => format!("%{:02X}", c as u32),
                c => c.to_string(),
            })
            .collect();
        let bang = if self.picture { "!" } else { "" };
        let mut help = format!(
            "write each space as %20: `{bang}[{}]({encoded}{title})`",
            self.text
        );
        let name = path.rsplit('/').next().unwrap_or(path);
        if !path.contains(':') && name.contains(char::is_whitespace) {
            let renamed = name.split_whitespace().collect::<Vec<_>>().join("-");
            help.push_str(&format!(
                ", or rename the file to `{renamed}`, without spaces, and change the {target} to match"
            ));
        }
        (message, help)
    }
}

/// A link target as written, split into its path and a title after it (` "A cat"`, with the
/// space before it), if it has one.
fn split_title(target: &str) -> (&str, &str) {
    for (open, close) in [('"', '"'), ('\'', '\''), ('(', ')')] {
        if target.len() > 1 && target.ends_with(close) {
            let inner = &target[..target.len() - 1];
            if let Some(at) = inner.rfind(open).filter(|&at| at > 0) {
                let path = target[..at].trim_end();
                if path.len() < at && !path.is_empty() {
                    return (path, &target[path.len()..]);
                }
            }
        }
    }
    (target, "")
}

/// The links and pictures CommonMark could not read because their target has a space: they
/// are left in the text as written, and would be shown as brackets and a path. Only text
/// outside code is searched, in the source, so an escaped bracket (`\[`) is not taken for one.
fn unread_links<'a>(md: &'a str, events: &[(Event, Range<usize>)]) -> Vec<UnreadLink<'a>> {
    // Runs of text: a link that was read is an event of its own and ends a run.
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut run: Option<Range<usize>> = None;
    let mut in_code = 0usize;
    for (event, range) in events {
        match event {
            Event::Text(_) if in_code == 0 => {
                run = Some(match run.take() {
                    Some(r) => r.start..range.end.max(r.end),
                    None => range.clone(),
                });
                continue;
            }
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            _ => {}
        }
        runs.extend(run.take());
    }
    runs.extend(run);
    let escaped = |text: &str, at: usize| {
        text[..at].bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1
    };
    let mut found = Vec::new();
    for r in runs {
        let Some(text) = md.get(r.clone()) else {
            continue;
        };
        let mut from = 0;
        while let Some(k) = text[from..].find("](").map(|k| from + k) {
            from = k + 2;
            let Some(close) = text[k + 2..].find(')').map(|c| k + 2 + c) else {
                break;
            };
            let target = text[k + 2..close].trim();
            let open = text[..k].rfind('[');
            let Some(open) = open.filter(|&o| !escaped(text, o) && !escaped(text, k)) else {
                continue;
            };
            if !target.contains(char::is_whitespace) || text[open + 1..k].contains(']') {
                continue;
            }
            let picture = open > 0 && text.as_bytes()[open - 1] == b'!' && !escaped(text, open - 1);
            let start = if picture { open - 1 } else { open };
            found.push(UnreadLink {
                range: r.start + start..r.start + close + 1,
                picture,
                text: &text[open + 1..k],
                target,
            });
            from = close + 1;
        }
    }
    found
}

/// Renders a one-paragraph piece of markdown (a list item in `guide.yaml`) without its `<p>`.
pub fn render_inline(md: &str, src: &Source, ids: IdsOf, problems: &mut Vec<Diagnostic>) -> String {
    let html = render(md, src, None, ids, problems).html;
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

/// The words of a piece of markdown, without markup: for structured data and search.
pub fn plain_text(md: &str) -> String {
    let mut text = String::with_capacity(md.len());
    for event in Parser::new_ext(md, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Body headings sit under the page's own `h1`/`h2`, so they move down a level.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 | HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// A callout's class, the theme word for its label, and that word in English.
fn callout(kind: BlockQuoteKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "callout_note", "Note"),
        BlockQuoteKind::Tip => ("tip", "callout_tip", "Tip"),
        BlockQuoteKind::Important => ("important", "callout_important", "Important"),
        BlockQuoteKind::Warning => ("warning", "callout_warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "callout_caution", "Caution"),
    }
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

fn escaped_href(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let _ = pulldown_cmark_escape::escape_href(&mut out, url);
    out
}

/// The text of an image's alt, which pulldown-cmark gives as the events up to its end.
fn image_alt(rest: &[(Event, Range<usize>)]) -> String {
    let mut alt = String::new();
    let mut depth = 0;
    for (e, _) in rest {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(TagEnd::Image) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Text(t) | Event::Code(t) => alt.push_str(t),
            _ => {}
        }
    }
    alt
}

/// Plain text of the heading starting at `start`, and the index of its end event.
fn heading_text(events: &[(Event, Range<usize>)], start: usize) -> (String, usize) {
    let mut text = String::new();
    for (j, (e, _)) in events.iter().enumerate().skip(start + 1) {
        match e {
            Event::End(TagEnd::Heading(_)) => return (text.trim().to_string(), j),
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    (text, events.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_plain(md: &str, allow_html: bool) -> (String, Vec<SubStep>, Vec<Diagnostic>) {
        let link = |d: &str| -> Result<Target, Unresolved> {
            if d.starts_with("guide:missing") {
                Err(Unresolved {
                    message: "no guide `missing`".into(),
                    help: None,
                })
            } else if let Some(other) = d.strip_prefix("guide:english-only") {
                Ok(Target {
                    url: format!("../../../guides/english-only{other}"),
                    other_language: Some(("en".into(), "English".into())),
                })
            } else {
                Ok(Target::same(format!("resolved/{d}")))
            }
        };
        let mut words = crate::content::i18n::Strings::new();
        words.insert("callout_tip".into(), "Consejo".into());
        let image = |d: &str| -> Result<String, Unresolved> { Ok(format!("img/{d}")) };
        let lines = crate::diagnostic::Lines::new(md);
        let src = Source {
            file: "f.md",
            lines: &lines,
            origin: crate::content::yaml::Origin::At(0),
            allow_html,
            link: &link,
            image: &image,
            words: &words,
        };
        let mut problems = Vec::new();
        let mut book = Ids::for_guide(["direct"]);
        let r = render(
            md,
            &src,
            Some(StepOf {
                number: 8,
                slug: "direct",
            }),
            IdsOf {
                book: &mut book,
                scope: "direct",
            },
            &mut problems,
        );
        (r.html, r.substeps, problems)
    }

    #[test]
    fn alerts_become_labelled_callouts() {
        let (html, _, _) = render_plain("> [!WARNING]\n> Never jerk the leash.\n", false);
        assert!(
            html.contains("<aside class=\"callout callout-warning\">"),
            "{html}"
        );
        assert!(
            html.contains("<p class=\"callout-label\">Warning</p>"),
            "{html}"
        );
        assert!(html.contains("Never jerk the leash."), "{html}");
        // The label comes from the theme's words in the text's language.
        let (html, _, _) = render_plain("> [!TIP]\n> Corto y alegre.\n", false);
        assert!(
            html.contains("<p class=\"callout-label\">Consejo</p>"),
            "{html}"
        );
    }

    #[test]
    fn links_to_another_language_say_so() {
        let (html, _, problems) = render_plain(
            "See [the toys](guide:english-only#toys \"A <b>\").\n",
            false,
        );
        assert!(problems.is_empty());
        assert!(
            html.contains(
                "<a href=\"../../../guides/english-only#toys\" hreflang=\"en\" title=\"A &lt;b&gt;\">the toys</a> <span class=\"lang-note\" lang=\"en\">(English)</span>."
            ),
            "{html}"
        );
    }

    #[test]
    fn second_level_headings_are_numbered_substeps() {
        let (html, subs, _) = render_plain("## Use your voice\n\nText.\n\n## Use a treat\n", false);
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[1].number, "8.2");
        assert_eq!(subs[0].id, "direct-use-your-voice");
        assert!(
            html.contains("<h3 class=\"substep\" id=\"direct-use-your-voice\">"),
            "{html}"
        );
    }

    #[test]
    fn footnotes_take_ids_from_the_guide_s_book_not_their_labels() {
        let (html, _, problems) = render_plain(
            "Main[^main] and one[^1], main again[^MAIN], none[^nope].\n\n[^1]: One.\n[^main]: Main.\n",
            false,
        );
        assert!(problems.is_empty());
        assert!(
            html.contains("<sup class=\"footnote-reference\"><a href=\"#direct-fn-1\">1</a></sup>"),
            "{html}"
        );
        assert_eq!(html.matches("href=\"#direct-fn-1\"").count(), 2, "{html}");
        assert!(html.contains("href=\"#direct-fn-2\">2</a>"), "{html}");
        assert!(
            html.contains("<div class=\"footnote-definition\" id=\"direct-fn-2\"><sup class=\"footnote-definition-label\">2</sup>"),
            "{html}"
        );
        assert!(
            html.contains("id=\"direct-fn-1\"><sup class=\"footnote-definition-label\">1</sup>")
        );
        // No id is a bare label, and a label with no note stays text.
        assert!(
            !html.contains("id=\"main\"") && !html.contains("id=\"1\""),
            "{html}"
        );
        assert!(html.contains("none[^nope]"), "{html}");
    }

    #[test]
    fn repeated_and_non_latin_headings_get_ids_of_their_own() {
        let (html, subs, _) = render_plain(
            "## Практика\n\n## Практика\n\n## Игра\n\n## !!\n\n## ??\n",
            false,
        );
        let ids: Vec<&str> = subs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "direct-практика",
                "direct-практика-2",
                "direct-игра",
                "direct-part",
                "direct-part-2"
            ]
        );
        assert!(html.contains("id=\"direct-практика-2\""), "{html}");
    }

    #[test]
    fn raw_html_in_a_sub_step_heading_is_text() {
        let (html, subs, _) = render_plain("## Hi <img src=x onerror=alert(1)>\n", false);
        assert!(!html.contains("<img"), "{html}");
        assert_eq!(subs[0].title, "Hi <img src=x onerror=alert(1)>");
    }

    #[test]
    fn raw_html_is_text_unless_allowed() {
        let (html, _, _) = render_plain("Hi <script>alert(1)</script>\n", false);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        let (html, _, _) = render_plain("Hi <b>there</b>\n", true);
        assert!(html.contains("<b>there</b>"), "{html}");
    }

    #[test]
    fn links_are_resolved_and_failures_located() {
        let (html, _, problems) =
            render_plain("See [a](guide:ok).\n\nAnd [b](guide:missing).\n", false);
        assert!(html.contains("href=\"resolved/guide:ok\""), "{html}");
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].column), (3, 5));
    }

    #[test]
    fn links_and_pictures_in_sub_step_headings_are_checked_like_any_other() {
        let (html, substeps, problems) = render_plain(
            "## Call the [vet](guide:ok) now\n\n## See [x](guide:missing) ![a cat](cat.svg)\n",
            false,
        );
        assert!(html.contains("href=\"resolved/guide:ok\""), "{html}");
        assert!(html.contains("src=\"img/cat.svg\""), "{html}");
        assert!(!html.contains("href=\"guide:"), "{html}");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].column), (3, 8));
        assert_eq!(substeps.len(), 2);
        assert_eq!(substeps[0].title, "Call the vet now");
        assert!(html.contains("8.1</span> Call the <a"), "{html}");
        assert_eq!(html.matches("</h3>").count(), 2, "{html}");
    }

    #[test]
    fn links_and_pictures_with_a_space_are_found_where_they_would_show_as_text() {
        let md = "Look: ![A cat](../images/my cat.jpg \"Tom\") and [the vet](https://vet.example/a b).\n\nNot \\[this](a b), not `[code](a b)`, and ![fine](<../images/my cat.jpg>).\n\n    [indented](code b)\n\n```\n[fenced](code b)\n```\n";
        let (html, _, problems) = render_plain(md, false);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert_eq!((problems[0].line, problems[0].column), (1, 7));
        assert_eq!(
            problems[0].message,
            "this picture is shown as text, not as a picture, because its path has a space in it"
        );
        assert_eq!(
            problems[0].help.as_deref(),
            Some(
                "write each space as %20: `![A cat](../images/my%20cat.jpg \"Tom\")`, or rename the file to `my-cat.jpg`, without spaces, and change the path to match"
            )
        );
        assert_eq!((problems[1].line, problems[1].column), (1, 48));
        assert_eq!(
            problems[1].help.as_deref(),
            Some("write each space as %20: `[the vet](https://vet.example/a%20b)`")
        );
        // The picture in `<...>` is read as one.
        assert!(
            html.contains("src=\"img/../images/my%20cat.jpg\""),
            "{html}"
        );
    }

    #[test]
    fn images_need_alt_text() {
        let (_, _, problems) = render_plain("![](cat.png)\n", false);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("no alt text"));
    }
}
