//! Digests of what a build is made from: each file read under `content/` and `templates/`, and
//! the build's options with the handout program itself. A build compares them with the last
//! build's (`output::state`) to know what changed since, as `serve` knows from its watcher.

use std::collections::BTreeMap;
use std::fmt;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use crate::content::load::LoadedSite;

/// A 128-bit digest of some bytes (XXH3): fast enough to take of a whole site on every build,
/// and wide enough that two different files never share one in practice.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Digest(u128);

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(xxh3_128(bytes))
    }

    /// The digest an XXH3-128 hasher fed piece by piece made.
    pub fn from_xxh3(value: u128) -> Digest {
        Digest(value)
    }

    pub fn parse(hex: &str) -> Option<Digest> {
        (hex.len() == 32)
            .then(|| u128::from_str_radix(hex, 16).ok())
            .flatten()
            .map(Digest)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

/// What one build was made from.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Digests {
    /// The options and the program: when they differ, every file is made again.
    pub options: Digest,
    /// Every source by its path from the site's folder (`content/...`, `templates/...`). A file
    /// that is there but could not be read counts, with the digest of nothing.
    pub files: BTreeMap<String, Digest>,
}

impl Digests {
    /// `options` names everything besides the files that shapes the output (`--base-url`,
    /// `--paper`, whether PDFs are made, which handout made it).
    pub fn of(loaded: &LoadedSite, options: &str) -> Digests {
        let content = loaded.content.par_iter().map(|(p, b)| (p.clone(), b));
        let templates = loaded
            .templates
            .par_iter()
            .map(|(p, b)| (format!("templates/{p}"), b));
        let mut files: BTreeMap<String, Digest> = content
            .chain(templates)
            .map(|(path, bytes)| (path, Digest::of(bytes)))
            .collect();
        for path in &loaded.unread {
            files.insert(path.clone(), Digest::of(b""));
        }
        Digests {
            options: Digest::of(options.as_bytes()),
            files,
        }
    }

    /// The digests of a site partly read (`LoadedSite::kept`): the files read, and the last
    /// build's digest of each file kept, which looks as that build read it.
    pub fn of_kept(loaded: &LoadedSite, before: &Digests, options: &str) -> Digests {
        let mut digests = Digests::of(loaded, options);
        for path in &loaded.kept {
            if let Some(digest) = before.files.get(path) {
                digests.files.insert(path.clone(), *digest);
            }
        }
        digests
    }

    /// One digest of all of them: what identifies the sources a build was made from, for what
    /// it keeps beside its record (`cached`).
    pub fn identity(&self) -> Digest {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(&self.options.0.to_le_bytes());
        for (path, digest) in &self.files {
            hasher.update(path.as_bytes());
            hasher.update(&[0]);
            hasher.update(&digest.0.to_le_bytes());
        }
        Digest(hasher.digest128())
    }

    /// Digests of the files given as (path, text), for tests.
    #[cfg(test)]
    pub fn of_texts(files: &[(&str, &str)]) -> Digests {
        Digests {
            options: Digest::default(),
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), Digest::of(b.as_bytes())))
                .collect(),
        }
    }

    /// The paths whose file came, went or changed between `before` and `self`.
    pub fn changed_since<'a>(&'a self, before: &'a Digests) -> Vec<&'a str> {
        let mut changed: Vec<&str> = self
            .files
            .iter()
            .filter(|(path, digest)| before.files.get(*path) != Some(digest))
            .map(|(path, _)| path.as_str())
            .collect();
        changed.extend(
            before
                .files
                .keys()
                .filter(|path| !self.files.contains_key(*path))
                .map(String::as_str),
        );
        changed.sort_unstable();
        changed
    }
}

/// What identifies the running program, so that a new or rebuilt handout (whose pages may
/// differ for the same sources) makes every file again: its version, and its file's size and
/// time.
pub fn program() -> String {
    let file = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let time = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {time}", m.len())
        })
        .unwrap_or_default();
    format!("handout {} {file}", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_files_are_those_that_came_went_or_differ() {
        let digests = Digests::of_texts;
        let before = digests(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let after = digests(&[("a", "1"), ("b", "two"), ("d", "4")]);
        assert_eq!(after.changed_since(&before), ["b", "c", "d"]);
        assert_eq!(after.changed_since(&after), Vec::<&str>::new());
        let d = Digest::of(b"x");
        assert_eq!(Digest::parse(&d.to_string()), Some(d));
        assert_eq!(Digest::parse("zz"), None);
    }
}
