//! From a place in a scalar's parsed text back to its place in the file, for every way a YAML
//! scalar can be written: plain (over several lines too), literal `|`, folded `>` (with chomping
//! and indentation indicators), single-quoted with `''`, double-quoted with escapes and folding.
//! Markdown held in YAML is checked on the parsed text; this puts its messages on the right
//! line and column of the file.

use super::tree::{Kind, Node, Style};

/// Where the parsed text of a value came from.
#[derive(Clone, Copy)]
pub enum Origin<'a> {
    /// The text is a verbatim slice of the file from this byte on (a step's body).
    At(usize),
    /// The text is this scalar's value.
    Value(&'a Node),
}

impl<'a> Origin<'a> {
    /// The byte of `source` (the whole file) that byte `at` of the text came from.
    #[cfg(test)]
    pub fn file_offset(&self, source: &str, at: usize) -> usize {
        self.places(source).file_offset(at)
    }

    /// Places in the text mapped to places in `source`, for many problems in one value: the
    /// value is walked once, when the first is placed.
    pub fn places(&self, source: &'a str) -> Places<'a> {
        Places {
            origin: *self,
            source,
            map: std::sync::OnceLock::new(),
        }
    }
}

/// The bytes of a text mapped back to its file (`Origin::places`).
pub struct Places<'a> {
    origin: Origin<'a>,
    source: &'a str,
    map: std::sync::OnceLock<Vec<(usize, usize)>>,
}

impl Places<'_> {
    /// The byte of the file that byte `at` of the text came from.
    pub fn file_offset(&self, at: usize) -> usize {
        match self.origin {
            Origin::At(offset) => offset + at,
            Origin::Value(node) => match &node.kind {
                Kind::Scalar { value, style } => {
                    let map = self
                        .map
                        .get_or_init(|| align(self.source, node.span.clone(), *style, value));
                    file_offset(map, node.span.start, at)
                }
                _ => node.span.start,
            },
        }
    }
}

/// Walks the value and the file's text side by side. Each character of the value is found in
/// the file, skipping only what the style removes: quotes, indentation and line breaks, the
/// second quote of `''`, an escaped line break; an escape (`\u00e9`) stands for its character.
/// Returns (value byte, file byte) for each character of the value, then the end of both; it
/// stops early (never guesses) if the file does not match, so later bytes map to the last
/// character found.
fn align(
    source: &str,
    span: std::ops::Range<usize>,
    style: Style,
    value: &str,
) -> Vec<(usize, usize)> {
    let start = span.start.min(source.len());
    let mut s = match style {
        Style::Plain => start,
        // Past the opening quote (after any tag such as `!!str`).
        Style::Single | Style::Double => {
            let quote = if style == Style::Single { '\'' } else { '"' };
            let bound = span.end.min(source.len()).max(start);
            source[start..bound]
                .find(quote)
                .map_or(start, |i| start + i + 1)
        }
        // The text starts on the line after the `|` or `>` header; blank lines before the
        // first text are in the value as line breaks.
        Style::Literal | Style::Folded => {
            let before = source[..start].trim_end_matches([' ', '\t', '\n']);
            source[before.len()..start]
                .find('\n')
                .map_or(start, |i| before.len() + i + 1)
        }
    };
    let quoted = match style {
        Style::Single => Some('\''),
        Style::Double => Some('"'),
        _ => None,
    };
    let mut map = Vec::with_capacity(value.len());
    'value: for (v, wanted) in value.char_indices() {
        loop {
            let Some(got) = source[s..].chars().next() else {
                break 'value;
            };
            if style == Style::Double && got == '\\' {
                let (meaning, len) = escape(&source[s..]);
                match meaning {
                    Escape::Break => {
                        s += len;
                        continue;
                    }
                    Escape::Char(c) if c == wanted => {
                        map.push((v, s));
                        s += len;
                        continue 'value;
                    }
                    _ => break 'value,
                }
            }
            if got == wanted || (wanted == ' ' && got == '\n') {
                map.push((v, s));
                s += got.len_utf8();
                continue 'value;
            }
            if matches!(got, ' ' | '\t' | '\n') || Some(got) == quoted {
                s += 1;
                continue;
            }
            break 'value;
        }
    }
    if map.len() == value.chars().count() {
        map.push((value.len(), s));
    }
    map
}

enum Escape {
    Char(char),
    /// A `\` at the end of a line: the line goes on without a break.
    Break,
    Unknown,
}

/// The escape at the start of `text` (which starts with `\`) and its length in bytes.
fn escape(text: &str) -> (Escape, usize) {
    let mut chars = text.chars().skip(1);
    let Some(c) = chars.next() else {
        return (Escape::Unknown, 1);
    };
    let simple = match c {
        '0' => Some('\0'),
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        't' | '\t' => Some('\t'),
        'n' => Some('\n'),
        'v' => Some('\u{b}'),
        'f' => Some('\u{c}'),
        'r' => Some('\r'),
        'e' => Some('\u{1b}'),
        ' ' => Some(' '),
        '"' => Some('"'),
        '/' => Some('/'),
        '\\' => Some('\\'),
        'N' => Some('\u{85}'),
        '_' => Some('\u{a0}'),
        'L' => Some('\u{2028}'),
        'P' => Some('\u{2029}'),
        _ => None,
    };
    if let Some(ch) = simple {
        return (Escape::Char(ch), 1 + c.len_utf8());
    }
    if c == '\n' {
        return (Escape::Break, 2);
    }
    let digits = match c {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => return (Escape::Unknown, 1 + c.len_utf8()),
    };
    let hex: String = chars.take(digits).collect();
    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
        Some(ch) if hex.len() == digits => (Escape::Char(ch), 2 + digits),
        _ => (Escape::Unknown, 2),
    }
}

/// The byte of the file that byte `at` of a scalar's value came from, by its `align` map.
fn file_offset(map: &[(usize, usize)], start: usize, at: usize) -> usize {
    match map.binary_search_by_key(&at, |(v, _)| *v) {
        Ok(i) => map[i].1,
        Err(0) => start,
        // Inside a character, or past the last character the file matched.
        Err(i) => map[i - 1].1,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tree::build;
    use super::*;

    /// The line and column (1-based) in `text` of `needle` in the parsed value of `key`.
    fn place(text: &str, key: &str, needle: &str) -> (usize, usize) {
        let doc = build(text, 0).unwrap();
        let node = doc.root.get(key).unwrap();
        let value = node.text().unwrap();
        let at = value.find(needle).expect("the needle is in the value");
        let offset = Origin::Value(node).file_offset(text, at);
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
        let first = needle.chars().next().unwrap();
        assert!(
            text[offset..].starts_with(first) || text[offset..].starts_with('\\'),
            "{offset} in {text:?}"
        );
        (line, column)
    }

    #[test]
    fn plain_over_several_lines() {
        let text = "intro: one two\n  three [x](y)\n  four\n";
        assert_eq!(place(text, "intro", "[x]"), (2, 9));
        assert_eq!(place(text, "intro", "four"), (3, 3));
    }

    #[test]
    fn literal_with_indicators() {
        let text = "a: |\n  one\n  two [x](y)\n";
        assert_eq!(place(text, "a", "[x]"), (3, 7));
        let text = "a: |+ # keep\n\n    one\n    [x](y)\n\n";
        assert_eq!(place(text, "a", "[x]"), (4, 5));
        let text = "a: |2\n    indented\n  [x](y)\n";
        assert_eq!(place(text, "a", "[x]"), (3, 3));
    }

    #[test]
    fn folded_with_chomping() {
        let text = "intro: >\n  Cats like\n  walks.\n  See [the guide](guide:nowhere).\n";
        assert_eq!(place(text, "intro", "[the guide]"), (4, 7));
        let text = "intro: >-\n  one\n\n  two\n    more [x](y)\n";
        assert_eq!(place(text, "intro", "[x]"), (5, 10));
    }

    #[test]
    fn single_quoted_with_doubled_quotes() {
        let text = "tip: 'it''s a ''cat'' [x](y)'\n";
        assert_eq!(place(text, "tip", "[x]"), (1, 23));
        let text = "tip: 'one\n  two [x](y)'\n";
        assert_eq!(place(text, "tip", "[x]"), (2, 7));
    }

    #[test]
    fn double_quoted_with_escapes_and_folding() {
        let text = "done_when: \"caf\\u00e9 \\\"ok\\\" [x](y)\"\n";
        assert_eq!(place(text, "done_when", "[x]"), (1, 30));
        assert_eq!(place(text, "done_when", "\u{e9}"), (1, 16));
        let text = "a: \"one\\nline\n  two\\\n  three [x](y)\"\n";
        assert_eq!(place(text, "a", "[x]"), (3, 9));
    }

    #[test]
    fn a_value_that_does_not_match_falls_back_without_panicking() {
        let doc = build("a: x\n", 0).unwrap();
        let node = doc.root.get("a").unwrap();
        // Offsets past the value, or inside a multi-byte character, stay on the file's text.
        assert_eq!(Origin::Value(node).file_offset("a: x\n", 10), 4);
        let text = "a: é\n";
        let doc = build(text, 0).unwrap();
        let node = doc.root.get("a").unwrap();
        assert_eq!(Origin::Value(node).file_offset(text, 1), 3);
    }
}
