//! How a file looked on disk: its size, modification and change times and inode. A file that
//! still looks the same is taken to hold the same bytes, which saves reading it: a build keeps
//! an output file that looks as it left it and does not read again a source that looks as the
//! last build read it, and `serve` answers from the last build while the sources look as they
//! did when it read them. The change time (`ctime`) is set by the system on every write and
//! cannot be set back by any program, so a file copied over another with its times kept
//! (`cp -p`, `rsync -t`) still looks changed.

use std::fs::Metadata;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Seen {
    len: u64,
    modified_ns: i128,
    changed_ns: i128,
    inode: u64,
}

/// How long after a file was last changed its look is trusted to stand for its bytes. Times on
/// disk are coarse: a file written twice within one tick of the disk's clock, keeping its size,
/// would look the same though its bytes are not. Where a disk keeps times to the second or two
/// (a FAT stick, HFS+), a look is trusted once `SETTLED` has passed; where it keeps fractions of
/// a second (ext4, btrfs, NTFS, APFS: the system's clock ticks every few milliseconds), once
/// `SETTLED_FINE` has.
pub const SETTLED: std::time::Duration = std::time::Duration::from_secs(3);
pub const SETTLED_FINE: std::time::Duration = std::time::Duration::from_millis(100);

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

    /// The file's size in bytes, as it was looked at.
    pub fn size(&self) -> u64 {
        self.len
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
        let (inode, changed_ns) = {
            use std::os::unix::fs::MetadataExt;
            (
                meta.ino(),
                meta.ctime() as i128 * 1_000_000_000 + meta.ctime_nsec() as i128,
            )
        };
        #[cfg(not(unix))]
        let (inode, changed_ns) = (0, modified_ns);
        Seen {
            len: meta.len(),
            modified_ns,
            changed_ns,
            inode,
        }
    }

    /// Whether this look, taken at `now`, is older than a tick of its disk's clock (`SETTLED`),
    /// so that any later write shows in it: a look that is not is not recorded, and the file is
    /// read again next time.
    pub fn settled(&self, now: std::time::SystemTime) -> bool {
        let now = now
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        let last = self.modified_ns.max(self.changed_ns);
        let second = 1_000_000_000;
        let wait = match self.modified_ns % second != 0 || self.changed_ns % second != 0 {
            true => SETTLED_FINE,
            false => SETTLED,
        };
        now - last > wait.as_nanos() as i128
    }

    /// As a build's record writes it: four numbers separated by spaces.
    pub fn to_text(self) -> String {
        format!(
            "{} {} {} {}",
            self.len, self.modified_ns, self.changed_ns, self.inode
        )
    }

    /// Reads what `to_text` wrote, from the next four of `parts`.
    pub fn parse<'a>(parts: &mut impl Iterator<Item = &'a str>) -> Option<Seen> {
        Some(Seen {
            len: parts.next()?.parse().ok()?,
            modified_ns: parts.next()?.parse().ok()?,
            changed_ns: parts.next()?.parse().ok()?,
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
        assert_eq!(Seen::parse(&mut "1 2 3".split(' ')), None);
        // Just written: not to be trusted until the disk's clock has moved on.
        let now = std::time::SystemTime::now();
        assert!(!seen.settled(now));
        assert!(seen.settled(now + super::SETTLED * 2));
        // A disk that keeps whole seconds waits longer than one that keeps fractions.
        let whole = Seen {
            modified_ns: 1_700_000_000_000_000_000,
            changed_ns: 1_700_000_000_000_000_000,
            ..seen
        };
        let fine = Seen {
            modified_ns: 1_700_000_000_000_000_001,
            changed_ns: 1_700_000_000_000_000_001,
            ..seen
        };
        let then = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_001);
        assert!(!whole.settled(then));
        assert!(fine.settled(then));
        std::fs::write(&path, "three").unwrap();
        assert_ne!(Seen::of(&std::fs::metadata(&path).unwrap()), Some(seen));
        assert_eq!(Seen::of(&std::fs::metadata(dir.path()).unwrap()), None);
    }
}
