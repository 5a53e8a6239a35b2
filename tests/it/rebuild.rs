//! A build over the last build's site: it makes again only what the edits reach, keeps a spare
//! copy beside the output that it brings up to date and exchanges with it, and must end with
//! exactly the site a fresh build makes, whatever was edited and whatever was changed by hand.

use std::fs;

use crate::helpers::{TestSite, handout_with, tree, tree_diff};

/// Builds the site over its last build, then a fresh build into an empty folder, and checks the
/// two are the same, byte for byte, mark included. Returns the first build's report.
fn rebuilt_as_fresh(site: &TestSite, args: &[&str], what: &str) -> String {
    let run = site.handout(&[&["build"][..], args].concat());
    run.success();
    let fresh = tempfile::TempDir::new().unwrap();
    let out = fresh.path().join("public");
    site.handout(&[&["build", "--output", out.to_str().unwrap()][..], args].concat())
        .success();
    let diff = tree_diff(&tree(&site.root().join("public")), &tree(&out));
    assert!(diff.is_empty(), "after {what}: {diff:#?}");
    run.stdout.clone()
}

/// The library fixture built three times (with `env`): the third build is the first to bring
/// a spare up to date.
fn with_spare(env: &[(&str, &str)]) -> TestSite {
    let site = TestSite::fixture("library");
    for _ in 0..3 {
        handout_with(site.root(), &["build"], env).success();
    }
    site
}

fn append(site: &TestSite, rel: &str, text: &str) {
    let old = site.read(rel);
    site.write(rel, &format!("{old}{text}"));
}

/// Each kind of edit a shelter makes, one after another, on a site with a translation, related
/// guides, pictures and a base URL: after each the site is what a fresh build makes.
#[test]
fn every_kind_of_edit_rebuilds_to_the_same_site_as_a_fresh_build() {
    let site = TestSite::fixture("library");
    site.build().success();
    // The second build has no spare yet; from the third on, the spare is brought up to date.
    rebuilt_as_fresh(&site, &[], "a second build");
    let unchanged = rebuilt_as_fresh(&site, &[], "a build with nothing changed");
    assert!(unchanged.contains("(0 changed)"), "{unchanged}");

    let cats = "content/guides/cats-and-kittens";
    append(
        &site,
        &format!("{cats}/steps/02-first-evening.md"),
        "\nOne more line.\n",
    );
    let edited = rebuilt_as_fresh(&site, &[], "a step's text edited");
    assert!(!edited.contains("(0 changed)"), "{edited}");

    // A title the related guides show, and the index.
    let dogs = "content/guides/dog-walks/guide.yaml";
    site.write(dogs, &site.read(dogs).replace("à la carte", "every day"));
    rebuilt_as_fresh(&site, &[], "a guide's title changed");

    site.write(
        "content/guides/dog-walks/steps/02-longer-walk.md",
        "---\ntitle: Go a little further\ndone_when: Ten more minutes are easy.\n---\nAdd a street.\n\n![The quiet room](../../cats-and-kittens/images/room.svg)\n",
    );
    rebuilt_as_fresh(&site, &[], "a step added");

    site.remove(&format!("{cats}/steps/01-quiet-room.es.md"));
    rebuilt_as_fresh(&site, &[], "a translation removed");

    site.write(
        &format!("{cats}/images/room.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"5\"/></svg>\n",
    );
    rebuilt_as_fresh(&site, &[], "a picture's bytes changed");

    // A new guide that lists another as related, then removed again.
    site.write(
        "content/guides/bird-care/guide.yaml",
        "title: Bird care\nsummary: A bright, safe cage.\nspecies: bird\ntime_needed: A week\nintro: Birds like routine.\nrelated: [dog-walks]\n",
    )
    .write(
        "content/guides/bird-care/steps/01-cage.md",
        "---\ntitle: Set up the cage\ndone_when: The bird perches.\n---\nAway from the window.\n",
    );
    rebuilt_as_fresh(&site, &[], "a guide added");
    fs::remove_dir_all(site.root().join("content/guides/bird-care")).unwrap();
    rebuilt_as_fresh(&site, &[], "a guide removed");

    let settings = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        &settings.replace("Paws & Whiskers", "Paws and Whiskers"),
    );
    rebuilt_as_fresh(&site, &[], "the site's name changed");

    rebuilt_as_fresh(&site, &["--paper", "a4"], "another paper size asked for");
    rebuilt_as_fresh(&site, &[], "the paper size from site.yaml again");
}

/// A page of the output changed by hand, or removed, is made again: the record of the last
/// build vouches only for files that look exactly as it left them.
#[test]
fn a_page_changed_or_removed_by_hand_in_the_output_is_made_again() {
    let site = with_spare(&[]);
    let public = site.root().join("public");
    let step = public.join("guides/dog-walks/short-walk.html");
    let before = fs::read(&step).unwrap();
    fs::write(&step, "changed by hand").unwrap();
    fs::remove_file(public.join("guides/cats-and-kittens/index.html")).unwrap();
    rebuilt_as_fresh(&site, &[], "pages changed by hand");
    assert_eq!(fs::read(&step).unwrap(), before);
}

/// How each file under `dir` looks: (inode, modified time, size), by path.
fn looks(
    dir: &std::path::Path,
) -> std::collections::BTreeMap<String, (u64, std::time::SystemTime, u64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().unwrap();
            #[cfg(unix)]
            let inode = std::os::unix::fs::MetadataExt::ino(&meta);
            #[cfg(not(unix))]
            let inode = 0;
            (
                e.path().display().to_string(),
                (inode, meta.modified().unwrap(), meta.len()),
            )
        })
        .collect()
}

/// The report of a build without its time: "built 3 guides: … in 0.01 s" and its notes.
fn without_time(report: &str) -> String {
    report
        .lines()
        .map(|l| l.split(" in ").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A build over its last site with nothing changed since (sources, options, output) reads no
/// source, writes nothing (the output, its spare and the record beside it stay as they are)
/// and reports what the last build did, notes of untranslated steps included. A page then
/// changed by hand is still made again.
#[test]
fn a_build_with_nothing_changed_reads_and_writes_nothing() {
    let site = with_spare(&[]);
    site.settle();
    let last = site.build();
    last.success();
    assert!(
        last.stdout.contains("no translation yet"),
        "{}",
        last.stdout
    );
    site.settle();
    let before = looks(site.root());
    let (read, all) = build_reading(&site);
    assert_eq!(read, 0, "read {read} of {all} with nothing changed");
    let again = site.build();
    again.success();
    assert_eq!(without_time(&again.stdout), without_time(&last.stdout));
    assert!(again.stdout.contains("(0 changed)"), "{}", again.stdout);
    assert_eq!(
        looks(site.root()),
        before,
        "a build with nothing to do changed files"
    );
    same_as_fresh(&site, "a build with nothing changed");

    let step = site.root().join("public/guides/dog-walks/short-walk.html");
    let made = fs::read(&step).unwrap();
    fs::write(&step, "changed by hand").unwrap();
    let (read, all) = build_reading(&site);
    assert_eq!(read, all, "a page changed by hand is made from every file");
    assert_eq!(fs::read(&step).unwrap(), made);
    same_as_fresh(&site, "a page changed by hand, nothing else");

    // A spare whose list was changed by hand is left alone, and the build says what that costs.
    let mark = site.root().join(".public.handout-spare/.handout-output");
    let text = fs::read_to_string(&mark).unwrap();
    fs::write(&mark, text.replace("end of list", "")).unwrap();
    let run = site.build();
    run.success();
    assert!(
        run.stderr
            .contains("handout's spare copy of the site) is not as handout left it")
            && run.stderr.contains("delete it"),
        "{}",
        run.stderr
    );
    same_as_fresh(&site, "a spare's list changed by hand");
    // Without a spare (removed to tidy up) the site is written whole again, so that the next
    // edit has a spare to bring up to date; then there is nothing to do once more.
    fs::remove_dir_all(site.root().join(".public.handout-spare")).unwrap();
    let (read, all) = build_reading(&site);
    assert_eq!(
        read, all,
        "a build without a whole spare read {read} of {all}"
    );
    assert!(
        site.root()
            .join(".public.handout-spare/.handout-output")
            .is_file()
    );
    site.settle();
    assert_eq!(
        build_reading(&site).0,
        0,
        "nothing to do once a spare is kept again"
    );
    same_as_fresh(&site, "a spare removed");
}

/// The spare copy beside the output is handout's, but a file in it changed by hand still never
/// reaches the site: before the spare becomes the output, the files taken on the last build's
/// word are looked at again.
#[test]
fn a_file_changed_by_hand_in_the_spare_does_not_reach_the_site() {
    let site = with_spare(&[]);
    let spare = site.root().join(".public.handout-spare");
    assert!(spare.join(".handout-output").is_file(), "no spare kept");
    fs::write(spare.join("guides/dog-walks/short-walk.html"), "stale").unwrap();
    fs::remove_file(spare.join("guides/rabbit-diet/index.html")).unwrap();
    append(
        &site,
        "content/guides/cats-and-kittens/steps/02-first-evening.md",
        "\nAn edit, so the spare becomes the site.\n",
    );
    rebuilt_as_fresh(&site, &[], "the spare changed by hand");
}

/// A build over its last site stopped at each point of bringing the spare up to date and
/// putting it in place, with the one-step exchange and with the two renames used where there is
/// none (FAT sticks): the output is the old site or the new one (or, between the two renames,
/// missing with the old one whole beside it), and the next build ends with the new one.
#[test]
fn an_update_stopped_anywhere_leaves_a_whole_site() {
    let exchange: &[(&str, &str)] = &[];
    let renames: &[(&str, &str)] = &[("HANDOUT_TEST_TWO_RENAMES", "1")];
    let cases = [
        (exchange, "spare-ready"),
        (exchange, "exchanged"),
        (renames, "spare-ready"),
        (renames, "old-moved-aside"),
        (renames, "new-moved-in"),
    ];
    for (mode, point) in cases {
        let case = format!("{point} ({} renames)", if mode.is_empty() { 1 } else { 2 });
        let site = with_spare(mode);
        let public = site.root().join("public");
        let old = tree(&public);
        append(
            &site,
            "content/guides/cats-and-kittens/steps/02-first-evening.md",
            "\nOne more line.\n",
        );
        let mut env = mode.to_vec();
        env.push(("HANDOUT_TEST_STOP_AT", point));
        let stopped = handout_with(site.root(), &["build"], &env);
        assert_eq!(
            stopped.code, 3,
            "{case}: not stopped there\n{}",
            stopped.stderr
        );
        match point {
            "spare-ready" => assert!(tree(&public) == old, "{case}: the old site changed"),
            "old-moved-aside" => assert!(!public.exists(), "{case}"),
            _ => assert!(tree(&public) != old, "{case}: the new site is not in place"),
        }
        rebuilt_as_fresh(&site, &[], &case);
    }
}

/// How many of the site's files a build read in the end (it reports each try for the tests),
/// and how many the site has.
fn build_reading(site: &TestSite) -> (usize, usize) {
    let run = handout_with(
        site.root(),
        &["build"],
        &[("HANDOUT_TEST_REPORT_READS", "1")],
    );
    run.success();
    let line = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("read "))
        .next_back()
        .unwrap_or_else(|| panic!("no report of the files read: {}", run.stderr));
    let (read, all) = line.trim_end_matches(" files").split_once(" of ").unwrap();
    (read.parse().unwrap(), all.parse().unwrap())
}

/// The site as a fresh build into an empty folder makes it is the site in public/.
fn same_as_fresh(site: &TestSite, what: &str) {
    let fresh = tempfile::TempDir::new().unwrap();
    let out = fresh.path().join("public");
    site.handout(&["build", "--output", out.to_str().unwrap()])
        .success();
    let diff = tree_diff(&tree(&site.root().join("public")), &tree(&out));
    assert!(diff.is_empty(), "after {what}: {diff:#?}");
}

/// Over the last build, an edit of a step reads only its guide's files and those of the guides
/// in the same part of the search (with the site's own files), takes the other guides as that
/// build made them, and ends with exactly the site a fresh build makes. An edit whose reach
/// that cannot tell (a title other guides show, the settings, a page changed by hand in a guide
/// not read, a damaged record) reads every file, and ends with that site too.
#[test]
fn an_edit_reads_only_the_guides_it_reaches_and_builds_the_same_site() {
    let site = TestSite::fixture("minimal");
    for name in ["guides", "site.yaml"] {
        let _ = fs::remove_dir_all(site.root().join("content").join(name));
    }
    // 120 guides: two parts of the search (100 and 20 guides), in two languages.
    handout::synthetic::write_site_with(
        site.root(),
        120,
        3,
        7,
        handout::synthetic::DEFAULT_SITE_YAML,
    )
    .unwrap();
    // The second build has no spare to bring up to date yet: it writes a whole site.
    site.settle().build().success();
    site.build().success();
    site.settle();
    let (read, all) = build_reading(&site);
    assert_eq!(
        read, 0,
        "a build over an unchanged site read {read} of {all}"
    );

    // A step of a guide in the second part: its 20 guides' files, and the site's own.
    let step = "content/guides/guide-00095/steps/02-step-2.md";
    append(&site, step, "\nOne more line.\n");
    site.settle();
    let (read, all) = build_reading(&site);
    assert!(
        read <= 20 * 4 + 1,
        "read {read} of {all} after a step's edit"
    );
    same_as_fresh(&site, "a step's edit");

    // The same step again, at once: it was read just after it changed, so it is read again.
    append(&site, step, "\nAnd another.\n");
    let (read, _) = build_reading(&site);
    assert!(read <= 20 * 4 + 1, "read {read} after a second edit");
    same_as_fresh(&site, "a second edit of the step");
    site.settle();
    build_reading(&site);

    // The guide's title, which the next guide (in the same part) shows as related.
    let yaml = "content/guides/guide-00095/guide.yaml";
    site.write(
        yaml,
        &site
            .read(yaml)
            .replace("title: Guide 95", "title: Guide 95, again"),
    );
    site.settle();
    let (read, _) = build_reading(&site);
    assert!(read <= 20 * 4 + 1, "read {read} after a retitle");
    same_as_fresh(&site, "a related guide's new title");

    // A title shown as related by a guide in the other part of the search: every file.
    // (guide-00080, "Guide 80", is the last of the first part; guide-00081, the first of the
    // second, lists it.)
    let yaml = "content/guides/guide-00081/guide.yaml";
    let first = "content/guides/guide-00080/guide.yaml";
    assert!(site.read(yaml).contains("- guide-00080"));
    site.write(
        first,
        &site
            .read(first)
            .replace("title: Guide 80", "title: Guide 80, again"),
    );
    site.settle();
    assert_eq!(
        build_reading(&site),
        (all, all),
        "after a retitle seen in another part"
    );
    same_as_fresh(&site, "a new title shown in another part");

    // A page of a guide not read, changed by hand in the output: every file.
    site.settle();
    build_reading(&site);
    site.write("public/guides/guide-00003/index.html", "changed by hand");
    append(&site, step, "\nA third line.\n");
    site.settle();
    assert_eq!(
        build_reading(&site),
        (all, all),
        "after a page changed by hand"
    );
    same_as_fresh(&site, "a page changed by hand");

    // The settings: every file.
    let settings = "content/site.yaml";
    site.write(settings, &format!("{}\n# A note.\n", site.read(settings)));
    site.settle();
    assert_eq!(
        build_reading(&site),
        (all, all),
        "after the settings changed"
    );
    same_as_fresh(&site, "the settings changed");

    // What the last build kept of its guides, damaged: every file, and nothing else goes wrong.
    site.settle();
    build_reading(&site);
    let outline = site.root().join(".public.handout-outline");
    let mut bytes = fs::read(&outline).unwrap();
    let middle = bytes.len() / 2;
    bytes.truncate(middle);
    fs::write(&outline, bytes).unwrap();
    append(&site, step, "\nA fourth line.\n");
    site.settle();
    assert_eq!(
        build_reading(&site),
        (all, all),
        "after the outline was damaged"
    );
    same_as_fresh(&site, "a damaged outline");
}
