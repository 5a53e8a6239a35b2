//! Making new content: `handout init` (a new site), `handout new guide` and `handout new step`.
//! These commands create files, and `new step --at N` renames the step files after N (with
//! their translations) and updates the links that name them; they never overwrite a file. File
//! names are read and made by `content::names`, and a guide's files are sorted out by
//! `content::placement`, exactly as the build does, so what they leave builds.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::content::config::MissingTranslation;
use crate::content::links;
use crate::content::load;
use crate::content::names;
use crate::content::placement::{self, GuideFiles, Place};
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

/// What a scaffolding command did, in the order it did it, with paths as the user gave the
/// site's folder (`content/...` when run inside it).
#[derive(Debug, Default)]
pub struct Changes {
    /// Step files moved to a new number: (from, to).
    pub renamed: Vec<(PathBuf, PathBuf)>,
    /// Files whose links to a renamed step were updated (by their name after the renames).
    pub relinked: Vec<PathBuf>,
    pub created: Vec<PathBuf>,
    /// Translations the new step still needs (the guide is published in their languages).
    pub to_translate: Vec<PathBuf>,
    /// What went wrong after the point where the rest could still be taken back.
    pub problems: Vec<Diagnostic>,
}

/// Makes a new site in `dir`, which must not exist yet or be empty.
pub fn init(dir: &Path) -> Result<Changes, Vec<Diagnostic>> {
    let shown = dir.display().to_string();
    if dir.exists() {
        let empty = fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(vec![
                Diagnostic::file(
                    &shown,
                    "this folder is not empty, so no new site was made in it",
                )
                .with_help("choose a new folder name: handout init my-shelter"),
            ]);
        }
    }
    let mut changes = Changes::default();
    for (path, text) in NEW_SITE {
        changes.created.push(create(&dir.join(path), text)?);
    }
    Ok(changes)
}

/// Adds a guide folder with a `guide.yaml` and a first step, both ready to fill in.
pub fn new_guide(root: &Path, slug: &str) -> Result<Changes, Vec<Diagnostic>> {
    if !names::is_slug(slug) {
        let example = match names::slug_of(slug) {
            s if s.is_empty() => "litter-box".to_string(),
            s => s,
        };
        return Err(vec![
            Diagnostic::file(
                slug,
                "a guide's name must be lower-case words joined by hyphens",
            )
            .with_help(format!("for example: handout new guide {example}")),
        ]);
    }
    let folder = guides_dir(root)?.join(slug);
    if folder.exists() {
        return Err(vec![
            Diagnostic::file(shown(root, &folder), "this guide already exists")
                .with_help("add a step to it with: handout new step GUIDE \"Step title\""),
        ]);
    }
    let title = {
        let words = slug.replace('-', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
    };
    // Quoted, so a name like `2024` or `null` stays the title rather than a number or nothing.
    let guide = format!(
        "title: {}\nsummary: >-\n  One or two sentences about what this guide helps an adopter do.\nspecies: cat\ntime_needed: A few days\nintro: |\n  Why this matters, and who this guide is for.\nbefore_you_start:\n  - Something to check first.\nsupplies:\n  - Something you need.\ntips:\n  - A tip.\nsafety:\n  - A safety rule.\n",
        yaml_quoted(&title)
    );
    let first = names::step_file_name(&names::step_stem(1, 0, "first-step"), None);
    let mut changes = Changes::default();
    changes
        .created
        .push(create(&folder.join("guide.yaml"), &guide)?);
    changes.created.push(create(
        &folder.join("steps").join(first),
        &step_text("First step"),
    )?);
    Ok(changes.shown_from(root))
}

/// Adds a step to `guide`: after the last one, or at position `at` (1 = first), moving each
/// step from there on, with its translations, one number up. Step pages are named by the words
/// after the number, so their addresses stay; links written as file names (`03-sniff.md`) are
/// updated. Nothing is changed unless all of it can be.
pub fn new_step(
    root: &Path,
    guide: &str,
    title: &str,
    at: Option<usize>,
) -> Result<Changes, Vec<Diagnostic>> {
    let guides = guides_dir(root)?;
    // Only a guide folder's name: never a path that leads out of `content/guides/`.
    let guide_dir = guides.join(guide);
    if !names::is_slug(guide) || !guide_dir.is_dir() {
        let folder = names::slug_of(guide);
        let help = if !folder.is_empty() && guides.join(&folder).is_dir() {
            format!("a guide is named by its folder: handout new step {folder} \"{title}\"")
        } else if names::is_slug(guide) {
            format!("make it first with: handout new guide {guide}")
        } else {
            "a guide is named by its folder in content/guides/, such as `leash-training`".into()
        };
        return Err(vec![
            Diagnostic::file(
                shown(root, &guide_dir),
                format!("there is no guide `{guide}`"),
            )
            .with_help(help),
        ]);
    }
    let slug = names::new_step_slug(title);
    if slug.is_empty() {
        return Err(vec![Diagnostic::file(
            shown(root, &guide_dir.join("steps")),
            format!("the title {title:?} has no letters a–z or digits, which a step's file and page are named with"),
        )
        .with_help("add a word in Latin letters or a number to the title (you can change the title in the file afterwards; the file name stays)")]);
    }
    if names::step_slug_problem(&slug) == Some(names::SlugProblem::Reserved) {
        return Err(vec![
            Diagnostic::file(
                shown(root, &guide_dir.join("steps")),
                format!("a step cannot be called `{slug}`: the guide has a page of that name"),
            )
            .with_help(format!(
                "add a word to the title, for example \"{title} sheet\""
            )),
        ]);
    }

    let site = load::load(root).map_err(|d| vec![d])?;
    let prefix = format!("{}/", names::guide_folder(guide));
    let steps_prefix = format!("{prefix}steps/");
    let mut files = GuideFiles::default();
    for (path, bytes) in site.content.range(prefix.clone()..) {
        if !path.starts_with(&prefix) {
            break;
        }
        if let Place::Guide(_, part) = placement::place(path) {
            // Every translation moves with its step, whether or not site.yaml lists its language.
            files.add(path, bytes, part, &|_| true);
        }
    }
    for path in site.unread.range(prefix.clone()..) {
        if !path.starts_with(&prefix) {
            break;
        }
        if let Place::Guide(_, part) = placement::place(path) {
            files.add_unread(path, part);
        }
    }
    let (steps, _) = files.lay_out(guide);
    // Numbering a guide whose step names are already wrong, or one of whose step files cannot
    // be read (it could not be renamed with its links), could not keep it whole.
    let problems: Vec<Diagnostic> = files
        .problems
        .iter()
        .chain(&site.problems)
        .filter(|d| d.file.starts_with(&steps_prefix))
        .cloned()
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    if let Some((.., path, _)) = steps.iter().find(|(_, s, ..)| *s == slug) {
        return Err(vec![
            Diagnostic::file(
                *path,
                format!("this guide already has a step named `{slug}`"),
            )
            .with_help("give the new step a different title"),
        ]);
    }
    let count = steps.len();
    let position = at.unwrap_or(count + 1);
    if !(1..=count + 1).contains(&position) {
        return Err(vec![
            Diagnostic::file(
                steps_prefix.trim_end_matches('/'),
                format!(
                    "--at {position} is not a place in this guide, which has {count} step{}",
                    if count == 1 { "" } else { "s" }
                ),
            )
            .with_help(format!(
                "use --at 1 for a new first step, up to --at {} for a new last one (the same as leaving --at out)",
                count + 1
            )),
        ]);
    }
    // One width for the new names, so a guide written `001-` stays so.
    let width = steps
        .iter()
        .filter_map(|(.., path, _)| {
            let stem = names::split_step_file(names::file_name(path))?.0;
            Some(names::parse_step_stem(stem)?.digits.len())
        })
        .max()
        .unwrap_or(0);

    // Each step from `position` on moves one number up, with its translations; from the last
    // down, though with unique step names no new name is another's old one.
    let mut moves: Vec<(String, String)> = Vec::new();
    for (number, step_slug, path, _) in steps.iter().rev() {
        if *number < position {
            continue;
        }
        let old_stem = names::split_step_file(names::file_name(path)).map_or("", |(s, _)| s);
        let new_stem = names::step_stem(number + 1, width, step_slug);
        moves.push((
            (*path).to_string(),
            format!("{steps_prefix}{}", names::step_file_name(&new_stem, None)),
        ));
        for (lang, translation) in &files.translations {
            if let Some((from, _)) = translation.steps.get(old_stem) {
                let to = names::step_file_name(&new_stem, Some(lang));
                moves.push(((*from).to_string(), format!("{steps_prefix}{to}")));
            }
        }
    }
    // The new step, and in each language the guide is published in, the file to translate it
    // into: until it exists the translated pages show the step in the main language, and a site
    // whose settings make that an error gets one to fill in, so that it still builds.
    let stem = names::step_stem(position, width, &slug);
    let mut new_files = vec![format!(
        "{steps_prefix}{}",
        names::step_file_name(&stem, None)
    )];
    let config = site_config(&site);
    let must_translate = config
        .as_ref()
        .is_some_and(|c| c.missing_translation == MissingTranslation::Error);
    let listed = |lang: &str| {
        config
            .as_ref()
            .is_none_or(|c| c.translations.iter().any(|l| l == lang))
    };
    let mut to_translate = Vec::new();
    for (lang, translation) in &files.translations {
        if translation.yaml.is_some() && listed(lang) {
            let path = format!("{steps_prefix}{}", names::step_file_name(&stem, Some(lang)));
            if must_translate {
                new_files.push(path.clone());
            }
            to_translate.push(root.join(path));
        }
    }

    // Nothing is renamed or written onto a file, not even one the build does not read (a
    // hidden draft).
    let leaving: BTreeSet<&str> = moves.iter().map(|(from, _)| from.as_str()).collect();
    let blocked: Vec<Diagnostic> = moves
        .iter()
        .map(|(_, to)| to)
        .chain(&new_files)
        .filter(|to| !leaving.contains(to.as_str()) && root.join(to).exists())
        .map(|to| {
            Diagnostic::file(
                to.clone(),
                "a step file must get this name, but this file is in the way",
            )
            .with_help("move or rename this file, then add the step again")
        })
        .collect();
    if !blocked.is_empty() {
        return Err(blocked);
    }

    // In an order that can be undone until the last step: the updated texts are written beside
    // their files and the new files made, then the steps renamed, and only then the texts put
    // in place (the one step that cannot fail for want of room or a name).
    let relinked = relink(&site.content, &moves);
    let mut undo = Undo::default();
    let fail = |undo: Undo, problem: Diagnostic| Err(undo.run(problem));
    for file in &relinked {
        let temp = temp_beside(&root.join(&file.path));
        if let Err(e) = fs::write(&temp, &file.text) {
            let problem =
                Diagnostic::file(file.path.clone(), format!("cannot update its links: {e}"));
            undo.written.push(temp);
            return fail(undo, problem);
        }
        undo.written.push(temp);
    }
    for path in &new_files {
        match create(&root.join(path), &step_text(title)) {
            Ok(made) => undo.written.push(made),
            Err(mut problems) => return fail(undo, problems.remove(0)),
        }
    }
    for (from, to) in &moves {
        let (from, to) = (root.join(from), root.join(to));
        // Checked again just before, as `rename` would replace a file that appeared meanwhile.
        let result = if to.exists() {
            Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists))
        } else {
            fs::rename(&from, &to)
        };
        if let Err(e) = result {
            let problem = Diagnostic::file(
                shown(root, &from),
                format!("cannot rename it to {}: {e}", shown(root, &to)),
            );
            return fail(undo, problem);
        }
        undo.renamed.push((from, to));
    }
    let mut changes = Changes {
        created: new_files.iter().map(|p| root.join(p)).collect(),
        to_translate,
        ..Changes::default()
    };
    let mut problems = Vec::new();
    for file in &relinked {
        let temp = temp_beside(&root.join(&file.path));
        let path = root.join(&file.moved_to);
        match fs::rename(&temp, &path) {
            Ok(()) => changes.relinked.push(path),
            Err(e) => {
                let _ = fs::remove_file(&temp);
                problems.push(
                    Diagnostic::file(shown(root, &path), format!("cannot update its links: {e}"))
                        .with_help("the steps were renumbered; change the links to renamed steps in this file by hand"),
                );
            }
        }
    }
    changes.renamed = undo.renamed;
    changes.problems = problems;
    Ok(changes.shown_from(root))
}

/// The site's settings, if its site.yaml reads (the build reports it otherwise).
fn site_config(site: &load::LoadedSite) -> Option<crate::content::config::SiteConfig> {
    let bytes = site.content.get(names::SITE_FILE)?;
    crate::content::yaml::parse_file(
        names::SITE_FILE,
        bytes,
        crate::content::yaml::Rules::NONE,
        &mut Vec::new(),
    )
    .map(|(_, _, c)| c)
}

/// A file whose links to moved files are renamed.
struct Relinked {
    path: String,
    /// Its path after the moves (the same, unless it is a moved step itself).
    moved_to: String,
    text: String,
}

/// The new text of every markdown and YAML file under `content/` that names a moved file in a
/// link (`[text](03-sniff.md#why)`, `../../other/steps/03-sniff.md`, a reference definition),
/// with the file's path before and after the moves. A path is read as the build reads links: relative to the
/// folder of the file it is written in.
fn relink(
    content: &BTreeMap<String, crate::content::load::Bytes>,
    moves: &[(String, String)],
) -> Vec<Relinked> {
    let moved: BTreeMap<&str, &str> = moves
        .iter()
        .map(|(from, to)| (from.as_str(), to.as_str()))
        .collect();
    let old_names: BTreeSet<&str> = moved.keys().map(|p| names::file_name(p)).collect();
    let mut edited = Vec::new();
    for (path, bytes) in content {
        if !(path.ends_with(".md") || path.ends_with(".yaml")) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        if let Some(new_text) = relink_text(text, dir, &old_names, &moved) {
            let at = moved.get(path.as_str()).map_or(path.as_str(), |to| to);
            edited.push(Relinked {
                path: path.clone(),
                moved_to: at.to_string(),
                text: new_text,
            });
        }
    }
    edited
}

/// `text` with each path to a moved file renamed, or `None` if it names none.
fn relink_text(
    text: &str,
    dir: &str,
    old_names: &BTreeSet<&str>,
    moved: &BTreeMap<&str, &str>,
) -> Option<String> {
    // A path runs back from `.md` to the nearest character no path in a link has, and ends where
    // the link target does (`#`, `)`, `>`, a quote, a space).
    let outside = |c: char| c.is_whitespace() || "()<>[]\"'`|,;:*=!".contains(c);
    let continues = |c: char| c.is_alphanumeric() || "-._~/%\\".contains(c);
    let mut out = String::new();
    let mut copied = 0;
    for (i, _) in text.match_indices(".md") {
        let end = i + ".md".len();
        if text[end..].chars().next().is_some_and(continues) {
            continue;
        }
        let start = text[..i]
            .char_indices()
            .rev()
            .find(|(_, c)| outside(*c))
            .map_or(0, |(j, c)| j + c.len_utf8());
        let written = &text[start..end];
        let name_at = written.rfind(['/', '\\']).map_or(start, |j| start + j + 1);
        if start < copied || !old_names.contains(&text[name_at..end]) {
            continue;
        }
        let Some(to) = links::resolve(dir, written)
            .ok()
            .and_then(|target| moved.get(target.as_str()))
        else {
            continue;
        };
        out.push_str(&text[copied..name_at]);
        out.push_str(names::file_name(to));
        copied = end;
    }
    (copied > 0).then(|| {
        out.push_str(&text[copied..]);
        out
    })
}

/// A new step's file: the title exactly as given, and the fields a step needs filled in.
fn step_text(title: &str) -> String {
    format!(
        "---\ntitle: {}\ndone_when: Write what the adopter will see when it is time to move on.\n---\nWhat to do in this step, in a few short paragraphs.\n",
        yaml_quoted(title)
    )
}

/// `text` as a YAML double-quoted scalar: quotes and backslashes escaped, and characters YAML
/// does not allow raw (control characters, line breaks) written as escapes, so any text reads
/// back exactly.
fn yaml_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}') => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn guides_dir(root: &Path) -> Result<PathBuf, Vec<Diagnostic>> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(vec![
            Diagnostic::file(
                root.display().to_string(),
                "there is no `content/` folder here",
            )
            .with_help(
                "run this in your site's folder, or make a new site with: handout init FOLDER",
            ),
        ]);
    }
    Ok(content.join("guides"))
}

/// `path` as the user sees it: `content/...` when the site is the current folder.
fn shown(root: &Path, path: &Path) -> String {
    display(root, path).display().to_string()
}

fn display(root: &Path, path: &Path) -> PathBuf {
    match root == Path::new(".") {
        true => path.strip_prefix(".").unwrap_or(path).to_path_buf(),
        false => path.to_path_buf(),
    }
}

impl Changes {
    fn shown_from(self, root: &Path) -> Self {
        let show = |p: PathBuf| display(root, &p);
        Changes {
            renamed: self
                .renamed
                .into_iter()
                .map(|(a, b)| (show(a), show(b)))
                .collect(),
            relinked: self.relinked.into_iter().map(show).collect(),
            created: self.created.into_iter().map(show).collect(),
            to_translate: self.to_translate.into_iter().map(show).collect(),
            problems: self.problems,
        }
    }
}

/// Writes a new file, refusing to replace one.
fn create(path: &Path, text: &str) -> Result<PathBuf, Vec<Diagnostic>> {
    let shown = path.display().to_string();
    let fail =
        |what: &str, e: std::io::Error| vec![Diagnostic::file(&shown, format!("{what}: {e}"))];
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| fail("cannot create its folder", e))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| fail("cannot create", e))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| fail("cannot write", e))?;
    Ok(path.to_path_buf())
}

/// Where a file's new text is written before it replaces the file: beside it, hidden (so the
/// build and the watcher skip it as editor litter), and on the same disk, so the rename that
/// puts it in place is one step.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.handout-tmp"))
}

/// What `new step` has done so far, to be taken back if a later part fails.
#[derive(Default)]
struct Undo {
    /// Files it made: new steps and updated texts not yet in place.
    written: Vec<PathBuf>,
    renamed: Vec<(PathBuf, PathBuf)>,
}

impl Undo {
    /// Takes everything back, last first, and returns the problem that made it necessary.
    fn run(self, problem: Diagnostic) -> Vec<Diagnostic> {
        for (from, to) in self.renamed.iter().rev() {
            let _ = fs::rename(to, from);
        }
        for path in self.written.iter().rev() {
            let _ = fs::remove_file(path);
        }
        vec![problem]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_title_reads_back_from_the_front_matter_exactly() {
        for title in [
            "Celebrate",
            "Say \"yes\"",
            "C:\\cats\\toys",
            "Step: one",
            "Café, señor",
            "# not a comment",
            "- not a list",
            "[not a list]",
            "{not: a map}",
            "&anchor *alias !tag",
            "null",
            "2024",
            "yes",
            "🐈 first",
            "tab\there",
            "line\nbreak",
            "\u{7}bell",
            "'single'",
            "ends with \\",
        ] {
            let text = step_text(title);
            let yaml = text
                .strip_prefix("---\n")
                .and_then(|t| t.split_once("\n---\n"))
                .unwrap()
                .0;
            let front: BTreeMap<String, String> = serde_yaml::from_str(yaml).unwrap();
            assert_eq!(front["title"], title, "{yaml}");
        }
    }

    #[test]
    fn links_to_moved_steps_are_renamed_where_the_build_reads_them() {
        let moved = BTreeMap::from([(
            "content/guides/g/steps/02-a.md",
            "content/guides/g/steps/03-a.md",
        )]);
        let old = BTreeSet::from(["02-a.md"]);
        let steps = "content/guides/g/steps";
        let relinked = |text: &str, dir: &str| relink_text(text, dir, &old, &moved);
        assert_eq!(
            relinked("See [a](02-a.md), [b](./02-a.md#why) and <02-a.md>.", steps).unwrap(),
            "See [a](03-a.md), [b](./03-a.md#why) and <03-a.md>."
        );
        assert_eq!(
            relinked("[a]: ../../g/steps/02-a.md \"title\"\n", steps).unwrap(),
            "[a]: ../../g/steps/03-a.md \"title\"\n"
        );
        assert_eq!(
            relinked("intro: see [a](steps/02-a.md)", "content/guides/g").unwrap(),
            "intro: see [a](steps/03-a.md)"
        );
        assert_eq!(
            relinked("[x](../../g/steps/02-a.md)", "content/guides/other/steps").unwrap(),
            "[x](../../g/steps/03-a.md)"
        );
        // Another guide's file of the same name, a longer name, an address: left alone.
        for text in [
            "[a](02-a.md)",
            "[b](02-a.md.bak) [c](x02-a.md) [d](https://e.example/02-a.md)",
        ] {
            assert_eq!(relinked(text, "content/guides/h/steps"), None, "{text}");
        }
        assert_eq!(relinked("[b](02-a.mdx) [c](102-a.md)", steps), None);
    }

    #[test]
    fn a_new_sites_files_are_named_by_the_loaders_rules() {
        for (path, _) in NEW_SITE {
            let placed = placement::place(path);
            match placed {
                Place::SiteYaml => assert_eq!(*path, "content/site.yaml"),
                Place::Guide(guide, placement::Part::Yaml) => assert!(names::is_slug(guide)),
                Place::Guide(guide, placement::Part::Step) => {
                    assert!(names::is_slug(guide));
                    let (stem, lang) = names::split_step_file(names::file_name(path)).unwrap();
                    let step = names::parse_step_stem(stem).unwrap();
                    assert_eq!((lang, names::step_slug_problem(step.slug)), (None, None));
                }
                Place::Other => assert_eq!(*path, ".gitignore"),
                _ => panic!("{path} is not placed as a new site's file"),
            }
        }
    }
}
