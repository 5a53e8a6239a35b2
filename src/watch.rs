//! Watching `content/` and `templates/` for edits. Events are debounced, editor litter (swap,
//! backup and probe files) is dropped, and what remains arrives as paths relative to the site
//! root, one batch per burst of saves.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::event::{MetadataKind, ModifyKind};
use notify_debouncer_full::notify::{
    self, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode,
};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, new_debouncer_opt};

use crate::diagnostic::Diagnostic;
use crate::load::is_editor_litter;

/// How long the file system must be quiet before a change is passed on. Short, because staff
/// should see an edit at once; bursts (a `git checkout`) are gathered by `next_batch`.
const DEBOUNCE: Duration = Duration::from_millis(30);
/// After a batch, further batches arriving within this gap join it. Twice the debounce: the
/// debouncer hands a burst over in pieces, and on a busy machine its thread can be late by
/// more than a few milliseconds (at 25 ms, CI saw a 50-file burst split in two rebuilds).
const GATHER: Duration = Duration::from_millis(60);

/// A running watcher; dropping it stops watching. No file-ID cache: changed paths are re-read
/// whole, so renames need not be paired, and the cache's scan of every file costs a second on a
/// large site.
pub enum Watcher {
    Native(Debouncer<RecommendedWatcher, NoCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

pub fn watch(root: &Path, poll: bool) -> Result<(Watcher, Receiver<Vec<String>>), Diagnostic> {
    let (tx, rx) = mpsc::channel();
    let root_abs = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let base = root_abs.clone();
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // Reading a file is an event too (the build's own reads among them); only changes count.
        let mut paths: Vec<String> = events
            .iter()
            .filter(|e| is_change(&e.event.kind))
            .flat_map(|e| e.paths.iter())
            .filter_map(|p| relevant(&base, p))
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = tx.send(paths);
        }
    };
    let problem = |e: notify::Error| {
        Diagnostic::file(
            root.display().to_string(),
            format!("cannot watch for changes: {e}"),
        )
        .with_help("try `handout serve --poll`, which checks for changes regularly instead")
    };
    let mut watcher = if poll {
        // Polling compares modification times to the second, which misses a save made in the
        // same second as the last change; comparing contents does not.
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(300))
            .with_compare_contents(true);
        Watcher::Poll(new_debouncer_opt(DEBOUNCE, None, handler, NoCache, config).map_err(problem)?)
    } else {
        Watcher::Native(
            new_debouncer_opt(DEBOUNCE, None, handler, NoCache, notify::Config::default())
                .map_err(problem)?,
        )
    };
    watcher
        .add(&root_abs.join("content"), RecursiveMode::Recursive)
        .map_err(problem)?;
    // The site folder itself, to notice a `templates/` folder made while serving.
    watcher
        .add(&root_abs, RecursiveMode::NonRecursive)
        .map_err(problem)?;
    watcher.watch_templates(&root_abs);
    Ok((watcher, rx))
}

impl Watcher {
    fn add(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Watcher::Native(d) => d.watch(path, mode),
            Watcher::Poll(d) => d.watch(path, mode),
        }
    }

    /// Watches `templates/` if it exists; called again after changes, in case it was just made.
    pub fn watch_templates(&mut self, root: &Path) {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let templates = root.join("templates");
        if templates.is_dir() {
            // Watching a folder twice is harmless; a failure leaves templates unwatched, as before.
            let _ = self.add(&templates, RecursiveMode::Recursive);
        }
    }
}

fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any | EventKind::Other => true,
        // Polling reports a write as a new modification time.
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(_) => false,
    }
}

/// Waits for the next change and gathers the rest of its burst. `None` when watching stopped.
pub fn next_batch(rx: &Receiver<Vec<String>>) -> Option<(Vec<String>, Instant)> {
    let mut batch = rx.recv().ok()?;
    let first = Instant::now();
    loop {
        match rx.recv_timeout(GATHER) {
            Ok(more) => batch.extend(more),
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if first.elapsed() > Duration::from_secs(2) {
            break;
        }
    }
    batch.sort();
    batch.dedup();
    Some((batch, first))
}

/// The root-relative path of an event, if it is one the site is built from.
fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let top = rel.first()?;
    if top != "content" && top != "templates" {
        return None;
    }
    let name = rel.last()?;
    if is_editor_litter(name) || rel.iter().any(|p| p.starts_with('.')) {
        return None;
    }
    Some(rel.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_and_templates_count() {
        let root = Path::new("/site");
        assert_eq!(
            relevant(root, Path::new("/site/content/guides/a/steps/01-x.md")).as_deref(),
            Some("content/guides/a/steps/01-x.md")
        );
        assert_eq!(relevant(root, Path::new("/site/public/index.html")), None);
        assert_eq!(
            relevant(root, Path::new("/site/content/guides/a/steps/.01-x.md.swp")),
            None
        );
    }
}
