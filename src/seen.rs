//! How a file looked on disk: its size, modification time and inode. A file that still looks
//! the same is taken to hold the same bytes, which saves reading it: a build keeps an output
//! file that looks as it left it, and `serve` answers from the last build while the sources
//! look as they did when it read them.

use std::fs::Metadata;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    len: u64,
    modified_ns: i128,
    inode: u64,
}

impl Seen {
    /// A regular file's look, `None` for anything else (a link, a folder) or a file with other
    /// names too (a hard link in someone's copy, which can change under another name): such
    /// files are always taken to have changed.
    pub fn of(meta: &Metadata) -> Option<Seen> {
        #[cfg(unix)]
        if std::os::unix::fs::MetadataExt::nlink(meta) != 1 {
            return None;
        }
        meta.file_type().is_file().then(|| Seen::read(meta))
    }

    /// A folder's look: it changes when a name in it comes, goes or is renamed (not when a
    /// file in it is written), so a folder that looks the same holds the same names.
    pub fn of_folder(meta: &Metadata) -> Option<Seen> {
        meta.file_type().is_dir().then(|| Seen::read(meta))
    }

    fn read(meta: &Metadata) -> Seen {
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        Seen {
            len: meta.len(),
            modified_ns,
            inode,
        }
    }

    /// As a build's record writes it: three numbers separated by spaces.
    pub fn to_text(self) -> String {
        format!("{} {} {}", self.len, self.modified_ns, self.inode)
    }

    /// Reads what `to_text` wrote, from the next three of `parts`.
    pub fn parse<'a>(parts: &mut impl Iterator<Item = &'a str>) -> Option<Seen> {
        Some(Seen {
            len: parts.next()?.parse().ok()?,
            modified_ns: parts.next()?.parse().ok()?,
            inode: parts.next()?.parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Seen;

    #[test]
    fn a_look_reads_back_and_changes_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "one").unwrap();
        let seen = Seen::of(&std::fs::metadata(&path).unwrap()).unwrap();
        let text = seen.to_text();
        assert_eq!(Seen::parse(&mut text.split(' ')), Some(seen));
        assert_eq!(Seen::parse(&mut "1 2".split(' ')), None);
        std::fs::write(&path, "three").unwrap();
        assert_ne!(Seen::of(&std::fs::metadata(&path).unwrap()), Some(seen));
        assert_eq!(Seen::of(&std::fs::metadata(dir.path()).unwrap()), None);
    }
}
