//! A site held in memory between rebuilds, for `serve`: the loaded files, and the last good
//! output. A change re-reads only the files it names; a failed rebuild keeps the last good
//! output and remembers the problems, so the server can show them.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::rebuild::{RebuildCache, rerender};
use crate::change::Change;
use crate::content::load::{self, LoadedSite};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// The built site, by output path. A persistent map: a rebuild copies it in constant time and
/// replaces only what it rendered, while the server goes on reading the old copy.
pub type Files = imbl::OrdMap<Arc<str>, Arc<[u8]>>;

pub struct Session {
    loaded: LoadedSite,
    base_url: Option<String>,
    cache: RebuildCache,
    /// The last output that built without problems.
    pub files: Arc<Files>,
    /// The problems of the latest rebuild, if it failed.
    pub problems: Option<Diagnostics>,
    /// `content/` went away: what comes back is a new site, built whole.
    whole_next: bool,
}

/// What one rebuild did.
#[derive(Debug)]
pub struct Outcome {
    /// Output paths that are new, changed or gone.
    pub changed: Vec<String>,
    pub failed: bool,
    pub elapsed: Duration,
}

impl Session {
    /// Loads and builds the site. A site with content errors still starts: its problems are
    /// shown until they are fixed.
    pub fn start(root: &Path, base_url: Option<String>) -> Result<(Session, Outcome), Diagnostic> {
        let loaded = load::load(root)?;
        let mut session = Session {
            loaded,
            base_url,
            cache: RebuildCache::default(),
            files: Arc::new(Files::new()),
            problems: None,
            whole_next: false,
        };
        let outcome = session.rebuild(vec![Change::Whole], Instant::now());
        Ok((session, outcome))
    }

    /// How the files read looked (`LoadedSite::looks`).
    pub fn looks(&self) -> &std::collections::BTreeMap<String, crate::seen::Seen> {
        &self.loaded.looks
    }

    /// Re-reads `paths` (relative to the site root) and rebuilds for the files that changed;
    /// `None` if none did (a save without edits, or only an editor's probe file).
    pub fn apply(&mut self, paths: &[String]) -> Option<Outcome> {
        // Re-reading the files is part of the rebuild's time.
        let start = Instant::now();
        let paths = load::refresh(&mut self.loaded, paths);
        if let Some(gone) = load::content_gone(&self.loaded) {
            return Some(self.gone(gone, start));
        }
        if paths.is_empty() {
            return None;
        }
        if std::mem::take(&mut self.whole_next) {
            return Some(self.rebuild(vec![Change::Whole], start));
        }
        // Each file says what kind of change it is; what that touches is decided in `change`.
        let mut changes: Vec<Change> = paths.iter().map(|p| Change::of_path(p)).collect();
        changes.dedup();
        Some(self.rebuild(changes, start))
    }

    /// `content/` is gone: nothing of the old site is served (its pages would look current),
    /// only the problem, until the folder is back.
    fn gone(&mut self, problem: Diagnostic, start: Instant) -> Outcome {
        let changed = self.files.keys().map(|p| p.to_string()).collect();
        self.files = Arc::new(Files::new());
        self.problems = Some(Diagnostics::from(vec![problem]));
        // The caches hold the old site; the folder that comes back may be another one.
        self.cache = RebuildCache::default();
        self.whole_next = true;
        Outcome {
            changed,
            failed: true,
            elapsed: start.elapsed(),
        }
    }

    fn rebuild(&mut self, changes: Vec<Change>, start: Instant) -> Outcome {
        match rerender(
            &self.loaded,
            self.base_url.clone(),
            &mut self.cache,
            changes,
        ) {
            Ok((files, redo)) => {
                let rendered = files
                    .into_iter()
                    .map(|(path, bytes)| (Arc::<str>::from(path), Arc::<[u8]>::from(bytes)));
                let mut changed: Vec<String> = Vec::new();
                let new: Files = match redo.all {
                    true => {
                        let new: Files = rendered.collect();
                        changed.extend(
                            new.iter()
                                .filter(|(p, b)| self.files.get(*p) != Some(*b))
                                .map(|(p, _)| p.to_string()),
                        );
                        changed.extend(
                            self.files
                                .keys()
                                .filter(|p| !new.contains_key(*p))
                                .map(|p| p.to_string()),
                        );
                        new
                    }
                    // Only what was rendered is compared. A guide's files come or go only when
                    // its pages do: only then are old files the plan no longer makes looked for.
                    false => {
                        let mut new = (*self.files).clone();
                        let gone: Vec<Arc<str>> = match redo.gone {
                            true => new
                                .keys()
                                .filter(|p| !self.cache.planned(p))
                                .cloned()
                                .collect(),
                            false => Vec::new(),
                        };
                        for path in &gone {
                            new.remove(path);
                        }
                        for (path, bytes) in rendered {
                            if self.files.get(&path) != Some(&bytes) {
                                changed.push(path.to_string());
                            }
                            new.insert(path, bytes);
                        }
                        changed.extend(
                            gone.iter()
                                .filter(|p| !new.contains_key(*p))
                                .map(|p| p.to_string()),
                        );
                        new
                    }
                };
                self.files = Arc::new(new);
                self.problems = None;
                Outcome {
                    changed,
                    failed: false,
                    elapsed: start.elapsed(),
                }
            }
            Err(problems) => {
                self.problems = Some(problems);
                Outcome {
                    changed: Vec::new(),
                    failed: true,
                    elapsed: start.elapsed(),
                }
            }
        }
    }
}
