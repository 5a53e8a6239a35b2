//! `handout init`, `handout new guide`, `handout new step`: what they make builds at once, and
//! they never overwrite anything.

use crate::helpers::{handout, tree};

#[test]
fn init_makes_a_site_that_builds_and_opens() {
    let dir = tempfile::TempDir::new().unwrap();
    let run = handout(dir.path(), &["init", "shelter"]);
    run.success();
    assert!(
        run.stdout.contains("created shelter/content/site.yaml"),
        "{}",
        run.stdout
    );
    let site = dir.path().join("shelter");
    assert!(
        std::fs::read_to_string(site.join(".gitignore"))
            .unwrap()
            .contains("/public/")
    );
    handout(&site, &["build"]).success();
    assert!(
        site.join("public/guides/welcome-home/set-up-a-quiet-room.html")
            .is_file()
    );
    if let Some(browser) = crate::browser::Browser::start("the init browser test", 1280, 900, true)
    {
        browser.goto(&crate::browser::file_url(&site.join("public/index.html")));
        browser.click("a[href=\"guides/welcome-home/index.html\"]");
        browser.wait_until(
            "document.querySelector('h1').textContent === 'Welcome your new cat home'",
            std::time::Duration::from_secs(5),
        );
    }
}

#[test]
fn init_refuses_a_folder_that_has_files() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join("mine")).unwrap();
    std::fs::write(dir.path().join("mine/notes.txt"), "keep me").unwrap();
    handout(dir.path(), &["init", "mine"])
        .failure(1)
        .stderr_has("not empty");
    assert_eq!(tree(&dir.path().join("mine")).len(), 1);
}

#[test]
fn new_guides_and_steps_build_and_steps_can_be_inserted() {
    let dir = tempfile::TempDir::new().unwrap();
    handout(dir.path(), &["init", "s"]).success();
    let site = dir.path().join("s");
    handout(&site, &["new", "guide", "litter-box"]).success();
    handout(&site, &["build"]).success();
    handout(&site, &["new", "step", "litter-box", "Pick a quiet spot"]).success();
    handout(
        &site,
        &["new", "step", "litter-box", "Buy a big box", "--at", "1"],
    )
    .success();
    let steps: Vec<String> = tree(&site.join("content/guides/litter-box/steps"))
        .into_keys()
        .collect();
    assert_eq!(
        steps,
        [
            "01-buy-a-big-box.md",
            "02-first-step.md",
            "03-pick-a-quiet-spot.md"
        ]
    );
    handout(&site, &["build"]).success();
    let page =
        std::fs::read_to_string(site.join("public/guides/litter-box/pick-a-quiet-spot.html"))
            .unwrap();
    assert!(page.contains("Step 3 of 3"));
    // Nothing is overwritten, and mistakes are explained.
    handout(&site, &["new", "guide", "litter-box"])
        .failure(1)
        .stderr_has("already exists");
    handout(&site, &["new", "guide", "Litter Box"])
        .failure(1)
        .stderr_has("handout new guide litter-box");
    handout(&site, &["new", "step", "litter-box", "Buy a big box"])
        .failure(1)
        .stderr_has("already has a step");
    handout(&site, &["new", "step", "no-such-guide", "X"])
        .failure(1)
        .stderr_has("there is no guide");
}
