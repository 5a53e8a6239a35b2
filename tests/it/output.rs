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
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
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
