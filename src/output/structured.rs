//! schema.org data for search engines: each guide as a `HowTo` (its steps, supplies and time),
//! as JSON-LD that is safe inside a `<script>` element.

use serde_json::{Value, json};

use crate::content::markdown::plain_text;
use crate::content::model::Guide;

/// The JSON-LD of a guide whose overview is at `url`; `texts` holds each step's body as plain
/// text (`Body::text`), `step_url` gives each step's address.
pub fn howto(
    guide: &Guide,
    texts: &[String],
    url: &str,
    step_url: impl Fn(&str) -> String,
) -> String {
    let steps: Vec<Value> = guide
        .steps
        .iter()
        .zip(texts)
        .map(|(s, text)| {
            json!({
                "@type": "HowToStep",
                "position": s.number,
                "name": s.front.title,
                "text": text,
                "url": step_url(&s.slug),
            })
        })
        .collect();
    let supplies: Vec<Value> = guide
        .meta
        .supplies
        .iter()
        .map(|item| json!({"@type": "HowToSupply", "name": plain_text(item)}))
        .collect();
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": guide.meta.title,
        "description": guide.meta.summary,
        "inLanguage": guide.lang,
        "url": url,
        // schema.org wants an ISO 8601 duration for totalTime; guides say it in words.
        "timeRequired": guide.meta.time_needed,
        "supply": supplies,
        "step": steps,
    });
    if let Some(total) = &guide.meta.total_time {
        data["totalTime"] = json!(total);
    }
    script_safe(&data.to_string())
}

/// JSON with `<`, `>` and `&` written as escapes, so no text can end the `<script>` element
/// it sits in; JSON parsers read the same values.
pub fn script_safe(json: &str) -> String {
    // One pass into one buffer: the search index can be tens of megabytes.
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_text_cannot_close_the_element() {
        let out = script_safe(&json!({"name": "</script><b>&"}).to_string());
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'));
        let back: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["name"], "</script><b>&");
    }
}
