//! What a build leaves beside its output for the next one (`.<output>.handout-state`): a
//! digest of every source file and of the build's options, the guides in index order, and how
//! each output file looked on disk once written. The next build renders again only what the
//! sources changed since (`change::since_last_build`) and keeps a file only when it is still
//! exactly as this build left it. It is a cache: missing, damaged or from another handout, it is
//! ignored and everything is rendered. This module only makes and reads the text.

// Thousands of paths on every build: a fast hash, as no one chooses them to collide.
use foldhash::HashMap;
use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::content::digest::{Digest, Digests};
use crate::output::marker::{escape, unescape};
pub use crate::seen::Seen;

/// A path of the output, shared by the lists that name it.
pub type Path = std::sync::Arc<str>;

const FIRST_LINE: &str = "handout build state 2";
const END_LINE: &str = "end";

/// One build's record.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct State {
    /// The sources and options the build was made from.
    pub sources: Digests,
    /// How each source looked on disk when it was read, and each of their folders when it
    /// was listed (`LoadedSite::looks`; a folder's path ends with `/`): one with no look (a
    /// hard link) is missing.
    pub looks: HashMap<String, Seen>,
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
}

impl State {
    /// The record as text, as `write` writes it.
    #[cfg(test)]
    pub fn to_text(&self) -> String {
        let mut text = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write(&mut text);
        String::from_utf8(text).unwrap_or_default()
    }

    /// Writes the record to `out` line by line: a large site's record is tens of megabytes,
    /// never held whole.
    pub fn write(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        writeln!(out, "{FIRST_LINE}\noptions {}", self.sources.options)?;
        for (path, digest) in &self.sources.files {
            let look = self.looks.get(path).map_or("- - -".into(), |s| s.to_text());
            writeln!(out, "source {digest} {look} {}", escape(path))?;
        }
        let mut folders: Vec<_> = self
            .looks
            .iter()
            .filter(|(p, _)| p.ends_with('/'))
            .collect();
        folders.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (path, look) in folders {
            writeln!(out, "folder {} {}", look.to_text(), escape(path))?;
        }
        for slug in &self.order {
            writeln!(out, "guide {}", escape(slug))?;
        }
        for (slug, digest) in &self.cards {
            writeln!(out, "card {digest} {}", escape(slug))?;
        }
        for (kind, files) in [("output", &self.outputs), ("spare", &self.spare)] {
            let mut files: Vec<_> = files.iter().collect();
            files.sort_unstable_by(|a, b| a.0.cmp(b.0));
            for (path, seen) in files {
                writeln!(out, "{kind} {} {}", seen.to_text(), escape(path))?;
            }
        }
        writeln!(out, "{END_LINE}")
    }

    /// Reads a record; `None` for anything but a whole one of this version. A large site's
    /// record has hundreds of thousands of lines: each kind is read on all cores.
    pub fn parse(text: &str) -> Option<State> {
        let mut lines = text.split('\n');
        if lines.next()? != FIRST_LINE {
            return None;
        }
        let options = Digest::parse(lines.next()?.strip_prefix("options ")?)?;
        let body: Vec<&str> = lines.collect();
        let body = &body[..body.iter().position(|l| *l == END_LINE)?];
        let known = ["source ", "folder ", "guide ", "card ", "output ", "spare "];
        if body
            .par_iter()
            .any(|l| !known.iter().any(|k| l.starts_with(k)))
        {
            return None;
        }
        let of = |kind: &'static str| body.par_iter().filter_map(move |l| l.strip_prefix(kind));
        let sources: Vec<(String, Digest, Option<Seen>)> = of("source ")
            .map(|rest| {
                let mut parts = rest.splitn(5, ' ');
                let digest = Digest::parse(parts.next()?)?;
                let look = match rest.split(' ').nth(1)? {
                    "-" => {
                        parts.nth(2)?;
                        None
                    }
                    _ => Some(Seen::parse(&mut parts)?),
                };
                Some((unescape(parts.next()?)?, digest, look))
            })
            .collect::<Option<_>>()?;
        let looked = |kind| {
            of(kind)
                .map(|rest| {
                    let mut parts = rest.splitn(4, ' ');
                    let seen = Seen::parse(&mut parts)?;
                    Some((unescape(parts.next()?)?, seen))
                })
                .collect::<Option<Vec<(String, Seen)>>>()
        };
        let outputs: HashMap<Path, Seen> = looked("output ")?
            .into_iter()
            .map(|(path, seen)| (Path::from(path), seen))
            .collect();
        // The spare's files are mostly the output's: their paths are shared.
        let spare = looked("spare ")?
            .into_iter()
            .map(|(path, seen)| match outputs.get_key_value(path.as_str()) {
                Some((shared, _)) => (shared.clone(), seen),
                None => (Path::from(path), seen),
            })
            .collect();
        let mut state = State {
            order: of("guide ").map(unescape).collect::<Option<_>>()?,
            cards: of("card ")
                .map(|rest| {
                    let (digest, slug) = rest.split_once(' ')?;
                    Some((unescape(slug)?, Digest::parse(digest)?))
                })
                .collect::<Option<_>>()?,
            outputs,
            spare,
            ..State::default()
        };
        state.looks = sources
            .iter()
            .filter_map(|(path, _, look)| Some((path.clone(), (*look)?)))
            .collect();
        state.looks.extend(looked("folder ")?);
        state.sources = Digests {
            options,
            files: sources
                .into_iter()
                .map(|(path, digest, _)| (path, digest))
                .collect(),
        };
        Some(state)
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
        let seen = Seen::parse(&mut "12 1700000000123456789 42".split(' ')).unwrap();
        state.looks.insert("content/site.yaml".into(), seen);
        state.looks.insert("content/".into(), seen);
        state.outputs.insert("a b/index.html".into(), seen);
        state.spare.insert("c.html".into(), seen);
        let text = state.to_text();
        assert_eq!(State::parse(&text), Some(state));
        let cut = text.strip_suffix("end\n").unwrap();
        assert_eq!(State::parse(cut), None);
        assert_eq!(State::parse(&text.replace("state 2", "state 1")), None);
        assert_eq!(State::parse(""), None);
    }
}
