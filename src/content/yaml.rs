//! Reading YAML into the content structs, with serde's errors turned into diagnostics that
//! point into the real file, say what is wrong in plain words, and suggest a fix.

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;

/// A whole YAML file (`site.yaml`, `guide.yaml`, ...) as text, checked as UTF-8, and as `T`.
/// A problem with either goes to `problems`.
pub fn parse_file<T: DeserializeOwned>(
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Diagnostic>,
) -> Option<(String, T)> {
    let text = crate::content::text::decode(file, bytes)
        .map_err(|d| problems.push(d))
        .ok()?;
    let value = parse(file, &text, &text, 0)
        .map_err(|d| problems.push(d))
        .ok()?;
    Some((text, value))
}

/// Parses `yaml`, which starts at byte `offset` of `source` (the whole text of `file`).
pub fn parse<T: DeserializeOwned>(
    file: &str,
    source: &str,
    yaml: &str,
    offset: usize,
) -> Result<T, Diagnostic> {
    if let Some(at) = too_deep(yaml) {
        return Err(Diagnostic::at(
            file,
            source,
            offset + at,
            1,
            "this value is nested too deeply to be read",
        )
        .with_help("content fields hold text or simple lists; remove the extra brackets"));
    }
    // An empty document is an empty mapping, so "missing field" errors name the field.
    let yaml_or_empty = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_yaml::from_str(yaml_or_empty).map_err(|e| to_diagnostic(file, source, yaml, offset, &e))
}

fn to_diagnostic(
    file: &str,
    source: &str,
    yaml: &str,
    offset: usize,
    e: &serde_yaml::Error,
) -> Diagnostic {
    let full = e.to_string();
    // serde_yaml appends " at line L column C"; the diagnostic shows the position itself.
    let raw = full.find(" at line ").map_or(full.as_str(), |i| &full[..i]);
    let at = e.location().map_or(0, |l| l.index().min(yaml.len()));
    if let Some(d) = syntax_problem(file, source, yaml, offset, &full, at) {
        return d;
    }
    let explained = explain(raw);
    if let Some(field) = &explained.duplicate {
        let places = key_lines(yaml, field);
        if let [first, second, ..] = places.as_slice() {
            return Diagnostic::at(
                file,
                source,
                offset + second,
                field.len(),
                explained.message,
            )
            .with_note(source, offset + first, field.len(), "first given here")
            .with_help(explained.help);
        }
    }
    if explained.missing {
        // Nothing in the file is wrong: point at the front matter's `---`, or at the file.
        let d = if offset >= 4 {
            Diagnostic::at(file, source, offset - 4, 3, explained.message)
        } else {
            let mut d = Diagnostic::file(file, explained.message);
            (d.line, d.column) = (1, 1);
            d
        };
        return d.with_help(explained.help);
    }
    let len = yaml[at..].find([':', '\n']).unwrap_or(0);
    Diagnostic::at(file, source, offset + at, len, explained.message).with_help(explained.help)
}

/// The YAML parser's own errors name its grammar; the usual causes are a tab, a quote left
/// open, or a `: ` inside text, each of which can be spotted on the lines near the error.
fn syntax_problem(
    file: &str,
    source: &str,
    yaml: &str,
    offset: usize,
    raw: &str,
    at: usize,
) -> Option<Diagnostic> {
    let is_syntax = [
        "while scanning",
        "while parsing",
        "did not find",
        "mapping values",
        "cannot start any token",
        "tab character",
        "could not find expected",
        "unexpected end of stream",
    ]
    .iter()
    .any(|m| raw.contains(m));
    if !is_syntax {
        return None;
    }
    let line_start = yaml[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = yaml[at..].find('\n').map_or(yaml.len(), |i| at + i);
    let line = &yaml[line_start..line_end];
    if raw.contains("tab") || (raw.contains("cannot start any token") && line.contains('\t')) {
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

/// A serde or libyaml message rewritten for someone who is not a programmer.
struct Explained {
    message: String,
    help: String,
    /// Set when the problem is a field given twice.
    duplicate: Option<String>,
    /// A required field is not there.
    missing: bool,
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

fn explain(raw: &str) -> Explained {
    let (path, rest) = split_path(raw);
    let field_name = path.map(describe_path);
    let plain = |message: String, help: &str| Explained {
        message,
        help: help.to_string(),
        duplicate: None,
        missing: false,
    };

    if let Some(r) = rest.strip_prefix("unknown field `") {
        let (field, expected) = r.split_once('`').unwrap_or((r, ""));
        let names = backticked(expected);
        let within = field_name.map_or(String::new(), |f| format!(" in {f}"));
        let parent = NESTED
            .iter()
            .find(|(f, p)| *f == field && names.contains(p))
            .map(|(_, p)| *p);
        let help = match (parent, closest(field, &names)) {
            (Some(p), _) => format!(
                "`{field}` belongs under `{p}:`: indent it by two spaces on a line below `{p}:`"
            ),
            (None, Some(n)) => format!(
                "did you mean `{n}`? The fields allowed here are {}",
                list(&names)
            ),
            (None, None) => format!("the fields allowed here are {}", list(&names)),
        };
        return plain(format!("unknown field `{field}`{within}"), &help);
    }
    if let Some(r) = rest.strip_prefix("missing field `") {
        let field = r.split('`').next().unwrap_or(r);
        let within = field_name.map_or(String::new(), |f| format!(" in {f}"));
        return Explained {
            missing: true,
            ..plain(
                format!("the required field `{field}` is missing{within}"),
                &format!("add a line `{field}: ...` (the README lists every field)"),
            )
        };
    }
    if let Some(r) = rest.strip_prefix("duplicate field `") {
        let field = r.split('`').next().unwrap_or(r).to_string();
        return Explained {
            duplicate: Some(field.clone()),
            ..plain(
                format!("the field `{field}` is given twice"),
                "keep one of them: only one value can be used",
            )
        };
    }
    if let Some(r) = rest.strip_prefix("unknown variant `") {
        let (value, expected) = r.split_once('`').unwrap_or((r, ""));
        let names = backticked(expected);
        let what = field_name.unwrap_or_else(|| "this value".into());
        let help = match closest(value, &names) {
            Some(n) => format!("did you mean `{n}`? Write one of {}", list(&names)),
            None => format!("write one of {}", list(&names)),
        };
        return plain(format!("{what} cannot be `{value}`"), &help);
    }
    if let Some(r) = rest
        .strip_prefix("invalid type: ")
        .or_else(|| rest.strip_prefix("invalid value: "))
    {
        let (found, expected) = r.split_once(", expected ").unwrap_or((r, ""));
        if let (Some(f), Some(n)) = (&field_name, found.strip_prefix("integer `"))
            && expected.starts_with('u')
        {
            return plain(
                format!(
                    "{f} must be a whole number of 0 or more, but it is {}",
                    n.trim_end_matches('`')
                ),
                "write a number such as 14",
            );
        }
        let (expected, help) = expected_kind(expected);
        let message = match field_name {
            Some(f) => format!("{f} should be {expected}, but it is {}", found_kind(found)),
            None => format!(
                "this file should hold `field: value` lines, but it is {}",
                found_kind(found)
            ),
        };
        return plain(message, help);
    }
    if rest.contains("recursion limit exceeded") {
        return plain(
            "this value is nested too deeply to be read".into(),
            "content fields hold text or simple lists; remove the extra brackets or indentation",
        );
    }
    if rest.contains("repetition limit exceeded") || rest.contains("alias") {
        return plain(
            "this YAML repeats itself too many times through anchors (`&`) and aliases (`*`)"
                .into(),
            "write the values out instead of using `&` and `*`",
        );
    }
    plain(
        format!("this is not valid YAML: {rest}"),
        "check the indentation (spaces, not tabs), and put text that contains `: ` or starts with a special character such as [ { * & ! % @ in quotes",
    )
}

/// serde prefixes errors inside a field with its path (`contact.phone: ...`, `repeat[0]: ...`).
fn split_path(raw: &str) -> (Option<&str>, &str) {
    if let Some((path, rest)) = raw.split_once(": ") {
        let is_path = !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c));
        if is_path {
            return (Some(path), rest);
        }
    }
    (None, raw)
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

fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
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

/// Reports required text fields that are present but empty (`title:` with nothing after it),
/// which serde accepts as an empty string. `fields` are (name, value, what it is used for).
pub fn empty_fields(
    file: &str,
    source: &str,
    yaml: &str,
    offset: usize,
    fields: &[(&str, &str, &str)],
) -> Vec<Diagnostic> {
    fields
        .iter()
        .filter(|(_, value, _)| value.trim().is_empty())
        .map(|(name, _, used_for)| {
            // Point at the (empty) value: after the colon and any spaces.
            let at = key_lines(yaml, name).first().map_or(0, |i| {
                let after = i + name.len() + 1;
                after + (yaml[after..].len() - yaml[after..].trim_start_matches(' ').len())
            });
            Diagnostic::at(file, source, offset + at, 1, format!("`{name}` is empty"))
                .with_help(format!("after `{name}:`, write {used_for}"))
        })
        .collect()
}

/// Byte offsets of the lines of `yaml` that set `field` (`field:` after any indentation).
fn key_lines(yaml: &str, field: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut start = 0;
    for line in yaml.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(after) = trimmed.strip_prefix(field)
            && after.trim_start().starts_with(':')
        {
            found.push(start + indent);
        }
        start += line.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

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

    fn error(yaml: &str) -> Diagnostic {
        let src = format!("---\n{yaml}---\n");
        parse::<Front>("s.md", &src, &src[4..4 + yaml.len()], 4).unwrap_err()
    }

    #[test]
    fn unknown_field_points_into_the_file_and_suggests() {
        let e = error("title: A\ntitel: B\n");
        assert_eq!((e.line, e.column), (3, 1), "{e:?}");
        assert_eq!(e.message, "unknown field `titel`");
        assert!(e.help.unwrap().starts_with("did you mean `title`?"));
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
    fn deep_nesting_is_refused_quickly() {
        let deep = format!("title: {}\ndone_when: B\n", "[".repeat(100_000));
        let e = error(&deep);
        assert!(e.message.contains("nested too deeply"), "{}", e.message);
    }
}
