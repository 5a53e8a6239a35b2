//! A YAML document as a tree that keeps the parser's place of every key and value, so every
//! message about a value can point at it. Built once per document from saphyr-parser's events.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// Nesting deeper than this is refused: content holds text and short lists, and a tree this
/// deep is an attack or a mistake (tests/bad-input/36).
const MAX_DEPTH: usize = 64;

/// How a scalar is written, which decides how its text maps back to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    /// `|`, with any chomping or indentation indicator.
    Literal,
    /// `>`, with any chomping or indentation indicator.
    Folded,
    Single,
    Double,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Scalar {
        value: String,
        style: Style,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    /// `*name`: the node that `&name` marked, by the parser's anchor number.
    Alias(usize),
}

/// A key or value, with its byte range in the whole file (not only the YAML part of it).
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    pub span: Range<usize>,
}

/// One parsed YAML document.
#[derive(Debug, Clone)]
pub struct Doc {
    pub(crate) root: Node,
    anchors: HashMap<usize, Node>,
}

/// Why a document could not be turned into a tree: at a byte of the file.
#[derive(Debug)]
pub(crate) enum TreeError {
    /// The parser's own message.
    Syntax {
        at: usize,
        info: String,
    },
    TooDeep {
        at: usize,
    },
    SecondDocument {
        at: usize,
    },
}

impl Node {
    /// The scalar's text, if it is one.
    pub(crate) fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The key and value of `key` in a mapping (the first, if given twice).
    pub(crate) fn entry(&self, key: &str) -> Option<&(Node, Node)> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k.text() == Some(key)),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Item `i` (0-based) of a list.
    pub(crate) fn item(&self, i: usize) -> Option<&Node> {
        match &self.kind {
            Kind::Seq(items) => items.get(i),
            _ => None,
        }
    }

    /// Where a message about this value points: its first byte, and how many bytes to mark.
    /// An empty value (`title:` and nothing) has no text; it is marked just after the colon.
    pub(crate) fn mark(&self, source: &str) -> (usize, usize) {
        let start = self.span.start.min(source.len());
        if self.span.is_empty() {
            // An empty plain scalar sits on its key's colon; skip it and the spaces after it.
            let rest = &source[start..];
            let after = rest.strip_prefix(':').unwrap_or(rest);
            let skipped = rest.len() - after.trim_start_matches(' ').len();
            return (start + skipped, 1);
        }
        match self.kind {
            Kind::Scalar { .. } | Kind::Alias(_) => (start, self.span.len()),
            // A list or group: mark its first line, up to a colon.
            _ => {
                let rest = &source[start..];
                (start, rest.find([':', '\n']).unwrap_or(rest.len()))
            }
        }
    }
}

impl Doc {
    /// The node at `path` of mapping keys from the top (`&["call_to_action", "url"]`).
    pub(crate) fn node(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(&self.root, |node, key| node.get(key))
    }

    /// The byte range of the last key of `path`.
    pub fn key_span(&self, path: &[&str]) -> Option<Range<usize>> {
        let (last, parents) = path.split_last()?;
        let parent = self.node(parents)?;
        parent.entry(last).map(|(k, _)| k.span.clone())
    }

    /// Each key at the top of the document with its byte range (the first, if given twice).
    pub fn keys(&self) -> impl Iterator<Item = (&str, Range<usize>)> {
        let entries = match &self.root.kind {
            Kind::Map(entries) => entries.as_slice(),
            _ => &[],
        };
        entries
            .iter()
            .rev()
            .filter_map(|(k, _)| Some((k.text()?, k.span.clone())))
    }

    /// The node an alias stands for.
    pub(crate) fn anchor(&self, id: usize) -> Option<&Node> {
        self.anchors.get(&id)
    }
}

/// A container being filled while the events come.
enum Open {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// Builds the tree of `yaml`, which starts at byte `offset` of its file. An empty document is
/// an empty mapping, so a missing field is reported by name.
pub(crate) fn build(yaml: &str, offset: usize) -> Result<Doc, TreeError> {
    // The parser counts characters; the rest of the program counts bytes.
    let bytes: Option<Vec<usize>> = (!yaml.is_ascii()).then(|| {
        yaml.char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(yaml.len()))
            .collect()
    });
    let byte = |char_index: usize| {
        offset
            + bytes.as_ref().map_or(char_index.min(yaml.len()), |b| {
                b.get(char_index).copied().unwrap_or(yaml.len())
            })
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors = HashMap::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    for event in Parser::new_from_str(yaml) {
        let (event, span) = event.map_err(|e| TreeError::Syntax {
            at: byte(e.marker().index()),
            info: e.info().to_string(),
        })?;
        let range = byte(span.start.index())..byte(span.end.index());
        let done = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(TreeError::SecondDocument { at: range.start });
                }
                None
            }
            Event::Scalar(value, style, anchor, _) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::Single,
                    ScalarStyle::DoubleQuoted => Style::Double,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let node = Node {
                    kind: Kind::Scalar {
                        value: value.into_owned(),
                        style,
                    },
                    span: range,
                };
                Some((node, anchor))
            }
            Event::Alias(id) => Some((
                Node {
                    kind: Kind::Alias(id),
                    span: range,
                },
                0,
            )),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(TreeError::TooDeep { at: range.start });
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq {
                        start: range.start,
                        anchor,
                        items: Vec::new(),
                    }
                } else {
                    Open::Map {
                        start: range.start,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    }
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq {
                    start,
                    anchor,
                    items,
                }) => Some((
                    Node {
                        kind: Kind::Seq(items),
                        span: start..range.end.max(start),
                    },
                    anchor,
                )),
                Some(Open::Map {
                    start,
                    anchor,
                    entries,
                    ..
                }) => Some((
                    Node {
                        kind: Kind::Map(entries),
                        span: start..range.end.max(start),
                    },
                    anchor,
                )),
                None => None,
            },
            _ => None,
        };
        let Some((node, anchor)) = done else { continue };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => root = Some(node),
        }
    }
    let root = match root {
        // A document holding nothing, or only a null (`~`), has no fields.
        Some(Node {
            kind: Kind::Scalar { ref value, style },
            ..
        }) if style == Style::Plain && value.is_empty() => None,
        other => other,
    };
    Ok(Doc {
        root: root.unwrap_or(Node {
            kind: Kind::Map(Vec::new()),
            span: offset..offset,
        }),
        anchors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_byte_positions_of_nested_keys_values_and_items() {
        let text = "name: Café\ncall_to_action:\n  url: x\nlist:\n  - é\n  - b\n";
        let doc = build(text, 0).unwrap();
        let at = |path: &[&str]| &text[doc.node(path).unwrap().span.clone()];
        assert_eq!(at(&["name"]), "Café");
        assert_eq!(
            &text[doc.key_span(&["call_to_action", "url"]).unwrap()],
            "url"
        );
        assert_eq!(at(&["call_to_action", "url"]), "x");
        let item = doc.node(&["list"]).unwrap().item(1).unwrap();
        assert_eq!(&text[item.span.clone()], "b");
    }

    #[test]
    fn offsets_count_from_the_start_of_the_file() {
        let text = "---\ntitle: é\n---\n";
        let doc = build(&text[4..14], 4).unwrap();
        assert_eq!(&text[doc.node(&["title"]).unwrap().span.clone()], "é");
    }

    #[test]
    fn a_second_document_and_deep_nesting_are_refused() {
        assert!(matches!(
            build("a: 1\n---\nb: 2\n", 0),
            Err(TreeError::SecondDocument { at: 5 })
        ));
        let deep = "- ".repeat(100) + "x\n";
        assert!(matches!(build(&deep, 0), Err(TreeError::TooDeep { .. })));
    }
}
