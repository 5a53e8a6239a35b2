//! What a build leaves beside its output for the next one (`.<output>.handout-state`): a
//! digest of every source file and of the build's options, the guides in index order, and how
//! each output file looked on disk once written. The next build renders again only what the
//! sources changed since (`change::since_last_build`) and keeps a file only when it is still
//! exactly as this build left it. It is a cache: missing, damaged or from another handout, it is
//! ignored and everything is rendered. This module only makes and reads the text.

use std::collections::BTreeMap;

// Thousands of paths on every build: a fast hash, as no one chooses them to collide.
use foldhash::HashMap;
use std::fs::Metadata;

use crate::content::digest::{Digest, Digests};
use crate::output::marker::{escape, unescape};

const FIRST_LINE: &str = "handout build state 1";
const END_LINE: &str = "end";

/// How a file looked on disk: changed by anyone since, it is made again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    len: u64,
    modified_ns: i128,
    inode: u64,
}

impl Seen {
    /// A regular file's look, `None` for anything else (a link, a folder) or a file with other
    /// names too (a hard link in someone's copy): such files are always made again.
    pub fn of(meta: &Metadata) -> Option<Seen> {
        if !meta.file_type().is_file() {
            return None;
        }
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt;
            if meta.nlink() != 1 {
                return None;
            }
            meta.ino()
        };
        #[cfg(not(unix))]
        let inode = 0;
        Some(Seen {
            len: meta.len(),
            modified_ns,
            inode,
        })
    }
}

/// One build's record.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct State {
    /// The sources and options the build was made from.
    pub sources: Digests,
    /// Guide folders in the order of the index.
    pub order: Vec<String>,
    /// Every file of the output, as it was when the build ended.
    pub outputs: HashMap<String, Seen>,
    /// The spare's files known to hold the same bytes as the output's, as they were then.
    pub spare: HashMap<String, Seen>,
}

impl State {
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let lines = self.sources.files.len() + self.outputs.len() + self.spare.len();
        let mut text = String::with_capacity(64 * lines);
        // Writing to a String cannot fail.
        let _ = writeln!(text, "{FIRST_LINE}\noptions {}", self.sources.options);
        for (path, digest) in &self.sources.files {
            let _ = writeln!(text, "source {digest} {}", escape(path));
        }
        for slug in &self.order {
            let _ = writeln!(text, "guide {}", escape(slug));
        }
        for (kind, files) in [("output", &self.outputs), ("spare", &self.spare)] {
            let mut files: Vec<_> = files.iter().collect();
            files.sort_unstable_by(|a, b| a.0.cmp(b.0));
            for (path, seen) in files {
                let _ = writeln!(
                    text,
                    "{kind} {} {} {} {}",
                    seen.len,
                    seen.modified_ns,
                    seen.inode,
                    escape(path)
                );
            }
        }
        text.push_str(END_LINE);
        text.push('\n');
        text
    }

    /// Reads a record; `None` for anything but a whole one of this version.
    pub fn parse(text: &str) -> Option<State> {
        let mut lines = text.split('\n');
        if lines.next()? != FIRST_LINE {
            return None;
        }
        let options = Digest::parse(lines.next()?.strip_prefix("options ")?)?;
        let mut state = State {
            sources: Digests {
                options,
                files: BTreeMap::new(),
            },
            ..State::default()
        };
        for line in lines {
            if line == END_LINE {
                return Some(state);
            }
            let (kind, rest) = line.split_once(' ')?;
            match kind {
                "source" => {
                    let (digest, path) = rest.split_once(' ')?;
                    state
                        .sources
                        .files
                        .insert(unescape(path)?, Digest::parse(digest)?);
                }
                "guide" => state.order.push(unescape(rest)?),
                "output" | "spare" => {
                    let mut parts = rest.splitn(4, ' ');
                    let len = parts.next()?.parse().ok()?;
                    let modified_ns = parts.next()?.parse().ok()?;
                    let inode = parts.next()?.parse().ok()?;
                    let path = unescape(parts.next()?)?;
                    let files = match kind {
                        "output" => &mut state.outputs,
                        _ => &mut state.spare,
                    };
                    files.insert(
                        path,
                        Seen {
                            len,
                            modified_ns,
                            inode,
                        },
                    );
                }
                _ => return None,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_reads_back_as_written_and_a_cut_one_not_at_all() {
        let mut state = State::default();
        state.sources.options = Digest::of(b"options");
        state
            .sources
            .files
            .insert("content/guides/a b/x\n.md".into(), Digest::of(b"x"));
        state.order = vec!["a b".into(), "c\\d".into()];
        let seen = Seen {
            len: 12,
            modified_ns: 1_700_000_000_123_456_789,
            inode: 42,
        };
        state.outputs.insert("a b/index.html".into(), seen);
        state.spare.insert("c.html".into(), seen);
        let text = state.to_text();
        assert_eq!(State::parse(&text), Some(state));
        let cut = text.strip_suffix("end\n").unwrap();
        assert_eq!(State::parse(cut), None);
        assert_eq!(State::parse(&text.replace("state 1", "state 0")), None);
        assert_eq!(State::parse(""), None);
    }
}
