//! Splitting a step file into its YAML front matter and its markdown body, keeping the byte
//! offsets of both so errors point into the real file.

use crate::diagnostic::{Diagnostic, Lines};

/// A step file cut in two. Offsets are into the decoded file text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

pub fn split<'a>(file: &str, lines: &Lines<'a>) -> Result<Split<'a>, Diagnostic> {
    let text = lines.text();
    if text.trim().is_empty() {
        return Err(Diagnostic::file(file, "this step file is empty").with_help(
            "a step starts with front matter between two `---` lines, with at least `title:` and `done_when:`",
        ));
    }
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Err(Diagnostic::at(
            file,
            lines,
            0,
            first_line_end,
            "a step file must start with front matter: a line `---`",
        )
        .with_help("put `---` on the first line, then `title:` and `done_when:`, then `---` again before the text"));
    }
    let yaml_offset = (first_line_end + 1).min(text.len());
    let mut pos = yaml_offset;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == "---" {
            let body_offset = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_offset..pos],
                yaml_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        pos = end + 1;
    }
    Err(Diagnostic::at(
        file,
        lines,
        0,
        3,
        "the front matter that starts here is never closed",
    )
    .with_help("add a line `---` after the last front matter field, before the step's text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_keeps_offsets() {
        let text = "---\ntitle: A\n---\nBody\n";
        let s = split("f", &Lines::new(text)).unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.yaml_offset, 4);
        assert_eq!(s.body, "Body\n");
        assert_eq!(&text[s.body_offset..], "Body\n");
    }

    #[test]
    fn unclosed_and_missing_front_matter_are_errors() {
        assert!(
            split("f", &Lines::new("---\ntitle: A\nBody\n"))
                .unwrap_err()
                .message
                .contains("never closed")
        );
        assert!(
            split("f", &Lines::new("title: A\n"))
                .unwrap_err()
                .message
                .contains("must start")
        );
        assert!(
            split("f", &Lines::new(" \n"))
                .unwrap_err()
                .message
                .contains("empty")
        );
    }
}
