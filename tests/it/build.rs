//! What a build writes: every page kind, with the parts a reader relies on.

use crate::helpers::{TestSite, handout, repo_root};

#[test]
fn a_build_writes_every_page_kind_and_says_what_it_did() {
    let site = TestSite::fixture("minimal");
    let run = site.build();
    run.success();
    assert!(
        run.stdout.starts_with("built 2 guides: 16 pages, "),
        "summary line: {}",
        run.stdout
    );
    for page in [
        "index.html",
        "404.html",
        "assets/style.css",
        "assets/checklist.js",
        "guides/first-guide/index.html",
        "guides/first-guide/begin.html",
        "guides/first-guide/middle.html",
        "guides/first-guide/end.html",
        "guides/first-guide/checklist.html",
        "guides/first-guide/handout.html",
        "guides/first-guide/log.html",
        "guides/second-guide/index.html",
    ] {
        assert!(
            site.root().join("public").join(page).is_file(),
            "{page} is missing"
        );
    }
}

#[test]
fn pages_are_html5_with_language_and_paper_size() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let page = site.read("public/guides/first-guide/begin.html");
    assert!(
        page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{}",
        &page[..60]
    );
    assert!(page.contains("@page { size: A4;"), "paper: a4 in site.yaml");
    assert!(page.contains("<main id=\"main\""));
    assert!(page.contains("href=\"../../assets/style.css\""));
}

#[test]
fn step_pages_say_where_they_are_and_link_both_ways() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let middle = site.read("public/guides/first-guide/middle.html");
    assert!(middle.contains("Step 2 of 3"));
    assert!(middle.contains("href=\"begin.html\" rel=\"prev\""));
    assert!(middle.contains("href=\"end.html\" rel=\"next\""));
    assert!(middle.contains("Move on when"));
    assert!(middle.contains("Your cat plays for a minute."));
    assert!(middle.contains("<span class=\"substep-number\">2.1</span> With a wand"));
    let first = site.read("public/guides/first-guide/begin.html");
    assert!(first.contains("<dt>Where</dt><dd>Indoors</dd>"));
    assert!(first.contains("<li>Once a day</li>"));
    assert!(first.contains("<aside class=\"callout callout-tip\">"));
    assert!(first.contains("alt=\"A drawn toy mouse\""));
}

#[test]
fn the_checklist_has_a_box_for_every_step_and_sub_step() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let list = site.read("public/guides/first-guide/checklist.html");
    for id in [
        "check-before-1",
        "check-begin",
        "check-middle",
        "check-middle-with-a-wand",
        "check-middle-with-a-ball",
        "check-end",
    ] {
        assert!(
            list.contains(&format!("type=\"checkbox\" id=\"{id}\"")),
            "no box {id}"
        );
    }
    assert!(list.contains("data-checklist=\"handout:first-guide:checklist\""));
    assert!(list.contains("<script src=\"../../assets/checklist.js\"></script>"));
    assert!(list.contains("Move on when: Your cat asks for more."));
}

#[test]
fn the_handout_holds_the_whole_guide_and_the_shelter_contact() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let handout = site.read("public/guides/first-guide/handout.html");
    for text in [
        "Why this guide exists.",
        "Have a cat.",
        "Be patient.",
        "Show the toy.",
        "Roll it.",
        "Keep going.",
        "Never leave the cat alone outside.",
        "(555) 010-0000",
        "help@test-shelter.example",
    ] {
        assert!(handout.contains(text), "handout lacks {text:?}");
    }
    let order: Vec<usize> = ["Begin here", "Middle step", "Last step"]
        .iter()
        .map(|t| handout.find(t).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "steps out of order");
}

#[test]
fn the_training_log_has_the_configured_rows() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/guides/second-guide/guide.yaml",
        "title: Second guide\nsummary: S.\nspecies: cat\ntime_needed: A day\nintro: I.\nlog_rows: 5\n",
    );
    site.build().success();
    let log = site.read("public/guides/second-guide/log.html");
    assert_eq!(log.matches("<tr><td></td>").count(), 5);
    let log = site.read("public/guides/first-guide/log.html");
    assert_eq!(log.matches("<tr><td></td>").count(), 14, "default rows");
}

#[test]
fn the_index_lists_guides_in_order_with_time_and_steps() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let index = site.read("public/index.html");
    let first = index.find("First guide").unwrap();
    let second = index.find("Second guide").unwrap();
    assert!(first < second, "`order: 1` comes first");
    assert!(index.contains("3 steps"));
    assert!(index.contains("Time: A week"));
    assert!(index.contains("href=\"guides/first-guide/index.html\""));
}

/// A base address that would make every canonical link and QR code wrong is refused, from the
/// command line as from site.yaml, with the address as it should be; nothing is written.
#[test]
fn a_base_url_naming_a_page_or_a_place_in_one_is_refused() {
    let site = TestSite::fixture("minimal");
    for (given, fixed) in [
        (
            "https://test-shelter.example/guides/index.html",
            "https://test-shelter.example/guides/",
        ),
        (
            "https://test-shelter.example/guides/#top",
            "https://test-shelter.example/guides/",
        ),
        ("https://", ""),
        (
            "test-shelter.example/guides",
            "https://test-shelter.example/guides/",
        ),
    ] {
        let run = site.handout(&["build", "--base-url", given]);
        run.failure(1).stderr_has("--> --base-url\n");
        if !fixed.is_empty() {
            run.stderr_has(&format!("`{fixed}`"));
        }
        assert!(!site.root().join("public").exists(), "nothing is written");
    }
}

#[test]
fn base_url_adds_canonical_links() {
    let site = TestSite::fixture("minimal");
    site.handout(&["build", "--base-url", "https://test-shelter.example/guides"])
        .success();
    let page = site.read("public/guides/first-guide/end.html");
    assert!(page.contains("<link rel=\"canonical\" href=\"https://test-shelter.example/guides/guides/first-guide/end.html\">"));
    let missing = site.read("public/404.html");
    assert!(missing.contains("<base href=\"https://test-shelter.example/guides/\">"));
    // On paper, each page shows its address and a QR code for it.
    assert!(page.contains("<svg class=\"qr\""));
    assert!(page.contains("@top-right { content: \"https://test-shelter.example/guides/guides/first-guide/end.html\"; }"));
    assert!(
        !missing.contains("class=\"qr\""),
        "the 404 page has no address of its own"
    );
}

#[test]
fn without_base_url_there_are_no_qr_codes() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    assert!(
        !site
            .read("public/guides/first-guide/end.html")
            .contains("class=\"qr\"")
    );
}

#[test]
fn help_speaks_plainly_and_usage_errors_exit_2() {
    let run = handout(&repo_root(), &["--help"]);
    run.success();
    assert!(run.stdout.contains("Build the site"));
    assert!(run.stdout.contains("Check the content for problems"));
    let run = handout(&repo_root(), &["build", "--help"]);
    assert!(run.stdout.contains("--output <DIR>"));
    assert!(run.stdout.contains("--base-url <URL>"));
    assert!(run.stdout.contains("--root <DIR>"));
    handout(&repo_root(), &["build", "--no-such-flag"]).failure(2);
    handout(&repo_root(), &["publish"]).failure(2);
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::fixture("minimal");
    let run = site.handout(&["check"]);
    run.success();
    assert!(run.stdout.starts_with("checked 2 guides"), "{}", run.stdout);
    assert!(!site.root().join("public").exists());
}

#[test]
fn root_option_builds_a_site_elsewhere() {
    let site = TestSite::fixture("minimal");
    let root = site.root().to_str().unwrap().to_string();
    handout(&repo_root().join("tests"), &["build", "--root", &root]).success();
    assert!(site.root().join("public/index.html").is_file());
}
