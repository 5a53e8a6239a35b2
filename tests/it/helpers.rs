//! Running the binary on fixture sites copied into temporary folders.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;
use walkdir::WalkDir;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture_dir(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// What a run of the binary printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn failure(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }
}

/// Runs `handout` with `args` in `dir`.
pub fn handout(dir: &Path, args: &[&str]) -> Run {
    handout_with(dir, args, &[])
}

/// Runs `handout` with `args` in `dir`, with the environment variables `env` set.
pub fn handout_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_handout"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("the handout binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A copy of a fixture site in a temporary folder, free to change.
pub struct TestSite {
    dir: TempDir,
}

impl TestSite {
    /// The minimal fixture with Spanish added (`translations: [es]`, English where a page is not
    /// translated) and its second guide translated.
    pub fn minimal_with_spanish() -> Self {
        let site = Self::fixture("minimal");
        let settings = site.read("content/site.yaml");
        site.write(
                "content/site.yaml",
                &format!("{settings}translations: [es]\nmissing_translation: fallback\n"),
            )
            .write(
                "content/guides/second-guide/guide.es.yaml",
                "title: Segunda guía\nsummary: Una guía pequeña.\ntime_needed: Un día\nintro: Por qué existe.\n",
            );
        site
    }

    pub fn fixture(name: &str) -> Self {
        let dir = TempDir::new().expect("temp dir");
        copy_dir(&fixture_dir(name), dir.path());
        TestSite { dir }
    }

    /// A synthetic site (see `handout::synthetic`), free to change.
    pub fn synthetic(guides: usize, steps: usize) -> Self {
        let dir = TempDir::new().expect("temp dir");
        synthetic_site(dir.path(), guides, steps, 1);
        TestSite { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    /// Waits until the files just written are old enough for a build to trust their looks
    /// (size and times) instead of reading them again next time: a few ticks of the disk's
    /// clock.
    pub fn settle(&self) -> &Self {
        std::thread::sleep(std::time::Duration::from_millis(250));
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        fs::remove_file(self.root().join(rel)).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.root().join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn handout(&self, args: &[&str]) -> Run {
        handout(self.root(), args)
    }

    pub fn build(&self) -> Run {
        self.handout(&["build"])
    }
}

/// The default site (the repository's own content/) built into a fresh folder.
pub struct BuiltDefault {
    dir: TempDir,
}

impl BuiltDefault {
    pub fn new() -> Self {
        let dir = TempDir::new().expect("temp dir");
        let out = dir.path().join("public");
        handout(&repo_root(), &["build", "--output", out.to_str().unwrap()]).success();
        BuiltDefault { dir }
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, by relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Names the files that differ between two trees, for a readable failure.
pub fn tree_diff(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut diff = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => diff.push(format!("only in the first: {k}")),
            Some(w) if w != v => diff.push(format!("differs: {k}")),
            _ => {}
        }
    }
    for k in b.keys().filter(|k| !a.contains_key(*k)) {
        diff.push(format!("only in the second: {k}"));
    }
    diff
}

/// A synthetic site (see `handout::synthetic`); a different seed changes every text.
pub fn synthetic_site(root: &Path, guides: usize, steps: usize, seed: u64) {
    handout::synthetic::write_site(root, guides, steps, seed).expect("synthetic site written");
}
