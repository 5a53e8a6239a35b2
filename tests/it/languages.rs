//! A library in two languages (tests/fixtures/library): English guides, two of them translated
//! into Spanish, one Spanish step missing, and titles with quotes, ampersands, angle brackets,
//! accents and an emoji. Pages carry the right `lang`, link to each other's languages both ways,
//! and the sitemap and JSON-LD name the right addresses.

use std::collections::BTreeMap;

use scraper::{Html, Selector};

use crate::helpers::TestSite;

const BASE: &str = "https://library.example/guides/";

fn built() -> TestSite {
    let site = TestSite::fixture("library");
    site.build().success();
    site
}

fn select(doc: &Html, css: &str) -> Vec<BTreeMap<String, String>> {
    doc.select(&Selector::parse(css).expect("selector"))
        .map(|e| {
            let mut attrs: BTreeMap<String, String> = e
                .value()
                .attrs()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            attrs.insert(
                "text".into(),
                e.text().collect::<String>().trim().to_string(),
            );
            attrs
        })
        .collect()
}

fn page(site: &TestSite, path: &str) -> Html {
    Html::parse_document(&site.read(&format!("public/{path}")))
}

#[test]
fn translated_guides_get_pages_under_their_language_and_others_do_not() {
    let site = built();
    let pages = crate::browser::pages(&site.root().join("public"));
    for expected in [
        "es/index.html",
        "es/guides/cats-and-kittens/index.html",
        "es/guides/cats-and-kittens/quiet-room.html",
        "es/guides/cats-and-kittens/first-evening.html",
        "es/guides/cats-and-kittens/checklist.html",
        "es/guides/cats-and-kittens/handout.html",
        "es/guides/cats-and-kittens/log.html",
        "es/guides/rabbit-diet/hay.html",
    ] {
        assert!(pages.contains(&expected.to_string()), "{expected} missing");
    }
    assert!(!pages.iter().any(|p| p.starts_with("es/guides/dog-walks/")));
    // One 404 page and one set of assets serve every language.
    assert!(!pages.contains(&"es/404.html".to_string()));
    assert!(site.root().join("public/es/search-index.js").is_file());
    assert!(!site.root().join("public/es/assets").exists());
}

#[test]
fn every_page_has_its_language_and_links_to_its_other_languages_both_ways() {
    let site = built();
    let out = site.root().join("public");
    let pages = crate::browser::pages(&out);
    let mut checked = 0;
    for path in &pages {
        let doc = page(&site, path);
        let lang = select(&doc, "html")[0]["lang"].clone();
        let expected = if path.starts_with("es/") { "es" } else { "en" };
        assert_eq!(lang, expected, "{path}");
        let alternates = select(&doc, "link[rel=alternate][hreflang]");
        if path == "404.html" || path.starts_with("guides/dog-walks/") {
            assert!(alternates.is_empty(), "{path} has no other language");
            continue;
        }
        let by_lang: BTreeMap<&str, &str> = alternates
            .iter()
            .map(|a| (a["hreflang"].as_str(), a["href"].as_str()))
            .collect();
        assert_eq!(
            by_lang.keys().copied().collect::<Vec<_>>(),
            ["en", "es", "x-default"],
            "{path}"
        );
        let own = format!("{BASE}{}", path.strip_suffix("index.html").unwrap_or(path));
        assert_eq!(by_lang[expected], own, "{path} names itself");
        assert_eq!(by_lang["x-default"], by_lang["en"], "{path}");
        // The other language's page exists and names this page back.
        let other = if expected == "en" { "es" } else { "en" };
        let other_path = by_lang[other].strip_prefix(BASE).expect("under base_url");
        let other_path = if other_path.is_empty() || other_path.ends_with('/') {
            format!("{other_path}index.html")
        } else {
            other_path.to_string()
        };
        let back = page(&site, &other_path);
        let back_links = select(&back, "link[rel=alternate][hreflang]");
        assert!(
            back_links
                .iter()
                .any(|a| a["hreflang"] == expected && a["href"] == own),
            "{other_path} does not link back to {path}"
        );
        // The visible language menu: relative links to the same page, the current one marked.
        let menu = select(&doc, "nav.languages a");
        assert_eq!(menu.len(), 2, "{path}");
        let current: Vec<_> = menu
            .iter()
            .filter(|a| a.contains_key("aria-current"))
            .collect();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0]["lang"], expected);
        for a in &menu {
            assert!(
                !a["href"].contains("://"),
                "{path}: menu links are relative"
            );
            let target = out.join(path).parent().unwrap().join(&a["href"]);
            assert!(target.is_file(), "{path}: {} does not exist", a["href"]);
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} pages had languages");
}

#[test]
fn a_missing_step_translation_falls_back_visibly_and_is_noted() {
    let site = TestSite::fixture("library");
    let run = site.build();
    run.success();
    assert!(
        run.stdout
            .contains("content/guides/cats-and-kittens/steps/02-first-evening.es.md"),
        "the build names the missing file:\n{}",
        run.stdout
    );
    let doc = page(&site, "es/guides/cats-and-kittens/first-evening.html");
    let notice = select(&doc, ".not-translated");
    assert_eq!(notice.len(), 1);
    assert_eq!(notice[0]["lang"], "es");
    assert!(
        notice[0]["text"].contains("todavía no está traducido"),
        "{:?}",
        notice[0]
    );
    assert!(notice[0]["text"].contains("English"));
    // The step itself is marked as English, so screen readers pronounce it right.
    let article = select(&doc, "article.step");
    assert_eq!(article[0]["lang"], "en");
    assert!(article[0]["text"].contains("Spend the first evening nearby"));
    // Its link to step 1 stays in the Spanish guide.
    let links = select(&doc, ".step-body a");
    assert_eq!(links[0]["href"], "quiet-room.html");
    // The chrome around it is Spanish.
    assert_eq!(select(&doc, ".step-count strong")[0]["text"], "Paso 2 de 2");
    // The checklist lists the step in English, marked so.
    let checklist = page(&site, "es/guides/cats-and-kittens/checklist.html");
    let titles = select(&checklist, ".checklist strong[lang=en]");
    assert_eq!(titles.len(), 1);
    assert_eq!(titles[0]["text"], "2. Spend the first evening nearby");
}

#[test]
fn site_yaml_can_make_a_missing_translation_an_error() {
    let site = TestSite::fixture("library");
    let yaml = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        &yaml.replace(
            "missing_translation: fallback",
            "missing_translation: error",
        ),
    );
    site.build()
        .failure(1)
        .stderr_has("error: step 2 of `cats-and-kittens` has no `es` translation")
        .stderr_has("--> content/guides/cats-and-kittens/steps/02-first-evening.es.md")
        .stderr_has(
            "translate content/guides/cats-and-kittens/steps/02-first-evening.md into this file",
        );
    assert!(!site.root().join("public").exists());
}

#[test]
fn spanish_pages_use_spanish_words_and_mark_english_only_guides() {
    let site = built();
    let index = page(&site, "es/index.html");
    assert_eq!(select(&index, "h1")[0]["text"], "Guías de cuidado");
    let headings: Vec<String> = select(&index, ".species-group h2")
        .into_iter()
        .map(|h| h["text"].clone())
        .collect();
    assert_eq!(
        headings,
        [
            "Para dueños de gatos",
            "Para dueños de perros",
            "Para dueños de conejos"
        ]
    );
    // The site's own Spanish words from site.es.yaml.
    assert_eq!(
        select(&index, ".lead")[0]["text"],
        "Guías de cuidado para nuestras familias adoptivas"
    );
    assert_eq!(
        select(&index, "#cta-heading")[0]["text"],
        "Únase a nosotros"
    );
    // Unusual characters in titles come through as text, escaped once.
    let cards = select(&index, ".guide-card h3 a");
    assert_eq!(
        cards[0]["text"],
        "Gatos y gatitos: la «primera noche» <en casa>"
    );
    assert_eq!(cards[0]["href"], "guides/cats-and-kittens/index.html");
    // The dog guide has no Spanish version: listed in English, marked, linked to its page.
    assert_eq!(cards[1]["text"], "Walks 🐕 — à la carte");
    assert_eq!(cards[1]["lang"], "en");
    assert_eq!(cards[1]["hreflang"], "en");
    assert_eq!(cards[1]["href"], "../guides/dog-walks/index.html");
    assert!(
        site.root()
            .join("public/es")
            .join(&cards[1]["href"])
            .is_file()
    );
    assert_eq!(
        select(&index, ".guide-card .lang-note")[0]["text"],
        "(en inglés)"
    );
    // Topic chips are named in Spanish but filter by the value in guide.yaml.
    let chips = select(&index, ".chip[data-topic]");
    let named: Vec<(String, String)> = chips
        .iter()
        .map(|c| (c["data-topic"].clone(), c["text"].clone()))
        .collect();
    assert!(
        named.contains(&("adoption".into(), "Adopción".into())),
        "{named:?}"
    );

    // A callout in a Spanish step is labelled in Spanish; a link to an English-only guide says so.
    let step = page(&site, "es/guides/cats-and-kittens/quiet-room.html");
    assert_eq!(select(&step, ".callout-label")[0]["text"], "Consejo");
    let link = &select(&step, ".step-body a[hreflang]")[0];
    assert_eq!(link["href"], "../../../guides/dog-walks/index.html");
    assert_eq!(
        select(&step, ".step-body .lang-note")[0]["text"],
        "(en inglés)"
    );
    let image = &select(&step, ".step-body img")[0];
    assert_eq!(
        image["src"],
        "../../../guides/cats-and-kittens/images/room.svg"
    );
    // Related guides: Spanish where translated, English (marked) where not.
    let overview = page(&site, "es/guides/cats-and-kittens/index.html");
    let related = select(&overview, ".related a");
    assert_eq!(related[0]["text"], "Walks 🐕 — à la carte");
    assert_eq!(related[0]["href"], "../../../guides/dog-walks/index.html");
    assert_eq!(related[1]["text"], "La dieta del conejo");
    assert_eq!(related[1]["href"], "../rabbit-diet/index.html");
    // The checklist's progress line is filled in from the page's own words.
    let checklist = page(&site, "es/guides/cats-and-kittens/checklist.html");
    let forms: serde_json::Value =
        serde_json::from_str(&select(&checklist, "[data-progress-text]")[0]["data-forms"]).unwrap();
    assert_eq!(
        forms,
        serde_json::json!({
            "rule": "es",
            "one": "{n} de {total} completado",
            "other": "{n} de {total} completados",
        })
    );
}

#[test]
fn each_language_has_its_own_search_index() {
    let site = built();
    let read_index = |path: &str| -> serde_json::Value {
        let js = site.read(path);
        let json = js
            .split_once(".concat(")
            .map(|(_, j)| j.trim().trim_end_matches(");"))
            .expect("a list of guides");
        serde_json::from_str(json).expect("the search index is JSON")
    };
    let es = read_index("public/es/search-index.js");
    let titles: Vec<&str> = es
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Gatos y gatitos: la «primera noche» <en casa>",
            "La dieta del conejo",
            "Walks 🐕 — à la carte"
        ]
    );
    assert_eq!(
        es[0]["steps"][0]["url"],
        "guides/cats-and-kittens/quiet-room.html"
    );
    assert_eq!(es[2]["url"], "../guides/dog-walks/index.html");
    let en = read_index("public/search-index.js");
    assert_eq!(en[1]["title"], "Rabbit diet");
}

#[test]
fn the_sitemap_names_every_page_with_its_other_languages() {
    let site = built();
    let xml = site.read("public/sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("the sitemap is well-formed XML");
    const XHTML: &str = "http://www.w3.org/1999/xhtml";
    let mut locs = Vec::new();
    for url in doc.descendants().filter(|n| n.has_tag_name("url")) {
        let loc = url
            .children()
            .find(|n| n.has_tag_name("loc"))
            .and_then(|n| n.text())
            .unwrap()
            .to_string();
        let alternates: BTreeMap<String, String> = url
            .children()
            .filter(|n| n.has_tag_name((XHTML, "link")))
            .map(|n| {
                assert_eq!(n.attribute("rel"), Some("alternate"));
                (
                    n.attribute("hreflang").unwrap().to_string(),
                    n.attribute("href").unwrap().to_string(),
                )
            })
            .collect();
        if loc.contains("/dog-walks/") {
            assert!(alternates.is_empty(), "{loc}");
        } else {
            assert_eq!(alternates.len(), 2, "{loc}");
            assert!(alternates.values().any(|h| *h == loc), "{loc} lists itself");
            let english = &alternates["en"];
            assert_eq!(
                alternates["es"],
                english.replacen(BASE, &format!("{BASE}es/"), 1)
            );
        }
        locs.push(loc);
    }
    let mut expected: Vec<String> = crate::browser::pages(&site.root().join("public"))
        .into_iter()
        .filter(|p| p != "404.html")
        .map(|p| format!("{BASE}{}", p.strip_suffix("index.html").unwrap_or(&p)))
        .collect();
    expected.sort();
    locs.sort();
    assert_eq!(locs, expected);
}

#[test]
fn howto_data_is_in_the_pages_language_with_its_own_addresses() {
    let site = built();
    let json = |path: &str| -> serde_json::Value {
        let doc = page(&site, path);
        let script = select(&doc, "script[type=\"application/ld+json\"]");
        serde_json::from_str(&script[0]["text"]).expect("JSON-LD parses")
    };
    let es = json("es/guides/cats-and-kittens/index.html");
    assert_eq!(es["inLanguage"], "es");
    assert_eq!(es["name"], "Gatos y gatitos: la «primera noche» <en casa>");
    assert_eq!(es["url"], format!("{BASE}es/guides/cats-and-kittens/"));
    assert_eq!(es["totalTime"], "PT4H");
    assert_eq!(es["timeRequired"], "Una tarde");
    assert_eq!(
        es["step"][0]["url"],
        format!("{BASE}es/guides/cats-and-kittens/quiet-room.html")
    );
    assert_eq!(es["supply"][0]["name"], "Una caja de arena");
    let en = json("guides/cats-and-kittens/index.html");
    assert_eq!(en["inLanguage"], "en");
    assert_eq!(en["name"], "Cats & kittens: the \"first night\" <home>");
    // A guide without total_time says nothing about it, rather than guessing.
    assert!(
        json("guides/dog-walks/index.html")
            .get("totalTime")
            .is_none()
    );
}

#[test]
fn translation_files_that_cannot_be_used_are_reported() {
    let site = TestSite::fixture("library");
    // A language the site does not list, a translated step with no original, and translated
    // steps of a guide that has no guide.es.yaml.
    site.write(
        "content/guides/rabbit-diet/guide.fr.yaml",
        "title: Le régime du lapin\n",
    )
    .write(
        "content/guides/rabbit-diet/steps/02-greens.es.md",
        "---\ntitle: Verduras\ndone_when: Come verduras.\n---\nVerduras.\n",
    )
    .write(
        "content/guides/dog-walks/steps/01-short-walk.es.md",
        "---\ntitle: Un paseo corto\ndone_when: Camina.\n---\nUna vuelta.\n",
    )
    .write("content/guides/dog-walks/guide.es.yml", "title: x\n");
    site.build()
        .failure(1)
        .stderr_has("error: `fr` is not one of the site's translations")
        .stderr_has("help: add `fr` to `translations:` in content/site.yaml, or rename the file")
        .stderr_has("error: there is no step `02-greens.md` for this file to translate")
        .stderr_has("error: this step is translated, but the guide has no guide.es.yaml")
        .stderr_has("content/guides/dog-walks/guide.es.yml");
}

#[test]
fn a_translated_guide_yaml_holds_only_text_and_every_list() {
    let site = TestSite::fixture("library");
    site.write(
        "content/guides/cats-and-kittens/guide.es.yaml",
        "title: Gatos\nsummary: Una noche.\ntime_needed: Una tarde\nintro: Hola.\nspecies: gato\n",
    );
    site.build()
        .failure(1)
        .stderr_has("error: unknown field `species`")
        .stderr_has("content/guides/cats-and-kittens/guide.es.yaml:5:1");
    site.write(
        "content/guides/cats-and-kittens/guide.es.yaml",
        "title: Gatos\nsummary: Una noche.\ntime_needed: Una tarde\nintro: Hola.\n",
    );
    site.build()
        .failure(1)
        .stderr_has("error: `supplies` is missing: guide.yaml has it, so its translation must too");
}
