//! Hostile text in any field is inert: no live script, no event handler, no dangerous URL, and
//! nothing that breaks out of `<style>` or `<title>`.

use scraper::{Html, Selector};

use crate::helpers::{TestSite, tree};

const EVIL: &str = r#"<script>alert(1)</script> "quoted" 'single' </style></title><img src=x onerror=alert(2)> & done"#;

fn yaml_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// An address written to break out of its `href` is refused where it is, before any page is
/// made; one that is a working address keeps its `'` and `&` escaped (below).
#[test]
fn hostile_addresses_are_refused() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/site.yaml",
        &format!(
            "name: S\ncontact:\n  email: {}\n  website: https://a.example/?q=\"><script>alert(3)</script>\ncall_to_action:\n  heading: H\n  link_text: L\n  url: https://a.example/\"onmouseover=\"alert(4)\n",
            yaml_quoted(EVIL)
        ),
    );
    let run = site.build();
    run.failure(1)
        .stderr_has("content/site.yaml:3:10")
        .stderr_has("but an e-mail address has no spaces")
        .stderr_has("content/site.yaml:4:12")
        .stderr_has("contains `\"`, which a web address cannot have")
        .stderr_has("content/site.yaml:8:8")
        .stderr_has("3 problems found");
}

#[test]
fn hostile_text_in_every_field_stays_text() {
    let site = TestSite::fixture("minimal");
    let q = yaml_quoted(EVIL);
    site.write(
        "content/site.yaml",
        &format!(
            "name: {q}\ntagline: {q}\ncontact:\n  phone: {q}\n  email: a&b'c@a.example\n  address: {q}\n  website: https://a.example/?q='onmouseover='alert(3)'&x=1\ncall_to_action:\n  heading: {q}\n  text: {q}\n  link_text: {q}\n  url: https://a.example/'onmouseover='alert(4)\n"
        ),
    );
    site.write(
        "content/guides/second-guide/guide.yaml",
        &format!(
            "title: {q}\nsummary: {q}\nspecies: {q}\ntopic: {q}\ntime_needed: {q}\nintro: {q}\nbefore_you_start: [{q}]\nsupplies: [{q}]\ntips: [{q}]\nsafety: [{q}]\n"
        ),
    );
    site.write(
        "content/guides/second-guide/steps/01-only-step.md",
        &format!(
            "---\ntitle: {q}\ndone_when: {q}\nwhere: {q}\nrepeat: [{q}]\n---\n{EVIL}\n\n<div onclick=\"alert(5)\">raw block</div>\n\n## {EVIL}\n\n[a link](https://a.example/ \"t\\\" onclick=\\\"alert(6)\")\n\n![alt\" onerror=\"alert(7)](../../first-guide/images/toy.svg)\n\n> [!NOTE]\n> {EVIL}\n"
        ),
    );
    // With a base URL, so the text also lands in sharing tags, JSON-LD and the sitemap.
    site.handout(&["build", "--base-url", "https://a.example/"])
        .success();

    let scripts = Selector::parse("script").unwrap();
    let everything = Selector::parse("*").unwrap();
    let styles = Selector::parse("style").unwrap();
    let mut problems = Vec::new();
    let files = tree(&site.root().join("public"));
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let doc = Html::parse_document(&String::from_utf8_lossy(bytes));
        for s in doc.select(&scripts) {
            if s.value().attr("type") == Some("application/ld+json") {
                let json: String = s.text().collect();
                if json.contains('<') || serde_json::from_str::<serde_json::Value>(&json).is_err() {
                    problems.push(format!("{path}: JSON-LD that is not inert JSON: {json}"));
                }
                continue;
            }
            let src = s.value().attr("src").unwrap_or("");
            let theirs = [
                "assets/checklist.js",
                "assets/library.js",
                "search-index.js",
            ];
            if !theirs.iter().any(|t| src.ends_with(t)) || s.text().any(|t| !t.trim().is_empty()) {
                problems.push(format!(
                    "{path}: a script that is not the theme's: {}",
                    s.html()
                ));
            }
        }
        for el in doc.select(&everything) {
            for (name, value) in el.value().attrs() {
                let v = value.trim().to_ascii_lowercase();
                if name.starts_with("on") {
                    problems.push(format!(
                        "{path}: event handler {name}={value:?} on <{}>",
                        el.value().name()
                    ));
                }
                if (name == "href" || name == "src")
                    && (v.starts_with("javascript:")
                        || v.starts_with("data:")
                        || v.starts_with("vbscript:"))
                {
                    problems.push(format!("{path}: dangerous {name}={value:?}"));
                }
            }
        }
        for style in doc.select(&styles) {
            let css: String = style.text().collect();
            if !css.starts_with("@page") || css.contains('<') {
                problems.push(format!("{path}: unexpected style {css:?}"));
            }
        }
        if !doc
            .select(&Selector::parse("img").unwrap())
            .all(|i| i.value().attr("onerror").is_none())
        {
            problems.push(format!("{path}: img with onerror"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    roxmltree::Document::parse(&site.read("public/sitemap.xml")).expect("the sitemap is valid XML");

    // The search index is data, not code: inert JSON added to one list.
    let index = site.read("public/search-index.js");
    let json = index
        .split_once("window.HANDOUT_SEARCH = (window.HANDOUT_SEARCH || []).concat(")
        .unwrap()
        .1
        .trim_end()
        .trim_end_matches(");");
    assert!(!json.contains('<'), "{json}");
    serde_json::from_str::<serde_json::Value>(json).expect("the search index is JSON");

    // JSON files stay valid JSON whatever the shelter's name holds.
    let manifest: serde_json::Value =
        serde_json::from_str(&site.read("public/manifest.webmanifest"))
            .expect("the manifest is valid JSON");
    assert_eq!(manifest["name"], EVIL);

    // The text itself is still there for readers, as text.
    let step = site.read("public/guides/second-guide/only-step.html");
    assert!(
        step.contains("&lt;script&gt;alert(1)&lt;"),
        "escaped text is shown"
    );
    let handout = site.read("public/guides/second-guide/handout.html");
    assert!(handout.contains("quoted"));
}

/// Links written in a sub-step heading are checked and rewritten like any other, and a file
/// whose name reads like a scheme (`javascript:...`) is refused, so no page gets a live link.
#[test]
fn no_heading_link_or_file_name_becomes_a_live_link() {
    let site = TestSite::fixture("library");
    let step = "content/guides/cats-and-kittens/steps/02-first-evening.md";
    let text = site.read(step);
    let evil = "content/guides/cats-and-kittens/javascript:parent.document.title='x'";
    site.write(evil, "x");
    site.write(
        step,
        &format!(
            "{text}\n## Ask [the vet](guide:cats-and-kittens) and [read this](<./../notes 1.txt>)\n"
        ),
    );
    site.write("content/guides/cats-and-kittens/notes 1.txt", "notes");
    site.build()
        .failure(1)
        .stderr_has(evil)
        .stderr_has("a file name with `:` in it cannot be published");
    site.remove(evil);
    site.build().success();
    let out = site.root().join("public");
    let links = Selector::parse("a[href]").unwrap();
    let mut seen = 0;
    for (path, bytes) in tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let page = Html::parse_document(&String::from_utf8_lossy(&bytes));
        for a in page.select(&links) {
            let href = a.value().attr("href").unwrap_or_default();
            assert!(
                !href.trim().to_ascii_lowercase().starts_with("javascript:"),
                "{path}: {href}"
            );
            assert!(!href.starts_with("guide:"), "{path}: unrewritten {href}");
            if a.text().collect::<String>() == "read this" {
                seen += 1;
                assert!(href.ends_with("notes%201.txt"), "{path}: {href}");
            }
        }
    }
    assert!(
        seen >= 2,
        "the link is on the step page and the handout: {seen}"
    );
}
