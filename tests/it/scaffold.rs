//! `handout init`, `handout new guide`, `handout new step`: what they make builds at once, steps
//! move with their translations and links, every rename is listed, and nothing is overwritten.

use std::collections::BTreeMap;

use crate::helpers::{copy_dir, handout, repo_root, tree};

/// A copy of the repository's own content (the default site), free to change.
fn default_site() -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    copy_dir(&repo_root().join("content"), &dir.path().join("content"));
    dir
}

const LEASH: &str = "content/guides/leash-training/steps";

/// The site's content files, by path from the site's folder.
fn content_of(site: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    tree(&site.join("content"))
        .into_iter()
        .map(|(k, v)| (format!("content/{k}"), v))
        .collect()
}

/// `before` with the files renamed as `renames` says: what a renumbering may do, and no more.
fn moved(
    before: &BTreeMap<String, Vec<u8>>,
    renames: &[(String, String)],
) -> BTreeMap<String, Vec<u8>> {
    let mut after = before.clone();
    for (from, _) in renames {
        after.remove(from);
    }
    for (from, to) in renames {
        after.insert(to.clone(), before[from].clone());
    }
    after
}

/// The `renamed A → B` lines of a command's output.
fn renames_in(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("renamed "))
        .map(|l| {
            let (a, b) = l.split_once(" → ").unwrap();
            (a.to_string(), b.to_string())
        })
        .collect()
}

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

#[test]
fn a_new_last_step_in_a_translated_guide_moves_nothing() {
    let dir = default_site();
    let site = dir.path();
    let before = content_of(site);
    let run = handout(site, &["new", "step", "leash-training", "Celebrate"]);
    run.success();
    let created = format!("{LEASH}/10-celebrate.md");
    assert!(
        run.stdout.starts_with(&format!("created {created}\n")),
        "{}",
        run.stdout
    );
    assert!(renames_in(&run.stdout).is_empty(), "{}", run.stdout);
    let mut after = content_of(site);
    assert!(after.remove(&created).is_some());
    assert!(
        after == before,
        "files were changed: {:?}",
        crate::helpers::tree_diff(&before, &after)
    );
    handout(site, &["check"]).success();
}

#[test]
fn a_step_put_at_3_moves_the_steps_from_3_on_with_their_translations() {
    let dir = default_site();
    let site = dir.path();
    let before = content_of(site);
    let run = handout(
        site,
        &[
            "new",
            "step",
            "leash-training",
            "Check the fit",
            "--at",
            "3",
        ],
    );
    run.success();
    let renames = renames_in(&run.stdout);
    // Steps 3 to 9 and their Spanish translations, one number up; 1 and 2 stay.
    let mut expected: Vec<(String, String)> = Vec::new();
    for (n, slug) in [
        (3, "sniff-and-treat"),
        (4, "drape-the-harness"),
        (5, "harness-on-indoors"),
        (6, "drag-the-leash"),
        (7, "follow-your-cat-indoors"),
        (8, "direct-your-cat"),
        (9, "go-outside"),
    ] {
        for ext in ["md", "es.md"] {
            expected.push((
                format!("{LEASH}/{n:02}-{slug}.{ext}"),
                format!("{LEASH}/{:02}-{slug}.{ext}", n + 1),
            ));
        }
    }
    let mut listed = renames.clone();
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected, "{}", run.stdout);
    // The renames come first, then the new file.
    let created = format!("{LEASH}/03-check-the-fit.md");
    assert!(
        run.stdout.contains(&format!("\ncreated {created}\n")),
        "{}",
        run.stdout
    );
    let mut after = content_of(site);
    assert!(after.remove(&created).is_some());
    let want = moved(&before, &renames);
    assert!(
        after == want,
        "{:?}",
        crate::helpers::tree_diff(&want, &after)
    );
    handout(site, &["check"]).success();
    // The Spanish guide shows the moved steps in their new places.
    let out = dir.path().join("public");
    handout(site, &["build", "--output", out.to_str().unwrap()]).success();
    let es =
        std::fs::read_to_string(out.join("es/guides/leash-training/sniff-and-treat.html")).unwrap();
    assert!(es.contains("Paso 4 de 10"), "{es}");
}

#[test]
fn links_to_a_renumbered_step_by_its_file_are_updated_and_listed() {
    let dir = default_site();
    let site = dir.path();
    let write = |rel: &str, extra: &str| {
        let path = site.join(rel);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(extra);
        std::fs::write(path, text).unwrap();
    };
    write(
        &format!("{LEASH}/01-get-a-cat-harness.md"),
        "\nNext, [leave it out](02-leave-the-harness-out.md#why) and [treat](./03-sniff-and-treat.md).\n",
    );
    write(
        &format!("{LEASH}/01-get-a-cat-harness.es.md"),
        "\nLuego, [déjalo](02-leave-the-harness-out.md).\n",
    );
    write(
        "content/guides/crate-training/steps/01-set-up-the-crate.md",
        "\nSee [the harness](../../leash-training/steps/02-leave-the-harness-out.md).\n",
    );
    // A moved step that links to another moved step.
    write(
        &format!("{LEASH}/03-sniff-and-treat.md"),
        "\nThen [drape it](04-drape-the-harness.md).\n",
    );
    handout(site, &["check"]).success();
    let run = handout(
        site,
        &["new", "step", "leash-training", "Try it on", "--at", "2"],
    );
    run.success();
    for file in [
        format!("{LEASH}/01-get-a-cat-harness.md"),
        format!("{LEASH}/01-get-a-cat-harness.es.md"),
        "content/guides/crate-training/steps/01-set-up-the-crate.md".to_string(),
        format!("{LEASH}/04-sniff-and-treat.md"),
    ] {
        assert!(
            run.stdout
                .contains(&format!("updated the links in {file}\n")),
            "{}",
            run.stdout
        );
    }
    let first =
        std::fs::read_to_string(site.join(format!("{LEASH}/01-get-a-cat-harness.md"))).unwrap();
    assert!(
        first.contains(
            "[leave it out](03-leave-the-harness-out.md#why) and [treat](./04-sniff-and-treat.md)"
        ),
        "{first}"
    );
    let moved_step =
        std::fs::read_to_string(site.join(format!("{LEASH}/04-sniff-and-treat.md"))).unwrap();
    assert!(
        moved_step.contains("[drape it](05-drape-the-harness.md)"),
        "{moved_step}"
    );
    handout(site, &["check"]).success();
}

#[test]
fn titles_with_quotes_backslashes_colons_and_accents_build_as_written() {
    let dir = tempfile::TempDir::new().unwrap();
    handout(dir.path(), &["init", "s"]).success();
    let site = dir.path().join("s");
    let titles = [
        ("Say \"yes\" to treats", "say-yes-to-treats"),
        ("Back\\slash \\", "back-slash"),
        ("Step: one", "step-one"),
        ("Café façade, señor", "cafe-facade-senor"),
        ("# Not a heading", "not-a-heading"),
        ("- not a list", "not-a-list"),
        ("[in brackets]", "in-brackets"),
        ("🐈 Emoji cat", "emoji-cat"),
    ];
    for (title, slug) in titles {
        // `--`, as the shell needs for a title starting with `-`.
        let run = handout(&site, &["new", "step", "welcome-home", "--", title]);
        run.success();
        assert!(
            run.stdout.contains(&format!("-{slug}.md\n")),
            "{}",
            run.stdout
        );
    }
    handout(&site, &["build"]).success();
    let h1 = scraper::Selector::parse("h1").unwrap();
    for (title, slug) in titles {
        let page =
            std::fs::read_to_string(site.join(format!("public/guides/welcome-home/{slug}.html")))
                .unwrap();
        let doc = scraper::Html::parse_document(&page);
        let shown: String = doc.select(&h1).next().unwrap().text().collect();
        assert_eq!(shown, title);
    }
}

#[test]
fn guides_named_like_numbers_or_null_build() {
    let dir = tempfile::TempDir::new().unwrap();
    handout(dir.path(), &["init", "s"]).success();
    let site = dir.path().join("s");
    for name in ["2024", "null", "yes"] {
        handout(&site, &["new", "guide", name]).success();
    }
    handout(&site, &["check"]).success();
}

#[test]
fn new_step_refuses_what_would_not_build_or_would_overwrite() {
    let dir = default_site();
    let site = dir.path();
    let before = content_of(site);
    // A draft translation sits where step 3's would have to go: nothing at all is renamed.
    let draft = format!("{LEASH}/04-sniff-and-treat.es.md");
    std::fs::write(site.join(&draft), "my unfinished work").unwrap();
    handout(
        site,
        &[
            "new",
            "step",
            "leash-training",
            "Check the fit",
            "--at",
            "3",
        ],
    )
    .failure(1)
    .stderr_has("is in the way")
    .stderr_has(&draft);
    std::fs::remove_file(site.join(&draft)).unwrap();
    for (title, at, message) in [
        ("🐈", None, "has no letters a–z or digits"),
        ("Checklist", None, "a step cannot be called `checklist`"),
        ("Go outside", None, "already has a step named `go-outside`"),
        (
            "Too far",
            Some("11"),
            "--at 11 is not a place in this guide, which has 9 steps",
        ),
        ("Too near", Some("0"), "--at 0 is not a place"),
    ] {
        let mut args = vec!["new", "step", "leash-training", title];
        args.extend(at.map(|a| ["--at", a]).into_iter().flatten());
        handout(site, &args).failure(1).stderr_has(message);
    }
    // A guide's name, never a path out of content/guides/.
    handout(site, &["new", "step", "../..", "Elsewhere"])
        .failure(1)
        .stderr_has("there is no guide `../..`");
    handout(site, &["new", "step", "Leash Training", "Celebrate"])
        .failure(1)
        .stderr_has("handout new step leash-training \"Celebrate\"");
    let after = content_of(site);
    assert!(
        after == before,
        "{:?}",
        crate::helpers::tree_diff(&before, &after)
    );
}

#[test]
fn a_site_that_requires_every_translation_gets_one_to_fill_in() {
    let dir = default_site();
    let site = dir.path();
    let settings = site.join("content/site.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let strict = text.replace(
        "missing_translation: fallback",
        "missing_translation: error",
    );
    assert_ne!(text, strict);
    std::fs::write(&settings, strict).unwrap();
    let run = handout(
        site,
        &["new", "step", "leash-training", "Celebrate", "--at", "2"],
    );
    run.success();
    let translation = format!("{LEASH}/02-celebrate.es.md");
    assert!(
        run.stdout.contains(&format!("created {translation}\n")),
        "{}",
        run.stdout
    );
    handout(site, &["check"]).success();
}

#[test]
fn a_guide_whose_step_names_are_wrong_is_not_renumbered() {
    let dir = default_site();
    let site = dir.path();
    let steps = site.join(LEASH);
    std::fs::rename(
        steps.join("05-harness-on-indoors.md"),
        steps.join("15-harness-on-indoors.md"),
    )
    .unwrap();
    let before = content_of(site);
    handout(
        site,
        &[
            "new",
            "step",
            "leash-training",
            "Check the fit",
            "--at",
            "3",
        ],
    )
    .failure(1)
    .stderr_has("expected 05 here, found 06")
    .stderr_has("nothing was changed");
    assert!(content_of(site) == before);
}
