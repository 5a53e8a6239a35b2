//! The output folder: replaced whole and only when the build succeeds, never a folder handout
//! did not make, the same bytes on every build, and the committed public/ kept current.

use std::fs;

use crate::helpers::{BuiltDefault, TestSite, handout, repo_root, tree, tree_diff};

#[test]
fn building_twice_gives_identical_bytes() {
    let a = BuiltDefault::new();
    let b = BuiltDefault::new();
    let diff = tree_diff(&tree(&a.out()), &tree(&b.out()));
    assert!(diff.is_empty(), "{diff:#?}");
}

#[test]
fn the_committed_public_folder_is_the_build_of_content() {
    let fresh = BuiltDefault::new();
    let diff = tree_diff(&tree(&fresh.out()), &tree(&repo_root().join("public")));
    assert!(
        diff.is_empty(),
        "public/ is stale: run `cargo run --release -- build` and commit public/\n{diff:#?}"
    );
}

#[test]
fn a_folder_with_other_files_is_never_replaced() {
    let site = TestSite::fixture("minimal");
    site.write("mine/notes.txt", "my own notes");
    let run = site.handout(&["build", "--output", "mine"]);
    run.failure(1)
        .stderr_has("will not replace this folder")
        .stderr_has("--output");
    assert_eq!(site.read("mine/notes.txt"), "my own notes");
    assert_eq!(fs::read_dir(site.root().join("mine")).unwrap().count(), 1);
}

#[test]
fn the_site_folder_its_parents_and_content_are_refused_as_output() {
    let site = TestSite::fixture("minimal");
    site.handout(&["build", "--output", "."])
        .failure(1)
        .stderr_has("holds the site's own files");
    site.handout(&["build", "--output", ".."])
        .failure(1)
        .stderr_has("holds the site's own files");
    site.handout(&["build", "--output", "content/out"])
        .failure(1)
        .stderr_has("inside `content/`");
    site.handout(&["build", "--output", "templates"])
        .failure(1)
        .stderr_has("inside `templates/`");
    assert!(site.root().join("content/site.yaml").is_file());
}

#[test]
fn the_home_folder_is_refused_as_output_even_with_a_marker() {
    let site = TestSite::fixture("minimal");
    site.write("home/.handout-output", "");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_handout"))
        .args(["build", "--output", "home"])
        .current_dir(site.root())
        .env("HOME", site.root().join("home"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is your home folder"));
    assert!(site.root().join("home/.handout-output").is_file());
}

#[test]
fn a_git_repository_is_refused_as_output() {
    let site = TestSite::fixture("minimal");
    site.write("repo/.git/HEAD", "ref: refs/heads/main\n");
    site.write("repo/.handout-output", "");
    site.handout(&["build", "--output", "repo"])
        .failure(1)
        .stderr_has(".git");
    assert!(site.root().join("repo/.git/HEAD").is_file());
}

#[test]
fn a_rebuild_replaces_the_old_site_whole() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    assert!(
        site.root().join("public/.handout-output").is_file(),
        "marker written"
    );
    site.remove("content/guides/first-guide/steps/03-end.md");
    site.build().success();
    assert!(
        !site
            .root()
            .join("public/guides/first-guide/end.html")
            .exists(),
        "removed step's page is gone"
    );
    assert!(
        site.root()
            .join("public/guides/first-guide/middle.html")
            .exists()
    );
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("handout-staging"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
}

#[test]
fn an_empty_output_folder_is_used() {
    let site = TestSite::fixture("minimal");
    fs::create_dir(site.root().join("empty")).unwrap();
    site.handout(&["build", "--output", "empty"]).success();
    assert!(site.root().join("empty/index.html").is_file());
}

#[test]
fn a_missing_content_folder_says_where_to_run() {
    let dir = tempfile::TempDir::new().unwrap();
    handout(dir.path(), &["build"])
        .failure(1)
        .stderr_has("there is no `content/` folder here")
        .stderr_has("--root");
    assert!(!dir.path().join("public").exists());
}

/// Two builds of the same site at once: both finish, and the output is one whole site.
#[test]
fn two_builds_at_once_never_mix_their_output() {
    let dir = tempfile::TempDir::new().unwrap();
    crate::helpers::synthetic_site(dir.path(), 60, 8, 1);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_handout"))
                .arg("build")
                .current_dir(dir.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let built = tree(&dir.path().join("public"));
    let fresh = tempfile::TempDir::new().unwrap();
    let out = fresh.path().join("public");
    handout(dir.path(), &["build", "--output", out.to_str().unwrap()]).success();
    let diff = tree_diff(&built, &tree(&out));
    assert!(diff.is_empty(), "{diff:#?}");
}

/// `kill -9` at random moments of a build leaves the old site or the new one, never a mixture,
/// and the next build cleans up what the killed one left.
#[test]
fn a_killed_build_leaves_the_old_or_the_new_site_whole() {
    let dir = tempfile::TempDir::new().unwrap();
    crate::helpers::synthetic_site(dir.path(), 80, 10, 1);
    handout(dir.path(), &["build"]).success();
    let old = tree(&dir.path().join("public"));
    crate::helpers::synthetic_site(dir.path(), 80, 10, 2);
    let new_site = {
        let fresh = tempfile::TempDir::new().unwrap();
        let out = fresh.path().join("public");
        handout(dir.path(), &["build", "--output", out.to_str().unwrap()]).success();
        tree(&out)
    };
    assert_ne!(old, new_site);
    // Kill times spread evenly over one build's run time, and a little past it.
    let start = std::time::Instant::now();
    handout(dir.path(), &["build", "--output", "timing"]).success();
    let full = start.elapsed().as_millis() as u64;
    fs::remove_dir_all(dir.path().join("timing")).unwrap();
    for delay_ms in (0..=16).map(|i| full * i / 13) {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_handout"))
            .arg("build")
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = tree(&dir.path().join("public"));
        assert!(
            now == old || now == new_site,
            "after a kill at {delay_ms} ms public/ is neither the old nor the new site"
        );
    }
    handout(dir.path(), &["build"]).success();
    assert_eq!(tree(&dir.path().join("public")), new_site);
    let leftovers = left_behind(dir.path());
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

/// A small tmpfs mounted inside a temporary folder, unmounted when dropped. `None` where this
/// process may not mount (not root, or no mount permission): the caller then skips, saying so.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn new(size_kb: u32) -> Option<SmallDisk> {
        let dir = tempfile::TempDir::new().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kb}k"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            Some(SmallDisk { dir })
        } else {
            eprintln!("skipping: cannot mount a small tmpfs here (needs root)");
            None
        }
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    fn remount_read_only(&self) {
        let status = std::process::Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn a_full_disk_is_reported_with_its_path_and_the_old_site_kept() {
    let Some(disk) = SmallDisk::new(400) else {
        return;
    };
    let site = TestSite::fixture("minimal");
    let out = disk.path().join("public");
    let out_arg = out.to_str().unwrap().to_string();
    site.handout(&["build", "--output", &out_arg]).success();
    let before = tree(&out);
    // A picture too big for what is left on the disk.
    site.write(
        "content/guides/first-guide/images/big.svg",
        &format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\n{}</svg>\n",
            "<!-- padding -->\n".repeat(20_000)
        ),
    );
    let run = site.handout(&["build", "--output", &out_arg]);
    run.failure(1)
        .stderr_has(&disk.path().display().to_string())
        .stderr_has("No space left on device");
    assert_eq!(tree(&out), before, "the old site changed");
    let names: Vec<String> = fs::read_dir(disk.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["public"], "the failed build left files behind");
}

#[test]
fn a_read_only_output_folder_is_reported_with_its_path_and_the_old_site_kept() {
    let Some(disk) = SmallDisk::new(1024) else {
        return;
    };
    let site = TestSite::fixture("minimal");
    let out = disk.path().join("public");
    let out_arg = out.to_str().unwrap().to_string();
    site.handout(&["build", "--output", &out_arg]).success();
    let before = tree(&out);
    disk.remount_read_only();
    let run = site.handout(&["build", "--output", &out_arg]);
    run.failure(1)
        .stderr_has(&disk.path().display().to_string())
        .stderr_has("Read-only file system");
    assert_eq!(tree(&out), before);
}

/// A long build draws a progress bar only on a terminal: piped, as here, it prints nothing but
/// its summary line.
#[test]
fn a_long_build_stays_quiet_when_piped() {
    let dir = tempfile::TempDir::new().unwrap();
    crate::helpers::synthetic_site(dir.path(), 200, 10, 1);
    // 200 guides take over a second to build here (debug binary), past the bar's threshold.
    let run = handout(dir.path(), &["build"]);
    run.success();
    assert_eq!(run.stderr, "", "nothing on stderr");
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
}

/// The places in a template where it writes a file name or a URL of its own, instead of
/// printing one the build gives it: an `href`, `src` or manifest URL with text outside `{{ }}`
/// (a fragment after the URL aside), or a file name written out anywhere.
fn hand_built_urls(name: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices(['"', '\'']) {
        let before = &text[..at];
        let attr = ["href=", "src=", "\"src\": ", "\"start_url\": "]
            .iter()
            .any(|a| before.ends_with(a));
        if !attr {
            continue;
        }
        let quote = &text[at..=at];
        let value = text[at + 1..].split(quote).next().unwrap_or("");
        // What the template writes itself: the value without its `{{ }}` parts.
        let mut own = String::new();
        let mut rest = value;
        while let Some(start) = rest.find("{{") {
            own.push_str(&rest[..start]);
            rest = rest[start..].split_once("}}").map_or("", |(_, r)| r);
        }
        own.push_str(rest);
        let allowed = own.is_empty()
            || own.starts_with('#')
            || ["tel:", "mailto:"].iter().any(|s| value.starts_with(s));
        if !allowed {
            found.push(format!("{name}: {value}"));
        }
    }
    // A file name written in the template's own text, outside its `{{ }}` and `{% %}`.
    let mut own = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(['{']) {
        own.push_str(&rest[..start]);
        let close = match rest[start..].chars().nth(1) {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                own.push('{');
                rest = &rest[start + 1..];
                continue;
            }
        };
        rest = rest[start..].split_once(close).map_or("", |(_, r)| r);
    }
    own.push_str(rest);
    for ext in [".html", ".pdf", ".js", ".css", ".svg", ".xml"] {
        if let Some(at) = own.find(ext) {
            let line = own[..at].rsplit('\n').next().unwrap_or("");
            found.push(format!("{name}: `{ext}` after {line}"));
        }
    }
    found
}

#[test]
fn templates_print_the_urls_they_are_given_and_build_no_file_names() {
    // The check itself notices a template building a URL.
    for bad in [
        r#"<a href="{{ step.slug }}.html">"#,
        r#"<a href="{{ root }}index.html">"#,
        r#"<link href="assets/style.css">"#,
        r#"{"src": "assets/favicon.svg"}"#,
        r#"<p>Print {{ guide.slug }}-handout.pdf</p>"#,
    ] {
        assert!(!hand_built_urls("x", bad).is_empty(), "{bad}");
    }
    assert!(hand_built_urls("x", r#"<a href="{{ urls.steps[0] }}#{{ id }}">"#).is_empty());
    let mut found = Vec::new();
    for entry in fs::read_dir(repo_root().join("templates")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_file() && !name.ends_with(".js") {
            found.extend(hand_built_urls(&name, &fs::read_to_string(&path).unwrap()));
        }
    }
    for entry in fs::read_dir(repo_root().join("templates/partials")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        found.extend(hand_built_urls(&name, &fs::read_to_string(&path).unwrap()));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The list of files in the output's mark, as the mark writes it.
fn listed_files(out: &std::path::Path) -> Vec<String> {
    let mark = fs::read_to_string(out.join(".handout-output")).unwrap();
    let (_, list) = mark
        .split_once("\nfiles written: ")
        .expect("the mark has a list");
    let mut lines = list.lines();
    let count: usize = lines.next().unwrap().parse().unwrap();
    let files: Vec<String> = lines.by_ref().take(count).map(String::from).collect();
    assert_eq!(lines.next(), Some("end of list"));
    files
}

#[test]
fn the_mark_lists_every_file_the_build_wrote_and_nothing_else() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let out = site.root().join("public");
    let mut on_disk: Vec<String> = tree(&out)
        .into_keys()
        .filter(|f| f != ".handout-output")
        .collect();
    on_disk.sort();
    assert_eq!(listed_files(&out), on_disk);
    assert!(on_disk.contains(&"guides/first-guide/begin.html".to_string()));
}

/// `rsync -a public/ blog/` (here `cp -a`) copies the mark into a folder of someone's own
/// files: the mark does not make that folder handout's, and nothing in it is touched.
#[test]
fn a_mark_copied_into_a_folder_of_other_files_does_not_let_the_build_replace_it() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    site.write("blog/about.html", "about us");
    for i in 1..=7 {
        site.write(&format!("blog/posts/{i}.html"), "a post");
    }
    fs::create_dir_all(site.root().join("blog/drafts")).unwrap();
    crate::helpers::copy_dir(&site.root().join("public"), &site.root().join("blog"));
    let before = tree(&site.root().join("blog"));
    let run = site.handout(&["build", "--output", "blog"]);
    run.failure(1)
        .stderr_has("will not replace this folder: it holds files that handout did not write there: `about.html`, `drafts/`, `posts/1.html`, `posts/2.html`, `posts/3.html` and 4 more")
        .stderr_has("move them out of blog, or build somewhere else with --output");
    assert_eq!(tree(&site.root().join("blog")), before);
    assert!(site.root().join("blog/drafts").is_dir());
}

#[test]
fn a_file_added_to_the_output_stops_the_next_build_and_stays() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    site.write("public/guides/first-guide/my-notes.txt", "notes");
    site.build()
        .failure(1)
        .stderr_has("did not write there: `guides/first-guide/my-notes.txt`\n");
    assert_eq!(site.read("public/guides/first-guide/my-notes.txt"), "notes");
    // Moved out, the build goes on.
    site.remove("public/guides/first-guide/my-notes.txt");
    site.build().success();
}

#[test]
fn a_mark_without_a_list_is_refused_with_what_to_do() {
    let site = TestSite::fixture("minimal");
    // The mark of handout's output before it listed its files.
    site.write(
        "old/.handout-output",
        "This folder is written by handout. The next `handout build` replaces it whole:\nkeep your own files elsewhere.\n",
    )
    .write("old/index.html", "an old page");
    site.handout(&["build", "--output", "old"])
        .failure(1)
        .stderr_has("mark has no list of the files handout wrote there")
        .stderr_has("if everything in old was made by handout, delete the folder and build again");
    assert_eq!(site.read("old/index.html"), "an old page");
}

/// Finder and Windows Explorer leave files in every folder they show: they do not stop a build,
/// and go with the old site.
#[test]
fn file_browser_litter_does_not_stop_a_rebuild() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    site.write("public/.DS_Store", "finder")
        .write("public/guides/Thumbs.db", "explorer")
        .write("public/guides/first-guide/desktop.ini", "explorer")
        .write("public/._index.html", "apple double");
    site.build().success();
    for litter in [
        ".DS_Store",
        "guides/Thumbs.db",
        "guides/first-guide/desktop.ini",
        "._index.html",
    ] {
        assert!(
            !site.root().join("public").join(litter).exists(),
            "{litter} left"
        );
    }
    // A folder holding only litter counts as empty.
    site.write("fresh/.DS_Store", "finder");
    site.handout(&["build", "--output", "fresh"]).success();
}

/// What a build keeps beside its output on purpose: the spare copy of the site it exchanges
/// with the output next time, the record of what it built, and its guides in outline.
fn kept_beside(name: &str) -> bool {
    name.ends_with(".handout-spare")
        || name.ends_with(".handout-state")
        || name.ends_with(".handout-outline")
}

/// Names in the site's folder that start with a dot and that builds do not keep on purpose:
/// what an interrupted or failed build left behind.
fn left_behind(root: &std::path::Path) -> Vec<String> {
    let mut names = hidden_beside(root);
    names.retain(|n| !kept_beside(n));
    names
}

/// Names in the site's folder that start with a dot: what builds leave beside `public/`.
fn hidden_beside(root: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// The minimal fixture built into `public/`, then edited: the site before, and what its next
/// build writes.
fn built_then_edited() -> (TestSite, Tree, Tree) {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let old = tree(&site.root().join("public"));
    let step = "content/guides/first-guide/steps/01-begin.md";
    let text = site.read(step);
    site.write(step, &format!("{text}\nOne more line.\n"));
    site.handout(&["build", "--output", "next"]).success();
    let new = tree(&site.root().join("next"));
    fs::remove_dir_all(site.root().join("next")).unwrap();
    assert_ne!(old, new);
    (site, old, new)
}

type Tree = std::collections::BTreeMap<String, Vec<u8>>;

/// A build stopped at each point of putting the new site in place, with the one-step exchange
/// and with the two renames used where there is none (FAT sticks): the output is the old site
/// or the new one, or, stopped between the two renames, missing with both whole beside it; the
/// next build puts things right and leaves nothing behind.
#[test]
fn a_build_stopped_anywhere_in_the_swap_leaves_a_whole_site_and_the_next_build_recovers() {
    let exchange: &[(&str, &str)] = &[];
    let renames: &[(&str, &str)] = &[("HANDOUT_TEST_TWO_RENAMES", "1")];
    let cases = [
        (exchange, "staged"),
        (exchange, "exchanged"),
        (renames, "staged"),
        (renames, "old-moved-aside"),
        (renames, "new-moved-in"),
    ];
    for (mode, point) in cases {
        let case = format!(
            "{point} ({})",
            if mode.is_empty() {
                "exchange"
            } else {
                "two renames"
            }
        );
        let (site, old, new) = built_then_edited();
        let public = site.root().join("public");
        let mut env = mode.to_vec();
        env.push(("HANDOUT_TEST_STOP_AT", point));
        let stopped = crate::helpers::handout_with(site.root(), &["build"], &env);
        assert_eq!(
            stopped.code, 3,
            "{case}: not stopped there\n{}",
            stopped.stderr
        );
        if public.exists() {
            let now = tree(&public);
            assert!(now == old || now == new, "{case}: public/ is neither site");
        } else {
            assert_eq!(point, "old-moved-aside", "{case}: public/ is missing");
            let beside: Vec<Tree> = hidden_beside(site.root())
                .iter()
                .map(|n| tree(&site.root().join(n)))
                .collect();
            assert!(
                beside.contains(&old),
                "{case}: the old site is not whole beside public/"
            );
            assert!(
                beside.contains(&new),
                "{case}: the new site is not whole beside public/"
            );
        }
        let next = crate::helpers::handout_with(site.root(), &["build"], mode);
        next.success();
        if point == "old-moved-aside" {
            assert!(
                next.stderr.contains("is back in place"),
                "{case}: {}",
                next.stderr
            );
        }
        assert_eq!(tree(&public), new, "{case}: the next build");
        assert_eq!(
            left_behind(site.root()),
            Vec::<String>::new(),
            "{case}: left behind"
        );
    }
}

/// Stopped between the two renames, the old site goes back even when the next build finds a
/// mistake in the content and writes nothing else.
#[test]
fn a_site_left_beside_a_missing_output_goes_back_even_if_the_next_build_fails() {
    let (site, old, _) = built_then_edited();
    let env = [
        ("HANDOUT_TEST_TWO_RENAMES", "1"),
        ("HANDOUT_TEST_STOP_AT", "old-moved-aside"),
    ];
    assert_eq!(
        crate::helpers::handout_with(site.root(), &["build"], &env).code,
        3
    );
    assert!(!site.root().join("public").exists());
    site.write(
        "content/guides/first-guide/steps/01-begin.md",
        "---\ntitle: [\n---\n",
    );
    site.build().failure(1).stderr_has("is back in place");
    assert_eq!(tree(&site.root().join("public")), old);
}

#[test]
fn an_output_spelt_with_dots_and_slashes_is_the_same_folder() {
    let site = TestSite::fixture("minimal");
    site.handout(&["build", "--output", "./public/./"])
        .success();
    let first = tree(&site.root().join("public"));
    site.handout(&["build", "--output", "./public/./"])
        .success();
    site.handout(&["build", "--output", "content/../public/"])
        .success();
    assert_eq!(tree(&site.root().join("public")), first);
    assert_eq!(left_behind(site.root()), Vec::<String>::new());
}

/// A link named as the output stands for the folder it points to: the site is written there
/// and the link stays a link. A link to nothing is named as such.
#[test]
fn a_linked_output_folder_is_written_through_the_link() {
    let site = TestSite::fixture("minimal");
    fs::create_dir(site.root().join("real")).unwrap();
    std::os::unix::fs::symlink("real", site.root().join("link")).unwrap();
    site.handout(&["build", "--output", "link"]).success();
    site.handout(&["build", "--output", "link"]).success();
    assert!(site.root().join("real/index.html").is_file());
    assert!(
        fs::symlink_metadata(site.root().join("link"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(
        fs::read_link(site.root().join("link")).unwrap(),
        std::path::Path::new("real")
    );
    std::os::unix::fs::symlink("gone", site.root().join("dangling")).unwrap();
    site.handout(&["build", "--output", "dangling"])
        .failure(1)
        .stderr_has("this is a link to gone, which does not exist")
        .stderr_has("make the folder the link points to");
    assert!(!site.root().join("gone").exists());
}

/// A mount point cannot be replaced in one step: it is refused before building, and the message
/// says to build into a folder inside it, which works.
#[test]
fn a_mount_point_is_refused_with_a_folder_inside_it_suggested() {
    let Some(disk) = SmallDisk::new(4096) else {
        return;
    };
    let site = TestSite::fixture("minimal");
    let mount = disk.path().to_str().unwrap().to_string();
    site.handout(&["build", "--output", &mount])
        .failure(1)
        .stderr_has("this folder is a mount point")
        .stderr_has(&format!(
            "build into a folder inside it, for example --output {mount}/site"
        ));
    assert_eq!(
        fs::read_dir(disk.path()).unwrap().count(),
        0,
        "the mount point was written to"
    );
    site.handout(&["build", "--output", &format!("{mount}/site")])
        .success();
    assert!(disk.path().join("site/index.html").is_file());
    // A folder of the same disk mounted elsewhere too (`mount --bind`) looks like any folder
    // until it cannot be swapped: refused then, with the same advice, both ways of swapping.
    fs::create_dir(disk.path().join("shared")).unwrap();
    fs::create_dir(disk.path().join("bound")).unwrap();
    let bound = disk.path().join("bound");
    let ok = std::process::Command::new("mount")
        .arg("--bind")
        .arg(disk.path().join("shared"))
        .arg(&bound)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mount --bind failed where tmpfs could be mounted");
    let bound_arg = bound.to_str().unwrap();
    for env in [&[][..], &[("HANDOUT_TEST_TWO_RENAMES", "1")][..]] {
        crate::helpers::handout_with(site.root(), &["build", "--output", bound_arg], env)
            .failure(1)
            .stderr_has("this folder is a mount point")
            .stderr_has("--output");
    }
    let _ = std::process::Command::new("umount").arg(&bound).status();
    let mut left: Vec<String> = fs::read_dir(disk.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !kept_beside(n))
        .collect();
    left.sort();
    assert_eq!(left, ["bound", "shared", "site"]);
}
