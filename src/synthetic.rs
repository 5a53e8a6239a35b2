//! Synthetic sites for benchmarks and tests: `guides` guides of `steps` steps, each step 250–400
//! words, deterministic (the same arguments give the same bytes), so timings compare like with
//! like across runs and machines.

use std::fs;
use std::io;
use std::path::Path;

const WORDS: &[&str] = &[
    "cat",
    "harness",
    "leash",
    "treat",
    "calm",
    "gentle",
    "slowly",
    "praise",
    "reward",
    "quiet",
    "room",
    "indoors",
    "practice",
    "minutes",
    "daily",
    "patient",
    "sniff",
    "toy",
    "play",
    "wait",
    "follow",
    "steady",
    "short",
    "session",
    "relaxed",
    "favorite",
    "bowl",
    "window",
    "scratch",
    "climb",
    "perch",
    "routine",
    "comfortable",
    "curious",
    "safe",
    "watch",
    "brush",
    "feed",
    "water",
    "litter",
    "box",
    "carrier",
    "visit",
    "vet",
    "kitten",
    "adult",
    "shelter",
    "home",
    "the",
    "a",
    "and",
    "with",
    "your",
    "when",
    "then",
    "until",
    "before",
    "after",
    "each",
    "it",
];

/// A tiny deterministic generator (SplitMix64), for synthetic sites and the tests' random
/// edits: they need repeatable choices, not statistical quality.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number from 0 to `n - 1`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn paragraph(rng: &mut Rng, words: usize) -> String {
    let mut text = String::new();
    for i in 0..words {
        let word = WORDS[rng.below(WORDS.len())];
        if i % 12 == 0 {
            if i > 0 {
                text.push_str(". ");
            }
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                text.extend(first.to_uppercase());
                text.push_str(chars.as_str());
            }
        } else {
            text.push(' ');
            text.push_str(word);
        }
    }
    text.push('.');
    text
}

/// The `site.yaml` of the default site (`content/site.yaml`): `base_url`, a translation, contact
/// and call to action, as a shelter that publishes has. Benchmarks use it unless told otherwise.
pub const DEFAULT_SITE_YAML: &str = include_str!("../content/site.yaml");

/// A `site.yaml` with only a name, paper and phone: no `base_url` (so no QR codes or sitemap)
/// and no translation. The tests' synthetic sites use it.
pub const PLAIN_SITE_YAML: &str =
    "name: Synthetic Shelter\npaper: letter\ncontact:\n  phone: \"(555) 010-0000\"\n";

/// Writes a site with `guides` guides of `steps` steps under `root/content`, with the plain
/// `site.yaml`.
pub fn write_site(root: &Path, guides: usize, steps: usize, seed: u64) -> io::Result<()> {
    write_site_with(root, guides, steps, seed, PLAIN_SITE_YAML)
}

/// Writes a site with `guides` guides of `steps` steps under `root/content`, with `site_yaml`
/// as its `site.yaml`.
pub fn write_site_with(
    root: &Path,
    guides: usize,
    steps: usize,
    seed: u64,
    site_yaml: &str,
) -> io::Result<()> {
    let content = root.join("content");
    fs::create_dir_all(&content)?;
    fs::write(content.join("site.yaml"), site_yaml)?;
    let mut rng = Rng(seed);
    for g in 0..guides {
        let dir = content.join(format!("guides/guide-{g:05}"));
        fs::create_dir_all(dir.join("steps"))?;
        let related = if g > 0 {
            format!("related:\n  - guide-{:05}\n", g - 1)
        } else {
            String::new()
        };
        fs::write(
            dir.join("guide.yaml"),
            format!(
                "title: Guide {g}\nsummary: {}\nspecies: cat\ntopic: behavior\ntime_needed: A few weeks\nintro: |\n  {}\nbefore_you_start:\n  - {}\nsupplies:\n  - {}\ntips:\n  - {}\nsafety:\n  - {}\n{related}",
                paragraph(&mut rng, 20),
                paragraph(&mut rng, 80),
                paragraph(&mut rng, 15),
                paragraph(&mut rng, 10),
                paragraph(&mut rng, 20),
                paragraph(&mut rng, 20),
            ),
        )?;
        let file = |s: usize| {
            let stem = crate::content::names::step_stem(s, 0, &format!("step-{s}"));
            crate::content::names::step_file_name(&stem, None)
        };
        for s in 1..=steps {
            let words = 250 + rng.below(151);
            let first = words / 2;
            let link = if s > 1 {
                format!(" See [the step before]({}).", file(s - 1))
            } else {
                String::new()
            };
            fs::write(
                dir.join("steps").join(file(s)),
                format!(
                    "---\ntitle: Step {s} of guide {g}\ndone_when: {}\nrepeat:\n  - Once a day\n---\n{}{link}\n\n> [!TIP]\n> {}\n\n{}\n",
                    paragraph(&mut rng, 12),
                    paragraph(&mut rng, first),
                    paragraph(&mut rng, 20),
                    paragraph(&mut rng, words - first - 20),
                ),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_site() {
        let a = tempfile::TempDir::new().unwrap();
        let b = tempfile::TempDir::new().unwrap();
        write_site(a.path(), 2, 3, 7).unwrap();
        write_site(b.path(), 2, 3, 7).unwrap();
        let read =
            |d: &Path| fs::read(d.join("content/guides/guide-00001/steps/03-step-3.md")).unwrap();
        assert_eq!(read(a.path()), read(b.path()));
        let text = String::from_utf8(read(a.path())).unwrap();
        let words = text.split_whitespace().count();
        assert!((250..=440).contains(&words), "{words} words");
    }
}
