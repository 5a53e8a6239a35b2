//! The default site carries every fact of the leash-training brief and links to the enrichment
//! guide with a checked link.

use crate::helpers::BuiltDefault;

fn text_of(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let text: String = doc.root_element().text().collect::<Vec<_>>().join(" ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_leash_guide_has_nine_steps_in_the_brief_s_order() {
    let site = BuiltDefault::new();
    let handout = text_of(&site.read("guides/leash-training/handout.html"));
    let order = [
        "Step 1 of 9",
        "Step 2 of 9",
        "Step 3 of 9",
        "Step 4 of 9",
        "Step 5 of 9",
        "Step 6 of 9",
        "Step 7 of 9",
        "Step 8 of 9",
        "Step 9 of 9",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|s| handout.find(s).unwrap_or_else(|| panic!("{s}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
    // Step 8's three ways of directing the cat are sub-steps with their own boxes.
    let checklist = site.read("guides/leash-training/checklist.html");
    for n in ["8.1", "8.2", "8.3"] {
        assert!(
            checklist.contains(&format!("> {n} ")),
            "sub-step {n} has no box"
        );
    }
}

#[test]
fn the_leash_guide_keeps_the_brief_s_facts() {
    let site = BuiltDefault::new();
    let handout = text_of(&site.read("guides/leash-training/handout.html")).to_lowercase();
    for fact in [
        "come with me kitty",
        "vaccinations",
        "microchip",
        "two fingers",
        "kittens",
        "vet",
        "food bowl",
        "between the front legs",
        "never jerk or pop",
        "slack",
        "quiet",
        "carry",
        "regular",
        "tie the leash",
        "crying",
        "indoor enrichment",
        "back, not",
    ] {
        assert!(
            handout.contains(fact),
            "the handout does not mention {fact:?}"
        );
    }
    // Every step says when to move on.
    assert_eq!(handout.matches("move on when:").count(), 9);
}

#[test]
fn the_fearful_cat_rule_links_to_the_enrichment_guide() {
    let site = BuiltDefault::new();
    let overview = site.read("guides/leash-training/index.html");
    assert!(overview.contains("href=\"../indoor-enrichment/index.html\""));
    let enrichment = site.read("guides/indoor-enrichment/index.html");
    assert!(enrichment.contains("Indoor enrichment for cats"));
    assert!(
        site.out()
            .join("guides/indoor-enrichment/checklist.html")
            .is_file()
    );
}

#[test]
fn the_sample_shelter_is_fictional_and_asks_for_newsletter_sign_ups() {
    let site = BuiltDefault::new();
    let index = site.read("index.html");
    assert!(index.contains(".example"));
    assert!(index.to_lowercase().contains("newsletter"));
    assert!(index.contains("tel:"));
    assert!(index.contains("mailto:"));
}
