//! Writing the built site. Everything goes into a staging folder beside the output, which then
//! replaces the output in one step, so a failed or interrupted build leaves the old site whole.
//! The only folders ever deleted are ones that carry handout's marker file.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;

/// Marks a folder as handout's output, safe to replace.
pub const MARKER: &str = ".handout-output";
const MARKER_TEXT: &str = "This folder is written by handout. The next `handout build` replaces it whole:\nkeep your own files elsewhere.\n";

/// Checks that `output` may be replaced: it is missing, empty, or a previous build's output, and
/// it is not the site itself or a folder that holds it.
pub fn check_output(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let shown = output.display().to_string();
    let abs_output = absolute(output);
    let abs_root = absolute(root);
    let refuse = |why: &str| {
        Err(
            Diagnostic::file(&shown, format!("will not write the site here: {why}"))
                .with_help("choose another folder with --output, for example --output public"),
        )
    };
    if abs_root.starts_with(&abs_output) {
        return refuse("this folder holds the site's own files");
    }
    for own in ["content", "templates"] {
        if abs_output.starts_with(abs_root.join(own)) {
            return refuse(&format!("it is inside `{own}/`"));
        }
    }
    if std::env::var_os("HOME").is_some_and(|h| absolute(Path::new(&h)) == abs_output) {
        return refuse("it is your home folder");
    }
    match fs::symlink_metadata(output) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => refuse("it is a file, not a folder"),
        Ok(_) => {
            if output.join(".git").exists() {
                return refuse("it holds a git repository (.git)");
            }
            if output.join(MARKER).is_file() {
                return Ok(());
            }
            let empty = fs::read_dir(output)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if empty {
                Ok(())
            } else {
                Err(Diagnostic::file(
                    &shown,
                    "will not replace this folder: it has files in it and was not made by handout",
                )
                .with_help(format!(
                    "handout replaces its output folder whole, so it only replaces folders it made (they hold a `{MARKER}` file). Move your files out of {shown}, or build somewhere else with --output"
                )))
            }
        }
    }
}

/// A new site being written beside the output. Files go in as they are made, so a build never
/// holds the whole site in memory; `commit` puts it in place of the output in one step. Dropped
/// without a commit (a failed build), it is deleted and the old site stays as it was.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// Held until the new site is in place: a second build waits rather than mixing output.
    _lock: fs::File,
    /// Folders already made, so each is created once.
    made: std::sync::Mutex<std::collections::HashSet<String>>,
    committed: bool,
}

impl Staging {
    /// Checks that `output` may be replaced, takes the lock and makes the staging folder.
    pub fn begin(root: &Path, output: &Path) -> Result<Staging, Diagnostic> {
        check_output(root, output)?;
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = output
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        fs::create_dir_all(&parent).map_err(|e| io_problem(&parent, "cannot create", e))?;
        let lock = lock_folder(&parent)?;
        // Checked again under the lock: another build may have just written there.
        check_output(root, output)?;
        clean_leftovers(&parent, &name);
        let dir = parent.join(format!(".{name}.handout-staging-{}", std::process::id()));
        let staging = Staging {
            dir,
            output: output.to_path_buf(),
            _lock: lock,
            made: Default::default(),
            committed: false,
        };
        if staging.dir.exists() {
            remove_marked(&staging.dir);
        }
        fs::create_dir_all(&staging.dir)
            .and_then(|()| fs::write(staging.dir.join(MARKER), MARKER_TEXT))
            .map_err(|e| staging.problem(None, e))?;
        Ok(staging)
    }

    /// Writes one file (`path` relative to the output, `/`-separated). Safe to call from many
    /// threads at once.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        if let Some((folder, _)) = path.rsplit_once('/') {
            // Made under the lock, so no thread writes into a folder another is still making.
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            if !made.contains(folder) {
                fs::create_dir_all(self.dir.join(folder))
                    .map_err(|e| self.problem(Some(&format!("{folder}/")), e))?;
                made.insert(folder.to_string());
            }
        }
        fs::write(self.dir.join(path), bytes).map_err(|e| self.problem(Some(path), e))
    }

    /// Runs `finish` on the staged site, then puts it in place of the output.
    pub fn commit(
        mut self,
        finish: &dyn Fn(&Path) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        finish(&self.dir)?;
        swap(&self.dir, &self.output)?;
        self.committed = true;
        Ok(())
    }

    fn problem(&self, file: Option<&str>, e: std::io::Error) -> Diagnostic {
        let shown = self.output.display();
        let message = match file {
            Some(file) => {
                format!("cannot write the new site to {shown}: {e} (while writing {file})")
            }
            None => format!("cannot write the new site next to {shown}: {e}"),
        };
        Diagnostic::file(shown.to_string(), message).with_help(
            "the old site is unchanged; make room on the disk or make the folder writable, then build again",
        )
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            remove_marked(&self.dir);
        }
    }
}

/// Puts the staged site in place of `output`. On Linux the two folders are exchanged atomically;
/// elsewhere the old one is moved aside first.
fn swap(staging: &Path, output: &Path) -> Result<(), Diagnostic> {
    if fs::symlink_metadata(output).is_err() {
        return fs::rename(staging, output).map_err(|e| io_problem(output, "cannot create", e));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, output, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the previous site.
            remove_marked(staging);
            return Ok(());
        }
    }
    let old = staging.with_extension("old");
    fs::rename(output, &old).map_err(|e| io_problem(output, "cannot replace", e))?;
    if let Err(e) = fs::rename(staging, output) {
        let _ = fs::rename(&old, output);
        return Err(io_problem(output, "cannot replace", e));
    }
    remove_marked(&old);
    Ok(())
}

/// Locks the folder that holds the output (an advisory lock on the folder itself, so no lock
/// file is left behind). Released when the returned handle is dropped, or the process ends.
fn lock_folder(folder: &Path) -> Result<fs::File, Diagnostic> {
    let handle = fs::File::open(folder).map_err(|e| io_problem(folder, "cannot open", e))?;
    match handle.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!(
                "another handout build is writing in {}; waiting for it to finish...",
                folder.display()
            );
            handle
                .lock()
                .map_err(|e| io_problem(folder, "cannot lock", e))?;
        }
        // Some file systems cannot lock; the build goes on without the guard.
        Err(fs::TryLockError::Error(_)) => {}
    }
    Ok(handle)
}

/// Removes staging folders that an interrupted build left beside the output. Only folders with
/// the marker are touched.
fn clean_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.handout-staging-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with(&prefix) && entry.path().join(MARKER).is_file() {
            remove_marked(&entry.path());
        }
    }
}

/// Deletes a folder of handout's, its marker last: if the deletion is interrupted, the folder still
/// carries the marker and the next build finishes the job. Sub-folders are deleted in parallel:
/// a large site is many thousands of files.
fn remove_marked(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        let entries: Vec<_> = entries.flatten().collect();
        entries
            .par_iter()
            .filter(|e| e.file_name() != MARKER)
            .for_each(|entry| match entry.file_type() {
                Ok(t) if t.is_dir() => remove_tree(&entry.path()),
                _ => {
                    let _ = fs::remove_file(entry.path());
                }
            });
    }
    let _ = fs::remove_file(dir.join(MARKER));
    let _ = fs::remove_dir(dir);
}

fn remove_tree(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        let entries: Vec<_> = entries.flatten().collect();
        entries
            .par_iter()
            .for_each(|entry| match entry.file_type() {
                Ok(t) if t.is_dir() => remove_tree(&entry.path()),
                _ => {
                    let _ = fs::remove_file(entry.path());
                }
            });
    }
    let _ = fs::remove_dir(dir);
}

fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    // A folder that does not exist yet: resolve its nearest existing ancestor.
    let base = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = base.as_path();
    let mut rest = Vec::new();
    while let Some(parent) = existing.parent() {
        if let Some(n) = existing.file_name() {
            rest.push(n.to_os_string());
        }
        existing = parent;
        if let Ok(p) = existing.canonicalize() {
            let mut out = p;
            for n in rest.iter().rev() {
                out.push(n);
            }
            return out;
        }
    }
    base
}

fn io_problem(path: &Path, what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::file(
        path.display().to_string(),
        format!("{what} {}: {e}", path.display()),
    )
}
