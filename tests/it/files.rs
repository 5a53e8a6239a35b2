//! Files that must never be read: a named pipe or a device under `content/` or `templates/`
//! (reading one waits forever or never ends), a link to one, `content/` or `templates/` not
//! being a folder, a file that cannot be read, a file far too big. Each is reported with its
//! path and what to do, and `check` and `build` end promptly. These need files git cannot hold,
//! so each test makes them when it runs; the bad-input corpus has the rest (cases 59-65).

#![cfg(unix)]

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{TestSite, tree};

/// Far longer than any of these runs takes: a run still going then is hanging on a file.
const DEADLINE: Duration = Duration::from_secs(20);

/// What a bounded run printed; panics if it ran past `DEADLINE`.
struct Bounded {
    code: i32,
    stderr: String,
}

/// Runs `command` (already given its arguments), killed if it runs past `DEADLINE`.
#[track_caller]
fn bounded(mut command: Command) -> Bounded {
    let start = Instant::now();
    let mut child = command
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the handout binary runs");
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("handout was still running after {DEADLINE:?}: it hangs on a file");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Bounded {
        code: status.code().unwrap_or(-1),
        stderr: reader.join().unwrap(),
    }
}

fn handout_in(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_handout"));
    command.args(args).current_dir(root);
    command
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// `problem` is reported for `path`: the location line names it and the message is beside it.
#[track_caller]
fn assert_reported(stderr: &str, path: &str, problem: &str) {
    let found = stderr
        .split("\n\n")
        .any(|block| block.contains(&format!("--> {path}\n")) && block.contains(problem));
    assert!(found, "no `{problem}` for {path} in:\n{stderr}");
}

#[test]
fn pipes_devices_and_links_to_them_are_reported_and_never_read() {
    let site = TestSite::fixture("minimal");
    let images = "content/guides/first-guide/images";
    let root = site.root();
    mkfifo(&root.join(images).join("pipe.png"));
    std::os::unix::fs::symlink("/dev/zero", root.join(images).join("zero.png")).unwrap();
    mkfifo(&root.join("content/pipe-inside"));
    std::os::unix::fs::symlink(
        "../../../pipe-inside",
        root.join(images).join("to-pipe.png"),
    )
    .unwrap();
    // A pipe where guide.yaml should be is reported as a pipe, not as a missing guide.yaml.
    let guide_yaml = root.join("content/guides/second-guide/guide.yaml");
    std::fs::remove_file(&guide_yaml).unwrap();
    mkfifo(&guide_yaml);
    std::fs::create_dir_all(root.join("templates")).unwrap();
    mkfifo(&root.join("templates/step.html"));
    std::os::unix::fs::symlink("/dev/zero", root.join("templates/base.html")).unwrap();

    for command in ["check", "build"] {
        let run = bounded(handout_in(root, &[command]));
        assert_eq!(run.code, 1, "{command}:\n{}", run.stderr);
        let pipe = "this is a named pipe (FIFO), not a file; it was not read";
        assert_reported(&run.stderr, &format!("{images}/pipe.png"), pipe);
        assert_reported(&run.stderr, "content/pipe-inside", pipe);
        assert_reported(&run.stderr, "templates/step.html", pipe);
        assert_reported(&run.stderr, "content/guides/second-guide/guide.yaml", pipe);
        assert!(!run.stderr.contains("no guide.yaml"), "{}", run.stderr);
        assert_reported(
            &run.stderr,
            &format!("{images}/to-pipe.png"),
            "this is a link to `content/pipe-inside`, which is a named pipe (FIFO), not a file",
        );
        let outside = "this is a link to something outside";
        assert_reported(&run.stderr, &format!("{images}/zero.png"), outside);
        assert_reported(&run.stderr, "templates/base.html", outside);
        assert!(run.stderr.contains("7 problems found"), "{}", run.stderr);
    }
    assert!(
        !root.join("public").exists(),
        "a failed build wrote public/"
    );
}

#[test]
fn content_or_templates_that_is_not_a_folder_is_reported() {
    let site = TestSite::fixture("minimal");
    let root = site.root();
    mkfifo(&root.join("templates"));
    let run = bounded(handout_in(root, &["check"]));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_reported(
        &run.stderr,
        "templates",
        "`templates` is a named pipe (FIFO), not a folder; it was not read",
    );
    std::fs::remove_file(root.join("templates")).unwrap();

    std::fs::remove_dir_all(root.join("content")).unwrap();
    mkfifo(&root.join("content"));
    let run = bounded(handout_in(root, &["build"]));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_reported(
        &run.stderr,
        "content",
        "`content` is a named pipe (FIFO), not a folder, so there is no site to build",
    );
    std::fs::remove_file(root.join("content")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.join("content")).unwrap();
    let run = bounded(handout_in(root, &["check"]));
    assert_reported(
        &run.stderr,
        "content",
        "`content` is a device, not a folder",
    );
    std::fs::remove_file(root.join("content")).unwrap();
    std::os::unix::fs::symlink("gone", root.join("content")).unwrap();
    let run = bounded(handout_in(root, &["check"]));
    assert_reported(
        &run.stderr,
        "content",
        "this link points to nothing (its target `gone` does not exist)",
    );
}

/// Run as root, a file's permissions do not stop the reading: the check then runs as the
/// unprivileged `nobody` (with util-linux's setpriv), as a volunteer's account would.
fn as_ordinary_user(root: &Path, args: &[&str]) -> Option<Command> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some(handout_in(root, args));
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipped: running as root without setpriv, so no file is unreadable");
        return None;
    }
    // nobody must reach the site; the temporary folder is private to its maker.
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        if entry.path_is_symlink() {
            continue;
        }
        let mode = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        set_mode(entry.path(), mode);
    }
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_handout"))
        .args(args)
        .current_dir(root);
    Some(command)
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn an_unreadable_step_is_said_to_be_unreadable_and_keeps_its_number() {
    let site = TestSite::fixture("minimal");
    let step = "content/guides/first-guide/steps/02-middle.md";
    let Some(command) = as_ordinary_user(site.root(), &["check"]) else {
        return;
    };
    set_mode(&site.root().join(step), 0o000);
    let run = bounded(command);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_reported(&run.stderr, step, "this cannot be read (permission denied)");
    // The steps after it are numbered right: no advice to rename them.
    assert!(!run.stderr.contains("rename"), "{}", run.stderr);
    assert!(run.stderr.contains("1 problem found"), "{}", run.stderr);
}

#[test]
fn a_file_far_too_big_is_refused_without_being_read() {
    let site = TestSite::fixture("minimal");
    let root = site.root();
    // Sparse files: they take no room on disk, but say they hold this much.
    let video = "content/guides/first-guide/images/walk.mp4";
    std::fs::File::create(root.join(video))
        .unwrap()
        .set_len(3_200_000_000)
        .unwrap();
    let step = "content/guides/first-guide/steps/04-huge.md";
    std::fs::File::create(root.join(step))
        .unwrap()
        .set_len(12_000_000)
        .unwrap();
    // With its address space capped at 2 GB, a build that read the 3.2 GB file would fail to
    // allocate and abort instead of reporting it.
    let mut capped = Command::new("sh");
    capped
        .args(["-c", "ulimit -v 2000000 && exec \"$0\" build"])
        .arg(env!("CARGO_BIN_EXE_handout"))
        .current_dir(root);
    let run = bounded(capped);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_reported(
        &run.stderr,
        video,
        "this file is 3.2 GB, more than the 100 MB a file on the site may be",
    );
    assert_reported(
        &run.stderr,
        step,
        "this file is 12 MB, more than the 10 MB a text file may be",
    );
    assert!(run.stderr.contains("2 problems found"), "{}", run.stderr);
    std::fs::remove_file(root.join(video)).unwrap();
    std::fs::remove_file(root.join(step)).unwrap();
    let run = bounded(handout_in(root, &["build"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        tree(&root.join("public"))
            .keys()
            .all(|k| !k.ends_with(".mp4"))
    );
}

/// Scaffolding reads the guide as a build does: a step that is a pipe stops `new step` with
/// its problem, and nothing is renamed around it.
#[test]
fn new_step_stops_at_a_step_that_cannot_be_read() {
    let site = TestSite::fixture("minimal");
    let steps = site.root().join("content/guides/first-guide/steps");
    mkfifo(&steps.join("04-pipe.md"));
    let before: Vec<_> = std::fs::read_dir(&steps)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let run = bounded(handout_in(
        site.root(),
        &["new", "step", "first-guide", "Walk on", "--at", "2"],
    ));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_reported(
        &run.stderr,
        "content/guides/first-guide/steps/04-pipe.md",
        "this is a named pipe (FIFO), not a file",
    );
    let after: Vec<_> = std::fs::read_dir(&steps)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        before.len(),
        after.len(),
        "files were added or renamed: {after:?}"
    );
    assert!(
        steps.join("02-middle.md").is_file(),
        "02-middle.md was renamed"
    );
}
