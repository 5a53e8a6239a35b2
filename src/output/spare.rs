//! The spare copy of the site that handout keeps beside the output (`.<output>.handout-spare`):
//! the site as the build before last left it. A build over its last site brings the spare up
//! to the new site, writing only the files whose bytes differ, and then exchanges it with the
//! output in one step, so the old site becomes the next spare. On an ordinary disk this is what
//! makes a rebuild cheap: writing a whole new copy and deleting thousands of old files costs
//! seconds, while a site after a one-step edit differs in a few files. Nobody reads the spare
//! while it is brought up to date, so its files are overwritten where they are.

use foldhash::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Makes the folders that `path` (a file inside `dir`) lies in, refusing to go through a link
/// or a file: the spare is written inside itself and nowhere else. `made` remembers folders
/// already there.
pub fn make_folders(dir: &Path, path: &str, made: &mut HashSet<String>) -> io::Result<()> {
    let mut folder = String::new();
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        if !folder.is_empty() {
            folder.push('/');
        }
        folder.push_str(part);
        if made.contains(&folder) {
            continue;
        }
        let at = dir.join(&folder);
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.is_dir() => {}
            // A file of the old site where the new one has a folder: the spare's own.
            Ok(meta) if meta.is_file() => {
                fs::remove_file(&at)?;
                fs::create_dir(&at)?;
            }
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{folder} is not a folder"),
                ));
            }
            Err(_) => fs::create_dir(&at)?,
        }
        made.insert(folder.clone());
    }
    Ok(())
}

/// Writes one file: overwritten in place when the old one is a plain file of its own (no new
/// file is made, which is what ext4 is slow at after many deletions); a link, a folder left
/// empty or a file with other names (a hard-linked copy elsewhere) is replaced, never written
/// through.
pub fn put(target: &Path, bytes: &[u8]) -> io::Result<()> {
    match fs::symlink_metadata(target) {
        Ok(meta) if meta.is_file() && single(&meta) => {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(target)?;
            return file.write_all(bytes);
        }
        Ok(meta) if meta.is_dir() => fs::remove_dir(target)?,
        Ok(_) => fs::remove_file(target)?,
        Err(_) => {}
    }
    fs::write(target, bytes)
}

#[cfg(unix)]
fn single(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() == 1
}

#[cfg(not(unix))]
fn single(_meta: &fs::Metadata) -> bool {
    true
}

/// Removes a file the new site does not have, and the folders it leaves empty. A folder is
/// never removed with anything in it.
pub fn remove(dir: &Path, path: &str) {
    let target = dir.join(path);
    if fs::symlink_metadata(&target).is_ok_and(|m| !m.is_dir()) {
        let _ = fs::remove_file(&target);
    }
    let mut folder = path;
    while let Some((up, _)) = folder.rsplit_once('/') {
        if fs::remove_dir(dir.join(up)).is_err() {
            break;
        }
        folder = up;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_overwritten_folders_made_and_emptied_folders_removed() {
        let tmp = tempfile::TempDir::new().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("a"), "a file where a folder will be").unwrap();
        let mut made = HashSet::default();
        make_folders(dir, "a/b/c.html", &mut made).unwrap();
        put(&dir.join("a/b/c.html"), b"new").unwrap();
        assert_eq!(fs::read_to_string(dir.join("a/b/c.html")).unwrap(), "new");
        put(&dir.join("a/b/c.html"), b"newer, longer").unwrap();
        put(&dir.join("a/b/c.html"), b"short").unwrap();
        assert_eq!(fs::read_to_string(dir.join("a/b/c.html")).unwrap(), "short");
        remove(dir, "a/b/c.html");
        assert!(!dir.join("a").exists());
    }

    /// A file with a second name (a hard-linked backup) or a link is replaced, so what the other
    /// name or the link leads to keeps its bytes.
    #[cfg(unix)]
    #[test]
    fn a_hard_linked_copy_or_a_link_is_not_written_through() {
        let tmp = tempfile::TempDir::new().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("a.html"), "old").unwrap();
        fs::hard_link(dir.join("a.html"), dir.join("backup.html")).unwrap();
        put(&dir.join("a.html"), b"new").unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.html")).unwrap(), "new");
        assert_eq!(fs::read_to_string(dir.join("backup.html")).unwrap(), "old");
        fs::write(dir.join("precious.txt"), "keep").unwrap();
        std::os::unix::fs::symlink(dir.join("precious.txt"), dir.join("b.html")).unwrap();
        put(&dir.join("b.html"), b"new").unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("precious.txt")).unwrap(),
            "keep"
        );
        let mut made = HashSet::default();
        fs::create_dir(dir.join("real")).unwrap();
        std::os::unix::fs::symlink(dir.join("real"), dir.join("linked")).unwrap();
        assert!(make_folders(dir, "linked/c.html", &mut made).is_err());
    }
}
