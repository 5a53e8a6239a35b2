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
fn the_site_folder_itself_and_content_are_refused_as_output() {
    let site = TestSite::fixture("minimal");
    site.handout(&["build", "--output", "."])
        .failure(1)
        .stderr_has("holds the site's own files");
    site.handout(&["build", "--output", "content/out"])
        .failure(1)
        .stderr_has("inside `content/`");
    assert!(site.root().join("content/site.yaml").is_file());
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
