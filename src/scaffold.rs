//! Making new content: `handout init` (a new site), `handout new guide` and `handout new step`.
//! These commands only ever create files (and rename step files to make room); they never
//! overwrite one.

use std::fs;
use std::path::{Path, PathBuf};

use crate::content::markdown::slugify;
use crate::diagnostic::Diagnostic;

/// The files of a new site, by path inside it.
const NEW_SITE: &[(&str, &str)] = &[
    (
        "content/site.yaml",
        include_str!("../scaffold/content/site.yaml"),
    ),
    (
        "content/guides/welcome-home/guide.yaml",
        include_str!("../scaffold/content/guides/welcome-home/guide.yaml"),
    ),
    (
        "content/guides/welcome-home/steps/01-set-up-a-quiet-room.md",
        include_str!("../scaffold/content/guides/welcome-home/steps/01-set-up-a-quiet-room.md"),
    ),
    (
        "content/guides/welcome-home/steps/02-open-up-the-home.md",
        include_str!("../scaffold/content/guides/welcome-home/steps/02-open-up-the-home.md"),
    ),
    (".gitignore", include_str!("../scaffold/gitignore")),
];

/// Makes a new site in `dir`, which must not exist yet or be empty. Returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let shown = dir.display().to_string();
    if dir.exists() {
        let empty = fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Diagnostic::file(
                &shown,
                "this folder is not empty, so no new site was made in it",
            )
            .with_help("choose a new folder name: handout init my-shelter"));
        }
    }
    let mut written = Vec::new();
    for (path, text) in NEW_SITE {
        written.push(create(&dir.join(path), text)?);
    }
    Ok(written)
}

/// Adds a guide folder with a `guide.yaml` and a first step, both ready to fill in.
pub fn new_guide(root: &Path, slug: &str) -> Result<Vec<PathBuf>, Diagnostic> {
    if slugify(slug) != slug {
        return Err(Diagnostic::file(
            slug,
            "a guide's name must be lower-case words joined by hyphens",
        )
        .with_help(format!("for example: handout new guide {}", slugify(slug))));
    }
    let folder = guides_dir(root)?.join(slug);
    if folder.exists() {
        return Err(
            Diagnostic::file(folder.display().to_string(), "this guide already exists")
                .with_help("add a step to it with: handout new step GUIDE \"Step title\""),
        );
    }
    let title = {
        let words = slug.replace('-', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
    };
    let guide = format!(
        "title: {title}\nsummary: >-\n  One or two sentences about what this guide helps an adopter do.\nspecies: cat\ntime_needed: A few days\nintro: |\n  Why this matters, and who this guide is for.\nbefore_you_start:\n  - Something to check first.\nsupplies:\n  - Something you need.\ntips:\n  - A tip.\nsafety:\n  - A safety rule.\n"
    );
    Ok(vec![
        create(&folder.join("guide.yaml"), &guide)?,
        create(
            &folder.join("steps/01-first-step.md"),
            &step_text("First step"),
        )?,
    ])
}

/// Adds a step to `guide`: at the end, or at position `at` (1 = first), renumbering the step
/// files after it. Step pages are named by the words after the number, so renumbering changes
/// no page's address.
pub fn new_step(
    root: &Path,
    guide: &str,
    title: &str,
    at: Option<usize>,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let steps_dir = guides_dir(root)?.join(guide).join("steps");
    if !steps_dir.parent().is_some_and(Path::is_dir) {
        return Err(Diagnostic::file(
            steps_dir.display().to_string(),
            format!("there is no guide `{guide}`"),
        )
        .with_help(format!("make it first with: handout new guide {guide}")));
    }
    let slug = slugify(title);
    let mut steps: Vec<(usize, String)> = fs::read_dir(&steps_dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let (n, _) = name.strip_suffix(".md")?.split_once('-')?;
                    Some((n.parse().ok()?, name))
                })
                .collect()
        })
        .unwrap_or_default();
    steps.sort();
    if steps.iter().any(|(_, name)| {
        name.split_once('-')
            .is_some_and(|(_, rest)| rest == format!("{slug}.md"))
    }) {
        return Err(Diagnostic::file(
            steps_dir.display().to_string(),
            format!("this guide already has a step named `{slug}`"),
        )
        .with_help("give the new step a different title"));
    }
    let count = steps.len();
    let position = at.unwrap_or(count + 1).clamp(1, count + 1);
    // Make room: from the last step down, so no rename lands on an existing file.
    for (i, (_, name)) in steps.iter().enumerate().rev() {
        let number = i + 1;
        let wanted = if number >= position {
            number + 1
        } else {
            number
        };
        let rest = name.split_once('-').map_or(name.as_str(), |(_, r)| r);
        let new_name = format!("{wanted:02}-{rest}");
        if new_name != *name {
            let (from, to) = (steps_dir.join(name), steps_dir.join(&new_name));
            if to.exists() {
                return Err(Diagnostic::file(
                    to.display().to_string(),
                    "cannot renumber: a file of this name is in the way",
                ));
            }
            fs::rename(&from, &to).map_err(|e| {
                Diagnostic::file(from.display().to_string(), format!("cannot rename: {e}"))
            })?;
        }
    }
    let path = steps_dir.join(format!("{position:02}-{slug}.md"));
    Ok(vec![create(&path, &step_text(title))?])
}

fn step_text(title: &str) -> String {
    let title = title.replace('"', "'");
    format!(
        "---\ntitle: \"{title}\"\ndone_when: Write what the adopter will see when it is time to move on.\n---\nWhat to do in this step, in a few short paragraphs.\n"
    )
}

fn guides_dir(root: &Path) -> Result<PathBuf, Diagnostic> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(Diagnostic::file(
            root.display().to_string(),
            "there is no `content/` folder here",
        )
        .with_help(
            "run this in your site's folder, or make a new site with: handout init FOLDER",
        ));
    }
    Ok(content.join("guides"))
}

/// Writes a new file, refusing to replace one.
fn create(path: &Path, text: &str) -> Result<PathBuf, Diagnostic> {
    let shown = path.display().to_string();
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::file(&shown, format!("cannot create its folder: {e}")))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Diagnostic::file(&shown, format!("cannot create: {e}")))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| Diagnostic::file(&shown, format!("cannot write: {e}")))?;
    Ok(path.to_path_buf())
}
