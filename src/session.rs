//! A site held in memory between rebuilds, for `serve`: the loaded files, and the last good
//! output. A change re-reads only the files it names; a failed rebuild keeps the last good
//! output and remembers the problems, so the server can show them.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{self, LoadedSite};
use crate::pipeline::render_loaded;

/// The built site, by output path.
pub type Files = BTreeMap<String, Arc<[u8]>>;

pub struct Session {
    loaded: LoadedSite,
    base_url: Option<String>,
    /// The last output that built without problems.
    pub files: Arc<Files>,
    /// The problems of the latest rebuild, if it failed.
    pub problems: Option<Diagnostics>,
    /// How many rebuilds have run, the first build included.
    pub builds: u64,
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
            files: Arc::new(Files::new()),
            problems: None,
            builds: 0,
        };
        let outcome = session.rebuild();
        Ok((session, outcome))
    }

    /// Re-reads `paths` (relative to the site root) and rebuilds; `None` if no file changed
    /// (a save without edits, or only an editor's probe file).
    pub fn apply(&mut self, paths: &[String]) -> Option<Outcome> {
        load::refresh(&mut self.loaded, paths).then(|| self.rebuild())
    }

    fn rebuild(&mut self) -> Outcome {
        let start = Instant::now();
        self.builds += 1;
        match render_loaded(&self.loaded, self.base_url.clone()) {
            Ok(rendered) => {
                let new: Files = rendered
                    .files
                    .into_iter()
                    .map(|(path, bytes)| (path, Arc::from(bytes)))
                    .collect();
                let mut changed: Vec<String> = new
                    .iter()
                    .filter(|(p, b)| self.files.get(*p) != Some(*b))
                    .map(|(p, _)| p.clone())
                    .collect();
                changed.extend(self.files.keys().filter(|p| !new.contains_key(*p)).cloned());
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

    pub fn root(&self) -> &Path {
        &self.loaded.root
    }
}
