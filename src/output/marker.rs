//! The mark handout leaves in its output folder, `.handout-output`: a few words for whoever
//! opens it, then the list of every file the build wrote there. A build replaces a folder only
//! when it holds nothing but the files on that list, so a mark copied along with the site into
//! someone's own folder (`rsync -a public/ blog/`) does not make that folder handout's.
//! This module only makes and reads the text; `write.rs` does the reading and writing.

// Thousands of paths on every build: a fast hash, as no one chooses them to collide.
use foldhash::{HashSet, HashSetExt};

/// The mark's file name, at the top of the output folder.
pub const MARKER: &str = ".handout-output";

const HEADER: &str = "This folder is written by handout. The next `handout build` replaces it whole, and only\n\
if it holds nothing but the files listed below: keep your own files elsewhere.\n";

const COUNT_LINE: &str = "files written: ";
const END_LINE: &str = "end of list";

/// The mark of a staging folder still being written: handout's, but with no list yet, so it is
/// never mistaken for a finished site.
pub fn unfinished() -> String {
    HEADER.to_string()
}

/// The mark of a finished site that holds `files` (relative, `/`-separated paths), sorted so the
/// same site always gives the same bytes. The count and the closing line let a reader tell a
/// whole list from one cut short.
pub fn finished(files: &[String]) -> String {
    let mut sorted: Vec<&String> = files.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut text = format!("{HEADER}\n{COUNT_LINE}{}\n", sorted.len());
    for file in sorted {
        text.push_str(&escape(file));
        text.push('\n');
    }
    text.push_str(END_LINE);
    text.push('\n');
    text
}

/// What a mark says.
#[derive(Debug, PartialEq, Eq)]
pub enum Mark {
    /// A finished site's list of files.
    Listed(HashSet<String>),
    /// A mark with no whole list: a staging folder still being written, an older handout's
    /// mark, or a damaged one.
    Unlisted,
}

/// Reads a mark. A list with a path that could lead outside the folder (`..`, `/` at the start,
/// an empty part) is a damaged list, so no list at all. (Files are only ever removed by walking
/// the folder and looking each one up in the list, never by joining a listed name to a path.)
pub fn read(text: &str) -> Mark {
    let Some((_, after)) = text.split_once(&format!("\n{COUNT_LINE}")) else {
        return Mark::Unlisted;
    };
    let mut lines = after.split('\n');
    let Some(count) = lines.next().and_then(|n| n.parse::<usize>().ok()) else {
        return Mark::Unlisted;
    };
    // The count is only trusted as far as the text could hold that many lines.
    let mut files = HashSet::with_capacity(count.min(after.len() / 2));
    for _ in 0..count {
        match lines.next().and_then(unescape) {
            Some(file) if is_inside(&file) => {
                files.insert(file);
            }
            _ => return Mark::Unlisted,
        }
    }
    match (lines.next(), files.len() == count) {
        (Some(END_LINE), true) => Mark::Listed(files),
        _ => Mark::Unlisted,
    }
}

/// Whether a mark's text ends as a finished site's does, without reading its list: enough to
/// know a folder was left whole by a build (`read` tells a damaged list).
pub fn ends_finished(text: &[u8]) -> bool {
    text.strip_suffix(b"\n")
        .is_some_and(|t| t.ends_with(format!("\n{END_LINE}").as_bytes()))
}

/// A relative path that stays inside the folder it is relative to.
pub(crate) fn is_inside(path: &str) -> bool {
    !path.is_empty()
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// One path a line: a backslash, line break or carriage return in a name is written as an escape
/// (also in the build's record, `state.rs`). Most names have none, and are returned as they are.
pub(crate) fn escape(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.contains(['\\', '\n', '\r']) {
        return path.into();
    }
    let mut out = String::with_capacity(path.len() + 2);
    for c in path.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.into()
}

pub(crate) fn unescape(line: &str) -> Option<String> {
    if !line.contains(['\\', '\r']) {
        return Some(line.to_string());
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                '\\' => out.push('\\'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                _ => return None,
            },
            '\r' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(files: &[&str]) -> Mark {
        Mark::Listed(files.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn only_a_finished_mark_ends_as_one() {
        let text = finished(&["index.html".to_string()]);
        assert!(ends_finished(text.as_bytes()));
        assert!(!ends_finished(unfinished().as_bytes()));
        assert!(!ends_finished(&text.as_bytes()[..text.len() - 1]));
        assert!(!ends_finished(b"end of list\n"));
    }

    #[test]
    fn a_finished_mark_reads_back_as_its_files_in_a_fixed_order() {
        let files = vec!["index.html".to_string(), "assets/style.css".to_string()];
        let text = finished(&files);
        assert!(text.starts_with("This folder is written by handout."));
        assert!(
            text.ends_with("files written: 2\nassets/style.css\nindex.html\nend of list\n"),
            "{text}"
        );
        assert_eq!(read(&text), listed(&["index.html", "assets/style.css"]));
        let reversed = vec![files[1].clone(), files[0].clone()];
        assert_eq!(finished(&reversed), text);
    }

    #[test]
    fn odd_names_survive_the_list() {
        let odd = "guides/a\\b\nc\r.svg".to_string();
        assert_eq!(read(&finished(std::slice::from_ref(&odd))), listed(&[&odd]));
    }

    #[test]
    fn an_unfinished_cut_short_or_older_mark_has_no_list() {
        assert_eq!(read(&unfinished()), Mark::Unlisted);
        // The text of handout's marks before they held a list.
        assert_eq!(
            read(
                "This folder is written by handout. The next `handout build` replaces it whole:\nkeep your own files elsewhere.\n"
            ),
            Mark::Unlisted
        );
        let whole = finished(&["a.html".into(), "b.html".into()]);
        let cut = whole.strip_suffix("end of list\n").unwrap();
        assert_eq!(read(cut), Mark::Unlisted);
        let fewer = whole.replace("b.html\n", "");
        assert_eq!(read(&fewer), Mark::Unlisted);
        assert_eq!(read(""), Mark::Unlisted);
    }

    #[test]
    fn a_list_naming_a_path_outside_the_folder_is_no_list() {
        for bad in [
            "../blog/index.html",
            "/etc/passwd",
            "a//b",
            "./a",
            "a/..",
            "",
        ] {
            let text = format!("{HEADER}\n{COUNT_LINE}1\n{}\n{END_LINE}\n", escape(bad));
            assert_eq!(read(&text), Mark::Unlisted, "{bad:?}");
        }
    }
}
