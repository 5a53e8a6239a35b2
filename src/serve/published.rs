//! The last build's site on disk, for the seconds `serve` needs to build its own: answered
//! from while every source looks as it did when that build read it (`load::looks` against the
//! build's record), so a large site's first page shows at once. Only files the record lists
//! are read, each only while it still looks as the build left it, so nothing else on disk
//! (a link put there, a file changed since) is ever served.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use foldhash::HashMap;

use crate::content::digest::Digest;
use crate::seen::Seen;

pub struct Published {
    dir: PathBuf,
    /// The site's files, as they looked when the build ended.
    files: HashMap<crate::output::state::Path, Seen>,
    /// How the sources looked, then and when serve started.
    sources: BTreeMap<String, Seen>,
}

impl Published {
    /// The site last built into `output` from the site at `root`, if that build was made with
    /// `shaping` (`BuildOptions::shaping`: what serve would make) and no source has changed,
    /// come or gone since.
    pub fn current(root: &Path, output: &Path, shaping: &str) -> Option<Published> {
        let (dir, state) = crate::output::write::last_record(output)?;
        if state.sources.options != Digest::of(shaping.as_bytes()) {
            return None;
        }
        // Every source and folder the build read, looked at again: a file changed changes
        // its own look, one added, removed or renamed its folder's. Nothing is listed.
        let same = state
            .changed_since(root)
            .is_some_and(|changed| changed.is_empty());
        same.then_some(Published {
            dir,
            files: state.outputs,
            sources: state.looks,
        })
    }

    /// Whether a site read with these looks (`LoadedSite::looks`) was read from the sources
    /// this site was built from: pages shown from it need not reload when serve's own site
    /// takes its place.
    pub fn built_from(&self, looks: &BTreeMap<String, Seen>) -> bool {
        self.sources == *looks
    }

    /// The bytes of the site's file at `path`, if the build wrote it and it still looks as
    /// the build left it.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        let recorded = self.files.get(path)?;
        let mut file = std::fs::File::open(self.dir.join(path)).ok()?;
        // Looked at once open: what is read is the file looked at, whatever the path leads
        // to meanwhile.
        if Seen::of(&file.metadata().ok()?) != Some(*recorded) {
            return None;
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).ok()?;
        // Changed while it was read: not the build's file any more.
        let after = Seen::of(&file.metadata().ok()?);
        (after == Some(*recorded)).then_some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::Published;
    use crate::pipeline::{BuildOptions, build};
    use std::path::Path;

    fn options(root: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            output: None,
            base_url: None,
            paper: None,
            pdf: false,
            progress: false,
        }
    }

    /// A small site built into its public/, and what serve would make of it.
    fn built() -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        crate::synthetic::write_site(dir.path(), 2, 3, 1).unwrap();
        // Files just written are read again next time rather than trusted by their looks.
        std::thread::sleep(crate::seen::SETTLED_FINE * 2);
        build(&options(dir.path())).unwrap();
        let shaping = options(dir.path()).shaping();
        (dir, shaping)
    }

    fn current(root: &Path, shaping: &str) -> Option<Published> {
        Published::current(root, &root.join("public"), shaping)
    }

    #[test]
    fn the_last_build_is_served_while_its_sources_are_as_it_read_them() {
        let (dir, shaping) = built();
        let root = dir.path();
        let published = current(root, &shaping).expect("a build just made is current");
        let index = std::fs::read(root.join("public/index.html")).unwrap();
        assert_eq!(published.read("index.html"), Some(index));
        assert_eq!(published.read("no-such-page.html"), None);
        // Other options, or another handout, would make other pages.
        let other = BuildOptions {
            base_url: Some("https://x.example/".into()),
            ..options(root)
        };
        assert!(current(root, &other.shaping()).is_none());
    }

    #[test]
    fn a_source_edited_added_or_removed_since_the_build_is_seen() {
        let step = "content/guides/guide-00001/steps/02-step-2.md";
        for change in ["edit", "add", "add-step", "remove", "template"] {
            let (dir, shaping) = built();
            let root = dir.path();
            match change {
                "edit" => {
                    let text = std::fs::read_to_string(root.join(step)).unwrap();
                    std::fs::write(root.join(step), text + "\nOne more line.\n").unwrap();
                }
                "add" => std::fs::write(root.join("content/notes.md"), "new").unwrap(),
                "add-step" => {
                    let new = "content/guides/guide-00000/steps/09-new.md";
                    std::fs::write(root.join(new), "---\ntitle: New\ndone_when: Done\n---\n")
                        .unwrap();
                }
                "remove" => std::fs::remove_file(root.join(step)).unwrap(),
                _ => {
                    std::fs::create_dir(root.join("templates")).unwrap();
                    std::fs::write(root.join("templates/extra.css"), "p{}").unwrap();
                }
            }
            assert!(current(root, &shaping).is_none(), "{change}");
        }
    }

    #[test]
    fn only_the_builds_own_files_as_it_left_them_are_read() {
        let (dir, shaping) = built();
        let root = dir.path();
        let published = current(root, &shaping).unwrap();
        // A file put into the output, a link out of it, a page changed or replaced by a link.
        std::fs::write(root.join("public/extra.html"), "<p>not built</p>").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("public/passwd.html")).unwrap();
        let page = root.join("public/404.html");
        std::fs::write(root.join("public/index.html"), "changed").unwrap();
        std::fs::remove_file(&page).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", &page).unwrap();
        for path in ["extra.html", "passwd.html", "index.html", "404.html"] {
            assert_eq!(published.read(path), None, "{path}");
        }
        let style = std::fs::read_dir(root.join("public/assets"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.ends_with(".css"))
            .unwrap();
        assert!(published.read(&format!("assets/{style}")).is_some());
    }
}
