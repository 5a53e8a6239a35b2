//! Writing the built site. The first build into a folder writes everything into a staging folder
//! beside the output, which then takes the output's place in one step; the old site is kept
//! beside it as the spare. A later build brings the spare up to the new site, writing only the
//! files whose bytes differ (`spare.rs`), and exchanges it with the output in one step; files
//! nothing has changed since the last build are not even made again (`state.rs`). Either way
//! a failed or interrupted build leaves the old site whole.
//! The output carries handout's mark with the list of the files written there (`marker.rs`);
//! a folder holding any file not on that list is never replaced, and only listed files are ever
//! deleted.
//!
//! Where the system cannot exchange two folders in one step (FAT USB sticks, other systems than
//! Linux), the old site is moved aside and the new one moved in: a build stopped between the two
//! leaves both, whole, beside the output, and the next build puts one back before anything else.

// Paths of the site's own files, hashed by the thousand on every build: a fast hash, as no
// one chooses them to collide.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::content::digest::Digests;
use crate::diagnostic::Diagnostic;
use crate::output::marker::{self, MARKER, Mark};
use crate::output::spare;
use crate::output::state::{Path as Shared, Seen, State};

/// How many of a refused folder's own files its message names.
const FOREIGN_SHOWN: usize = 5;

/// The output folder as the system finds it: the path asked for with `.`, `..` and links
/// resolved, so every check and the swap act on the real folder.
struct Output {
    /// As given on the command line, for messages.
    shown: String,
    path: PathBuf,
    parent: PathBuf,
    /// The folder's own name, which the names of its staging and old folders start with.
    name: String,
}

impl Output {
    fn staging_prefix(&self) -> String {
        format!(".{}.handout-staging-", self.name)
    }

    fn old_prefix(&self) -> String {
        format!(".{}.handout-old-", self.name)
    }

    /// A file handout keeps beside the output: `.<name>.handout-<what>`.
    fn beside(&self, what: &str) -> PathBuf {
        self.parent.join(format!(".{}.handout-{what}", self.name))
    }

    /// The spare copy of the site beside the output, which the next build updates and
    /// exchanges with it.
    fn spare(&self) -> PathBuf {
        self.beside("spare")
    }

    fn refuse(&self, why: impl std::fmt::Display) -> Diagnostic {
        Diagnostic::file(&self.shown, format!("will not write the site here: {why}"))
            .with_help("choose another folder with --output, for example --output public")
    }

    fn mount_point(&self) -> Diagnostic {
        let inside = Path::new(&self.shown).join("site");
        Diagnostic::file(
            &self.shown,
            "will not write the site here: this folder is a mount point (another disk, stick or share is attached at it), and a mount point cannot be replaced in one step",
        )
        .with_help(format!(
            "build into a folder inside it, for example --output {}; the site then opens from index.html in that folder",
            inside.display()
        ))
    }
}

/// Checks that `output` may be replaced: it is missing, empty, or a previous build's output
/// holding only the files that build wrote, and it is not the site itself or a folder that holds
/// it. Nothing is changed.
pub fn check_output(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    check(root, output, Inside::Names).map(|_| ())
}

/// The output folder found by `check`, with the files its mark lists if it has one, and how
/// each plain file in it looks when `check` looked inside and was asked for looks.
type Checked = (Output, Option<HashSet<String>>, Vec<Shared>);

/// How a build recorded the files of a folder (the output or its spare), by their paths in it.
type Recorded = HashMap<Shared, Seen>;

/// Whether `check` looks inside the output, and then whether it compares how each file looks
/// with how a build recorded it.
#[derive(Clone, Copy)]
enum Inside<'r> {
    /// Only the folder itself, not even its mark: the first look, before the lock.
    No,
    Names,
    Against(&'r Recorded),
}

/// `check_output`, returning the folder found and, if it is a previous build's, the files its
/// mark lists; `inside`: also look at every file in it (a large site's thousands), which need
/// only be done once the folder is locked, and how each looks.
fn check(root: &Path, given: &Path, inside: Inside<'_>) -> Result<Checked, Diagnostic> {
    let out = locate(given)?;
    let abs_root = resolve(root);
    if abs_root.starts_with(&out.path) {
        return Err(out.refuse("this folder holds the site's own files"));
    }
    for own in ["content", "templates"] {
        if out.path.starts_with(abs_root.join(own)) {
            return Err(out.refuse(format!("it is inside `{own}/`")));
        }
    }
    if std::env::var_os("HOME").is_some_and(|h| resolve(Path::new(&h)) == out.path) {
        return Err(out.refuse("it is your home folder"));
    }
    let meta = match fs::symlink_metadata(&out.path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((out, None, Vec::new()));
        }
        Err(e) => return Err(io_problem(&out.shown, "cannot look at", e)),
        Ok(meta) => meta,
    };
    if meta.is_symlink() {
        // A link to something that exists was followed when the path was resolved.
        let target = fs::read_link(&out.path).unwrap_or_default();
        return Err(Diagnostic::file(
            &out.shown,
            format!(
                "will not write the site here: this is a link to {}, which does not exist",
                target.display()
            ),
        )
        .with_help("make the folder the link points to, or give the real folder with --output"));
    }
    if !meta.is_dir() {
        return Err(out.refuse("it is a file, not a folder"));
    }
    if is_mount_point(&out.path, &out.parent) {
        return Err(out.mount_point());
    }
    if out.path.join(".git").exists() {
        return Err(out.refuse("it holds a git repository (.git)"));
    }
    // Its mark, a list of every file (a large site's hundred thousand), is read once locked.
    if let Inside::No = inside {
        return Ok((out, None, Vec::new()));
    }
    let mark = read_mark(&out.path);
    let has_mark = mark.is_some();
    let listed = match mark {
        Some(Mark::Listed(listed)) => listed,
        Some(Mark::Unlisted) => {
            return Err(Diagnostic::file(
                &out.shown,
                format!("will not replace this folder: its `{MARKER}` mark has no list of the files handout wrote there (an older handout made it, or it was copied or changed)"),
            )
            .with_help(format!(
                "if everything in {} was made by handout, delete the folder and build again; if your own files are in it, build somewhere else with --output",
                out.shown
            )));
        }
        None => HashSet::new(),
    };
    let ours = has_mark.then_some(());
    let recorded = match inside {
        Inside::No | Inside::Names => None,
        Inside::Against(recorded) => Some(recorded),
    };
    let (foreign, looks) = foreign_files(&out.path, &listed, recorded)
        .map_err(|e| io_problem(&out.shown, "cannot look inside", e))?;
    if foreign.is_empty() {
        return Ok((out, ours.map(|()| listed), looks));
    }
    let mut named: Vec<String> = foreign
        .iter()
        .take(FOREIGN_SHOWN)
        .map(|f| format!("`{f}`"))
        .collect();
    if foreign.len() > FOREIGN_SHOWN {
        named.push(format!("{} more", foreign.len() - FOREIGN_SHOWN));
    }
    let named = join_words(&named);
    let problem = match has_mark {
        false => Diagnostic::file(
            &out.shown,
            format!("will not replace this folder: it has files in it and was not made by handout: {named}"),
        )
        .with_help(format!(
            "handout replaces its output folder whole, so it only replaces folders it made (they hold a `{MARKER}` file listing what it wrote). Move your files out of {}, or build somewhere else with --output",
            out.shown
        )),
        true => Diagnostic::file(
            &out.shown,
            format!("will not replace this folder: it holds files that handout did not write there: {named}"),
        )
        .with_help(format!(
            "they are not on the list of the files handout wrote (in its `{MARKER}` file), so they may be your own, copied in with the site. handout replaces its output folder whole: move them out of {}, or build somewhere else with --output",
            out.shown
        )),
    };
    Err(problem)
}

/// "a", "a and b", "a, b and c".
fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Finds the output folder: `given` made absolute, with `.` and `..` and every link along it
/// resolved (a link to a folder stands for that folder; the link itself is left as it is).
fn locate(given: &Path) -> Result<Output, Diagnostic> {
    let shown = given.display().to_string();
    if given.as_os_str().is_empty() {
        return Err(
            Diagnostic::file("--output", "the output folder's name is empty")
                .with_help("give a folder, for example --output public"),
        );
    }
    let path = resolve(given);
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(Diagnostic::file(
            &shown,
            "will not write the site here: this is the top of the disk",
        )
        .with_help("choose another folder with --output, for example --output public"));
    };
    Ok(Output {
        shown,
        parent: parent.to_path_buf(),
        name: name.to_string_lossy().into_owned(),
        path,
    })
}

/// `path` made absolute: its longest part that exists with links and `..` resolved by the
/// system, the rest (which does not exist yet, so holds no link) by its names.
fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<Component> = abs.components().collect();
    for known in (0..=parts.len()).rev() {
        let head: PathBuf = parts[..known].iter().collect();
        let Ok(mut real) = head.canonicalize() else {
            continue;
        };
        for part in &parts[known..] {
            match part {
                Component::ParentDir => {
                    real.pop();
                }
                Component::CurDir => {}
                other => real.push(other),
            }
        }
        return real;
    }
    abs
}

#[cfg(unix)]
fn is_mount_point(path: &Path, parent: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(path), fs::metadata(parent)) {
        (Ok(a), Ok(b)) => a.dev() != b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount_point(_path: &Path, _parent: &Path) -> bool {
    false
}

/// The folder's mark, `None` when it has none (a link or a folder by that name is no mark). The
/// listed names are in the form `name_key` gives.
fn read_mark(dir: &Path) -> Option<Mark> {
    let path = dir.join(MARKER);
    if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    // The one file of the output folder that is read: it says what may be replaced.
    let bytes = fs::read(&path).ok()?;
    Some(match marker::read(&String::from_utf8_lossy(&bytes)) {
        // Names in ASCII are their own keys: a large site's list is not made twice.
        Mark::Listed(files) if files.iter().all(|f| f.is_ascii()) => Mark::Listed(files),
        Mark::Listed(files) => Mark::Listed(
            files
                .into_iter()
                .map(|f| name_key(&f).into_owned())
                .collect(),
        ),
        Mark::Unlisted => Mark::Unlisted,
    })
}

/// Whether `dir` holds the mark of a finished site: only its last line is read, not the list
/// of a large site's files.
fn has_finished_mark(dir: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let path = dir.join(MARKER);
    let Ok(meta) = fs::symlink_metadata(&path) else {
        return false;
    };
    let tail = 64.min(meta.len());
    let mut end = Vec::new();
    meta.is_file()
        && fs::File::open(&path)
            .and_then(|mut file| {
                file.seek(SeekFrom::End(-(tail as i64)))?;
                file.read_to_end(&mut end)
            })
            .is_ok()
        && marker::ends_finished(&end)
}

/// A path as compared with the list: in Unicode's composed form (NFC), since some file systems
/// (a Mac's HFS+) hand back `niño.svg` decomposed though it was written composed.
fn name_key(path: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    match path.is_ascii() {
        true => std::borrow::Cow::Borrowed(path),
        false => std::borrow::Cow::Owned(path.nfc().collect()),
    }
}

/// What file browsers leave in any folder they show: never anyone's work, so no reason to
/// refuse a folder, and removed with the site.
fn is_browser_litter(name: &str) -> bool {
    matches!(name, ".DS_Store" | "Thumbs.db" | "desktop.ini") || name.starts_with("._")
}

/// The files and folders under `dir` that are not on `listed` (and not its folders, its mark or
/// file-browser litter), sorted, `/`-separated; and, against `recorded`, the files that still
/// look as recorded there (asked of their folder, which is quicker than by the whole path).
/// Links are not followed: a link is foreign unless listed, whatever it points at.
fn foreign_files(
    dir: &Path,
    listed: &HashSet<String>,
    recorded: Option<&Recorded>,
) -> std::io::Result<(Vec<String>, Vec<Shared>)> {
    let folders: HashSet<&str> = listed
        .iter()
        .flat_map(|f| f.match_indices('/').map(move |(i, _)| &f[..i]))
        .collect();
    let (mut foreign, same) = foreign_under(dir, "", Some((listed, &folders)), recorded)?;
    foreign.sort();
    Ok((foreign, same))
}

/// What `foreign_under` finds: the foreign paths, and the files that look as recorded.
type Found = (Vec<String>, Vec<Shared>);

/// The files a folder's mark lists, and the folders they lie in.
type Listed<'a> = (&'a HashSet<String>, &'a HashSet<&'a str>);

/// `foreign_files` for the folder `dir`, at `rel` (empty, or ending with `/`) in the output;
/// sub-folders in parallel, since a large site is many thousands of files. Without `listed`
/// nothing is foreign.
fn foreign_under(
    dir: &Path,
    rel: &str,
    listed: Option<Listed>,
    recorded: Option<&Recorded>,
) -> std::io::Result<Found> {
    let entries = fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    // A folder the list does not lead through, left empty, is someone's too.
    if let Some((_, folders)) = listed
        && entries.is_empty()
        && !rel.is_empty()
        && !folders.contains(name_key(&rel[..rel.len() - 1]).as_ref())
    {
        return Ok((vec![rel.to_string()], Vec::new()));
    }
    // The files of one folder one after another (a guide's folder holds a dozen), its folders
    // in parallel; each folder's findings are put together once.
    let mut found: Found = Default::default();
    let mut folders = Vec::new();
    let mut path = String::with_capacity(rel.len() + 64);
    for entry in &entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        path.clear();
        path.push_str(rel);
        path.push_str(&name);
        let kind = entry.file_type()?;
        if kind.is_dir() {
            folders.push((entry, format!("{path}/")));
            continue;
        }
        let key = name_key(&path);
        let ours = listed.is_none_or(|(listed, _)| listed.contains(key.as_ref()))
            || is_browser_litter(&name)
            || (rel.is_empty() && name == MARKER && kind.is_file());
        if !ours {
            found.0.push(path.clone());
            continue;
        }
        // The record's own name for it, shared, if it still looks as recorded.
        let same = recorded
            .filter(|_| kind.is_file())
            .and_then(|recorded| recorded.get_key_value(key.as_ref()))
            .filter(|(_, seen)| {
                entry.metadata().ok().and_then(|meta| Seen::of(&meta)) == Some(**seen)
            });
        if let Some((shared, _)) = same {
            found.1.push(shared.clone());
        }
    }
    let below: Vec<Found> = folders
        .par_iter()
        .map(|(entry, rel)| foreign_under(&entry.path(), rel, listed, recorded))
        .collect::<std::io::Result<_>>()?;
    for (foreign, same) in below {
        found.0.extend(foreign);
        found.1.extend(same);
    }
    Ok(found)
}

/// The files under `dir` that still look as `recorded` says (`foreign_files` without a list):
/// none when it cannot be read.
fn same_under(dir: &Path, recorded: &Recorded) -> Vec<Shared> {
    foreign_under(dir, "", None, Some(recorded))
        .map(|(_, same)| same)
        .unwrap_or_default()
}

/// What runs on the staged site before it goes live (printing the PDFs): it returns the files it
/// added there, for the list.
pub type Finish<'a> = dyn Fn(&Path) -> Result<Vec<String>, Vec<Diagnostic>> + 'a;

/// The new site being written. Files go out as they are made, so a build never holds the whole
/// site in memory; `commit` makes them the output in one step. Dropped without a commit (a
/// failed build), the output is as it was.
pub struct Writer {
    output: Output,
    /// Held until the new site is in place: a second build waits rather than mixing output.
    /// Taken when the writer opens, or when it starts if the folder to lock was not there yet.
    lock: Mutex<Option<fs::File>>,
    /// Set once the first file is written or kept: from then on the disk changes.
    started: std::sync::OnceLock<Result<(), Diagnostic>>,
    how: How,
    /// Every file of the new site, for the mark.
    files: Mutex<Vec<String>>,
    /// How each file of the new site looks in the folder that becomes the output, for the next
    /// build.
    seen: Mutex<HashMap<Shared, Seen>>,
    committed: bool,
}

enum How {
    /// There is no site yet, or no spare copy of it, or PDFs are printed from the pages: a
    /// whole new site is written in a staging folder beside the output, which then takes its
    /// place in one step; the old site becomes the spare.
    Whole {
        dir: PathBuf,
        /// Folders already made, so each is created once.
        folders: Mutex<HashSet<String>>,
        /// The files the old site's mark lists, if there is one.
        old: HashSet<String>,
        /// The old site's files found to hold the new one's bytes, and how they look: once the
        /// old site is the spare, the next build need not copy them into it.
        same: Mutex<HashMap<Shared, Seen>>,
    },
    /// The output is a previous build's site and the spare beside it the one before: the spare
    /// is brought up to the new site, writing only the files whose bytes differ, and then
    /// exchanged with the output in one step.
    Update(Box<Update>),
}

struct Update {
    /// The files the output's mark lists (as `name_key` gives them).
    listed: HashSet<String>,
    spare: PathBuf,
    /// The files the spare's mark lists.
    spare_listed: HashSet<String>,
    /// What the last build left for this one, if it left anything usable.
    previous: Option<Previous>,
    /// Folders of the spare known to be there.
    folders: Mutex<HashSet<String>>,
    /// Files of the new site that differ from the output's.
    changed: AtomicUsize,
    /// How the output's files that the new site keeps unchanged look: once the output is the
    /// spare, they are the spare's files known to hold the site's bytes.
    unchanged: Mutex<HashMap<Shared, Seen>>,
}

/// What a build records for the next one (`State`).
pub struct Record {
    /// The digests of its sources and options.
    pub sources: Digests,
    /// How its sources looked (`LoadedSite::looks`).
    pub looks: std::collections::BTreeMap<String, Seen>,
    /// Its guides in index order.
    pub order: Vec<String>,
    /// Each guide's card digest (`State::cards`).
    pub cards: std::collections::BTreeMap<String, crate::content::digest::Digest>,
    /// How many of its files are pages, and the steps they show untranslated.
    pub pages: usize,
    pub untranslated: Vec<crate::content::model::Untranslated>,
}

/// What the last build left for this one: its record, and which of its files still look on
/// disk as it recorded them.
pub struct Previous {
    pub state: State,
    /// The output files that no one changed since.
    pub intact: HashSet<Shared>,
}

/// What the last build left beside the output `out` (its record and its guides in outline),
/// before its files are looked at: `None` when there is no usable record.
fn read_record(out: &Output) -> Option<(State, Option<Vec<u8>>)> {
    let (state, outline) = rayon::join(
        || {
            fs::read(out.beside("state"))
                .ok()
                .and_then(|bytes| State::parse(&bytes))
        },
        || fs::read(out.beside("outline")).ok(),
    );
    Some((state?, outline))
}

/// What the last build left, given which of the output's files (`intact`) and the spare's
/// (`spare_same`) still look as it recorded them: only those spare files are taken to hold what
/// the record says.
fn previous_of(
    (mut state, _): (State, Option<Vec<u8>>),
    intact: Vec<Shared>,
    spare_same: Vec<Shared>,
) -> Previous {
    let spare_same: HashSet<Shared> = spare_same.into_iter().collect();
    state.spare.retain(|path, _| spare_same.contains(path));
    Previous {
        state,
        intact: intact.into_iter().collect(),
    }
}

/// What opening the output found.
pub enum Opened {
    /// The output, ready for the new site.
    Writer(Box<Writer>),
    /// The output is exactly the site the last build recorded, and this build's sources are
    /// that build's (`open_then`): nothing needs writing. The record.
    AsRecorded(Box<State>),
}

/// The spare beside the output: its mark, and which of its files still look as `state` says.
fn look_at_spare(spare: &Path, state: &State) -> (Option<Mark>, Vec<Shared>) {
    rayon::join(|| read_mark(spare), || same_under(spare, &state.spare))
}

/// Whether the output is exactly the site the last build left: every file `state` recorded
/// still looks as it did (`intact`), and the output's mark lists those files and no others.
fn as_recorded(listed: &HashSet<String>, intact: &[Shared], state: &State) -> bool {
    intact.len() == state.outputs.len()
        && listed.len() == state.outputs.len()
        && state
            .outputs
            .keys()
            .all(|path| listed.contains(name_key(path).as_ref()))
}

/// Whether a build finished in `output` left its record there and a spare beside it, so that
/// this build may update the site rather than write a whole new one (`open_then` says whether
/// the record can be used). Without a spare the record is of no use: a whole new site is
/// written, and reading the record and the outline would only hold their memory meanwhile.
pub fn can_update(output: &Path) -> bool {
    locate(output).is_ok_and(|out| out.beside("state").is_file() && has_finished_mark(&out.spare()))
}

/// The output folder `output` resolves to, and what the last build finished there recorded;
/// read without the lock and without changing anything, for `serve`, which answers from that
/// site while it builds its own (`serve::published`). A build under way has removed the record.
pub fn last_record(output: &Path) -> Option<(PathBuf, State)> {
    let out = locate(output).ok()?;
    let state = State::parse(&fs::read(out.beside("state")).ok()?)?;
    Some((out.path, state))
}

impl Writer {
    /// Checks that `output` may be replaced, takes the lock, undoes what an interrupted build
    /// left, and reads what the last one left for this one; nothing is written until the first
    /// file is (so a build stopped at a problem in the content changes nothing). `whole`: write
    /// a whole new site even where the old one could be updated (the PDFs are printed from the
    /// finished pages).
    pub fn open(root: &Path, output: &Path, whole: bool) -> Result<Writer, Diagnostic> {
        match Writer::open_then(root, output, whole, |_| (), |_| true, |_, _| ()).0? {
            Opened::Writer(writer) => Ok(*writer),
            // Only a build that says it needs no spare is told its site stands as it is.
            Opened::AsRecorded(_) => Err(Diagnostic::file(
                output.display().to_string(),
                "handout could not get the output folder ready (nothing to write)",
            )),
        }
    }

    /// `open`, reading meanwhile what this build needs of the sources, given what the last build
    /// recorded, when this build may update its site: looking at every file of the output and
    /// of its spare takes a while on a large site. First `decide` looks with the record (at the
    /// sources, say); when `spare_needed` says what it found needs no spare (the sources are the
    /// last build's) the spare is not looked at, and if the output is then exactly the site the
    /// last build recorded there is nothing to write and no writer (`Opened::AsRecorded`).
    /// Otherwise `then` runs with what `decide` found, the record and the guides in outline the
    /// last build kept, beside the look at the spare.
    pub fn open_then<D: Send, T: Send>(
        root: &Path,
        output: &Path,
        whole: bool,
        decide: impl FnOnce(Option<&State>) -> D + Send,
        spare_needed: impl FnOnce(&D) -> bool + Send,
        then: impl FnOnce(D, Option<(&State, Option<&[u8]>)>) -> T + Send,
    ) -> (Result<Opened, Diagnostic>, T) {
        let (out, _, _) = match check(root, output, Inside::No) {
            Ok(checked) => checked,
            Err(problem) => return (Err(problem), then(decide(None), None)),
        };
        let lock = match out.parent.is_dir() {
            true => match lock_folder(&out.parent) {
                Ok(lock) => Some(lock),
                Err(problem) => return (Err(problem), then(decide(None), None)),
            },
            false => None,
        };
        recover(&out);
        // Without a spare to bring up to date a whole new site is written, which needs no
        // record of the last one (and a build with nothing to do needs that spare kept too).
        let spare = out.spare();
        let record = match whole || !has_finished_mark(&spare) {
            true => None,
            false => read_record(&out),
        };
        let (checked, (made, spare_looked)) = rayon::join(
            || {
                // Checked again under the lock, inside too: another build may have just
                // written there. How the output's files look is needed only to update it on
                // the last build's word.
                let inside = match &record {
                    Some((state, _)) => Inside::Against(&state.outputs),
                    None => Inside::Names,
                };
                check(root, output, inside)
            },
            || {
                let recorded = record
                    .as_ref()
                    .map(|(state, outline)| (state, outline.as_deref()));
                let decided = decide(recorded.map(|(state, _)| state));
                let needed = spare_needed(&decided);
                // The spare beside the rest: its mark, and how its files look if the record
                // says what they should hold.
                rayon::join(
                    || then(decided, recorded),
                    || match (whole, &record) {
                        (true, _) => Some((None, Vec::new())),
                        (false, None) => Some((read_mark(&spare), Vec::new())),
                        (false, Some(_)) if !needed => None,
                        (false, Some((state, _))) => Some(look_at_spare(&spare, state)),
                    },
                )
            },
        );
        let (out, listed, intact) = match checked {
            Ok(checked) => checked,
            Err(problem) => return (Err(problem), made),
        };
        clean_leftovers(&out);
        let (spare_mark, spare_same) = match (spare_looked, &record) {
            (Some(looked), _) => looked,
            (None, Some((state, _))) => {
                // The record was read only with a finished spare beside the output: the next
                // edit brings that spare up to date instead of writing a whole new site.
                if listed
                    .as_ref()
                    .is_some_and(|listed| as_recorded(listed, &intact, state))
                {
                    let (state, _) = record.unwrap_or_default();
                    // A large site's lists are freed while the build reports.
                    crate::pipeline::in_background(Box::new((listed, intact)));
                    return (Ok(Opened::AsRecorded(Box::new(state))), made);
                }
                // The output was changed by hand since: the spare is needed after all.
                look_at_spare(&spare, state)
            }
            (None, None) => (read_mark(&spare), Vec::new()),
        };
        let spare_listed = match (&listed, spare_mark) {
            (Some(_), Some(Mark::Listed(spare_listed))) => Some(spare_listed),
            _ => None,
        };
        let how = match (listed, spare_listed) {
            (Some(listed), Some(spare_listed)) => How::Update(Box::new(Update {
                previous: record.map(|record| previous_of(record, intact, spare_same)),
                listed,
                spare,
                spare_listed,
                folders: Mutex::default(),
                changed: AtomicUsize::new(0),
                unchanged: Mutex::default(),
            })),
            (listed, _) => How::Whole {
                dir: out
                    .parent
                    .join(format!("{}{}", out.staging_prefix(), std::process::id())),
                folders: Mutex::default(),
                old: listed.unwrap_or_default(),
                same: Mutex::default(),
            },
        };
        let writer = Writer {
            output: out,
            lock: Mutex::new(lock),
            started: std::sync::OnceLock::new(),
            how,
            files: Mutex::default(),
            seen: Mutex::default(),
            committed: false,
        };
        (Ok(Opened::Writer(Box::new(writer))), made)
    }

    /// What the last build left for this one, when this build updates its site.
    pub fn previous(&self) -> Option<&Previous> {
        match &self.how {
            How::Update(update) => update.previous.as_ref(),
            How::Whole { .. } => None,
        }
    }

    /// Frees the last build's digests of its sources once the changes since are known: a
    /// large site's are megabytes, and nothing after needs them.
    pub fn forget_sources(&mut self) {
        if let How::Update(update) = &mut self.how
            && let Some(previous) = &mut update.previous
        {
            drop(std::mem::take(&mut previous.state.sources.files));
        }
    }

    /// Frees how the last build's sources looked once they have been looked at again: a large
    /// site's are a hundred thousand names.
    pub fn forget_looks(&mut self) {
        if let How::Update(update) = &mut self.how
            && let Some(previous) = &mut update.previous
        {
            drop(std::mem::take(&mut previous.state.looks));
        }
    }

    /// Gets the disk ready for the first file: the record and the outline kept with it go (the
    /// spare changes from here on, and a build stopped halfway must leave nothing that vouches
    /// for it), and a whole new site gets its staging folder.
    fn start(&self) -> Result<(), Diagnostic> {
        let started = self.started.get_or_init(|| {
            let out = &self.output;
            fs::create_dir_all(&out.parent)
                .map_err(|e| io_problem(&out.shown, "cannot create", e))?;
            let mut held = lock(&self.lock);
            if held.is_none() {
                *held = Some(lock_folder(&out.parent)?);
            }
            let _ = fs::remove_file(out.beside("state"));
            let _ = fs::remove_file(out.beside("outline"));
            if let How::Whole { dir, .. } = &self.how {
                if fs::symlink_metadata(dir).is_ok() {
                    discard(dir, true);
                }
                fs::create_dir_all(dir)
                    .and_then(|()| fs::write(dir.join(MARKER), marker::unfinished()))
                    .map_err(|e| staging_problem(&out.shown, None, e))?;
            }
            Ok(())
        });
        started.clone()
    }

    /// Keeps each of `paths` that it can as the last build left it, without making it again:
    /// one on the output's list that still looks there exactly as that build recorded; returns
    /// those kept (anything else must be made and written). The lists of the new site are
    /// extended once, not file by file: a large site keeps thousands.
    /// Whether `keep_all` would keep the file at `path`, on the last build's word: it is on the
    /// output's list and still looks there as that build recorded (copying the spare's copy
    /// could still fail).
    pub fn can_keep(&self, path: &str) -> bool {
        let How::Update(update) = &self.how else {
            return false;
        };
        update.previous.as_ref().is_some_and(|previous| {
            previous.state.outputs.contains_key(path)
                && previous.intact.contains(path)
                && update.listed.contains(name_key(path).as_ref())
        })
    }

    pub fn keep_all<'p>(&self, paths: Vec<&'p str>) -> HashSet<&'p str> {
        let How::Update(update) = &self.how else {
            return HashSet::new();
        };
        let Some(Previous {
            state: previous,
            intact,
            ..
        }) = &update.previous
        else {
            return HashSet::new();
        };
        if paths.is_empty() || self.start().is_err() {
            return HashSet::new();
        }
        let kept: Vec<(&str, Shared, Seen, Seen)> = paths
            .into_par_iter()
            .filter_map(|path| {
                // The path as the last build's record holds it, shared by the lists below.
                let (shared, recorded) = previous.outputs.get_key_value(path)?;
                if !intact.contains(path) || !update.listed.contains(name_key(path).as_ref()) {
                    return None;
                }
                // The spare's copy, unless it is known to hold the same bytes, is copied from
                // the output's; a file that cannot be copied is made and written instead,
                // which says why.
                let spare_seen = match previous.spare.get(path) {
                    Some(seen) => *seen,
                    None => {
                        let bytes = fs::read(self.output.path.join(path)).ok()?;
                        self.put_spare(update, path, &bytes).ok()?
                    }
                };
                Some((path, shared.clone(), spare_seen, *recorded))
            })
            .collect();
        let mut files = lock(&self.files);
        let mut seen = lock(&self.seen);
        let mut unchanged = lock(&update.unchanged);
        let mut paths = HashSet::with_capacity(kept.len());
        for (path, shared, spare_seen, recorded) in kept {
            files.push(path.to_string());
            seen.insert(shared.clone(), spare_seen);
            unchanged.insert(shared, recorded);
            paths.insert(path);
        }
        paths
    }

    /// Writes one file (`path` relative to the output, `/`-separated). Safe to call from many
    /// threads at once.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.start()?;
        lock(&self.files).push(path.to_string());
        match &self.how {
            How::Whole {
                dir,
                folders,
                old,
                same,
            } => {
                {
                    // Folders are made under the lock, so no thread writes into a folder
                    // another is still making.
                    let mut folders = lock(folders);
                    if let Some((folder, _)) = path.rsplit_once('/')
                        && !folders.contains(folder)
                    {
                        fs::create_dir_all(dir.join(folder)).map_err(|e| {
                            staging_problem(&self.output.shown, Some(&format!("{folder}/")), e)
                        })?;
                        folders.insert(folder.to_string());
                    }
                }
                fs::write(dir.join(path), bytes)
                    .map_err(|e| staging_problem(&self.output.shown, Some(path), e))?;
                if old.contains(name_key(path).as_ref())
                    && let Some(seen) = same_bytes(&self.output.path.join(path), bytes)
                {
                    lock(same).insert(path.into(), seen);
                }
                Ok(())
            }
            How::Update(update) => {
                let in_output = match update.listed.contains(name_key(path).as_ref()) {
                    true => same_bytes(&self.output.path.join(path), bytes),
                    false => None,
                };
                let trusted = update
                    .previous
                    .as_ref()
                    .and_then(|p| p.state.spare.get(path).copied());
                let shared: Shared = path.into();
                let spare_seen = match (in_output, trusted) {
                    // The spare held what the output holds, which is what this build made.
                    (Some(_), Some(seen)) => seen,
                    _ => match same_bytes(&update.spare.join(path), bytes) {
                        Some(seen) => seen,
                        None => self.put_spare(update, path, bytes)?,
                    },
                };
                match in_output {
                    Some(seen) => {
                        lock(&update.unchanged).insert(shared.clone(), seen);
                    }
                    None => {
                        update.changed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                lock(&self.seen).insert(shared, spare_seen);
                Ok(())
            }
        }
    }

    /// Writes, through `write`, what this build keeps of its guides for the next one
    /// (`content::cached`), beside the output; it takes the place of the last build's when the
    /// new site does. One that cannot be written only costs the next build time.
    pub fn keep_outline(&self, write: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>) {
        if self.start().is_err() {
            return;
        }
        let unsaved = self.output.beside("outline.unsaved");
        let written = fs::File::create(&unsaved).and_then(|file| {
            let mut out = std::io::BufWriter::new(file);
            write(&mut out)?;
            std::io::Write::flush(&mut out)
        });
        if written.is_err() {
            let _ = fs::remove_file(&unsaved);
        }
    }

    /// Writes `bytes` as the spare's file at `path`; returns how it looks then.
    fn put_spare(&self, update: &Update, path: &str, bytes: &[u8]) -> Result<Seen, Diagnostic> {
        let problem = |e| staging_problem(&self.output.shown, Some(path), e);
        spare::make_folders(&update.spare, path, &mut lock(&update.folders)).map_err(problem)?;
        let target = update.spare.join(path);
        spare::put(&target, bytes).map_err(problem)?;
        let meta = fs::symlink_metadata(&target).map_err(problem)?;
        Seen::of(&meta).ok_or_else(|| {
            problem(std::io::Error::other(
                "the file written is not a plain file",
            ))
        })
    }

    /// Makes the new site the output: a whole one is finished by `finish` (it returns the files
    /// it added, such as PDFs), marked with the list of every file and swapped in; an updated
    /// spare is marked and exchanged with the output. `record`, when given, is kept beside the
    /// output for the next build. Returns how many files an update changed or removed (`None`
    /// for a whole new site).
    pub fn commit(
        mut self,
        finish: &Finish<'_>,
        record: impl FnOnce() -> Option<Record>,
    ) -> Result<Option<usize>, Vec<Diagnostic>> {
        self.start().map_err(|d| vec![d])?;
        let shown = self.output.shown.clone();
        let mut files = std::mem::take(&mut *lock(&self.files));
        let mut changed = None;
        let mut spare_seen = HashMap::new();
        match &self.how {
            How::Whole { dir, same, .. } => {
                let dir = dir.clone();
                files.extend(finish(&dir)?);
                write_mark(&dir, &files)
                    .map_err(|e| vec![staging_problem(&shown, Some(MARKER), e)])?;
                stop_point("staged");
                let old = swap(&dir, &self.output).map_err(|d| vec![d])?;
                self.committed = true;
                if let Some(old) = old
                    && keep_as_spare(&old, &self.output)
                {
                    spare_seen = std::mem::take(&mut *lock(same));
                }
                self.look_at(&files);
            }
            How::Update(update) => {
                let mut keys: HashSet<std::borrow::Cow<str>> = HashSet::with_capacity(files.len());
                keys.extend(files.iter().map(|f| name_key(f)));
                let gone = update
                    .listed
                    .iter()
                    .filter(|f| !keys.contains(f.as_str()))
                    .count();
                let count = gone + update.changed.load(Ordering::Relaxed);
                changed = Some(count);
                let problem = |e| vec![staging_problem(&shown, Some(MARKER), e)];
                // The spare's files the new site does not have go, and its mark lists the new
                // site's.
                let same_files = update.spare_listed.len() == keys.len()
                    && update
                        .spare_listed
                        .iter()
                        .all(|f| keys.contains(f.as_str()));
                if !same_files {
                    for path in update
                        .spare_listed
                        .iter()
                        .filter(|f| !keys.contains(f.as_str()))
                    {
                        spare::remove(&update.spare, path);
                    }
                    write_mark(&update.spare, &files).map_err(problem)?;
                }
                let unchanged = std::mem::take(&mut *lock(&update.unchanged));
                if count > 0 {
                    stop_point("spare-ready");
                    let old = swap(&update.spare, &self.output).map_err(|d| vec![d])?;
                    // Where the exchange is two renames, the old site is moved to the spare's
                    // place; exchanged, it is there already.
                    if let Some(old) = old.filter(|old| *old != update.spare) {
                        let _ = fs::rename(&old, &update.spare);
                    }
                    // The output's unchanged files are now the spare's.
                    spare_seen = unchanged;
                } else {
                    // Nothing changed: the output stays as it is, and so does the spare.
                    spare_seen = std::mem::replace(&mut *lock(&self.seen), unchanged);
                }
                self.committed = true;
            }
        }
        // The lists of thousands of files are freed while the record is written and the
        // summary printed.
        if let How::Update(update) = &mut self.how {
            let lists = (
                std::mem::take(&mut update.listed),
                std::mem::take(&mut update.spare_listed),
                update.previous.take(),
            );
            crate::pipeline::in_background(Box::new(lists));
        }
        // The outline kept for the next build goes with the record it belongs to.
        let outline = self.output.beside("outline.unsaved");
        if fs::rename(&outline, self.output.beside("outline")).is_err() {
            let _ = fs::remove_file(self.output.beside("outline"));
        }
        if let Some(record) = record() {
            let state = State {
                sources: record.sources,
                looks: record.looks,
                order: record.order,
                cards: record.cards,
                outputs: std::mem::take(&mut *lock(&self.seen)),
                spare: spare_seen,
                pages: record.pages,
                untranslated: record.untranslated,
            };
            let unsaved = self.output.beside("state.unsaved");
            let written = fs::File::create(&unsaved).and_then(|file| {
                let mut out = std::io::BufWriter::new(file);
                state.write(&mut out)?;
                std::io::Write::flush(&mut out)
            });
            // A record that cannot be kept only costs the next build time.
            if written
                .and_then(|()| fs::rename(&unsaved, self.output.beside("state")))
                .is_err()
            {
                let _ = fs::remove_file(&unsaved);
            }
            crate::pipeline::in_background(Box::new(state));
        }
        Ok(changed)
    }

    /// Notes how the files of a whole new site look in the output, for the next build.
    fn look_at(&self, files: &[String]) {
        let seen: Vec<(Shared, Seen)> = files
            .par_iter()
            .filter_map(|f| {
                let meta = fs::symlink_metadata(self.output.path.join(f)).ok()?;
                Some((f.as_str().into(), Seen::of(&meta)?))
            })
            .collect();
        lock(&self.seen).extend(seen);
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        let started = self.started.get().is_some();
        if !self.committed {
            let _ = fs::remove_file(self.output.beside("outline.unsaved"));
        }
        if let (false, true, How::Whole { dir, .. }) = (self.committed, started, &self.how) {
            discard(dir, true);
        }
    }
}

/// Marks `dir` as a finished site holding `files`: written whole under another name, then
/// renamed, so a mark is never half a list.
fn write_mark(dir: &Path, files: &[String]) -> std::io::Result<()> {
    let unsaved = dir.join(format!("{MARKER}.new"));
    fs::write(&unsaved, marker::finished(files))?;
    fs::rename(&unsaved, dir.join(MARKER))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// How the file at `target` looks, when it is a plain file of its own holding exactly `bytes`.
fn same_bytes(target: &Path, bytes: &[u8]) -> Option<Seen> {
    let seen = Seen::of(&fs::symlink_metadata(target).ok()?)?;
    let old = fs::read(target).ok()?;
    (old == bytes).then_some(seen)
}

fn staging_problem(shown: &str, file: Option<&str>, e: std::io::Error) -> Diagnostic {
    let message = match file {
        Some(file) => {
            format!("cannot write the new site to {shown}: {e} (while writing {file})")
        }
        None => format!("cannot write the new site next to {shown}: {e}"),
    };
    Diagnostic::file(shown, message).with_help(
        "the old site is unchanged; make room on the disk or make the folder writable, then build again",
    )
}

/// For the tests of an interrupted build: with `HANDOUT_TEST_STOP_AT` set to a point's name the
/// process ends there at once, cleaning nothing up, as if it were killed.
pub(crate) fn stop_point(point: &str) {
    if std::env::var_os("HANDOUT_TEST_STOP_AT").is_some_and(|p| p == point) {
        std::process::exit(3);
    }
}

/// Whether to swap by two renames even where the system can exchange folders in one step, as on
/// a FAT stick (`HANDOUT_TEST_TWO_RENAMES=1`, for the tests).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn two_renames_asked() -> bool {
    std::env::var_os("HANDOUT_TEST_TWO_RENAMES").is_some_and(|v| v == "1")
}

/// Puts the staged site in place of the output. On Linux the two folders are exchanged in one
/// step; where that is not possible the old one is moved aside first (see the module's header).
/// Returns where the old site now lies, if there was one: the caller keeps it as the spare.
fn swap(staging: &Path, out: &Output) -> Result<Option<PathBuf>, Diagnostic> {
    let busy = |e: &std::io::Error| e.raw_os_error() == Some(16); // EBUSY: a mount point
    let failed = |e: std::io::Error| match busy(&e) {
        true => out.mount_point(),
        false => io_problem(&out.shown, "cannot replace", e),
    };
    if fs::symlink_metadata(&out.path).is_err() {
        return fs::rename(staging, &out.path)
            .map(|()| None)
            .map_err(|e| io_problem(&out.shown, "cannot create", e));
    }
    #[cfg(target_os = "linux")]
    if !two_renames_asked() {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, &out.path, RenameFlags::EXCHANGE) {
            Ok(()) => {
                // `staging` now holds the previous site.
                stop_point("exchanged");
                return Ok(Some(staging.to_path_buf()));
            }
            Err(e) if e == rustix::io::Errno::BUSY => return Err(out.mount_point()),
            // No exchange on this file system (FAT, some network shares): two renames.
            Err(_) => {}
        }
    }
    let old = out
        .parent
        .join(format!("{}{}", out.old_prefix(), std::process::id()));
    if fs::symlink_metadata(&old).is_ok() {
        discard(&old, false);
    }
    fs::rename(&out.path, &old).map_err(failed)?;
    // Stopped here, the output is missing but the old site and the new are both whole beside
    // it; the next build puts the old one back (`recover`).
    stop_point("old-moved-aside");
    if let Err(e) = fs::rename(staging, &out.path) {
        let _ = fs::rename(&old, &out.path);
        return Err(failed(e));
    }
    stop_point("new-moved-in");
    Ok(Some(old))
}

/// Keeps the old site at `old` as the spare copy the next build updates (`How::Update`), in
/// place of an older spare; returns whether it is the spare now.
fn keep_as_spare(old: &Path, out: &Output) -> bool {
    let spare = out.spare();
    if fs::symlink_metadata(&spare).is_ok() {
        discard(&spare, false);
        // Only a spare whose mark lists its files is removed. One changed by hand stays, and
        // with it every build writes the whole site: say so rather than be slow unseen.
        if fs::symlink_metadata(&spare).is_ok() {
            eprintln!(
                "note: {} (handout's spare copy of the site) is not as handout left it: its `{MARKER}` list is missing or was changed, or it holds other files. It was left alone, so every build writes the whole site until that folder is deleted; delete it to make builds after an edit quick again",
                crate::diagnostic::shown(&spare.display().to_string())
            );
        }
    }
    let kept = fs::rename(old, &spare).is_ok();
    if !kept {
        discard(old, false);
    }
    kept
}

/// Puts back the site an interrupted build left beside a missing output (see `recover`), before
/// anything else happens: also when this build then stops at a problem in the content.
pub fn put_back(output: &Path) {
    let Ok(out) = locate(output) else {
        return;
    };
    if fs::symlink_metadata(&out.path).is_ok() || !out.parent.is_dir() {
        return;
    }
    if let Ok(_lock) = lock_folder(&out.parent) {
        recover(&out);
    }
}

/// When the output is missing and an interrupted build left a whole site beside it, puts that
/// site back: the old one moved aside if there is one, else a finished new one.
fn recover(out: &Output) {
    if fs::symlink_metadata(&out.path).is_ok() {
        return;
    }
    let Ok(entries) = fs::read_dir(&out.parent) else {
        return;
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (old, staging) = (out.old_prefix(), out.staging_prefix());
    let candidates = names
        .iter()
        .filter(|n| n.starts_with(&old))
        .chain(names.iter().filter(|n| n.starts_with(&staging)));
    for name in candidates {
        let dir = out.parent.join(name);
        if is_whole_site(&dir) && fs::rename(&dir, &out.path).is_ok() {
            eprintln!(
                "note: an interrupted build had left {} missing; the whole site it left beside it is back in place",
                out.shown
            );
            return;
        }
    }
}

/// A folder holding a finished site: a mark with a list, and every listed file there.
fn is_whole_site(dir: &Path) -> bool {
    let Some(Mark::Listed(listed)) = read_mark(dir) else {
        return false;
    };
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && listed
            .par_iter()
            .all(|f| fs::symlink_metadata(dir.join(f)).is_ok_and(|m| m.is_file()))
}

/// Locks the folder that holds the output (an advisory lock on the folder itself, so no lock
/// file is left behind). Released when the returned handle is dropped, or the process ends.
fn lock_folder(folder: &Path) -> Result<fs::File, Diagnostic> {
    let shown = folder.display().to_string();
    let handle = fs::File::open(folder).map_err(|e| io_problem(&shown, "cannot open", e))?;
    match handle.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!("another handout build is writing in {shown}; waiting for it to finish...");
            handle
                .lock()
                .map_err(|e| io_problem(&shown, "cannot lock", e))?;
        }
        // Some file systems cannot lock; the build goes on without the guard.
        Err(fs::TryLockError::Error(_)) => {}
    }
    Ok(handle)
}

/// Removes the staging and old folders, and the unfinished record, that an interrupted build
/// left beside the output (the spare stays).
fn clean_leftovers(out: &Output) {
    let _ = fs::remove_file(out.beside("state.unsaved"));
    let _ = fs::remove_file(out.beside("outline.unsaved"));
    let Ok(entries) = fs::read_dir(&out.parent) else {
        return;
    };
    let (old, staging) = (out.old_prefix(), out.staging_prefix());
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(&staging) {
            discard(&entry.path(), true);
        } else if name.starts_with(&old) {
            discard(&entry.path(), false);
        }
    }
}

/// Deletes a staging or old folder beside the output: the files its mark lists (and file-browser
/// litter), the folders they leave empty, then the mark and the folder. `unfinished` allows a
/// staging folder whose mark has no list yet, holding only what the build wrote, to go whole.
/// The mark goes last: if the deletion is interrupted, the next build finishes it.
fn discard(dir: &Path, unfinished: bool) {
    let listed = match read_mark(dir) {
        Some(Mark::Listed(listed)) => listed,
        Some(Mark::Unlisted) if unfinished => {
            remove_all(dir);
            return;
        }
        // Not knowingly handout's: left alone.
        Some(Mark::Unlisted) => return,
        None => HashSet::new(),
    };
    let kept = AtomicUsize::new(0);
    remove_listed(dir, "", &listed, &kept);
    stop_point("old-half-removed");
    let _ = fs::remove_file(dir.join(MARKER));
    let _ = fs::remove_dir(dir);
    let kept = kept.into_inner();
    if kept > 0 {
        eprintln!(
            "note: {kept} file{} not written by handout appeared in the output while the build ran; kept in {}",
            if kept == 1 { "" } else { "s" },
            dir.display()
        );
    }
}

/// Removes what `listed` names under `dir` (whose path in the output is `rel`), in parallel: a
/// large site is many thousands of files. Links are removed, never followed; other files are
/// counted in `kept` and stay.
fn remove_listed(dir: &Path, rel: &str, listed: &HashSet<String>, kept: &AtomicUsize) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let entries: Vec<_> = entries.flatten().collect();
    entries.par_iter().for_each(|entry| {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{rel}{name}");
        match entry.file_type() {
            Ok(t) if t.is_dir() => {
                remove_listed(&entry.path(), &format!("{path}/"), listed, kept);
                let _ = fs::remove_dir(entry.path());
            }
            Ok(t) if rel.is_empty() && name == MARKER && t.is_file() => {}
            _ if listed.contains(name_key(&path).as_ref()) || is_browser_litter(&name) => {
                let _ = fs::remove_file(entry.path());
            }
            _ => {
                kept.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
}

/// Deletes a staging folder that never got its list: everything in it was written by the
/// build. Its mark goes last.
fn remove_all(dir: &Path) {
    fn tree(dir: &Path, top: bool) {
        if let Ok(entries) = fs::read_dir(dir) {
            let entries: Vec<_> = entries.flatten().collect();
            entries
                .par_iter()
                .for_each(|entry| match entry.file_type() {
                    Ok(t) if t.is_dir() => {
                        tree(&entry.path(), false);
                        let _ = fs::remove_dir(entry.path());
                    }
                    _ if top && entry.file_name() == MARKER => {}
                    _ => {
                        let _ = fs::remove_file(entry.path());
                    }
                });
        }
    }
    tree(dir, true);
    let _ = fs::remove_file(dir.join(MARKER));
    let _ = fs::remove_dir(dir);
}

fn io_problem(shown: &str, what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::file(shown, format!("{what} {shown}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with_mark(dir: &Path, listed: &[&str]) {
        for file in listed {
            let path = dir.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "ours").unwrap();
        }
        let listed: Vec<String> = listed.iter().map(|f| f.to_string()).collect();
        fs::write(dir.join(MARKER), marker::finished(&listed)).unwrap();
    }

    /// An old site is removed by its list: a file not on it stays, and a link is never followed,
    /// even when the list names a path through it.
    #[cfg(unix)]
    #[test]
    fn only_listed_files_are_removed_and_links_are_not_followed() {
        let tmp = tempfile::TempDir::new().unwrap();
        let outside = tmp.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("precious.txt"), "keep").unwrap();
        let old = tmp.path().join("old");
        site_with_mark(&old, &["index.html", "guides/a.html"]);
        fs::write(old.join("notes.txt"), "mine").unwrap();
        std::os::unix::fs::symlink(&outside, old.join("guides/link")).unwrap();
        // The mark now also names the file behind the link.
        let listed: Vec<String> = ["index.html", "guides/a.html", "guides/link/precious.txt"]
            .iter()
            .map(|f| f.to_string())
            .collect();
        fs::write(old.join(MARKER), marker::finished(&listed)).unwrap();
        discard(&old, false);
        assert_eq!(
            fs::read_to_string(outside.join("precious.txt")).unwrap(),
            "keep"
        );
        assert_eq!(fs::read_to_string(old.join("notes.txt")).unwrap(), "mine");
        assert!(!old.join("index.html").exists());
        assert!(!old.join("guides/a.html").exists());
        assert!(!old.join(MARKER).exists());
    }

    /// A name handed back decomposed (as a Mac's HFS+ does) is still the listed one.
    #[test]
    fn a_decomposed_name_matches_its_composed_listing() {
        let tmp = tempfile::TempDir::new().unwrap();
        let composed = "images/ni\u{f1}o.svg";
        let decomposed = "images/nin\u{303}o.svg";
        fs::create_dir_all(tmp.path().join("images")).unwrap();
        fs::write(tmp.path().join(decomposed), "x").unwrap();
        fs::write(
            tmp.path().join(MARKER),
            marker::finished(&[composed.to_string()]),
        )
        .unwrap();
        let Some(Mark::Listed(listed)) = read_mark(tmp.path()) else {
            panic!("no list");
        };
        assert_eq!(
            foreign_files(tmp.path(), &listed, None).unwrap().0,
            Vec::<String>::new()
        );
        fs::write(tmp.path().join("images/other.svg"), "x").unwrap();
        assert_eq!(
            foreign_files(tmp.path(), &listed, None).unwrap().0,
            ["images/other.svg"]
        );
    }

    #[test]
    fn paths_are_resolved_by_their_names_where_they_do_not_exist_yet() {
        let tmp = tempfile::TempDir::new().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        assert_eq!(resolve(&tmp.path().join("a/./b/../c/")), real.join("a/c"));
        assert_eq!(resolve(&tmp.path().join(".")), real);
    }
}
