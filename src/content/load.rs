//! Reading a site from disk: every file under `content/` and `templates/`, as bytes, keyed by
//! its path relative to the site root. This is the only stage that reads files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::content::names::is_editor_litter;
use crate::diagnostic::Diagnostic;
use crate::seen::Seen;

/// A file's bytes as read. Shared, so the model keeps a step's markdown from them without a
/// second copy (`model::Body`).
pub type Bytes = std::sync::Arc<[u8]>;

/// A site's files, read but not yet understood.
#[derive(Debug, Default)]
pub struct LoadedSite {
    pub root: PathBuf,
    /// Files under `content/`, keyed `content/...` with `/` separators.
    pub content: BTreeMap<String, Bytes>,
    /// The site's own theme files, keyed by their path inside `templates/`.
    pub templates: BTreeMap<String, Bytes>,
    /// Paths under `content/` that are there but were not read: a link to a folder or to
    /// nothing, a pipe or a device, a file that cannot be read or is too big. Each has its
    /// problem in `problems`; its name still counts, so a step keeps its number.
    pub unread: BTreeSet<String>,
    /// Files that could not be read.
    pub problems: Vec<Diagnostic>,
    /// How each file read looked just before it was read, by its path from the site's folder
    /// (`content/...`, `templates/...`), and each folder before it was listed (`content/`,
    /// `content/guides/`, ...); one with no look (a hard link) is missing. A build records
    /// them so that `serve` can tell, without reading anything, that nothing changed since.
    pub looks: BTreeMap<String, Seen>,
    /// Sources not read because they look as the last build read them (`load_kept`): their
    /// names count, their digests are the last build's.
    pub kept: BTreeSet<String>,
}

/// The most a text file (markdown, YAML, a template) may hold: a step or a settings file is a
/// few thousand bytes, so a file this big was saved here by mistake, and reading it whole
/// would only slow everything down.
pub const TEXT_LIMIT: u64 = 10 * 1000 * 1000;

/// The most any other file (a picture, a PDF, a video) may hold: a web page should not make
/// its readers download more, and the preview keeps every file in memory.
pub const FILE_LIMIT: u64 = 100 * 1000 * 1000;

/// A site folder must hold `content/`, a folder (or a link to one).
pub fn check_root(root: &Path) -> Result<(), Diagnostic> {
    let content = root.join("content");
    match std::fs::metadata(&content) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(meta) => Err(Diagnostic::file(
            "content",
            format!(
                "`content` is {}, not a folder, so there is no site to build",
                kind_of(meta.file_type())
            ),
        )
        .with_help("`content/` must be a folder holding site.yaml and guides/")),
        Err(err) if std::fs::symlink_metadata(&content).is_ok() => {
            Err(broken_link("content", &content, &err))
        }
        Err(_) => Err(Diagnostic::file(
            root.display().to_string(),
            "there is no `content/` folder here, so there is no site to build",
        )
        .with_help(
            "run handout in your site's folder (the one holding `content/`), or pass --root FOLDER",
        )),
    }
}

/// The problem while `content/` is gone from a site being served (moved aside, deleted, or
/// between the two halves of a `git checkout`): one plain message instead of every file it
/// held reported missing. `None` while it is there.
pub fn content_gone(site: &LoadedSite) -> Option<Diagnostic> {
    (!site.root.join("content").is_dir()).then(|| {
        Diagnostic::file(
            "content",
            "the `content/` folder is gone (moved, renamed or deleted), so there is no site to show",
        )
        .with_help(
            "put it back, or switch back to the branch that has it; the preview is built again as soon as `content/` is there",
        )
    })
}

pub fn load(root: &Path) -> Result<LoadedSite, Diagnostic> {
    check_root(root)?;
    let mut site = LoadedSite {
        root: root.to_path_buf(),
        ..Default::default()
    };
    let content = read_tree(root, "content", "content");
    site.content = content.files;
    site.unread = content.unread;
    site.problems = content.problems;
    site.looks = content.looks;
    let templates = root.join("templates");
    match std::fs::metadata(&templates) {
        Ok(meta) if meta.is_dir() => {
            let read = read_tree(root, "templates", "templates");
            site.templates = read
                .files
                .into_iter()
                .map(|(k, v)| (k["templates/".len()..].to_string(), v))
                .collect();
            site.problems.extend(read.problems);
            site.looks.extend(read.looks);
        }
        Ok(meta) => site.problems.push(not_a_templates_folder(meta.file_type())),
        Err(err) if std::fs::symlink_metadata(&templates).is_ok() => {
            site.problems
                .push(broken_link("templates", &templates, &err));
        }
        Err(_) => {}
    }
    Ok(site)
}

/// Looks again at the files and folders a build read, as it recorded them (`looks`, named as
/// `LoadedSite::looks` names them; `sources`: every file it read, a look or none for each),
/// without listing or reading anything. `None` when a name may have come, gone or been renamed
/// since (a folder looks different, or `templates/` came or went), which only reading the
/// folders can tell; otherwise the files that look different or had no look: only they may
/// hold other bytes than the build read.
pub fn changed_since<'a>(
    root: &Path,
    folders: Vec<(&'a str, Seen)>,
    sources: Vec<(&'a str, Option<Seen>)>,
) -> Option<BTreeSet<&'a str>> {
    let templates_then = folders.iter().any(|(path, _)| *path == "templates/");
    let templates_now = std::fs::symlink_metadata(root.join("templates")).is_ok();
    if templates_then != templates_now {
        return None;
    }
    let same_folders = folders.par_iter().all(|(path, look)| {
        let folder = path.strip_suffix('/').unwrap_or(path);
        std::fs::metadata(root.join(folder))
            .ok()
            .and_then(|m| Seen::of_folder(&m))
            == Some(*look)
    });
    if !same_folders {
        return None;
    }
    Some(
        sources
            .into_par_iter()
            .filter(|(path, look)| {
                look.is_none()
                    || std::fs::metadata(root.join(path))
                        .ok()
                        .and_then(|m| Seen::of(&m))
                        != *look
            })
            .map(|(path, _)| path)
            .collect(),
    )
}

/// Reads the files `read` of a site whose other sources `kept` look as the last build read
/// them (`changed_since`), by the rules of a whole read; `looks`: how the kept ones and the
/// folders looked then. `None` when any cannot be read as a whole read would: then only a
/// whole read says what is wrong.
pub fn load_kept(
    root: &Path,
    read: Vec<String>,
    kept: BTreeSet<String>,
    looks: BTreeMap<String, Seen>,
) -> Option<LoadedSite> {
    check_root(root).ok()?;
    let started = std::time::SystemTime::now();
    let files: Vec<(String, Bytes, Option<Seen>)> = read
        .into_par_iter()
        .map(|rel| {
            let tree = rel
                .split('/')
                .next()
                .filter(|t| *t == "templates")
                .unwrap_or("content");
            if is_hidden(&rel) {
                return None;
            }
            let kind = std::fs::symlink_metadata(root.join(&rel)).ok()?.file_type();
            let (bytes, look) = read_one(root, tree, &rel, kind).ok()?;
            Some((rel, Bytes::from(bytes), look.filter(|l| l.settled(started))))
        })
        .collect::<Option<_>>()?;
    let mut site = LoadedSite {
        root: root.to_path_buf(),
        looks,
        kept,
        ..Default::default()
    };
    for (rel, bytes, look) in files {
        if let Some(look) = look {
            site.looks.insert(rel.clone(), look);
        }
        match rel.strip_prefix("templates/") {
            Some(name) => site.templates.insert(name.to_string(), bytes),
            None => site.content.insert(rel, bytes),
        };
    }
    Some(site)
}

/// `templates` is there but is not a folder: the site's theme cannot be read from it.
fn not_a_templates_folder(kind: std::fs::FileType) -> Diagnostic {
    Diagnostic::file(
        "templates",
        format!(
            "`templates` is {}, not a folder; it was not read",
            kind_of(kind)
        ),
    )
    .with_help("`templates/` must be a folder holding the site's own theme files, or not be there")
}

/// What reading a tree, or a part of one, found.
#[derive(Default)]
struct Read {
    files: BTreeMap<String, Bytes>,
    unread: BTreeSet<String>,
    problems: Vec<Diagnostic>,
    looks: BTreeMap<String, Seen>,
}

impl Read {
    fn refuse(&mut self, rel: String, problem: Diagnostic) {
        self.problems.push(problem);
        self.unread.insert(rel);
    }
}

/// A tree (`content` or `templates`) with its real place on disk, to tell whether a link
/// leads inside it.
struct Tree<'a> {
    name: &'a str,
    canonical: PathBuf,
}

impl<'a> Tree<'a> {
    fn new(root: &'a Path, name: &'a str) -> Self {
        let base = root.join(name);
        let canonical = base.canonicalize().unwrap_or(base);
        Tree { name, canonical }
    }

    /// `target`, a real path inside the tree, as messages name it (`content/guides/other`).
    fn shown(&self, target: &Path) -> String {
        match target.strip_prefix(&self.canonical) {
            Ok(rest) if rest.as_os_str().is_empty() => self.name.to_string(),
            Ok(rest) => format!("{}/{}", self.name, display_path(Path::new(""), rest)),
            Err(_) => target.display().to_string(),
        }
    }

    /// The most a file at `rel` may hold.
    fn limit(&self, rel: &str) -> u64 {
        let text = match self.name {
            "templates" => !rel.starts_with("templates/assets/"),
            _ => crate::content::names::is_text(rel),
        };
        if text { TEXT_LIMIT } else { FILE_LIMIT }
    }
}

/// What is at one path, not yet followed: the file to read (itself, or what a link inside the
/// tree leads to), or why nothing is read there. Folders are not looked at here.
enum Found {
    File(PathBuf),
    Refused(Diagnostic),
}

/// Looks at `full` (shown as `rel`), of type `kind` as the folder listing says (a link not
/// followed). Only ordinary files are read: a pipe or a device would never end (`/dev/zero`),
/// and a link must lead to an ordinary file inside the tree.
fn examine(tree: &Tree, rel: &str, full: &Path, kind: std::fs::FileType) -> Found {
    if kind.is_file() {
        return Found::File(full.to_path_buf());
    }
    if !kind.is_symlink() {
        return Found::Refused(not_a_file(rel, tree.name, kind));
    }
    match full.canonicalize() {
        Ok(target) if !target.starts_with(&tree.canonical) => {
            Found::Refused(outside(rel.to_string(), tree.name, target.is_dir()))
        }
        Ok(target) => match std::fs::metadata(&target) {
            Ok(meta) if meta.is_file() => Found::File(target),
            Ok(meta) if meta.is_dir() => Found::Refused(
                Diagnostic::file(
                    rel,
                    format!(
                        "this is a link to the folder `{}`; linked folders are not read",
                        tree.shown(&target)
                    ),
                )
                .with_help(
                    "move or copy the folder here instead of linking to it: one folder cannot be in two places on the site",
                ),
            ),
            Ok(meta) => Found::Refused(
                Diagnostic::file(
                    rel,
                    format!(
                        "this is a link to `{}`, which is {}, not a file; it was not read",
                        tree.shown(&target),
                        kind_of(meta.file_type())
                    ),
                )
                .with_help(format!(
                    "remove the link and `{}`: `{}/` holds only files and folders",
                    tree.shown(&target),
                    tree.name
                )),
            ),
            Err(err) => Found::Refused(cannot_read(rel, &err)),
        },
        Err(err) => Found::Refused(broken_link(rel, full, &err)),
    }
}

/// Reads the ordinary file at `path` (shown as `rel`), at most `limit` bytes. It is opened
/// without waiting, and checked again once open: a file swapped for a pipe meanwhile is
/// refused rather than waited on.
/// The file's bytes, and how it looked when it was opened (before it was read: a change made
/// while it is read changes its look too).
fn read_file(
    rel: &str,
    tree_name: &str,
    path: &Path,
    limit: u64,
) -> Result<(Vec<u8>, Option<Seen>), Diagnostic> {
    use std::io::Read as _;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path).map_err(|err| cannot_read(rel, &err))?;
    let meta = file.metadata().map_err(|err| cannot_read(rel, &err))?;
    if !meta.is_file() {
        return Err(not_a_file(rel, tree_name, meta.file_type()));
    }
    if meta.len() > limit {
        return Err(too_big(rel, meta.len(), limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| cannot_read(rel, &err))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(rel, bytes.len() as u64, limit));
    }
    Ok((bytes, Seen::of(&meta)))
}

/// Reads every file under `root/dir`, a folder of the tree `tree` (`content` or `templates`),
/// skipping hidden files and folders (editor and OS litter). Nothing is read that leads, through
/// a link, outside `tree/` (not a linked file, not a linked folder, also when `dir` is one), nor
/// anything but ordinary files.
fn read_tree(root: &Path, tree: &str, dir: &str) -> Read {
    // Looks taken after this are trusted only if older than the disk's clock's tick then.
    let started = std::time::SystemTime::now();
    let tree = Tree::new(root, tree);
    let (paths, mut read) = list_tree(root, &tree, dir);
    let results: Vec<_> = paths
        .into_par_iter()
        .map(|(rel, path)| {
            let read = read_file(&rel, tree.name, &path, tree.limit(&rel));
            (rel, read)
        })
        .collect();
    for (rel, result) in results {
        match result {
            Ok((bytes, look)) => {
                if let Some(look) = look {
                    read.looks.insert(rel.clone(), look);
                }
                read.files.insert(rel, bytes.into());
            }
            Err(problem) => read.refuse(rel, problem),
        }
    }
    read.looks.retain(|_, look| look.settled(started));
    read
}

/// The files under `root/dir`, a folder of `tree`, that `read_tree` reads (by their path from
/// the site's folder, and where to read them), and what it refuses.
fn list_tree(root: &Path, tree: &Tree, dir: &str) -> (Vec<(String, PathBuf)>, Read) {
    let base = root.join(dir);
    let mut read = Read::default();
    if !base
        .canonicalize()
        .is_ok_and(|b| b.starts_with(&tree.canonical))
    {
        read.refuse(dir.to_string(), outside(dir.to_string(), tree.name, true));
        return (Vec::new(), read);
    }
    let mut paths = Vec::new();
    for met in walk(root, tree, &base) {
        match met {
            Met::File(rel, path) => paths.push((rel, path)),
            Met::Folder(rel, look) => {
                if let Some(look) = look {
                    read.looks.insert(rel, look);
                }
            }
            Met::Refused(rel, problem) => read.refuse(rel, problem),
            Met::Problem(problem) => read.problems.push(problem),
        }
    }
    (paths, read)
}

/// What walking a tree meets: a file to read (by its path from the site's folder, and where to
/// read it), one refused, a folder that could not be read, or a folder's look before it was
/// read (by its path with a `/` after it).
enum Met {
    File(String, PathBuf),
    Folder(String, Option<Seen>),
    Refused(String, Diagnostic),
    Problem(Diagnostic),
}

/// Walks the folder `dir` of `tree`, its sub-folders in parallel (a large site has thousands),
/// leaving out editors' litter and following no link. What it meets comes in the order of a
/// walk by sorted names, so the messages do not change order from one run to the next.
fn walk(root: &Path, tree: &Tree, dir: &Path) -> Vec<Met> {
    let problem = |path: &Path, err: &std::io::Error| {
        Met::Problem(cannot_read(&display_path(root, path), err))
    };
    // Looked at before it is listed: a name that comes while it is read changes its look.
    let look = std::fs::metadata(dir)
        .ok()
        .and_then(|m| Seen::of_folder(&m));
    let mut found = vec![Met::Folder(format!("{}/", display_path(root, dir)), look)];
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => return vec![problem(dir, &err)],
    };
    let mut entries: Vec<std::fs::DirEntry> = entries
        .filter_map(|entry| entry.map_err(|err| found.push(problem(dir, &err))).ok())
        .filter(|entry| !is_editor_litter(&entry.file_name().to_string_lossy()))
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    let inside: Vec<Met> = entries
        .par_iter()
        .flat_map_iter(|entry| {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => walk(root, tree, &path),
                Ok(kind) => {
                    let rel = display_path(root, &path);
                    vec![match examine(tree, &rel, &path, kind) {
                        Found::File(file) => Met::File(rel, file),
                        Found::Refused(why) => Met::Refused(rel, why),
                    }]
                }
                Err(err) => vec![problem(&path, &err)],
            }
        })
        .collect();
    found.extend(inside);
    found
}

/// Reads the one path `rel` of the tree `tree` that a watcher named, not a folder, by the rules
/// of a whole read: the folder holding it must lead inside the tree, and it must be an ordinary
/// file or a link to one inside the tree. A link made while serve runs, to a file or through a
/// linked folder, is refused the same way.
fn read_one(
    root: &Path,
    tree: &str,
    rel: &str,
    kind: std::fs::FileType,
) -> Result<(Vec<u8>, Option<Seen>), Diagnostic> {
    let tree = Tree::new(root, tree);
    let full = root.join(rel);
    let parent_inside = full
        .parent()
        .and_then(|p| p.canonicalize().ok())
        .is_some_and(|p| p.starts_with(&tree.canonical));
    if !parent_inside {
        return Err(outside(rel.to_string(), tree.name, false));
    }
    match examine(&tree, rel, &full, kind) {
        Found::File(path) => read_file(rel, tree.name, &path, tree.limit(rel)),
        Found::Refused(problem) => Err(problem),
    }
}

/// The problem with a file under `dir/` that is, or lies in a folder that is, a link to
/// something outside `dir/`: it is never read, by a build or by serve.
/// `folder` when what it leads to is a folder.
fn outside(rel: String, dir: &str, folder: bool) -> Diagnostic {
    let what = if folder { "folder" } else { "file" };
    Diagnostic::file(
        rel,
        format!("this is a link to something outside `{dir}/`; it was not read"),
    )
    .with_help(format!(
        "copy the {what} into `{dir}/` instead of linking to it"
    ))
}

/// What a thing that is neither a file nor a folder is, in plain words.
fn kind_of(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    if kind.is_file() {
        "a file"
    } else {
        "not an ordinary file"
    }
}

/// A pipe, socket or device in the tree: reading one could wait forever or never end.
fn not_a_file(rel: &str, tree: &str, kind: std::fs::FileType) -> Diagnostic {
    Diagnostic::file(
        rel,
        format!("this is {}, not a file; it was not read", kind_of(kind)),
    )
    .with_help(format!("remove it: `{tree}/` holds only files and folders"))
}

/// A file that is there but cannot be read.
fn cannot_read(rel: &str, err: &std::io::Error) -> Diagnostic {
    let reason = match err.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::NotFound => "it was removed while handout was reading".to_string(),
        _ => err.to_string(),
    };
    Diagnostic::file(rel, format!("this cannot be read ({reason})")).with_help(
        "check its permissions: handout must be allowed to read it (or move it out of the site's folder)",
    )
}

/// A link whose target cannot be reached: it points to nothing, or loops back on itself.
fn broken_link(rel: &str, full: &Path, err: &std::io::Error) -> Diagnostic {
    // As written in the link, which is what `ls -l` shows.
    let written = std::fs::read_link(full)
        .map(|t| t.to_string_lossy().into_owned())
        .unwrap_or_default();
    let help = "remove the link, and put the file itself here if it is needed";
    match link_end(full) {
        LinkEnd::Missing => Diagnostic::file(
            rel,
            format!("this link points to nothing (its target `{written}` does not exist)"),
        ),
        LinkEnd::Loop => Diagnostic::file(
            rel,
            format!(
                "this link loops back on itself (its target is `{written}`), so it leads to no file"
            ),
        ),
        LinkEnd::Other => Diagnostic::file(rel, format!("this link cannot be followed ({err})")),
    }
    .with_help(help)
}

/// Where following a link that cannot be resolved ends.
enum LinkEnd {
    /// At a name that does not exist.
    Missing,
    /// Back at a link already followed (or after more links than a system follows).
    Loop,
    /// Somewhere else (a folder on the way that cannot be read, ...).
    Other,
}

/// Follows the link at `path` one step at a time, to say why it leads nowhere.
fn link_end(path: &Path) -> LinkEnd {
    // Linux gives up after 40 links in a row.
    const MOST_LINKS: usize = 40;
    let mut current = path.to_path_buf();
    let mut seen = BTreeSet::new();
    loop {
        match std::fs::symlink_metadata(&current) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return LinkEnd::Missing,
            Ok(meta) if meta.file_type().is_symlink() => {}
            _ => return LinkEnd::Other,
        }
        if !seen.insert(current.clone()) || seen.len() > MOST_LINKS {
            return LinkEnd::Loop;
        }
        let Ok(target) = std::fs::read_link(&current) else {
            return LinkEnd::Other;
        };
        current = match current.parent() {
            Some(dir) => dir.join(target),
            None => target,
        };
    }
}

/// A file bigger than `limit`.
fn too_big(rel: &str, size: u64, limit: u64) -> Diagnostic {
    let text = limit == TEXT_LIMIT;
    Diagnostic::file(
        rel,
        format!(
            "this file is {}, more than the {} a {} may be; it was not read",
            shown_size(size),
            shown_size(limit),
            if text { "text file" } else { "file on the site" }
        ),
    )
    .with_help(if text {
        "a step or settings file is a few thousand bytes of text: check that this is the file you meant to save here"
    } else {
        "a photo: save a smaller copy (a few MB is plenty on screen and on paper); a video: put it on a video site and link to it"
    })
}

/// A size in the units people know: `3.2 GB`, `12 MB`, `900 KB`.
fn shown_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            let tenths = bytes * 10 / unit;
            return match tenths % 10 {
                0 => format!("{} {name}", tenths / 10),
                d => format!("{}.{d} {name}", tenths / 10),
            };
        }
    }
    format!("{bytes} bytes")
}

/// A path relative to the site root with `/` separators, as shown in messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Brings the loaded site up to date with the files at `paths` (relative to the site root, as
/// a watcher reports them): each is re-read, or dropped if it is gone. A folder is re-read whole,
/// since a new or moved folder arrives as one event. Returns the files that are new, changed
/// or gone (relative to the site root), so that re-reading a whole folder names only what
/// differs.
pub fn refresh(site: &mut LoadedSite, paths: &[String]) -> Vec<String> {
    let mut changed = Vec::new();
    for rel in paths {
        // Problems reading this path before are re-judged now.
        let under = format!("{rel}/");
        let about = |d: &Diagnostic| d.file == *rel || d.file.starts_with(&under);
        let old_problems: Vec<Diagnostic> =
            site.problems.iter().filter(|d| about(d)).cloned().collect();
        site.problems.retain(|d| !about(d));
        let (tree, key) = match rel.split_once('/') {
            Some(("content", _)) => ("content", rel.clone()),
            Some(("templates", rest)) => ("templates", rest.to_string()),
            _ if rel == "content" || rel == "templates" => (rel.as_str(), String::new()),
            _ => continue,
        };
        let map = if tree == "content" {
            &mut site.content
        } else {
            &mut site.templates
        };
        let full = site.root.join(rel);
        // Take out what was known at or under this path; then read what is there now.
        let prefix = if key.is_empty() {
            String::new()
        } else {
            format!("{key}/")
        };
        // A key of `map` as a path from the site's folder.
        let root_relative = |k: &str| match tree {
            "templates" => format!("templates/{k}"),
            _ => k.to_string(),
        };
        let mut removed: BTreeMap<String, Bytes> = BTreeMap::new();
        // The path itself, then what is under it: a range of the sorted keys, not a scan.
        let keys: Vec<String> = std::iter::once(&key)
            .filter(|k| map.contains_key(*k))
            .chain(
                map.range::<str, _>((
                    std::ops::Bound::Included(prefix.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .map(|(k, _)| k)
                .take_while(|k| k.starts_with(&prefix)),
            )
            .cloned()
            .collect();
        for k in keys {
            if let Some(v) = map.remove(&k) {
                site.looks.remove(&root_relative(&k));
                removed.insert(k, v);
            }
        }
        if tree == "content" {
            let under_rel = format!("{rel}/");
            site.unread
                .retain(|p| p != rel && !p.starts_with(&under_rel));
        }
        let mut now: BTreeMap<String, Bytes> = BTreeMap::new();
        // Looked at as the folder listing shows it: a link is not followed before it is judged.
        let kind = std::fs::symlink_metadata(&full).map(|m| m.file_type());
        // The tree's own folder may be a link to the shelter's folder elsewhere, as at the start.
        let tree_folder = rel == tree;
        let read = match kind {
            Err(_) => None,
            Ok(_) if is_hidden(rel) => None,
            Ok(kind) if kind.is_dir() || (tree_folder && full.is_dir()) => {
                Some(read_tree(&site.root, tree, rel))
            }
            Ok(_) if tree_folder => {
                let mut read = Read::default();
                match std::fs::metadata(&full) {
                    Ok(meta) if tree == "templates" => {
                        read.problems.push(not_a_templates_folder(meta.file_type()))
                    }
                    Ok(meta) => read.problems.push(
                        Diagnostic::file(
                            "content",
                            format!("`content` is {}, not a folder", kind_of(meta.file_type())),
                        )
                        .with_help("`content/` must be a folder holding site.yaml and guides/"),
                    ),
                    Err(err) => read.problems.push(broken_link(rel, &full, &err)),
                }
                Some(read)
            }
            Ok(kind) => {
                let mut read = Read::default();
                match read_one(&site.root, tree, rel, kind) {
                    Ok((bytes, look)) => {
                        if let Some(look) = look {
                            read.looks.insert(rel.clone(), look);
                        }
                        read.files.insert(rel.clone(), bytes.into());
                    }
                    Err(problem) => read.refuse(rel.clone(), problem),
                }
                Some(read)
            }
        };
        if let Some(read) = read {
            site.looks.extend(read.looks);
            for (k, v) in read.files {
                let k = if tree == "templates" {
                    k["templates/".len()..].to_string()
                } else {
                    k
                };
                now.insert(k, v);
            }
            if tree == "content" {
                site.unread.extend(read.unread);
            }
            site.problems.extend(read.problems);
        }
        // Saving a file unchanged, or an editor's probe file coming and going, changes nothing.
        changed.extend(
            removed
                .iter()
                .filter(|(k, v)| now.get(*k) != Some(*v))
                .map(|(k, _)| root_relative(k)),
        );
        changed.extend(
            now.keys()
                .filter(|k| !removed.contains_key(*k))
                .map(|k| root_relative(k)),
        );
        map.extend(now);
        // A file refused now (a link out of the tree) or no longer refused changes what the
        // site reports, though no file it reads has changed.
        let new_problems: Vec<&Diagnostic> = site.problems.iter().filter(|d| about(d)).collect();
        if new_problems.len() != old_problems.len()
            || new_problems
                .iter()
                .zip(&old_problems)
                .any(|(a, b)| a.message != b.message)
        {
            changed.push(rel.clone());
        }
    }
    changed.sort();
    changed.dedup();
    changed
}

fn is_hidden(rel: &str) -> bool {
    rel.split('/').any(is_editor_litter)
}
