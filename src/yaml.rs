//! Reading YAML into the content structs, with serde's errors turned into diagnostics that
//! point into the real file and suggest the field a typo meant.

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;

/// Parses `yaml`, which starts at byte `offset` of `source` (the whole text of `file`).
pub fn parse<T: DeserializeOwned>(
    file: &str,
    source: &str,
    yaml: &str,
    offset: usize,
) -> Result<T, Diagnostic> {
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
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let at = e.location().map(|l| l.index().min(yaml.len()));
    let mut d = match at {
        Some(i) => {
            let len = yaml[i..].find([':', '\n']).unwrap_or(0);
            Diagnostic::at(file, source, offset + i, len, message.clone())
        }
        None => Diagnostic::at(file, source, offset, 0, message.clone()),
    };
    d.message = plain_message(&message);
    if let Some(help) = help_for(&message) {
        d = d.with_help(help);
    }
    d
}

/// serde's messages name types the way a programmer would; a volunteer needs the field.
fn plain_message(message: &str) -> String {
    let m = message.replace("invalid type: ", "wrong kind of value: ");
    if m.starts_with("unknown field") {
        // The allowed fields go in the help, with a suggestion.
        return m.split(", expected").next().unwrap_or(&m).to_string();
    }
    m
}

fn help_for(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`')?;
        let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let best = names
            .iter()
            .map(|n| (strsim::jaro_winkler(field, n), *n))
            .filter(|(score, _)| *score > 0.75)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return Some(match best {
            Some((_, n)) => format!("did you mean `{n}`? The fields allowed here are {list}"),
            None => format!("the fields allowed here are {list}"),
        });
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return Some(format!(
            "add a line `{field}: ...` (see the README's content format section)"
        ));
    }
    if message.contains("invalid type") {
        return Some(
            "check the value's form: a list needs one `- item` per line, text can be quoted".into(),
        );
    }
    None
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
    }

    #[test]
    fn unknown_field_points_into_the_file_and_suggests() {
        let src = "---\ntitle: A\ntitel: B\n---\n";
        let e = parse::<Front>("s.md", src, &src[4..22], 4).unwrap_err();
        assert_eq!((e.line, e.column), (3, 1), "{e:?}");
        assert_eq!(e.message, "unknown field `titel`");
        assert!(e.help.unwrap().starts_with("did you mean `title`?"));
    }

    #[test]
    fn missing_field_is_named() {
        let e = parse::<Front>("s.md", "title: A\n", "title: A\n", 0).unwrap_err();
        assert!(
            e.message.contains("missing field `done_when`"),
            "{}",
            e.message
        );
    }
}
