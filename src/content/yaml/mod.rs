//! Reading YAML into the content structs. Each document is parsed once into a tree that keeps
//! the place of every key and value (`tree`); the structs are read from that tree, every
//! problem at once (`de`); messages point at the value they are about and say what is wrong in
//! plain words, with a fix. Markdown held in a value is located through `scalar`.

mod de;
mod scalar;
mod tree;

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, Lines};
use de::{Cx, De, Error, Fault, Found, Hint};
pub use scalar::Origin;
pub use tree::Doc;
pub(crate) use tree::Node;
use tree::TreeError;

/// A whole YAML file (`site.yaml`, `guide.yaml`, ...) as text, checked as UTF-8, its tree, and
/// as `T`. Every problem with it goes to `problems`.
pub fn parse_file<T: DeserializeOwned>(
    file: &str,
    bytes: &[u8],
    rules: Rules,
    problems: &mut Vec<Diagnostic>,
) -> Option<(String, Doc, T)> {
    let text = crate::content::text::decode(file, bytes)
        .map_err(|d| problems.push(d))
        .ok()?;
    let (doc, value) = parse(file, &Lines::new(&text), &text, 0, rules)
        .map_err(|d| problems.extend(d))
        .ok()?;
    Some((text, doc, value))
}

/// The tree of a whole YAML file, for locating a value in it; `None` if it cannot be read (its
/// problems are reported where it is read as content).
pub fn locate_file(file: &str, bytes: &[u8]) -> Option<(String, Doc)> {
    let text = crate::content::text::decode(file, bytes).ok()?;
    let doc = tree::build(&text, 0).ok()?;
    Some((text, doc))
}

/// Required fields, by path (`title`, `call_to_action.url`), with what to write in each
/// (`("title", "the step's title")`), for the help when one is empty.
pub type Required<'a> = &'a [(&'a str, &'a str)];

/// Whole-number fields, by path, with the numbers allowed and a hint: `("log_rows", 1..=100,
/// "14 rows fill one printed sheet")`.
pub type Numbers<'a> = &'a [(&'a str, std::ops::RangeInclusive<i64>, &'a str)];

/// What a file's values must be beyond their kind. Every text value must say something: an
/// empty one (`title:`, `title: ~`, `""`, spaces, `- ` with nothing) is a problem wherever it is.
#[derive(Clone, Copy, Default)]
pub struct Rules<'a> {
    pub required: Required<'a>,
    pub numbers: Numbers<'a>,
}

impl Rules<'_> {
    pub const NONE: Rules<'static> = Rules {
        required: &[],
        numbers: &[],
    };
}

/// Parses `yaml`, which starts at byte `offset` of `source` (the whole text of `file`). All the
/// problems are returned at once, sorted by position: unknown, missing and repeated fields,
/// values of the wrong kind or out of range, and values left empty.
pub fn parse<T: DeserializeOwned>(
    file: &str,
    source: &Lines,
    yaml: &str,
    offset: usize,
    rules: Rules,
) -> Result<(Doc, T), Vec<Diagnostic>> {
    if let Some(at) = too_deep(yaml) {
        return Err(vec![
            Diagnostic::at(
                file,
                source,
                offset + at,
                1,
                "this value is nested too deeply to be read",
            )
            .with_help("content fields hold text or simple lists; remove the extra brackets"),
        ]);
    }
    let doc =
        tree::build(yaml, offset).map_err(|e| vec![tree_problem(file, source, yaml, offset, e)])?;
    let mut missing: BTreeSet<(String, &'static str)> = BTreeSet::new();
    let mut faults: Vec<Found> = Vec::new();
    // Each reading that stops at a missing field is done again with an empty value there, so
    // every missing field is found; a document has few fields, so this ends quickly.
    let value = loop {
        let cx = Cx::new(&doc, source.text(), rules.numbers, &missing);
        let result = T::deserialize(De::root(&cx));
        let found = cx.found.into_inner();
        match result {
            Ok(value) => {
                faults.extend(found);
                break Some(value);
            }
            Err(Error::Missing { field, place }) => {
                let (path, at) = place.unwrap_or_default();
                if !missing.insert((path.clone(), field)) {
                    faults.extend(found);
                    break None;
                }
                faults.push(Found {
                    at,
                    path,
                    fault: Fault::Missing { field },
                });
            }
            Err(Error::Custom(message)) => {
                faults.extend(found);
                if faults.is_empty() {
                    // Never fail without saying why.
                    faults.push(Found {
                        at: doc.root.span.clone(),
                        path: String::new(),
                        fault: Fault::Other(message),
                    });
                }
                break None;
            }
        }
    };
    // A misspelt field is one mistake: its "did you mean" names the field, which is then not
    // reported as missing too.
    let misspelt: Vec<(String, &str)> = faults
        .iter()
        .filter_map(|f| match &f.fault {
            Fault::UnknownField { field, allowed } => {
                Some((f.path.clone(), closest(field, allowed)?))
            }
            _ => None,
        })
        .collect();
    faults.retain(|f| match &f.fault {
        Fault::Missing { field } => !misspelt.iter().any(|(p, m)| *p == f.path && m == field),
        _ => true,
    });
    match value {
        Some(value) if faults.is_empty() => Ok((doc, value)),
        _ => {
            faults.sort_by_key(|f| (f.at.start, f.at.end));
            let mut problems: Vec<Diagnostic> = faults
                .iter()
                .map(|f| fault_diagnostic(file, source, offset, f, rules.required))
                .collect();
            problems.sort_by_key(|d| (d.line, d.column));
            Err(problems)
        }
    }
}

/// A document that could not be made into a tree.
fn tree_problem(file: &str, source: &Lines, yaml: &str, offset: usize, e: TreeError) -> Diagnostic {
    match e {
        TreeError::TooDeep { at } => Diagnostic::at(
            file,
            source,
            at,
            1,
            "this value is nested too deeply to be read",
        )
        .with_help(
            "content fields hold text or simple lists; remove the extra brackets or indentation",
        ),
        TreeError::SecondDocument { at } => Diagnostic::at(
            file,
            source,
            at,
            3,
            "a line `---` here starts a second YAML document; a file holds one",
        )
        .with_help("remove the `---` line"),
        TreeError::Syntax { at, info } => {
            let within = at.saturating_sub(offset).min(yaml.len());
            syntax_problem(file, source, yaml, offset, &info, within).unwrap_or_else(|| {
                Diagnostic::at(
                    file,
                    source,
                    at,
                    1,
                    format!("this is not valid YAML: {info}"),
                )
                .with_help(GENERAL_HELP)
            })
        }
    }
}

const GENERAL_HELP: &str = "check the indentation (spaces, not tabs), and put text that contains `: ` or starts with a special character such as [ { * & ! % @ in quotes";

/// The message for one fault, at its place.
fn fault_diagnostic(
    file: &str,
    source: &Lines,
    offset: usize,
    found: &Found,
    required: Required,
) -> Diagnostic {
    let (message, help) = match (&found.fault, required.iter().find(|r| r.0 == found.path)) {
        (Fault::Empty { .. }, Some((name, used_for))) => (
            format!("`{name}` is empty"),
            format!("after `{}:`, write {used_for}", last_key(name)),
        ),
        _ => explain(&found.fault, &found.path),
    };
    let at = found.at.start;
    let len = found.at.len();
    let written = source.text().get(found.at.clone()).unwrap_or_default();
    match &found.fault {
        // A file of one `name:Riverbend` line, or a group of one `phone:555` line, reads as one
        // piece of text.
        Fault::Kind { expected, .. }
            if (expected.starts_with("struct") || expected == "a map")
                && !written.contains('\n') =>
        {
            if let Some((key, value)) = colon_slip(written) {
                return Diagnostic::at(
                    file,
                    source,
                    at + key.len(),
                    1,
                    format!("`{key}:{value}` needs a space after the colon"),
                )
                .with_help(format!("put a space after the colon: `{key}: {value}`"));
            }
            Diagnostic::at(file, source, at, len, message).with_help(help)
        }
        Fault::Duplicate { first, .. } => Diagnostic::at(file, source, at, len, message)
            .with_note(source, first.start, first.len(), "first given here")
            .with_help(help),
        // A field missing at the top: nothing in the file is wrong, so point at the front
        // matter's `---`, or at the file. One missing inside a group points at its key.
        Fault::Missing { .. } if found.path.is_empty() => {
            let d = if offset >= 4 {
                Diagnostic::at(file, source, offset - 4, 3, message)
            } else {
                let mut d = Diagnostic::file(file, message);
                (d.line, d.column) = (1, 1);
                d
            };
            d.with_help(help)
        }
        _ => Diagnostic::at(file, source, at, len, message).with_help(help),
    }
}

/// The parser's own errors name its grammar; the usual causes are a tab, a quote left open, or
/// a `: ` inside text, each of which can be spotted on the lines near the error.
fn syntax_problem(
    file: &str,
    source: &Lines,
    yaml: &str,
    offset: usize,
    raw: &str,
    at: usize,
) -> Option<Diagnostic> {
    let line_start = yaml[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = yaml[at..].find('\n').map_or(yaml.len(), |i| at + i);
    let line = &yaml[line_start..line_end];
    if (raw.contains("tab") || line.starts_with('\t')) && line.contains('\t') {
        let tab = line_start + line.find('\t').unwrap_or(0);
        let field = line.trim().split(':').next().unwrap_or("").trim();
        return Some(
            Diagnostic::at(
                file,
                source,
                offset + tab,
                1,
                "this line is indented with a tab; YAML needs spaces",
            )
            .with_help(format!(
                "replace the tab before `{field}` with spaces (two for each level)"
            )),
        );
    }
    // A value that opens a quote and never closes it, on this line or an earlier one.
    let mut pos = 0;
    for text_line in yaml[..line_end].split_inclusive('\n') {
        let value = text_line
            .trim_start()
            .trim_start_matches("- ")
            .split_once(": ")
            .map_or(text_line.trim_start().trim_start_matches("- "), |(_, v)| v)
            .trim_end();
        for quote in ['"', '\''] {
            if value.starts_with(quote) && (value.len() == 1 || !value.ends_with(quote)) {
                let q = pos + text_line.find(value).unwrap_or(0);
                return Some(
                    Diagnostic::at(
                        file,
                        source,
                        offset + q,
                        1,
                        "the quote that starts here is never closed",
                    )
                    .with_help(format!("add a `{quote}` at the end of the text")),
                );
            }
        }
        pos += text_line.len();
    }
    // A key without its colon: the slip is usually on a line above the one the parser stopped
    // at, where a field lost the space after its colon or a value went on unindented.
    if (raw.contains("expect ':'") || raw.contains("expected ':'"))
        && let Some(d) = key_slip(file, source, yaml, offset, line_end)
    {
        return Some(d);
    }
    if raw.contains("mapping values are not allowed") {
        let field = line
            .trim_start()
            .trim_start_matches("- ")
            .split(':')
            .next()
            .unwrap_or("")
            .trim();
        let value = line.split_once(": ").map_or("...", |(_, v)| v.trim());
        return Some(
            Diagnostic::at(
                file,
                source,
                offset + at,
                1,
                format!("a `: ` inside the text of `{field}` looks like the start of a new field"),
            )
            .with_help(format!(
                "put the text in quotes: {field}: \"{}\"",
                value.replace('"', "'")
            )),
        );
    }
    None
}

/// `where:Indoors` → `("where", "Indoors")`: a line that is a field and its value with no
/// space after the colon (not an address such as `https://...`, nor a field with no value; a
/// list item `- note:x` is text).
fn colon_slip(line: &str) -> Option<(&str, &str)> {
    let item = line.trim();
    let (key, value) = item.split_once(':')?;
    let is_key = item.contains(": ") || item.ends_with(':');
    (!is_key
        && !value.starts_with("//")
        && !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some((key, value))
}

/// The last line up to `end` (a byte of `yaml`) that reads like one of two slips: a field with
/// no space after its colon (`where:Indoors`), or a second line of a value that is not indented
/// (so it reads as a field without a colon).
fn key_slip(
    file: &str,
    source: &Lines,
    yaml: &str,
    offset: usize,
    end: usize,
) -> Option<Diagnostic> {
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let mut slip = None;
    // The last line with text before this one.
    let mut previous: Option<&str> = None;
    let mut pos = 0;
    for line in yaml[..end].split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let text = line.trim_end();
        let body = text.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let item = body.strip_prefix("- ").unwrap_or(body);
        let is_key = item.contains(": ") || item.ends_with(':');
        if let Some((key, value)) = colon_slip(text) {
            let colon = start + text.len() - item.len() + key.len();
            slip = Some(
                Diagnostic::at(
                    file,
                    source,
                    offset + colon,
                    1,
                    format!("`{key}:{value}` needs a space after the colon"),
                )
                .with_help(format!("put a space after the colon: `{key}: {value}`")),
            );
        } else if !is_key
            && !body.starts_with("- ")
            && let Some(above) = previous
            && indent(text) <= indent(above)
        {
            // A value going on onto a line indented no more than its own key or list item.
            let above_body = above.trim_start();
            let above_item = above_body.strip_prefix("- ");
            let dash = if above_item.is_some() { "- " } else { "" };
            let above_item = above_item.unwrap_or(above_body);
            let owner = match above_item.split_once(": ") {
                Some((key, value))
                    if !value
                        .trim_start()
                        .starts_with(['"', '\'', '|', '>', '[', '{']) =>
                {
                    Some((
                        format!("`{}`", key.trim()),
                        format!("{}: ", key.trim()),
                        value,
                    ))
                }
                None if !dash.is_empty() => {
                    Some(("the list item".to_string(), String::new(), above_item))
                }
                _ => None,
            };
            if let Some((owner, key, first)) = owner {
                let whole = format!("{} {body}", first.trim()).replace('"', "'");
                slip = Some(
                    Diagnostic::at(
                        file,
                        source,
                        offset + start + indent(text),
                        body.len(),
                        format!(
                            "this line seems to go on from {owner} above, but it is not indented"
                        ),
                    )
                    .with_help(format!(
                        "a second line of a value must be indented, or put the text in quotes: `{dash}{key}\"{whole}\"`"
                    )),
                );
            }
        }
        previous = Some(text);
    }
    slip
}

/// Content never nests brackets deeply, and the YAML parser slows down on absurd nesting, so it
/// is refused up front. Returns the offset where nesting passes the limit. Brackets inside quotes
/// count too: a false alarm would need 64 unclosed brackets in a title.
fn too_deep(yaml: &str) -> Option<usize> {
    const LIMIT: usize = 64;
    let mut depth = 0usize;
    for (i, b) in yaml.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > LIMIT {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Fields that belong inside a group, for the hint when one is written at the top level.
const NESTED: &[(&str, &str)] = &[
    ("phone", "contact"),
    ("email", "contact"),
    ("website", "contact"),
    ("address", "contact"),
    ("heading", "call_to_action"),
    ("link_text", "call_to_action"),
    ("url", "call_to_action"),
    ("text", "call_to_action"),
];

/// A fault in words for someone who is not a programmer: (message, help). `path` is where it
/// is (`contact.phone`, `repeat[0]`), empty at the top of the file.
fn explain(fault: &Fault, path: &str) -> (String, String) {
    let field_name = (!path.is_empty()).then(|| describe_path(path));
    let within = field_name
        .as_ref()
        .map_or(String::new(), |f| format!(" in {f}"));
    match fault {
        Fault::UnknownField { field, allowed } => {
            let parent = NESTED
                .iter()
                .find(|(f, p)| f == field && allowed.contains(p))
                .map(|(_, p)| *p);
            let help = match (parent, closest(field, allowed)) {
                (Some(p), _) => format!(
                    "`{field}` belongs under `{p}:`: indent it by two spaces on a line below `{p}:`"
                ),
                (None, Some(n)) => format!(
                    "did you mean `{n}`? The fields allowed here are {}",
                    list(allowed)
                ),
                (None, None) => format!("the fields allowed here are {}", list(allowed)),
            };
            (format!("unknown field `{field}`{within}"), help)
        }
        Fault::Missing { field } => (
            format!("the required field `{field}` is missing{within}"),
            format!("add a line `{field}: ...` (the README lists every field)"),
        ),
        Fault::Duplicate { field, .. } => (
            format!("the field `{field}` is given twice"),
            "keep one of them: only one value can be used".into(),
        ),
        Fault::UnknownVariant { value, allowed } => {
            let what = field_name.unwrap_or_else(|| "this value".into());
            let help = match closest(value, allowed) {
                Some(n) => format!("did you mean `{n}`? Write one of {}", list(allowed)),
                None => format!("write one of {}", list(allowed)),
            };
            (format!("{what} cannot be `{value}`"), help)
        }
        Fault::NotACount { number } => match field_name {
            Some(f) => (
                format!("{f} must be a whole number of 0 or more, but it is {number}"),
                "write a number such as 14".into(),
            ),
            None => (
                format!(
                    "this file should hold `field: value` lines, but it is the number {number}"
                ),
                "write a number such as 14".into(),
            ),
        },
        Fault::Kind { found, expected } => {
            let (expected, help) = expected_kind(expected);
            let message = match field_name {
                Some(f) => format!("{f} should be {expected}, but it is {}", found_kind(found)),
                None => format!(
                    "this file should hold `field: value` lines, but it is {}",
                    found_kind(found)
                ),
            };
            (message, help.into())
        }
        Fault::OutOfRange {
            too_large,
            min,
            max,
            help,
        } => {
            let what = field_name.unwrap_or_else(|| "this number".into());
            let size = if *too_large { "large" } else { "small" };
            let range = format!("use a whole number from {min} to {max}");
            match help {
                Some(help) => (format!("{what} is too {size}: {range}"), help.clone()),
                None => (format!("{what} is too {size}"), range),
            }
        }
        Fault::Empty { hint } => {
            let what = field_name.unwrap_or_else(|| "this value".into());
            let help = match (hint, path.ends_with(']')) {
                (Hint::Text, true) => "write the item's text, or remove the item".into(),
                (Hint::Text, false) => format!(
                    "write the text after `{}:`, or remove the line",
                    last_key(path)
                ),
                (Hint::Word(allowed), _) => format!(
                    "write one of {} after `{}:`, or remove the line",
                    list(allowed),
                    last_key(path)
                ),
                (Hint::Number, _) => format!(
                    "write a whole number after `{}:`, or remove the line",
                    last_key(path)
                ),
            };
            (format!("{what} is empty"), help)
        }
        Fault::Aliases => (
            "this YAML repeats itself too many times through anchors (`&`) and aliases (`*`)"
                .into(),
            "write the values out instead of using `&` and `*`".into(),
        ),
        Fault::Other(message) => (
            format!("this is not valid YAML: {message}"),
            GENERAL_HELP.into(),
        ),
    }
}

/// The last field of a path: `call_to_action.url` → `url`.
fn last_key(path: &str) -> &str {
    let field = path.split('[').next().unwrap_or(path);
    field.rsplit('.').next().unwrap_or(field)
}

/// `repeat[0]` → "item 1 of `repeat`"; `contact.phone` → "`contact.phone`".
fn describe_path(path: &str) -> String {
    match path.rsplit_once('[') {
        Some((field, index)) => {
            let n: usize = index.trim_end_matches(']').parse().unwrap_or(0);
            format!("item {} of `{field}`", n + 1)
        }
        None => format!("`{path}`"),
    }
}

fn expected_kind(expected: &str) -> (&'static str, &'static str) {
    match expected {
        "a sequence" => (
            "a list",
            "write each item on its own line, starting with `- `",
        ),
        "a string" | "a borrowed string" | "a string or a sequence" => (
            "text",
            "write the text after the colon; put it in \"quotes\" if it starts with [ { * & ! or contains `: `",
        ),
        "a boolean" => ("`true` or `false`", "write `true` or `false`"),
        "f64" => ("a number", "write a number such as 2.5, without quotes"),
        "unit" => ("empty", "remove what is written after the colon"),
        "one of the words" => (
            "one word",
            "write one of the words the README lists for it, after the colon",
        ),
        e if e.starts_with('u') || e.starts_with('i') || e.contains("integer") => (
            "a whole number",
            "write a number such as 14, without quotes",
        ),
        _ => (
            "a group of fields",
            "write the fields on the lines below it, each indented by two spaces, like `name: value`",
        ),
    }
}

fn found_kind(found: &str) -> String {
    if let Some(text) = found.strip_prefix("string ") {
        return format!("the text {text}");
    }
    if let Some(n) = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "))
    {
        return format!("the number {}", n.trim_matches('`'));
    }
    if let Some(b) = found.strip_prefix("boolean ") {
        return format!("the value {b}");
    }
    match found {
        "sequence" => "a list".into(),
        "map" => "a group of fields".into(),
        "unit value" => "empty".into(),
        other => other.to_string(),
    }
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn closest<'a>(wrong: &str, names: &[&'a str]) -> Option<&'a str> {
    crate::diagnostic::closest(wrong, names.iter().copied(), 0.75)
}

/// A message at a value found in the tree (`doc.node(&["call_to_action", "url"])`), or at the
/// top of the file if the value is not there.
pub fn at_value(
    file: &str,
    source: &Lines,
    node: Option<&Node>,
    message: impl Into<String>,
) -> Diagnostic {
    match node {
        Some(node) => {
            let (at, len) = node.mark(source.text());
            Diagnostic::at(file, source, at, len, message)
        }
        None => {
            let mut d = Diagnostic::file(file, message);
            (d.line, d.column) = (1, 1);
            d
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Front {
        title: String,
        done_when: String,
        #[serde(default)]
        repeat: Vec<String>,
        #[serde(default)]
        rows: Option<u32>,
    }

    const REQUIRED: Required = &[
        ("title", "the step's title"),
        ("done_when", "when to move on"),
    ];

    fn errors(yaml: &str) -> Vec<Diagnostic> {
        let src = format!("---\n{yaml}---\n");
        let rules = Rules {
            required: REQUIRED,
            numbers: &[],
        };
        parse::<Front>("s.md", &Lines::new(&src), &src[4..4 + yaml.len()], 4, rules)
            .err()
            .unwrap_or_default()
    }

    /// Each problem's line, column and message, to compare a whole report.
    fn positions(all: &[Diagnostic]) -> Vec<(usize, usize, &str)> {
        all.iter()
            .map(|d| (d.line, d.column, d.message.as_str()))
            .collect()
    }

    fn error(yaml: &str) -> Diagnostic {
        let mut all = errors(yaml);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    #[test]
    fn unknown_field_points_into_the_file_and_suggests() {
        let e = error("title: A\ntitel: B\ndone_when: C\n");
        assert_eq!((e.line, e.column), (3, 1), "{e:?}");
        assert_eq!(e.message, "unknown field `titel`");
        assert!(e.help.unwrap().starts_with("did you mean `title`?"));
    }

    #[test]
    fn an_empty_required_field_is_reported_with_the_others() {
        let all = errors("title: \"\"\ntitel: B\ndone_when:\nrows: many\n");
        let got = positions(&all);
        assert_eq!(
            got,
            [
                (2, 8, "`title` is empty"),
                (3, 1, "unknown field `titel`"),
                (4, 11, "`done_when` is empty"),
                (
                    5,
                    7,
                    "`rows` should be a whole number, but it is the text \"many\""
                ),
            ]
        );
        // A value of the wrong kind is said once, not as empty too.
        let all = errors("title: [a]\ndone_when: B\n");
        assert_eq!(all.len(), 1, "{all:?}");
    }

    #[test]
    fn every_problem_in_a_document_is_reported_at_once_in_order() {
        let all = errors("titel: A\nrepeat: yes\nrows: -2\nrepaet: B\ntitle: C\nrows: 3\n");
        let got: Vec<(usize, &str)> = all.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (1, "the required field `done_when` is missing"),
                (2, "unknown field `titel`"),
                (3, "`repeat` should be a list, but it is the text \"yes\""),
                (
                    4,
                    "`rows` must be a whole number of 0 or more, but it is -2"
                ),
                (5, "unknown field `repaet`"),
                (7, "the field `rows` is given twice"),
            ]
        );
        assert!(
            all[4]
                .help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `repeat`?")
        );
        // A misspelt required field is one mistake, said once.
        let all = errors("title: A\ndone_wen: B\n");
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].message, "unknown field `done_wen`");
    }

    #[test]
    fn every_missing_field_is_named_also_inside_a_group() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Cta {
            heading: String,
            url: String,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Site {
            name: String,
            tagline: String,
            call_to_action: Option<Cta>,
        }
        let src = "call_to_action:\n  text: x\n";
        let all = parse::<Site>("site.yaml", &Lines::new(src), src, 0, Rules::NONE).unwrap_err();
        let got = positions(&all);
        assert_eq!(
            got,
            [
                (1, 1, "the required field `name` is missing"),
                (1, 1, "the required field `tagline` is missing"),
                (
                    1,
                    1,
                    "the required field `heading` is missing in `call_to_action`"
                ),
                (
                    1,
                    1,
                    "the required field `url` is missing in `call_to_action`"
                ),
                (2, 3, "unknown field `text` in `call_to_action`"),
            ]
        );
        // A group's missing field points at the group's key.
        assert!(all[2].snippet.is_some() && all[0].snippet.is_none());
    }

    #[test]
    fn missing_field_is_named() {
        let e = error("title: A\n");
        assert_eq!(e.message, "the required field `done_when` is missing");
    }

    #[test]
    fn wrong_kinds_are_said_plainly() {
        let e = error("title: A\ndone_when: B\nrepeat: yes\n");
        assert_eq!(
            e.message,
            "`repeat` should be a list, but it is the text \"yes\""
        );
        assert_eq!((e.line, e.column), (4, 9));
        let e = error("title: [a, b]\ndone_when: B\n");
        assert_eq!(e.message, "`title` should be text, but it is a list");
        let e = error("title: A\ndone_when: B\nrows: many\n");
        assert!(
            e.message.starts_with("`rows` should be a whole number"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_duplicate_field_shows_both_lines() {
        let e = error("title: A\ndone_when: B\ntitle: C\n");
        assert_eq!(e.message, "the field `title` is given twice");
        assert_eq!(e.line, 4, "points at the second one");
        assert_eq!(e.note.as_ref().unwrap().line, 2, "notes the first one");
        let text = e.render(false);
        assert!(text.contains("first given here"), "{text}");
    }

    #[test]
    fn syntax_errors_say_what_to_check() {
        let e = error("title: A\ndone_when: B: C\n");
        assert_eq!(
            e.message,
            "a `: ` inside the text of `done_when` looks like the start of a new field"
        );
        assert_eq!(
            e.help.unwrap(),
            "put the text in quotes: done_when: \"B: C\""
        );
        let e = error("title: \"A\ndone_when: B\nrepeat: [x]\n");
        assert_eq!(e.message, "the quote that starts here is never closed");
        assert_eq!((e.line, e.column), (2, 8));
        let e = error("title: A\ndone_when: B\nrepeat:\n\t- x\n");
        assert!(e.message.contains("tab"), "{}", e.message);
        assert_eq!(e.line, 5);
    }

    #[test]
    fn a_missing_space_after_a_colon_or_an_unindented_line_is_named_where_it_is() {
        let e = error("title: A\nwhere:Indoors\ndone_when: B\n");
        assert_eq!((e.line, e.column), (3, 6));
        assert_eq!(e.message, "`where:Indoors` needs a space after the colon");
        assert_eq!(
            e.help.unwrap(),
            "put a space after the colon: `where: Indoors`"
        );
        // As the last line, in a group, in a list, and as the only line of a file.
        let e = error("title: A\ndone_when: B\nwhere:Indoors\n");
        assert_eq!((e.line, e.column), (4, 6));
        let src = "name: N\ncontact:\n  phone:555\n";
        let e = parse::<crate::content::config::SiteConfig>(
            "site.yaml",
            &Lines::new(src),
            src,
            0,
            Rules::NONE,
        )
        .unwrap_err()
        .remove(0);
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (3, 8, "`phone:555` needs a space after the colon")
        );
        // A list item is text, colon or not: here the slip is the unindented line after it.
        let e = error("title: A\ndone_when: B\nrepeat:\n  - x\n  - where:y\nz\n");
        assert_eq!((e.line, e.column), (7, 1), "{e:?}");
        let src = "name:Riverbend\n";
        let e =
            parse::<BTreeMap<String, String>>("site.yaml", &Lines::new(src), src, 0, Rules::NONE)
                .unwrap_err()
                .remove(0);
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (1, 5, "`name:Riverbend` needs a space after the colon")
        );
        // An address is not a field.
        let e = error("title: A\ndone_when: B\nrepeat:\n  - https://a.example\nnot a key\n");
        assert!(!e.message.contains("space after"), "{}", e.message);

        let e = error("title: A\ndone_when: It goes\non here.\nwhere: x\n");
        assert_eq!((e.line, e.column), (4, 1));
        assert_eq!(
            e.message,
            "this line seems to go on from `done_when` above, but it is not indented"
        );
        assert_eq!(
            e.help.unwrap(),
            "a second line of a value must be indented, or put the text in quotes: `done_when: \"It goes on here.\"`"
        );
        let e = error("title: A\ndone_when: B\nrepeat:\n  - once\n  a day\n  - twice\n");
        assert_eq!((e.line, e.column), (6, 3));
        assert!(e.help.unwrap().ends_with("`- \"once a day\"`"));
        // An indented second line is fine.
        assert!(errors("title: A\ndone_when: It goes\n  on here.\n").is_empty());
    }

    #[test]
    fn aliases_are_followed_but_not_without_end() {
        let e = errors("title: &t A\ndone_when: *t\nrepeat: [*t]\n");
        assert!(e.is_empty(), "{e:?}");
        let many = format!(
            "title: &t A\ndone_when: B\nrepeat: [{}]\n",
            ["*t"; 2000].join(",")
        );
        let e = error(&many);
        assert!(e.message.contains("repeats itself"), "{}", e.message);
        // An alias that stands for a list holding itself ends too, with one message.
        let e = error("title: A\ndone_when: B\nrepeat: &r [*r]\n");
        assert_eq!(
            e.message,
            "item 1 of `repeat` should be text, but it is a list"
        );
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let deep = format!("title: {}\ndone_when: B\n", "[".repeat(100_000));
        let e = error(&deep);
        assert!(e.message.contains("nested too deeply"), "{}", e.message);
    }

    /// Every problem found in `yaml` read as `T`, as the words a user reads.
    fn said<T: DeserializeOwned>(yaml: &str, rules: Rules) -> Vec<String> {
        parse::<T>("f.yaml", &Lines::new(yaml), yaml, 0, rules)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|d| format!("{} / {}", d.message, d.help.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn no_value_in_any_field_shows_the_parsers_own_words() {
        use crate::content::config::{SiteConfig, SiteTranslation};
        use crate::content::model::{GuideMeta, GuideTranslation, StepFront};
        // Words of serde and of Rust's types, which mean nothing to a shelter's volunteer.
        const INTERNAL: &[&str] = &[
            "u8",
            "u16",
            "u32",
            "u64",
            "u128",
            "i8",
            "i16",
            "i32",
            "i64",
            "i128",
            "f32",
            "f64",
            "usize",
            "invalid type",
            "invalid value",
            "sequence",
            "newtype",
            "struct",
            "map",
            "unit",
            "enum",
            "variant",
            "identifier",
            "alias",
            "option",
            "tuple",
            "bytes",
        ];
        let values = [
            "~",
            "null",
            "\"\"",
            "' '",
            "[a]",
            "[]",
            "{a: 1}",
            "{}",
            "99999999999999999999999",
            "-99999999999999999999999",
            "99999999999999999999999999999999999999999999",
            "-1",
            "0",
            "1.5",
            "-1e400",
            ".nan",
            "true",
            "0x1F",
            "!!binary aGk=",
            "[[a]]",
            "[~]",
            "[\"\"]",
            "[{a: 1}]",
            "|\n  text",
        ];
        type Read = fn(&str) -> Vec<String>;
        let files: [(&str, &[&str], Read); 5] = [
            (
                "title: T\nsummary: S\nspecies: cat\ntime_needed: T\nintro: I\n",
                &[
                    "title",
                    "summary",
                    "species",
                    "topic",
                    "time_needed",
                    "order",
                    "intro",
                    "before_you_start",
                    "supplies",
                    "tips",
                    "safety",
                    "related",
                    "log_rows",
                    "total_time",
                ],
                |y| said::<GuideMeta>(y, Rules::NONE),
            ),
            (
                "title: T\nsummary: S\ntime_needed: T\nintro: I\n",
                &["title", "supplies"],
                |y| said::<GuideTranslation>(y, Rules::NONE),
            ),
            (
                "title: T\ndone_when: D\n",
                &["title", "done_when", "where", "repeat"],
                |y| said::<StepFront>(y, Rules::NONE),
            ),
            (
                "name: N\ncall_to_action:\n  heading: H\n  link_text: L\n  url: https://a.example/\n",
                &[
                    "name",
                    "tagline",
                    "language",
                    "translations",
                    "missing_translation",
                    "paper",
                    "base_url",
                    "logo",
                    "contact",
                    "call_to_action",
                    "allow_html",
                ],
                |y| said::<SiteConfig>(y, Rules::NONE),
            ),
            ("tagline: T\n", &["tagline", "call_to_action"], |y| {
                said::<SiteTranslation>(y, Rules::NONE)
            }),
        ];
        let mut checked = 0;
        for (base, fields, read) in files {
            for field in fields {
                for value in values {
                    // The field given that value, in place of any line it had.
                    let kept: String = base
                        .lines()
                        .filter(|l| !l.starts_with(&format!("{field}:")))
                        .map(|l| format!("{l}\n"))
                        .collect();
                    let yaml = format!("{kept}{field}: {value}\n");
                    for said in read(&yaml) {
                        checked += 1;
                        let words: Vec<&str> = said
                            .split(|c: char| !c.is_alphanumeric() && c != '_')
                            .collect();
                        for internal in INTERNAL {
                            let leaked = if internal.contains(' ') {
                                said.contains(internal)
                            } else {
                                words.contains(internal)
                            };
                            assert!(!leaked, "{field}: {value} says {said:?}");
                        }
                    }
                }
            }
        }
        assert!(checked > 300, "{checked} messages checked");
        // A too large number is said to be too large, with the numbers allowed.
        let rules = Rules {
            required: &[],
            numbers: &[("rows", 1..=100, "14 fill a sheet")],
        };
        let got = said::<Front>(
            "title: A\ndone_when: B\nrows: 99999999999999999999999\n",
            rules,
        );
        assert_eq!(
            got,
            ["`rows` is too large: use a whole number from 1 to 100 / 14 fill a sheet"]
        );
        let got = said::<Front>("title: A\ndone_when: B\nrows: 0\n", rules);
        assert_eq!(
            got,
            ["`rows` is too small: use a whole number from 1 to 100 / 14 fill a sheet"]
        );
        let got = said::<Front>("title: A\ndone_when: B\nrows: 5000000000\n", Rules::NONE);
        assert_eq!(
            got,
            ["`rows` is too large / use a whole number from 0 to 4294967295"]
        );
    }

    #[test]
    fn empty_text_anywhere_is_a_located_problem_and_nothing_given_means_absent() {
        let all = errors("title: ~\ndone_when: \"  \"\nrepeat:\n  -\n  - null\n  - ''\n  - ok\n");
        assert_eq!(
            positions(&all),
            [
                (2, 8, "`title` is empty"),
                (3, 12, "`done_when` is empty"),
                (5, 4, "item 1 of `repeat` is empty"),
                (6, 5, "item 2 of `repeat` is empty"),
                (7, 5, "item 3 of `repeat` is empty"),
            ]
        );
        assert_eq!(
            all[0].help.as_deref(),
            Some("after `title:`, write the step's title")
        );
        assert_eq!(
            all[2].help.as_deref(),
            Some("write the item's text, or remove the item")
        );
        // An optional field or a list given as nothing, `~` or `null` is left out.
        for nothing in ["", " ~", " null", " Null", " NULL"] {
            assert!(
                errors(&format!(
                    "title: A\ndone_when: B\nrepeat:{nothing}\nrows:{nothing}\n"
                ))
                .iter()
                .all(|d| !d.message.contains("repeat")),
                "{nothing:?}"
            );
        }
        // A quoted `~` is the text "~".
        assert!(errors("title: '~'\ndone_when: \"null\"\n").is_empty());
    }
}
