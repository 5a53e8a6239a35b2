//! Watching `content/` and `templates/` for edits, with `notify`'s watcher (or its poller). Reads
//! and metadata-only changes are dropped, as is editor litter (swap, backup and probe files);
//! what remains arrives as paths relative to the site root. `next_batch` gathers a burst of
//! saves into one batch: it waits for the first change, then until none has come for `QUIET`
//! (or `LONGEST_BURST` has passed).

use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{MetadataKind, ModifyKind};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::content::names::is_editor_litter;
use crate::diagnostic::Diagnostic;

/// A burst ends once no change has come for this long. A save is a few system calls in quick
/// succession, and the native watcher hands each over as it happens; 15 ms leaves room for the
/// saving process to be scheduled late on a busy machine, yet is a small part of the 50 ms that
/// an edit may take to reach the page. A burst split anyway (a writer stalled for longer) is
/// joined by `serve`, which rebuilds changes that came during a rebuild before it tells pages.
const QUIET: Duration = Duration::from_millis(15);
/// A stream of changes that never pauses (a tool writing a file over and over) still rebuilds
/// this often.
pub const LONGEST_BURST: Duration = Duration::from_secs(2);

/// What the watcher hands over.
pub enum Report {
    /// Files or folders, relative to the site root, that changed.
    Changed(Vec<String>),
    /// Events were lost (the system's queue of them overflowed): anything may have changed.
    Lost,
}

impl Report {
    fn paths(self) -> Vec<String> {
        match self {
            Report::Changed(paths) => paths,
            Report::Lost => TREES.iter().map(|t| t.to_string()).collect(),
        }
    }
}

/// A running watcher; dropping it stops watching.
pub enum Watcher {
    Native(RecommendedWatcher),
    Poll(PollWatcher),
}

pub fn watch(root: &Path, poll: bool) -> Result<(Watcher, Receiver<Report>), Diagnostic> {
    let (tx, rx) = mpsc::channel();
    let root_abs = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let base = root_abs.clone();
    let handler = move |result: notify::Result<notify::Event>| {
        // An error names no path we could rebuild; the next event still arrives.
        let Ok(event) = result else { return };
        // Events were lost (the system's queue overflowed): everything is read again.
        if event.need_rescan() {
            let _ = tx.send(Report::Lost);
            return;
        }
        // Reading a file is an event too (the build's own reads among them); only changes count.
        if !is_change(&event.kind) {
            return;
        }
        let paths: Vec<String> = event
            .paths
            .iter()
            .filter_map(|p| relevant(&base, p))
            .collect();
        if !paths.is_empty() {
            let _ = tx.send(Report::Changed(paths));
        }
    };
    let problem = |e: notify::Error| {
        Diagnostic::file(
            root.display().to_string(),
            format!("cannot watch for changes: {e}"),
        )
        .with_help("try `handout serve --poll`, which checks for changes regularly instead")
    };
    // Links are not followed: a linked folder is refused by loading anyway, and following a
    // link to `/` or to a folder above would watch (or, polling, read) the whole disk.
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut watcher = if poll {
        // Polling compares modification times to the second, which misses a save made in the
        // same second as the last change; comparing contents does not.
        let config = config
            .with_poll_interval(Duration::from_millis(300))
            .with_compare_contents(true);
        Watcher::Poll(PollWatcher::new(handler, config).map_err(problem)?)
    } else {
        Watcher::Native(RecommendedWatcher::new(handler, config).map_err(problem)?)
    };
    watcher
        .add(&root_abs.join("content"), RecursiveMode::Recursive)
        .map_err(problem)?;
    // The site folder itself, to notice `content/` or `templates/` made, moved or deleted while
    // serving: a watch follows its folder, so it ends when the folder goes, and a folder put
    // in its place must be watched anew (`rearm`).
    watcher
        .add(&root_abs, RecursiveMode::NonRecursive)
        .map_err(problem)?;
    watcher.add_tree(&root_abs, "templates");
    Ok((watcher, rx))
}

impl Watcher {
    fn add(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Watcher::Native(w) => w.watch(path, mode),
            Watcher::Poll(w) => w.watch(path, mode),
        }
    }

    /// Watches `content/` and `templates/` (whichever exists), whole. Called again when the
    /// site folder reports one of them made, moved or deleted, before the folder is read
    /// again: what is written into a new folder before its watch starts is found by that
    /// reading, and what is written after, by the watch.
    pub fn rearm(&mut self, root: &Path) {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        for tree in TREES {
            self.add_tree(&root, tree);
        }
    }

    fn add_tree(&mut self, root: &Path, tree: &str) {
        let dir = root.join(tree);
        if dir.is_dir() {
            // Watching a folder twice is harmless; a failure leaves it unwatched, and `--poll`
            // is the way out that a failure at the start already points to.
            let _ = self.add(&dir, RecursiveMode::Recursive);
        }
    }
}

/// The folders the site is built from, each watched whole.
const TREES: [&str; 2] = ["content", "templates"];

impl Report {
    /// Whether this batch of paths names `content/` or `templates/` itself: it was made,
    /// moved or deleted, so its watch must be set up again.
    pub fn names_a_tree(paths: &[String]) -> bool {
        paths.iter().any(|p| TREES.contains(&p.as_str()))
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
pub fn next_batch(rx: &Receiver<Report>) -> Option<(Vec<String>, Instant)> {
    let batch = rx.recv().ok()?.paths();
    let first = Instant::now();
    Some((gather(rx, batch, first), first))
}

/// Changes already waiting (they came while a rebuild ran), with the rest of their burst.
pub fn pending(rx: &Receiver<Report>) -> Option<Vec<String>> {
    let batch = rx.try_recv().ok()?.paths();
    Some(gather(rx, batch, Instant::now()))
}

/// Changes reported while the site was first read, without waiting for more. Lost events are
/// left out: the watcher's own setup and the first reading open every folder and file, which
/// can overflow the system's queue of events on a large site, and reading everything again
/// would take as long as the first reading. A change lost then was most likely read by it.
pub fn settle(rx: &Receiver<Report>) -> Vec<String> {
    let mut batch: Vec<String> = rx
        .try_iter()
        .flat_map(|report| match report {
            Report::Changed(paths) => paths,
            Report::Lost => Vec::new(),
        })
        .collect();
    batch.sort();
    batch.dedup();
    batch
}

fn gather(rx: &Receiver<Report>, mut batch: Vec<String>, first: Instant) -> Vec<String> {
    while let Some(left) = LONGEST_BURST.checked_sub(first.elapsed()) {
        match rx.recv_timeout(QUIET.min(left)) {
            Ok(more) => batch.extend(more.paths()),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
        }
    }
    batch.sort();
    batch.dedup();
    batch
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

    #[test]
    fn reads_and_metadata_changes_do_not_count() {
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange};
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!is_change(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::Permissions
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
    }

    #[test]
    fn a_burst_is_one_batch_and_quiet_ends_it() {
        let (tx, rx) = mpsc::channel();
        let changed = |name: &str| Report::Changed(vec![name.to_string()]);
        for name in ["b", "a", "b"] {
            tx.send(changed(name)).ok();
        }
        let (batch, _) = next_batch(&rx).expect("a batch");
        assert_eq!(batch, ["a", "b"]);
        assert_eq!(pending(&rx), None, "nothing came after the burst");
        tx.send(changed("c")).ok();
        assert_eq!(pending(&rx), Some(vec!["c".to_string()]));
        // Lost events mean everything is read again, except while the site is first read.
        tx.send(Report::Lost).ok();
        assert_eq!(
            pending(&rx),
            Some(vec!["content".into(), "templates".into()])
        );
        tx.send(Report::Lost).ok();
        tx.send(changed("d")).ok();
        assert_eq!(settle(&rx), ["d"]);
        drop(tx);
        assert_eq!(next_batch(&rx), None, "watching stopped");
    }
}
