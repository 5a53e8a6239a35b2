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

/// A site's own file or folder in the place of anything a build makes is refused by `check` as
/// by `build`, with the same report naming both: for every file a build of the site may make
/// (pages in both languages, the search index, theme files, the site's own pictures, and also
/// the PDFs `handout pdf` prints and the sitemap and robots.txt a `base_url` adds), a content
/// file of the same name, of the same name in capitals, and a folder of that name; for every
/// folder the build makes, a file of that name. Otherwise `check` would pass and the build fail
/// with "File exists", or a Mac or Windows computer would keep only one of two files.
#[test]
fn every_name_the_build_uses_is_refused_to_the_sites_own_files_by_check_and_build_alike() {
    let site = TestSite::minimal_with_spanish();
    site.build().success();
    let built = tree(&site.root().join("public"));
    let content = tree(&site.root().join("content"));
    let mut outputs: Vec<String> = built
        .keys()
        .filter(|p| !p.split('/').any(|n| n.starts_with('.')))
        .cloned()
        .collect();
    assert!(outputs.contains(&"es/guides/second-guide/only-step.html".to_string()));
    // What other builds of the same site make.
    for guide in ["first-guide", "second-guide"] {
        for kind in ["handout", "checklist", "log"] {
            outputs.push(format!("guides/{guide}/{guide}-{kind}.pdf"));
        }
    }
    for kind in ["handout", "checklist", "log"] {
        outputs.push(format!("es/guides/second-guide/second-guide-{kind}-es.pdf"));
    }
    outputs.extend(["sitemap.xml".to_string(), "robots.txt".to_string()]);
    let folders: std::collections::BTreeSet<String> = outputs
        .iter()
        .flat_map(|p| {
            let parts: Vec<&str> = p.split('/').collect();
            (1..parts.len())
                .map(|n| parts[..n].join("/"))
                .collect::<Vec<_>>()
        })
        .collect();
    // The same path with its last name in capitals.
    let capitals = |p: &str| match p.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/{}", name.to_uppercase()),
        None => p.to_uppercase(),
    };
    // (file to write, what the report must name)
    let mut attacks: Vec<(String, String)> = Vec::new();
    for out in &outputs {
        let own = content.contains_key(out.as_str());
        if !own {
            attacks.push((format!("content/{out}"), format!("content/{out}")));
            attacks.push((format!("content/{out}/notes.txt"), format!("content/{out}")));
        }
        let upper = capitals(out);
        attacks.push((format!("content/{upper}"), format!("content/{upper}")));
        if own {
            attacks.push((
                format!("content/{upper}/notes.txt"),
                format!("content/{upper}/notes.txt"),
            ));
        }
    }
    for folder in &folders {
        let own = site.root().join("content").join(folder).is_dir();
        let name = if own {
            capitals(folder)
        } else {
            folder.clone()
        };
        attacks.push((format!("content/{name}"), format!("content/{name}")));
    }
    assert!(attacks.len() > 100, "{}", attacks.len());
    // A name the build uses is refused as a clash, or earlier, while the files are read, as a
    // kind never published (`404.html`, a file `es` without an extension) or as one of two
    // names a disk that ignores capitals takes for one.
    let clash = [
        "this file would be published as",
        "this folder would be published as",
        "this file and ",
        "so it is not published",
        "it is not published",
        "handout publishes only pictures, documents, sound and video",
        "differ only in capital letters",
    ];
    // The first part of `file` that is not there yet: what an attack adds, to take away again.
    let first_new = |file: &str| {
        let mut at = site.root().to_path_buf();
        for part in file.split('/') {
            at = at.join(part);
            if !at.exists() {
                return at;
            }
        }
        panic!("{file} is there already");
    };
    for (file, named) in &attacks {
        let added = first_new(file);
        // A picture of the shelter's own, so that only its name is wrong.
        let text = match file.to_lowercase().ends_with(".svg") {
            true => "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
            false => "the shelter's own file\n",
        };
        site.write(file, text);
        let check = site.handout(&["check"]);
        let build = site.build();
        // The file is named, or the folder the attack added when it is that folder's name
        // which clashes (a folder of twins is reported once, not once per file in it).
        let added_shown = added
            .strip_prefix(site.root())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let check = check.failure(1);
        assert!(
            check.stderr.contains(named.as_str())
                || check.stderr.contains(&format!("`{added_shown}`")),
            "{file}: {}",
            check.stderr
        );
        assert!(
            clash.iter().any(|c| check.stderr.contains(c)),
            "{file}: {}",
            check.stderr
        );
        build.failure(1);
        assert_eq!(check.stderr, build.stderr, "{file}");
        if added.is_dir() {
            std::fs::remove_dir_all(&added).unwrap();
        } else {
            std::fs::remove_file(&added).unwrap();
        }
    }
    // Nothing of the attacks is left: the site builds as before.
    site.build().success();
    assert_eq!(tree(&site.root().join("public")), built);
}

/// Guides named like the build's own folders (`es`, the Spanish pages' folder, and `assets`,
/// the theme's) live under `guides/`, so they take no name the build uses: the site builds and
/// every link leads to a file, in both languages.
#[test]
fn guides_named_like_the_builds_own_folders_build_and_link() {
    let site = TestSite::fixture("minimal");
    let settings = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        &format!("{settings}translations: [es]\nmissing_translation: fallback\n"),
    );
    for guide in ["es", "assets"] {
        site.write(
            &format!("content/guides/{guide}/guide.yaml"),
            "title: Named oddly\nsummary: A guide.\nspecies: cat\ntime_needed: A day\nintro: Why.\n",
        )
        .write(
            &format!("content/guides/{guide}/guide.es.yaml"),
            "title: Nombre raro\nsummary: Una guía.\ntime_needed: Un día\nintro: Por qué.\n",
        )
        .write(
            &format!("content/guides/{guide}/steps/01-start.md"),
            "---\ntitle: Start\ndone_when: Done.\n---\nSee [the other](guide:first-guide).\n",
        );
    }
    site.build().success();
    let out = site.root().join("public");
    for page in [
        "guides/es/start.html",
        "es/guides/es/start.html",
        "guides/assets/index.html",
        "es/guides/assets/start.html",
        "assets/style.css",
        "es/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
    let problems = crate::links::broken_links(&out);
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}
