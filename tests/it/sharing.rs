//! With a `base_url`, the site is easy to find and share: a sitemap naming every page, robots.txt,
//! canonical and sharing tags, schema.org `HowTo` data per guide; a web-app manifest always.

use crate::helpers::TestSite;

const BASE: &str = "https://test-shelter.example/help/";

fn built_with_base() -> TestSite {
    let site = TestSite::fixture("minimal");
    site.handout(&["build", "--base-url", BASE]).success();
    site
}

#[test]
fn the_sitemap_names_every_page_and_nothing_else() {
    let site = built_with_base();
    let xml = site.read("public/sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("the sitemap is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let locs: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect();
    let mut expected: Vec<String> = crate::browser::pages(&site.root().join("public"))
        .into_iter()
        .filter(|p| p != "404.html")
        .map(|p| format!("{BASE}{}", p.strip_suffix("index.html").unwrap_or(&p)))
        .collect();
    expected.sort();
    let mut found = locs.clone();
    found.sort();
    assert_eq!(found, expected);
    assert!(locs.contains(&format!("{BASE}guides/first-guide/")));
    assert!(
        site.read("public/robots.txt")
            .contains(&format!("Sitemap: {BASE}sitemap.xml"))
    );
}

#[test]
fn each_guide_carries_howto_data_naming_its_steps_and_supplies() {
    let site = built_with_base();
    let html = site.read("public/guides/first-guide/index.html");
    let doc = scraper::Html::parse_document(&html);
    let scripts: Vec<String> = doc
        .select(&scraper::Selector::parse("script[type=\"application/ld+json\"]").unwrap())
        .map(|s| s.text().collect())
        .collect();
    assert_eq!(scripts.len(), 1);
    let data: serde_json::Value = serde_json::from_str(&scripts[0]).expect("JSON-LD parses");
    assert_eq!(data["@context"], "https://schema.org");
    assert_eq!(data["@type"], "HowTo");
    assert_eq!(data["name"], "First guide");
    assert_eq!(data["url"], format!("{BASE}guides/first-guide/"));
    assert_eq!(data["timeRequired"], "A week");
    let steps = data["step"].as_array().unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[1]["position"], 2);
    assert_eq!(steps[1]["name"], "Middle step");
    assert_eq!(
        steps[1]["url"],
        format!("{BASE}guides/first-guide/middle.html")
    );
    assert!(steps[0]["text"].as_str().unwrap().contains("Show the toy."));
    assert_eq!(
        data["supply"][0]["name"], "A toy.",
        "markdown is plain text here"
    );
    // Canonical and sharing tags name the page's own address.
    let page = site.read("public/guides/first-guide/middle.html");
    assert!(page.contains(&format!(
        "<link rel=\"canonical\" href=\"{BASE}guides/first-guide/middle.html\">"
    )));
    assert!(page.contains(&format!(
        "<meta property=\"og:url\" content=\"{BASE}guides/first-guide/middle.html\">"
    )));
    assert!(page.contains("<meta property=\"og:title\" content=\"Middle step · First guide\">"));
    assert!(page.contains("<meta name=\"twitter:card\" content=\"summary\">"));
}

#[test]
fn without_base_url_there_is_no_sitemap_but_a_manifest() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    assert!(!site.root().join("public/sitemap.xml").exists());
    assert!(!site.root().join("public/robots.txt").exists());
    assert!(!site.read("public/index.html").contains("og:url"));
    let manifest: serde_json::Value =
        serde_json::from_str(&site.read("public/manifest.webmanifest"))
            .expect("the manifest parses");
    assert_eq!(manifest["name"], "Test Shelter");
    let icon = manifest["icons"][0]["src"].as_str().unwrap();
    assert!(
        site.root().join("public").join(icon).is_file(),
        "the manifest's icon exists"
    );
    assert!(
        site.read("public/index.html")
            .contains("<link rel=\"manifest\" href=\"manifest.webmanifest\">")
    );
}
