//! Each guide in outline as a build made it, kept beside the output for the next build
//! (`.<output>.handout-outline`): a rebuild after an edit reads and parses again only the guides
//! the edit reaches and takes the others from here. It is a cache: it belongs to the record the
//! same build wrote (`Digests::identity`), and missing, damaged or from another build it is
//! ignored. This module only turns guides into bytes and back; the writer writes them and
//! loading's record brings them back.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::content::digest::Digest;
use crate::content::model::{Guide, GuideMeta, Step, StepFront, Untranslated};

const MAGIC: &[u8] = b"handout outline 1\n";

/// A guide in outline (`Guide::outline`), with what a whole-site assembly found of it that is
/// not in the guide itself: the steps it shows untranslated.
#[derive(Serialize, Deserialize)]
struct Kept {
    guide: KeptGuide,
    /// (language, file that would translate the step).
    untranslated: Vec<(String, String)>,
}

/// The fields an outline has; the rest of a `Guide` is empty in outline, and its related
/// guides are found again once every guide is there.
#[derive(Serialize, Deserialize)]
struct KeptGuide {
    slug: String,
    lang: String,
    meta: GuideMeta,
    before_you_start_checks: Vec<String>,
    steps: Vec<KeptStep>,
    translations: Vec<(String, KeptGuide)>,
}

#[derive(Serialize, Deserialize)]
struct KeptStep {
    number: usize,
    slug: String,
    front: StepFront,
    check: String,
    lang: Option<String>,
}

impl KeptGuide {
    fn of(guide: &Guide) -> KeptGuide {
        KeptGuide {
            slug: guide.slug.clone(),
            lang: guide.lang.clone(),
            meta: guide.meta.clone(),
            before_you_start_checks: guide.before_you_start_checks.clone(),
            steps: guide
                .steps
                .iter()
                .map(|s| KeptStep {
                    number: s.number,
                    slug: s.slug.clone(),
                    front: s.front.clone(),
                    check: s.check.clone(),
                    lang: s.lang.clone(),
                })
                .collect(),
            translations: guide
                .translations
                .iter()
                .map(|(lang, t)| (lang.clone(), KeptGuide::of(t)))
                .collect(),
        }
    }

    /// The guide as an outline assembly makes it. Its steps have no body: an outline from here
    /// is never shown whole or searched, its guide being read again for that.
    fn into_guide(self) -> Guide {
        Guide {
            slug: self.slug,
            lang: self.lang,
            meta: self.meta,
            intro_html: String::new(),
            before_you_start_html: Vec::new(),
            before_you_start_checks: self.before_you_start_checks,
            supplies_html: Vec::new(),
            tips_html: Vec::new(),
            safety_html: Vec::new(),
            related_guides: Vec::new(),
            steps: self
                .steps
                .into_iter()
                .map(|s| Step {
                    number: s.number,
                    slug: s.slug,
                    front: s.front,
                    done_when_html: String::new(),
                    html: String::new(),
                    body: Default::default(),
                    words: std::sync::OnceLock::new(),
                    substeps: Vec::new(),
                    check: s.check,
                    lang: s.lang,
                })
                .collect(),
            translations: self
                .translations
                .into_iter()
                .map(|(lang, t)| (lang, Arc::new(t.into_guide())))
                .collect(),
            outline: true,
        }
    }
}

/// Writes every guide of a site in outline, with the steps each shows untranslated, for the
/// build whose sources have the digest `identity`; one guide at a time, so a large site's is
/// never held whole.
pub fn write(
    out: &mut dyn std::io::Write,
    identity: Digest,
    guides: &[Arc<Guide>],
    untranslated: &[Untranslated],
) -> std::io::Result<()> {
    let mut by_guide: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    for u in untranslated {
        by_guide
            .entry(u.guide.as_str())
            .or_default()
            .push((u.language.clone(), u.file.clone()));
    }
    out.write_all(MAGIC)?;
    out.write_all(&identity.to_string().into_bytes())?;
    out.write_all(b"\n")?;
    for guide in guides {
        let kept = Kept {
            guide: KeptGuide::of(guide),
            untranslated: by_guide.remove(guide.slug.as_str()).unwrap_or_default(),
        };
        let bytes = postcard::to_stdvec(&kept).map_err(std::io::Error::other)?;
        out.write_all(&(bytes.len() as u64).to_le_bytes())?;
        out.write_all(&bytes)?;
    }
    Ok(())
}

/// A guide in outline from the last build, and the steps it shows untranslated.
pub struct Outlined {
    pub guide: Guide,
    pub untranslated: Vec<Untranslated>,
}

/// Reads what `write` wrote, by guide folder: `None` unless it is whole and was written for
/// the sources with the digest `identity`.
pub fn read(bytes: &[u8], identity: Digest) -> Option<BTreeMap<String, Outlined>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let line = rest.iter().position(|b| *b == b'\n')?;
    if std::str::from_utf8(&rest[..line])
        .ok()
        .and_then(Digest::parse)?
        != identity
    {
        return None;
    }
    let mut rest = &rest[line + 1..];
    let mut pieces = Vec::new();
    while !rest.is_empty() {
        let len = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?) as usize;
        pieces.push(rest.get(8..8 + len)?);
        rest = &rest[8 + len..];
    }
    use rayon::prelude::*;
    pieces
        .into_par_iter()
        .map(|piece| {
            let kept: Kept = postcard::from_bytes(piece).ok()?;
            let slug = kept.guide.slug.clone();
            let untranslated = kept
                .untranslated
                .into_iter()
                .map(|(language, file)| Untranslated {
                    guide: slug.clone(),
                    language,
                    file,
                })
                .collect();
            Some((
                slug,
                Outlined {
                    guide: kept.guide.into_guide(),
                    untranslated,
                },
            ))
        })
        .collect()
}
