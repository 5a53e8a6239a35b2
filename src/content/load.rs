//! Reading a site from disk: every file under `content/` and `templates/`, as bytes, keyed by
//! its path relative to the site root. This is the only stage that reads files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::content::names::is_editor_litter;
use crate::diagnostic::Diagnostic;

/// A site's files, read but not yet understood.
#[derive(Debug, Default)]
pub struct LoadedSite {
    pub root: PathBuf,
    /// Files under `content/`, keyed `content/...` with `/` separators.
    pub content: BTreeMap<String, Vec<u8>>,
    /// The site's own theme files, keyed by their path inside `templates/`.
    pub templates: BTreeMap<String, Vec<u8>>,
    /// Files that could not be read.
    pub problems: Vec<Diagnostic>,
}

/// A site folder must hold `content/`.
pub fn check_root(root: &Path) -> Result<(), Diagnostic> {
    match root.join("content").is_dir() {
        true => Ok(()),
        false => Err(Diagnostic::file(
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
    let (content, mut problems) = read_tree(root, "content", "content");
    site.content = content;
    site.problems.append(&mut problems);
    if root.join("templates").is_dir() {
        let (templates, mut problems) = read_tree(root, "templates", "templates");
        site.templates = templates
            .into_iter()
            .map(|(k, v)| (k["templates/".len()..].to_string(), v))
            .collect();
        site.problems.append(&mut problems);
    }
    Ok(site)
}

/// Reads every file under `root/dir`, a folder of the tree `tree` (`content` or `templates`),
/// skipping hidden files and folders (editor and OS litter). Nothing is read that leads, through
/// a link, outside `tree/`: not a linked file, not a linked folder (also when `dir` is one).
fn read_tree(root: &Path, tree: &str, dir: &str) -> (BTreeMap<String, Vec<u8>>, Vec<Diagnostic>) {
    let base = root.join(dir);
    let tree_base = root.join(tree);
    let canonical_base = tree_base.canonicalize().unwrap_or(tree_base);
    let mut paths = Vec::new();
    let mut problems = Vec::new();
    if !base
        .canonicalize()
        .is_ok_and(|b| b.starts_with(&canonical_base))
    {
        problems.push(outside(dir.to_string(), tree));
        return (BTreeMap::new(), problems);
    }
    let walker = WalkDir::new(&base)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_editor_litter(&e.file_name().to_string_lossy()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => {
                let rel = display_path(root, e.path());
                if e.path_is_symlink() {
                    match e.path().canonicalize() {
                        Ok(target) if target.starts_with(&canonical_base) && target.is_file() => {
                            paths.push((rel, e.into_path()))
                        }
                        Ok(target) if target.starts_with(&canonical_base) => {}
                        _ => problems.push(outside(rel, tree)),
                    }
                } else {
                    paths.push((rel, e.into_path()));
                }
            }
            Err(err) => {
                let path = err
                    .path()
                    .map_or_else(|| dir.to_string(), |p| display_path(root, p));
                problems.push(Diagnostic::file(path, format!("cannot be read: {err}")));
            }
        }
    }
    let read: Vec<_> = paths
        .into_par_iter()
        .map(|(rel, path)| (std::fs::read(&path), rel))
        .collect();
    let mut files = BTreeMap::new();
    for (result, rel) in read {
        match result {
            Ok(bytes) => {
                files.insert(rel, bytes);
            }
            Err(err) => problems.push(Diagnostic::file(rel, format!("cannot be read: {err}"))),
        }
    }
    (files, problems)
}

/// The problem with a file under `dir/` that is, or lies in a folder that is, a link to
/// something outside `dir/`: it is never read, by a build or by serve.
fn outside(rel: String, dir: &str) -> Diagnostic {
    Diagnostic::file(
        rel,
        format!("this is a link to something outside `{dir}/`; it was not read"),
    )
    .with_help(format!(
        "copy the file into `{dir}/` instead of linking to it"
    ))
}

/// Reads one file of the tree `dir` (`content` or `templates`) that a watcher named, with the
/// rule a whole read applies: through whatever links, it must lead to a file inside `dir/`.
/// A link made while serve runs, to a file or through a linked folder, is refused the same way.
fn read_inside(root: &Path, dir: &str, rel: &str) -> Result<Vec<u8>, Diagnostic> {
    let base = root.join(dir);
    let canonical_base = base.canonicalize().unwrap_or(base);
    let full = root.join(rel);
    match full.canonicalize() {
        Ok(target) if target.starts_with(&canonical_base) => std::fs::read(&target)
            .map_err(|err| Diagnostic::file(rel.to_string(), format!("cannot be read: {err}"))),
        Ok(_) => Err(outside(rel.to_string(), dir)),
        Err(err) => Err(Diagnostic::file(
            rel.to_string(),
            format!("cannot be read: {err}"),
        )),
    }
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
        let mut removed: BTreeMap<String, Vec<u8>> = BTreeMap::new();
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
                removed.insert(k, v);
            }
        }
        let mut now: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        if full.is_dir() {
            let (files, problems) = read_tree(&site.root, tree, rel);
            for (k, v) in files {
                let k = if tree == "templates" {
                    k["templates/".len()..].to_string()
                } else {
                    k
                };
                now.insert(k, v);
            }
            site.problems.extend(problems);
        } else if full.is_file() && !is_hidden(rel) {
            match read_inside(&site.root, tree, rel) {
                Ok(bytes) => {
                    now.insert(key, bytes);
                }
                Err(problem) => site.problems.push(problem),
            }
        }
        // Saving a file unchanged, or an editor's probe file coming and going, changes nothing.
        let root_relative = |k: &str| match tree {
            "templates" => format!("templates/{k}"),
            _ => k.to_string(),
        };
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
