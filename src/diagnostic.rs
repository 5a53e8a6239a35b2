//! Content problems as values: each names a file, a line and a column, says what is wrong and
//! what to do, and carries the offending source line so it can be shown rustc-style.

use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// One problem found in a site's content, templates or output folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Path shown to the user, relative to the site root (`content/site.yaml`).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The source line the problem is on, to show under the message.
    pub snippet: Option<Box<SourceLine>>,
    /// A second place that explains the first, such as where a duplicated field was first given.
    pub note: Option<Box<Note>>,
}

/// A related place in the same file, shown under the problem.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Note {
    pub message: String,
    pub line: usize,
    pub source: SourceLine,
}

/// The text shown under a problem: its line, or for a long line the part around the problem,
/// and the byte range of the offending text in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceLine {
    pub text: String,
    pub range: std::ops::Range<usize>,
    /// The 1-based column (in characters) of the range's start in the whole line: the place
    /// printed, which differs from its place in `text` when the line was cut.
    pub column: usize,
}

/// Lines longer than this many characters are cut around the problem, so a report costs the
/// same whatever the length of the line (a file of one 400 kB line with 20,000 broken links
/// once took 19 GB to report).
const LINE_SHOWN: usize = 120;
/// When a line is cut: characters kept before the problem (all of them, if there are no more
/// than `LEAD_SHOWN`, so a field's name stays in sight), the most of it underlined, and the
/// most shown in all.
const BEFORE_SHOWN: usize = 40;
const LEAD_SHOWN: usize = 80;
const MARK_SHOWN: usize = 60;
const CUT_SHOWN: usize = 110;
/// Bytes per step of the character count kept by `Lines`.
const BLOCK: usize = 1024;

/// A file's text with where its lines start, so that each of any number of problems in it is
/// placed by a binary search and a short count, never by reading the file from the top. The
/// index is made when the first problem is placed: a file with none costs nothing.
pub struct Lines<'a> {
    text: &'a str,
    index: std::sync::OnceLock<Index>,
}

struct Index {
    /// The byte where each line starts.
    starts: Vec<usize>,
    /// The characters before each block of `BLOCK` bytes.
    chars: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Lines {
            text,
            index: std::sync::OnceLock::new(),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let starts = std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1))
                .collect();
            let mut chars = Vec::with_capacity(bytes.len() / BLOCK + 1);
            let mut before = 0;
            for block in bytes.chunks(BLOCK) {
                chars.push(before);
                before += count_chars(block);
            }
            chars.push(before);
            Index { starts, chars }
        })
    }

    /// The 1-based number of the line holding byte `offset`, and that line's byte range
    /// (without its line break).
    fn line_of(&self, offset: usize) -> (usize, std::ops::Range<usize>) {
        let starts = &self.index().starts;
        let i = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let end = starts
            .get(i + 1)
            .map_or(self.text.len(), |next| next.saturating_sub(1));
        (i + 1, starts[i]..end.max(starts[i]))
    }

    /// Characters before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / BLOCK;
        let chars = &self.index().chars;
        chars[block.min(chars.len() - 1)]
            + count_chars(&self.text.as_bytes()[block * BLOCK..offset])
    }

    /// Byte offset of a 1-based line and column (in characters); clamped to the text.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let starts = &self.index().starts;
        let Some(&start) = starts.get(line.max(1) - 1) else {
            return self.text.len();
        };
        let (_, range) = self.line_of(start);
        let line_text = &self.text[range];
        start
            + line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_text.len(), |(i, _)| i)
    }
}

/// Characters starting in `bytes`: every byte that does not continue a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl Diagnostic {
    /// A problem with a file as a whole (it cannot be read, a folder name is wrong, ...).
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            help: None,
            snippet: None,
            note: None,
        }
    }

    /// A problem at a byte offset of `source`, the (BOM-stripped, LF-normalised) text of `file`.
    /// `len` bytes are underlined (at least one character).
    pub fn at(
        file: impl Into<String>,
        source: &Lines,
        offset: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Self {
        let text = source.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let (line, range) = source.line_of(offset);
        let column = source.chars_before(offset) - source.chars_before(range.start) + 1;
        let line_text = &text[range.clone()];
        let start = offset - range.start;
        let end = floor_char_boundary(line_text, (start + len.max(1)).min(line_text.len()));
        let end = if end <= start {
            // Point at the next character, or at the end of the line.
            line_text[start..]
                .chars()
                .next()
                .map_or(start, |c| start + c.len_utf8())
        } else {
            end
        };
        let line_chars = source.chars_before(range.end) - source.chars_before(range.start);
        let snippet = if line_chars <= LINE_SHOWN {
            SourceLine {
                text: line_text.to_string(),
                range: start..end,
                column,
            }
        } else {
            cut(line_text, start..end, column)
        };
        Diagnostic {
            file: file.into(),
            line,
            column,
            message: message.into(),
            help: None,
            snippet: Some(Box::new(snippet)),
            note: None,
        }
    }

    /// A problem at a 1-based line and column of `source`, underlining `len` bytes.
    pub fn at_line_col(
        file: impl Into<String>,
        source: &Lines,
        (line, column): (usize, usize),
        len: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::at(file, source, source.offset_of(line, column), len, message)
    }

    /// Adds a note pointing at `offset` of `source`, the same file's text.
    pub fn with_note(
        mut self,
        source: &Lines,
        offset: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Self {
        let at = Diagnostic::at(&self.file, source, offset, len, "");
        if let Some(line) = at.snippet {
            self.note = Some(Box::new(Note {
                message: message.into(),
                line: at.line,
                source: *line,
            }));
        }
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The `file:line:column` prefix that editors and terminals turn into a link.
    pub fn location(&self) -> String {
        let file = shown(&self.file);
        if self.line == 0 {
            file.into_owned()
        } else {
            format!("{file}:{}:{}", self.line, self.column)
        }
    }

    /// Renders the problem with its source line underlined; `color` for a terminal.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let location = self.location();
        let (file, message) = (shown(&self.file), shown(&self.message));
        let help = self.help.as_deref().map(shown);
        let title = Level::ERROR.primary_title(message.as_ref());
        let group = match &self.snippet {
            Some(line) => title.element(
                Snippet::source(line.text.as_str())
                    .line_start(self.line)
                    .path(file.as_ref())
                    .annotation(AnnotationKind::Primary.span(line.range.clone())),
            ),
            None => {
                // No line to show: the location goes under the title, like rustc's `-->`.
                let mut out = renderer.render(&[Group::with_title(title)]);
                out.push_str(&format!("\n --> {location}"));
                if let Some(help) = &help {
                    out.push('\n');
                    out.push_str(&renderer.render(&[Group::with_title(
                        Level::HELP.secondary_title(help.as_ref()),
                    )]));
                }
                return out;
            }
        };
        let mut report = vec![group];
        if let Some(note) = &self.note {
            report.push(
                Level::NOTE.secondary_title(note.message.as_str()).element(
                    Snippet::source(note.source.text.as_str())
                        .line_start(note.line)
                        .path(file.as_ref())
                        .annotation(AnnotationKind::Primary.span(note.source.range.clone())),
                ),
            );
        }
        if let Some(help) = &help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_ref()),
            ));
        }
        let out = renderer.render(&report);
        let was_cut =
            |line: &SourceLine| line.column != line.text[..line.range.start].chars().count() + 1;
        let note_cut = self.note.as_ref().is_some_and(|n| was_cut(&n.source));
        if !self.snippet.as_deref().is_some_and(was_cut) && !note_cut {
            return out;
        }
        // The renderer counts the column in the part of a cut line it is given; the `-->`
        // lines say the column in the whole line. The first is the line after the title.
        let title_lines = renderer
            .render(&[Group::with_title(
                Level::ERROR.primary_title(message.as_ref()),
            )])
            .lines()
            .count();
        let columns = [
            self.snippet.as_ref().map(|l| l.column),
            self.note.as_ref().map(|n| n.source.column),
        ];
        let mut columns = columns.into_iter().flatten();
        let mut lines: Vec<String> = out.split('\n').map(str::to_string).collect();
        for line in lines.iter_mut().skip(title_lines) {
            if !without_colour(line).trim_start().starts_with("--> ") {
                continue;
            }
            let Some(column) = columns.next() else { break };
            if let Some(colon) = line.rfind(':')
                && line[colon + 1..].bytes().all(|b| b.is_ascii_digit())
            {
                line.truncate(colon + 1);
                line.push_str(&column.to_string());
            }
        }
        lines.join("\n")
    }
}

/// A rendered line without its colour codes (`ESC [ ... m`).
fn without_colour(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('\u{1b}') {
        out.push_str(&rest[..i]);
        rest = rest[i..].find('m').map_or("", |m| &rest[i + m + 1..]);
    }
    out.push_str(rest);
    out
}

/// The part of a long line around `range` (bytes of `line`), marked as cut with `...`: a few
/// words before the problem, the start of it and a few words after.
fn cut(line: &str, range: std::ops::Range<usize>, column: usize) -> SourceLine {
    let back = |from: usize, chars: usize| {
        line[..from]
            .char_indices()
            .rev()
            .take(chars)
            .last()
            .map_or(from, |(i, _)| i)
    };
    let forward = |from: usize, chars: usize| {
        line[from..]
            .char_indices()
            .nth(chars)
            .map_or(line.len(), |(i, _)| from + i)
    };
    let from = match back(range.start, LEAD_SHOWN + 1) {
        0 => 0,
        _ => back(range.start, BEFORE_SHOWN),
    };
    let before = line[from..range.start].chars().count();
    let mark = MARK_SHOWN.min(CUT_SHOWN.saturating_sub(before).max(1));
    let mark_end = range.end.min(forward(range.start, mark));
    let shown_so_far = line[from..mark_end].chars().count();
    let to = forward(mark_end, CUT_SHOWN.saturating_sub(shown_so_far));
    let (dots_before, dots_after) = (
        if from > 0 { "..." } else { "" },
        if to < line.len() { "..." } else { "" },
    );
    let start = dots_before.len() + range.start - from;
    SourceLine {
        text: format!("{dots_before}{}{dots_after}", &line[from..to]),
        range: start..start + (mark_end - range.start),
        column,
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), shown(&self.message))?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// Text from the shelter's files (a file name, a message quoting one) as it may be printed to a
/// terminal: control characters (ESC, BEL, ...) and the invisible marks that reorder text are
/// shown as `\u{1b}` escapes instead of acting on the terminal, piped or not.
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Every problem a run found, in a stable order: by file, then position.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        });
        self.0.dedup();
        self
    }

    /// The report of a build or check, which never writes anything when it finds problems.
    pub fn render(&self, color: bool) -> String {
        self.render_ending(color, "nothing was written")
    }

    /// The problems (the first `SHOWN_PROBLEMS` of them), then a count and `what_happened`
    /// ("nothing was changed", ...).
    pub fn render_ending(&self, color: bool, what_happened: &str) -> String {
        let mut out = String::new();
        for d in self.0.iter().take(SHOWN_PROBLEMS) {
            out.push_str(&d.render(color));
            out.push_str("\n\n");
        }
        let n = self.0.len();
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        if n > SHOWN_PROBLEMS {
            let more = n - SHOWN_PROBLEMS;
            out.push_str(&format!(
                "... and {more} more problem{} (fix these and run again)\n\n",
                plural(more)
            ));
        }
        out.push_str(&format!(
            "{n} problem{} found; {what_happened}.\n",
            plural(n)
        ));
        out
    }
}

/// The most problems a report shows. Past a few hundred, more of them help nobody: the first
/// ones are fixed, and the run shows the next.
pub const SHOWN_PROBLEMS: usize = 200;

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(v).sorted()
    }
}

/// Whether reports on stderr get colour: on a terminal, unless `NO_COLOR` is set.
pub fn color_on_stderr() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The known name most like `wrong`, for a "did you mean" hint: the best Jaro-Winkler match
/// above `threshold` (0 to 1), compared without regard to case.
pub fn closest<'a>(
    wrong: &str,
    known: impl IntoIterator<Item = &'a str>,
    threshold: f64,
) -> Option<&'a str> {
    let wrong = wrong.to_lowercase();
    // Most names are lower-case already: compared as they are, thousands of them cost little.
    let lower = |k: &'a str| -> std::borrow::Cow<'a, str> {
        if k.chars().any(char::is_uppercase) {
            std::borrow::Cow::Owned(k.to_lowercase())
        } else {
            std::borrow::Cow::Borrowed(k)
        }
    };
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(&wrong, &lower(k)), k))
        .filter(|(score, _)| *score > threshold)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// Names for a help, quoted: all of them when there are few, else the first ten and how many
/// more, so a help stays short however many guides or files a site has.
pub fn some_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 10;
    let mut names = names.into_iter();
    let mut out: Vec<String> = names
        .by_ref()
        .take(SHOWN)
        .map(|n| format!("`{n}`"))
        .collect();
    let more = names.count();
    if more > 0 {
        out.push(format!("and {more} more"));
    }
    out.join(", ")
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_lines_and_characters() {
        let src = "a: 1\nbé: x\n";
        let lines = Lines::new(src);
        let d = Diagnostic::at("f.yaml", &lines, 9, 1, "bad");
        assert_eq!((d.line, d.column), (2, 4));
        assert_eq!(d.location(), "f.yaml:2:4");
        assert_eq!(lines.offset_of(2, 4), 9);
        assert_eq!(lines.offset_of(9, 1), src.len());
    }

    #[test]
    fn plain_rendering_shows_location_line_and_help() {
        let src = "title: x\ntitel: y\n";
        let d = Diagnostic::at(
            "content/a.md",
            &Lines::new(src),
            9,
            5,
            "unknown field `titel`",
        )
        .with_help("did you mean `title`?");
        let text = d.render(false);
        assert!(text.contains("error: unknown field `titel`"), "{text}");
        assert!(text.contains("content/a.md:2:1"), "{text}");
        assert!(text.contains("titel: y"), "{text}");
        assert!(text.contains("^^^^^"), "{text}");
        assert!(text.contains("help: did you mean `title`?"), "{text}");
    }

    /// One line of `n` broken links, `[x](guide:nopeN) ` each.
    fn links(n: usize) -> String {
        (0..n).map(|i| format!("[x](guide:nope{i}) ")).collect()
    }

    #[test]
    fn a_long_line_is_cut_around_the_problem_and_keeps_its_column() {
        let line = links(5000);
        let src = format!("---\ntitle: A\n---\n{line}\n");
        let lines = Lines::new(&src);
        let at = src.find("[x](guide:nope3000)").unwrap();
        let d = Diagnostic::at("f.md", &lines, at, 19, "there is no guide `nope3000`");
        let column = line.find("[x](guide:nope3000)").unwrap() + 1;
        assert_eq!((d.line, d.column), (4, column));
        let shown = d.snippet.as_deref().unwrap();
        assert!(
            shown.text.chars().count() <= CUT_SHOWN + 6,
            "{}",
            shown.text
        );
        assert!(shown.text.starts_with("...") && shown.text.ends_with("..."));
        assert_eq!(&shown.text[shown.range.clone()], "[x](guide:nope3000)");
        for color in [false, true] {
            let text = d.render(color);
            assert!(text.contains(&format!("f.md:4:{column}")), "{text}");
            assert!(
                !text.contains("nope2990)"),
                "only the words around it: {text}"
            );
        }
        // The start and the end of a long line are cut on one side only.
        let first = Diagnostic::at(
            "f.md",
            &lines,
            src.find("[x](guide:nope0)").unwrap(),
            16,
            "x",
        );
        let shown = first.snippet.as_deref().unwrap();
        assert!(shown.text.starts_with("[x](guide:nope0) ") && shown.text.ends_with("..."));
        assert!(first.render(false).contains("f.md:4:1\n"));
        let last = src.rfind("[x]").unwrap();
        let d = Diagnostic::at("f.md", &lines, last, 19, "x");
        let shown = d.snippet.unwrap();
        assert!(shown.text.starts_with("...") && shown.text.ends_with("[x](guide:nope4999) "));
    }

    #[test]
    fn columns_in_a_cut_line_count_characters_and_notes_are_cut_too() {
        // The second line's own `-->` is text, not a place to correct.
        let src = format!(
            "{}title: x\n{}title: y --> z:7\n",
            "é".repeat(3000),
            "ü".repeat(500)
        );
        let lines = Lines::new(&src);
        let second = src.rfind("title").unwrap();
        let d = Diagnostic::at(
            "s.yaml",
            &lines,
            second,
            5,
            "the field `title` is given twice",
        )
        .with_note(&lines, src.find("title").unwrap(), 5, "first given here");
        assert_eq!((d.line, d.column), (2, 501));
        let note = d.note.as_deref().unwrap();
        assert_eq!((note.line, note.source.column), (1, 3001));
        let text = d.render(false);
        assert!(text.contains("s.yaml:2:501\n"), "{text}");
        assert!(text.contains("s.yaml:1:3001\n"), "{text}");
        assert!(text.contains("title: y --> z:7\n"), "{text}");
        assert!(text.contains("first given here"), "{text}");
        assert!(text.len() < 1000, "{text}");
    }

    #[test]
    fn a_long_mark_is_shortened() {
        let src = format!("intro: {}\n", "word ".repeat(10_000));
        let d = Diagnostic::at("g.yaml", &Lines::new(&src), 7, 50_000, "too long");
        let shown = d.snippet.unwrap();
        assert_eq!(shown.range.len(), MARK_SHOWN);
        assert!(shown.text.chars().count() <= CUT_SHOWN + 6);
    }

    #[test]
    fn a_report_shows_the_first_problems_and_counts_them_all() {
        let src = links(250);
        let lines = Lines::new(&src);
        let all: Vec<Diagnostic> = (0..250)
            .map(|i| {
                let at = src.find(&format!("nope{i})")).unwrap();
                Diagnostic::at("f.md", &lines, at, 4, format!("problem {i}"))
            })
            .collect();
        let text = Diagnostics::from(all).render(false);
        assert_eq!(text.matches("error: ").count(), SHOWN_PROBLEMS);
        assert!(text.contains("error: problem 199\n"), "{text}");
        assert!(!text.contains("error: problem 200\n"));
        assert!(text.ends_with(
            "... and 50 more problems (fix these and run again)\n\n250 problems found; nothing was written.\n"
        ));
        let one_more: Vec<Diagnostic> = (0..201)
            .map(|i| Diagnostic::file(format!("f{i:03}"), "x"))
            .collect();
        assert!(
            Diagnostics::from(one_more)
                .render(false)
                .contains("... and 1 more problem (fix")
        );
    }

    #[test]
    fn a_help_names_ten_at_most() {
        assert_eq!(some_names(["a", "b"]), "`a`, `b`");
        let many: Vec<String> = (0..2000).map(|i| format!("guide-{i}")).collect();
        let said = some_names(many.iter().map(String::as_str));
        assert!(said.starts_with("`guide-0`, `guide-1`, "), "{said}");
        assert!(said.ends_with("`guide-9`, and 1990 more"), "{said}");
    }
}
