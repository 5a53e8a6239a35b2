//! Every internal link and asset reference in the built site is relative, names a file, and
//! resolves, including its `#fragment`; nothing is fetched from another site. Every id on a page
//! is there once, and every `#link` within a page finds its id.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use scraper::{Html, Selector};

use crate::helpers::{BuiltDefault, TestSite, tree};

/// Problems with the links of the site in `out`; empty when every link works.
pub(crate) fn broken_links(out: &Path) -> Vec<String> {
    let files = tree(out);
    let mut ids: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut docs = Vec::new();
    let any_id = Selector::parse("[id]").unwrap();
    for (path, bytes) in &files {
        if path.ends_with(".html") {
            let doc = Html::parse_document(&String::from_utf8_lossy(bytes));
            ids.insert(
                path,
                doc.select(&any_id)
                    .filter_map(|e| e.value().attr("id").map(str::to_string))
                    .collect(),
            );
            docs.push((path.as_str(), doc));
        }
    }
    let refs = Selector::parse("[href], [src]").unwrap();
    let mut problems = Vec::new();
    for (path, doc) in &docs {
        let dir = Path::new(path).parent().unwrap_or(Path::new(""));
        for el in doc.select(&refs) {
            if el.value().name() == "base" {
                continue;
            }
            for attr in ["href", "src"] {
                let Some(url) = el.value().attr(attr) else {
                    continue;
                };
                let fetched = attr == "src" || el.value().name() == "link";
                let has_scheme = url.split_once(':').is_some_and(|(s, _)| {
                    !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                });
                if has_scheme || url.starts_with("//") {
                    // A page's own address and its other languages' are named, not fetched.
                    let is_address =
                        matches!(el.value().attr("rel"), Some("canonical" | "alternate"));
                    if fetched && !is_address {
                        problems.push(format!("{path}: fetches {url} from another site"));
                    }
                    if url.starts_with("javascript:") || url.starts_with("data:") {
                        problems.push(format!("{path}: unsafe link {url}"));
                    }
                    continue;
                }
                if url.starts_with('/') {
                    problems.push(format!("{path}: {url} is not relative"));
                    continue;
                }
                let (file_part, fragment) = url.split_once('#').unwrap_or((url, ""));
                let target = if file_part.is_empty() {
                    path.to_string()
                } else {
                    if file_part.ends_with('/') {
                        problems.push(format!("{path}: {url} names a folder, not a file"));
                        continue;
                    }
                    match normalise(dir, file_part) {
                        Some(t) => t,
                        None => {
                            problems.push(format!("{path}: {url} leaves the site"));
                            continue;
                        }
                    }
                };
                if !files.contains_key(&target) {
                    problems.push(format!("{path}: {url} → {target} does not exist"));
                } else if !fragment.is_empty()
                    && !ids.get(target.as_str()).is_some_and(|set| {
                        // Browsers find `#caf%C3%A9` at `id="café"`.
                        let decoded = percent_encoding::percent_decode_str(fragment);
                        set.contains(fragment) || set.contains(decoded.decode_utf8_lossy().as_ref())
                    })
                {
                    problems.push(format!("{path}: {url} → no id `{fragment}` in {target}"));
                }
            }
        }
    }
    problems
}

/// Problems with the ids of the pages in `out`: an id given twice on a page, or a link within
/// the page (`href="#x"`, percent-encoded or not, as a browser reads it) to an id it lacks.
pub(crate) fn id_problems(out: &Path) -> Vec<String> {
    let any_id = Selector::parse("[id]").unwrap();
    let in_page = Selector::parse("[href^='#']").unwrap();
    let mut problems = Vec::new();
    for (path, bytes) in tree(out) {
        if !path.ends_with(".html") {
            continue;
        }
        let doc = Html::parse_document(&String::from_utf8_lossy(&bytes));
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for el in doc.select(&any_id) {
            if let Some(id) = el.value().attr("id") {
                *seen.entry(id).or_default() += 1;
            }
        }
        for (id, n) in &seen {
            if *n > 1 {
                problems.push(format!("{path}: id `{id}` is on {n} elements"));
            }
        }
        for el in doc.select(&in_page) {
            let href = el.value().attr("href").unwrap_or_default();
            let fragment = &href[1..];
            let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
            if !seen.contains_key(fragment) && !seen.contains_key(decoded.as_ref()) {
                problems.push(format!("{path}: {href} → no such id on the page"));
            }
        }
    }
    problems
}

#[track_caller]
fn assert_ids_unique_and_found(out: &Path) {
    let problems = id_problems(out);
    assert!(problems.is_empty(), "ids:\n{}", problems.join("\n"));
}

/// The committed site and the site as built now, every page.
#[test]
fn every_id_in_the_default_site_is_unique_and_every_anchor_finds_its_id() {
    assert_ids_unique_and_found(&crate::helpers::repo_root().join("public"));
    assert_ids_unique_and_found(&BuiltDefault::new().out());
}

#[test]
fn every_id_in_the_fixture_sites_is_unique_and_every_anchor_finds_its_id() {
    for fixture in ["minimal", "library"] {
        let site = TestSite::fixture(fixture);
        site.build().success();
        assert_ids_unique_and_found(&site.root().join("public"));
    }
}

/// A guide whose text would give ids twice or take the theme's: `[^1]` in several steps and
/// in guide.yaml, `[^main]` (and `[^MAIN]`), Cyrillic headings, the same heading twice, and
/// steps named `step`, `cta`, `before-1`. On every page, in both languages, each id is there
/// once and each link finds its id; the checklist's boxes each have their own key.
#[test]
fn ids_from_the_text_never_repeat_on_a_page_nor_take_the_theme_s() {
    let site = TestSite::fixture("ids");
    site.build().success();
    let out = site.root().join("public");
    assert_ids_unique_and_found(&out);
    let problems = broken_links(&out);
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
    let handout = Html::parse_document(&site.read("public/guides/ids/handout.html"));
    let ids: Vec<String> = handout
        .select(&Selector::parse("[id]").unwrap())
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect();
    for id in [
        "done-fn-1",
        "done-fn-2",
        "step-fn-1",
        "cta-fn-1",
        "intro-fn-1",
        "tips-1-fn-1",
        "done-практика",
        "done-практика-2",
        "done-игра",
        "done-игра-2",
        "done-when-2",
        "cta-heading-2",
        "step-cta-2",
        "main",
        "cta-heading",
        "step-cta",
    ] {
        assert!(ids.iter().any(|i| i == id), "no id {id} in {ids:?}");
    }
    // `[^main]` and `[^MAIN]` are one note, numbered as pulldown-cmark numbers notes.
    let step = site.read("public/guides/ids/done.html");
    assert_eq!(
        step.matches("href=\"#done-fn-2\">2</a>").count(),
        2,
        "{step}"
    );
    assert!(step.contains("id=\"done-fn-2\"><sup class=\"footnote-definition-label\">2</sup>"));
    let checklist = Html::parse_document(&site.read("public/guides/ids/checklist.html"));
    let keys: Vec<&str> = checklist
        .select(&Selector::parse(".checklist input").unwrap())
        .filter_map(|e| e.value().attr("value"))
        .collect();
    let distinct: std::collections::BTreeSet<&&str> = keys.iter().collect();
    assert_eq!(
        distinct.len(),
        keys.len(),
        "boxes share their ticks: {keys:?}"
    );
    assert_eq!(keys.len(), 14, "{keys:?}");
}

/// The keys the checklist remembers the leash guide's ticks by are the ones it has always had,
/// so ticks saved before are still shown.
#[test]
fn the_leash_guide_s_checklist_keeps_its_keys() {
    let site = BuiltDefault::new();
    let checklist = Html::parse_document(&site.read("guides/leash-training/checklist.html"));
    let keys: Vec<&str> = checklist
        .select(&Selector::parse(".checklist input").unwrap())
        .filter_map(|e| e.value().attr("value"))
        .collect();
    assert_eq!(
        keys,
        [
            "before-1",
            "before-2",
            "get-a-cat-harness",
            "leave-the-harness-out",
            "sniff-and-treat",
            "drape-the-harness",
            "harness-on-indoors",
            "drag-the-leash",
            "follow-your-cat-indoors",
            "direct-your-cat",
            "direct-your-cat-call-your-cat-in-a-soft-voice",
            "direct-your-cat-drop-a-treat-and-walk-on",
            "direct-your-cat-use-gentle-steady-pressure",
            "go-outside",
        ]
    );
}

#[test]
fn the_id_checker_notices_a_repeated_id_and_a_dangling_anchor() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let out = site.root().join("public");
    std::fs::write(
        out.join("extra.html"),
        "<!DOCTYPE html><html lang=en><title>x</title><p id=a>1</p><p id=a>2</p><a href=\"#a\">ok</a><a href=\"#b\">no</a><p id=\"é\">3</p><a href=\"#%C3%A9\">ok</a>",
    )
    .unwrap();
    let problems = id_problems(&out);
    assert_eq!(problems.len(), 2, "{problems:#?}");
}

fn normalise(dir: &Path, rel: &str) -> Option<String> {
    let mut parts: Vec<String> = dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            // A browser asks for the file by its decoded name (`my%20photo.jpg` is `my photo.jpg`).
            p => parts.push(
                percent_encoding::percent_decode_str(p)
                    .decode_utf8_lossy()
                    .into_owned(),
            ),
        }
    }
    Some(parts.join("/"))
}

#[test]
fn every_link_in_the_default_site_resolves_to_a_file() {
    let site = BuiltDefault::new();
    let problems = broken_links(&site.out());
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_link_in_a_fixture_site_resolves_to_a_file() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let problems = broken_links(&site.root().join("public"));
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_link_checker_notices_a_broken_link() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let out = site.root().join("public");
    std::fs::write(
        out.join("extra.html"),
        "<!DOCTYPE html><html lang=en><title>x</title><a href=\"guides/nope.html\">x</a><a href=\"index.html#nowhere\">y</a><img src=\"https://cdn.example/x.png\" alt=x>",
    )
    .unwrap();
    let problems = broken_links(&out);
    assert_eq!(problems.len(), 3, "{problems:#?}");
}

#[test]
fn guide_and_step_links_in_content_become_relative_file_links() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let overview = site.read("public/guides/first-guide/index.html");
    assert!(
        overview.contains("href=\"../second-guide/index.html\""),
        "{overview}"
    );
    assert!(
        overview.contains("href=\"../second-guide/only-step.html\""),
        "{overview}"
    );
    let middle = site.read("public/guides/first-guide/middle.html");
    assert!(
        middle.contains("href=\"begin.html\""),
        "a link to a step's .md file goes to its page"
    );
    let begin = site.read("public/guides/first-guide/begin.html");
    assert!(begin.contains("src=\"images/toy.svg\""), "{begin}");
    assert!(
        site.root()
            .join("public/guides/first-guide/images/toy.svg")
            .is_file()
    );
}

/// A picture whose name has a space or an accent is found however an editor writes the link:
/// with `%20` and `%C3%B1`, between `<` and `>`, typed composed while the disk stores the name
/// decomposed (as a Mac does) or the other way round. Each page's URL leads to the published
/// file, which has the composed name.
#[test]
fn pictures_named_with_spaces_and_accents_are_found_as_editors_write_them() {
    let site = TestSite::fixture("minimal");
    let images = "content/guides/first-guide/images";
    let svg = site.read(&format!("{images}/toy.svg"));
    site.write(&format!("{images}/my photo.svg"), &svg);
    // `ñ` decomposed (`n` and a combining tilde) on disk; `é` composed.
    site.write(&format!("{images}/nin\u{303}o.svg"), &svg);
    site.write(&format!("{images}/caf\u{e9}.svg"), &svg);
    let step = "content/guides/first-guide/steps/03-end.md";
    let text = site.read(step);
    site.write(
        step,
        &format!(
            "{text}\n![one](../images/my%20photo.svg) ![two](<../images/my photo.svg>)\n\
             ![three](../images/ni\u{f1}o.svg) ![four](../images/ni%C3%B1o.svg)\n\
             ![five](../images/cafe\u{301}.svg)\n"
        ),
    );
    site.build().success();
    let out = site.root().join("public");
    let problems = broken_links(&out);
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
    let page = site.read("public/guides/first-guide/end.html");
    for (alt, src) in [
        ("one", "images/my%20photo.svg"),
        ("two", "images/my%20photo.svg"),
        ("three", "images/ni%C3%B1o.svg"),
        ("four", "images/ni%C3%B1o.svg"),
        ("five", "images/caf%C3%A9.svg"),
    ] {
        assert!(
            page.contains(&format!("src=\"{src}\" alt=\"{alt}\"")),
            "{alt}: {page}"
        );
    }
    assert!(
        out.join("guides/first-guide/images/ni\u{f1}o.svg")
            .is_file()
    );
    assert!(
        !out.join("guides/first-guide/images/nin\u{303}o.svg")
            .exists()
    );
}

/// `![a](../images/my photo.svg)` is not a picture in markdown: it would show as its text. It is
/// reported where it is written, and the fix the message offers, pasted in, builds; so does the
/// "did you mean" for a name written with a hyphen for the space.
#[test]
fn a_picture_written_with_a_space_is_reported_and_the_offered_fix_works() {
    let site = TestSite::fixture("minimal");
    let images = "content/guides/first-guide/images";
    site.write(
        &format!("{images}/my photo.svg"),
        &site.read(&format!("{images}/toy.svg")),
    );
    let step = "content/guides/first-guide/steps/03-end.md";
    let text = site.read(step);
    let broken = "![A toy](../images/my photo.svg)";
    site.write(step, &format!("{text}\nLook: {broken}\n"));
    let run = site.handout(&["check"]);
    run.failure(1).stderr_has(
        "error: this picture is shown as text, not as a picture, because its path has a space in it\n  --> content/guides/first-guide/steps/03-end.md:10:7",
    );
    let fix = |stderr: &str, before: &str| -> String {
        let help = stderr
            .lines()
            .find_map(|l| l.strip_prefix(before))
            .unwrap_or_else(|| panic!("no help in {stderr}"));
        help.split('`').nth(1).unwrap().to_string()
    };
    let fixed = fix(&run.stderr, "help: write each space as %20: ");
    assert_eq!(fixed, "![A toy](../images/my%20photo.svg)");
    site.write(step, &format!("{text}\nLook: {fixed}\n"));
    site.build().success();
    // Written with a hyphen: the suggestion is a path that works when pasted in.
    site.write(
        step,
        &format!("{text}\nLook: ![A toy](../images/my-photo.svg)\n"),
    );
    let run = site.build();
    run.failure(1);
    let suggested = fix(&run.stderr, "help: did you mean ");
    assert_eq!(suggested, "../images/my%20photo.svg");
    site.write(step, &format!("{text}\nLook: ![A toy]({suggested})\n"));
    site.build().success();
    assert!(
        site.read("public/guides/first-guide/end.html")
            .contains("src=\"images/my%20photo.svg\"")
    );
}
