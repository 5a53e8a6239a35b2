//! The bad-input corpus: every folder in `tests/bad-input/` is a small site with something
//! wrong in it (broken YAML, bad links, hostile files, a broken template override, ...). For
//! each, `handout build` must exit 1 without panicking, print exactly the `expected.txt` next to
//! it (the temporary folder's path written `[ROOT]`), finish within a time bound, and leave the
//! previous site in `public/` byte-identical.
//!
//! `case.txt` in each folder says, on its first line, what is broken and what a good message must
//! say. After changing a message on purpose, rewrite the expected output with
//! `HANDOUT_BLESS=1 cargo test --test it bad_input` and read the diff.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;
use walkdir::WalkDir;

use crate::helpers::{copy_dir, fixture_dir, handout, repo_root, tree, tree_diff};

/// How long one failing build may take before it counts as hanging.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// Files in a case folder that describe the case rather than belong to the site.
const CASE_FILES: [&str; 2] = ["expected.txt", "case.txt"];

fn corpus_dir() -> PathBuf {
    repo_root().join("tests/bad-input")
}

/// Every case folder, sorted by name.
fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("tests/bad-input exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn blessing() -> bool {
    std::env::var_os("HANDOUT_BLESS").is_some_and(|v| v == "1")
}

/// Copies a case's site into `to`, recreating symbolic links as links (the helpers' `copy_dir`
/// would copy what they point at) and leaving out the case's own description files.
fn copy_case(from: &Path, to: &Path) {
    for entry in WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if entry.depth() == 1 && CASE_FILES.iter().any(|f| rel == Path::new(f)) {
            continue;
        }
        let target = to.join(rel);
        if entry.path_is_symlink() {
            let link = fs::read_link(entry.path()).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(&link, &target).unwrap();
            #[cfg(not(unix))]
            panic!(
                "{}: symbolic links ({}) need a unix system",
                entry.path().display(),
                link.display()
            );
        } else if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// What a bounded run of the binary gave.
struct TimedRun {
    /// `None` when the process was killed for running over the limit or by a signal.
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
    timed_out: bool,
}

/// Runs `handout build` in `dir`, killing it if it runs longer than `TIME_LIMIT`.
fn build_with_deadline(dir: &Path) -> TimedRun {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_handout"))
        .arg("build")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the handout binary runs");
    // Read both pipes on their own threads so a chatty process cannot block on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let deadline = start + TIME_LIMIT;
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait().expect("wait for handout") {
            break (Some(status), false);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let _ = out_reader.join();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    TimedRun {
        code: status.and_then(|s| s.code()),
        stderr,
        elapsed,
        timed_out,
    }
}

/// Writes a previous, good site into `out` (the minimal fixture built elsewhere), so the test
/// can check a failed build leaves it alone.
fn build_previous_site(out: &Path) {
    let source = TempDir::new().expect("temp dir");
    copy_dir(
        &fixture_dir("minimal").join("content"),
        &source.path().join("content"),
    );
    handout(source.path(), &["build", "--output", out.to_str().unwrap()]).success();
    assert!(
        out.join(".handout-output").is_file(),
        "the previous build marks its output folder"
    );
}

/// `text` with the temporary folder's path (in every spelling the system may print) as `[ROOT]`.
fn redact(text: &str, root: &Path) -> String {
    let mut spellings = vec![root.display().to_string()];
    if let Ok(canonical) = root.canonicalize() {
        spellings.push(canonical.display().to_string());
    }
    // Longest first, so a canonical path that extends the plain one is replaced whole.
    spellings.sort_by_key(|s| std::cmp::Reverse(s.len()));
    spellings.dedup();
    let mut text = text.to_string();
    for s in spellings {
        text = text.replace(&s, "[ROOT]");
    }
    text
}

/// Runs one case; returns what is wrong with it, empty when it passed.
fn run_case(case: &Path) -> Vec<String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let mut problems = Vec::new();
    let mut problem = |text: String| problems.push(format!("{name}: {text}"));

    if !case.join("case.txt").is_file() {
        problem("has no case.txt saying what is broken".into());
    }
    let dir = TempDir::new().expect("temp dir");
    let root = dir.path();
    copy_case(case, root);
    let public = root.join("public");
    build_previous_site(&public);
    let before = tree(&public);

    let run = build_with_deadline(root);

    if run.timed_out {
        problem(format!(
            "still running after {} s; killed",
            TIME_LIMIT.as_secs()
        ));
    }
    match run.code {
        Some(1) => {}
        // A successful build replaces public/ as it should, so only the exit code is news.
        Some(0) => problem("built successfully (exit 0); it should fail with exit 1".into()),
        Some(code) => problem(format!("exit code {code}, expected 1")),
        None if run.timed_out => {}
        None => problem("killed by a signal (crash or stack overflow?)".into()),
    }
    for bad in ["panicked", "RUST_BACKTRACE"] {
        if run.stderr.contains(bad) {
            problem(format!("stderr contains {bad:?}:\n{}", run.stderr));
        }
    }
    let diff = tree_diff(&before, &tree(&public));
    if !diff.is_empty() && run.code != Some(0) {
        problem(format!("the failed build changed public/: {diff:?}"));
    }

    let actual = redact(&run.stderr, root);
    let expected_path = case.join("expected.txt");
    if blessing() {
        if !run.timed_out {
            fs::write(&expected_path, &actual).expect("write expected.txt");
        }
    } else {
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => problem(format!(
                "stderr differs from expected.txt (HANDOUT_BLESS=1 rewrites it)\n\
                 --- expected\n{expected}\n--- actual\n{actual}"
            )),
            Err(e) => problem(format!(
                "cannot read expected.txt ({e}); HANDOUT_BLESS=1 writes it. Actual stderr:\n{actual}"
            )),
        }
    }
    // Not a failure on its own, but worth seeing when a case gets slow.
    if run.elapsed > TIME_LIMIT / 4 && !run.timed_out {
        eprintln!("{name}: slow, {:.2} s", run.elapsed.as_secs_f64());
    }
    problems
}

#[test]
fn every_bad_input_case_fails_cleanly_with_its_expected_message() {
    let mut problems = Vec::new();
    for case in cases() {
        problems.extend(run_case(&case));
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) in the bad-input corpus:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn the_bad_input_corpus_has_at_least_thirty_cases() {
    let n = cases().len();
    assert!(n >= 30, "tests/bad-input has only {n} cases");
}
