//! Content problems as values: each names a file, a line and a column, says what is wrong and
//! what to do, and carries the offending source line so it can be shown rustc-style.

use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// One problem found in a site's content, templates or output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub message: String,
    pub line: usize,
    pub source: SourceLine,
}

/// A line of a source file and the byte range of the offending text in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    pub text: String,
    pub range: std::ops::Range<usize>,
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
        source: &str,
        offset: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Self {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[offset..]
            .find('\n')
            .map_or(source.len(), |i| offset + i);
        let line_text = &source[line_start..line_end];
        let line = source[..offset].matches('\n').count() + 1;
        let column = source[line_start..offset].chars().count() + 1;
        let start = offset - line_start;
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
        Diagnostic {
            file: file.into(),
            line,
            column,
            message: message.into(),
            help: None,
            snippet: Some(Box::new(SourceLine {
                text: line_text.to_string(),
                range: start..end,
            })),
            note: None,
        }
    }

    /// A problem at a 1-based line and column of `source`.
    pub fn at_line_col(
        file: impl Into<String>,
        source: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::at(file, source, offset_of(source, line, column), 1, message)
    }

    /// Adds a note pointing at `offset` of `source`, the same file's text.
    pub fn with_note(
        mut self,
        source: &str,
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
        renderer.render(&report)
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

    /// Every problem, then a count and `what_happened` ("nothing was changed", ...).
    pub fn render_ending(&self, color: bool, what_happened: &str) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.render(color));
            out.push_str("\n\n");
        }
        let n = self.0.len();
        out.push_str(&format!(
            "{n} problem{} found; {what_happened}.\n",
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

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
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(&wrong, &k.to_lowercase()), k))
        .filter(|(score, _)| *score > threshold)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// Byte offset of a 1-based line and column (in characters); clamped to the text.
pub fn offset_of(source: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match source[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return source.len(),
        }
    }
    let line_text = &source[start..];
    let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
    start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
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
        let d = Diagnostic::at("f.yaml", src, 9, 1, "bad");
        assert_eq!((d.line, d.column), (2, 4));
        assert_eq!(d.location(), "f.yaml:2:4");
        assert_eq!(offset_of(src, 2, 4), 9);
    }

    #[test]
    fn plain_rendering_shows_location_line_and_help() {
        let src = "title: x\ntitel: y\n";
        let d = Diagnostic::at("content/a.md", src, 9, 5, "unknown field `titel`")
            .with_help("did you mean `title`?");
        let text = d.render(false);
        assert!(text.contains("error: unknown field `titel`"), "{text}");
        assert!(text.contains("content/a.md:2:1"), "{text}");
        assert!(text.contains("titel: y"), "{text}");
        assert!(text.contains("^^^^^"), "{text}");
        assert!(text.contains("help: did you mean `title`?"), "{text}");
    }
}
