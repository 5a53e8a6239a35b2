//! What a build leaves beside its output for the next one (`.<output>.handout-state`): a
//! digest of every source file and of the build's options, the guides in index order, and how
//! each output file looked on disk once written. The next build renders again only what the
//! sources changed since (`change::since_last_build`) and keeps a file only when it is still
//! exactly as this build left it. It is a cache: missing, damaged or from another handout, it is
//! ignored and everything is rendered. This module only makes and reads its bytes.

// Thousands of paths on every build: a fast hash, as no one chooses them to collide.
use foldhash::HashMap;
use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::content::digest::{Digest, Digests};
use crate::content::model::Untranslated;
pub use crate::seen::Seen;

/// A path of the output, shared by the lists that name it.
pub type Path = std::sync::Arc<str>;

/// What a record starts with: its kind and version. What follows is binary (`Wire`, in
/// postcard's encoding), then a digest of it, so a record cut short or damaged is not taken
/// for one: a large site's record names every file twice, and text took tens of milliseconds
/// of every build to write and as many to read.
const FIRST_LINE: &[u8] = b"handout build state 5\n";

/// One build's record.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct State {
    /// The sources and options the build was made from.
    pub sources: Digests,
    /// How each source looked on disk when it was read, and each of their folders when it
    /// was listed (`LoadedSite::looks`; a folder's path ends with `/`): one with no look (a
    /// hard link, or one changed just before it was read) is missing.
    pub looks: BTreeMap<String, Seen>,
    /// Guide folders in the order of the index.
    pub order: Vec<String>,
    /// A digest of each guide's card on the index (`Listing::card`), by its folder's name: a
    /// guide whose card is the same leaves the index as it is.
    pub cards: BTreeMap<String, Digest>,
    /// Every file of the output, as it was when the build ended. Its paths are shared with
    /// the next build's lists of the files it keeps: a large site has a hundred thousand.
    pub outputs: HashMap<Path, Seen>,
    /// The spare's files known to hold the same bytes as the output's, as they were then.
    pub spare: HashMap<Path, Seen>,
    /// How many of the output's files are pages, and the steps its pages show untranslated:
    /// what a build with nothing to do reports, as the build it repeats did.
    pub pages: usize,
    pub untranslated: Vec<Untranslated>,
}

/// A record as it is written: names borrowed from the record being written or read.
#[derive(serde::Serialize, serde::Deserialize)]
struct Wire<'a> {
    options: Digest,
    #[serde(borrow)]
    sources: Vec<(&'a str, Digest, Option<Seen>)>,
    #[serde(borrow)]
    folders: Vec<(&'a str, Seen)>,
    #[serde(borrow)]
    order: Vec<&'a str>,
    #[serde(borrow)]
    cards: Vec<(&'a str, Digest)>,
    #[serde(borrow)]
    outputs: Vec<(&'a str, Seen)>,
    #[serde(borrow)]
    spare: Vec<(&'a str, Seen)>,
    pages: u64,
    /// (guide, language, file).
    #[serde(borrow)]
    untranslated: Vec<(&'a str, &'a str, &'a str)>,
}

/// A writer that hands on what it is given and takes its digest.
struct Hashing<'w, W> {
    out: &'w mut W,
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl<W: std::io::Write> std::io::Write for Hashing<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.out.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl State {
    /// The sources this build read that may hold other bytes now, found by looking at each
    /// source and folder again as the record has them (`load::changed_since`): `None` when a
    /// name may have come, gone or been renamed since.
    pub fn changed_since(
        &self,
        root: &std::path::Path,
    ) -> Option<std::collections::BTreeSet<&str>> {
        let folders = self
            .looks
            .iter()
            .filter(|(path, _)| path.ends_with('/'))
            .map(|(path, look)| (path.as_str(), *look))
            .collect();
        let sources = self
            .sources
            .files
            .keys()
            .map(|path| (path.as_str(), self.looks.get(path).copied()))
            .collect();
        crate::content::load::changed_since(root, folders, sources)
    }

    /// The record as bytes, as `write` writes it.
    #[cfg(test)]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write(&mut bytes);
        bytes
    }

    /// Writes the record to `out`, in the order of its paths, so the same build writes the
    /// same bytes.
    pub fn write(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        fn sorted(files: &HashMap<Path, Seen>) -> Vec<(&str, Seen)> {
            let mut files: Vec<(&str, Seen)> =
                files.iter().map(|(p, s)| (p.as_ref(), *s)).collect();
            files.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
            files
        }
        let mut folders: Vec<(&str, Seen)> = self
            .looks
            .iter()
            .filter(|(p, _)| p.ends_with('/'))
            .map(|(p, s)| (p.as_str(), *s))
            .collect();
        folders.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let wire = Wire {
            options: self.sources.options,
            sources: self
                .sources
                .files
                .iter()
                .map(|(path, digest)| (path.as_str(), *digest, self.looks.get(path).copied()))
                .collect(),
            folders,
            order: self.order.iter().map(String::as_str).collect(),
            cards: self.cards.iter().map(|(s, d)| (s.as_str(), *d)).collect(),
            outputs: sorted(&self.outputs),
            spare: sorted(&self.spare),
            pages: self.pages as u64,
            untranslated: self
                .untranslated
                .iter()
                .map(|u| (u.guide.as_str(), u.language.as_str(), u.file.as_str()))
                .collect(),
        };
        out.write_all(FIRST_LINE)?;
        // Written as it is encoded, its digest taken on the way: a large site's record is tens
        // of megabytes, never held whole.
        let mut hashing = Hashing {
            out,
            hasher: xxhash_rust::xxh3::Xxh3::new(),
        };
        postcard::to_io(&wire, &mut hashing).map_err(std::io::Error::other)?;
        let digest = Digest::from_xxh3(hashing.hasher.digest128());
        out.write_all(&digest.to_string().into_bytes())
    }

    /// Reads a record; `None` for anything but a whole one of this version.
    pub fn parse(bytes: &[u8]) -> Option<State> {
        let rest = bytes.strip_prefix(FIRST_LINE)?;
        let (body, digest) = rest.split_at_checked(rest.len().checked_sub(32)?)?;
        if Digest::parse(std::str::from_utf8(digest).ok()?)? != Digest::of(body) {
            return None;
        }
        let wire: Wire = postcard::from_bytes(body).ok()?;
        // The maps are made side by side: at 10,000 guides each holds 100,000 names or more.
        let ((outputs, spare), (looks, (files, cards))) = rayon::join(
            || {
                let mut outputs: HashMap<Path, Seen> = HashMap::default();
                outputs.reserve(wire.outputs.len());
                outputs.extend(
                    wire.outputs
                        .iter()
                        .map(|(path, seen)| (Path::from(*path), *seen)),
                );
                // The spare's files are mostly the output's: their paths are shared.
                let mut spare: HashMap<Path, Seen> = HashMap::default();
                spare.reserve(wire.spare.len());
                spare.extend(wire.spare.iter().map(
                    |(path, seen)| match outputs.get_key_value(*path) {
                        Some((shared, _)) => (shared.clone(), *seen),
                        None => (Path::from(*path), *seen),
                    },
                ));
                (outputs, spare)
            },
            || {
                rayon::join(
                    // Written in order, so each map is built from sorted names.
                    || {
                        wire.sources
                            .iter()
                            .filter_map(|(path, _, look)| Some((path.to_string(), (*look)?)))
                            .chain(
                                wire.folders
                                    .iter()
                                    .map(|(path, seen)| (path.to_string(), *seen)),
                            )
                            .collect::<BTreeMap<String, Seen>>()
                    },
                    || {
                        let files: BTreeMap<String, Digest> = wire
                            .sources
                            .iter()
                            .map(|(path, digest, _)| (path.to_string(), *digest))
                            .collect();
                        let cards: BTreeMap<String, Digest> = wire
                            .cards
                            .iter()
                            .map(|(s, d)| (s.to_string(), *d))
                            .collect();
                        (files, cards)
                    },
                )
            },
        );
        Some(State {
            sources: Digests {
                options: wire.options,
                files,
            },
            looks,
            order: wire.order.iter().map(|s| s.to_string()).collect(),
            cards,
            outputs,
            spare,
            pages: usize::try_from(wire.pages).ok()?,
            untranslated: wire
                .untranslated
                .iter()
                .map(|(guide, language, file)| Untranslated {
                    guide: guide.to_string(),
                    language: language.to_string(),
                    file: file.to_string(),
                })
                .collect(),
        })
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
        state
            .sources
            .files
            .insert("content/site.yaml".into(), Digest::of(b"y"));
        state.order = vec!["a b".into(), "c\\d".into()];
        state.cards.insert("a b".into(), Digest::of(b"card"));
        let seen =
            Seen::parse(&mut "12 1700000000123456789 1700000000123456789 42".split(' ')).unwrap();
        state.looks.insert("content/site.yaml".into(), seen);
        state.looks.insert("content/".into(), seen);
        state.outputs.insert("a b/index.html".into(), seen);
        state.spare.insert("c.html".into(), seen);
        state.pages = 7;
        state.untranslated.push(Untranslated {
            guide: "a b".into(),
            language: "es".into(),
            file: "content/guides/a b/steps/01-x.es.md".into(),
        });
        let bytes = state.to_bytes();
        assert_eq!(State::parse(&bytes), Some(state));
        assert_eq!(State::parse(&bytes[..bytes.len() - 1]), None);
        assert_eq!(State::parse(&bytes[..bytes.len() / 2]), None);
        let mut damaged = bytes.clone();
        damaged[FIRST_LINE.len() + 3] ^= 1;
        assert_eq!(State::parse(&damaged), None);
        let older = [
            b"handout build state 4\n".as_slice(),
            &bytes[FIRST_LINE.len()..],
        ]
        .concat();
        assert_eq!(State::parse(&older), None);
        assert_eq!(State::parse(b""), None);
    }
}
