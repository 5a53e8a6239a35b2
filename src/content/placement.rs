//! Where each file under `content/` belongs: the site's settings, a guide folder's
//! guide.yaml, its steps in order, its translations and its pictures. What a name means is
//! `names`' to say; whether the names of a folder fit together (numbering, unique steps) is
//! checked here; what the files say is checked when they are assembled.

use std::collections::BTreeMap;

use crate::content::guide::{StepFile, TranslationFiles};
use crate::content::load::Bytes;
use crate::content::names::{self, Published, SlugProblem};
use crate::diagnostic::Diagnostic;

/// Where one file under `content/` belongs.
pub enum Place<'a> {
    SiteYaml,
    /// `site.<lang>.yaml`.
    SiteTranslation(&'a str),
    /// A file in the folder of the guide named first.
    Guide(&'a str, Part<'a>),
    /// Anything else: copied as it is.
    Other,
}

/// A file's part in its guide folder.
pub enum Part<'a> {
    Yaml,
    /// `guide.yml`, reported once instead of as a missing guide.yaml and a stray file.
    MisnamedYaml,
    /// `guide.<lang>.yaml`.
    Translation(&'a str),
    Step,
    /// `steps/NN-slug.<lang>.md`: the step's file name without `.<lang>.md`, and the language.
    StepTranslation(&'a str, &'a str),
    /// Anything else in `steps/`: a step that would silently go missing.
    NotAStep(&'a str),
    /// Anything else in the folder (pictures): copied as it is.
    Asset,
}

pub fn place(path: &str) -> Place<'_> {
    let rest = path.strip_prefix("content/").unwrap_or(path);
    // Up to five parts, without an allocation per file: no pattern below is longer.
    let mut buf = [""; 5];
    let mut count = 0;
    for part in rest.split('/') {
        if count < buf.len() {
            buf[count] = part;
        }
        count += 1;
    }
    let parts = &buf[..count.min(buf.len())];
    let ext = extension(rest);
    let in_guide = |guide, part| Place::Guide(guide, part);
    match parts {
        ["site.yaml"] => Place::SiteYaml,
        [name] => match names::translation_of(name, "site", ".yaml") {
            Some(lang) => Place::SiteTranslation(lang),
            None => Place::Other,
        },
        ["guides", guide, "guide.yaml"] => in_guide(guide, Part::Yaml),
        ["guides", guide, "guide.yml"] => in_guide(guide, Part::MisnamedYaml),
        ["guides", guide, name] if names::translation_of(name, "guide", ".yaml").is_some() => {
            let lang = names::translation_of(name, "guide", ".yaml").unwrap_or_default();
            in_guide(guide, Part::Translation(lang))
        }
        ["guides", guide, "steps", name] if ext == "md" => match names::split_step_file(name) {
            Some((stem, Some(lang))) => in_guide(guide, Part::StepTranslation(stem, lang)),
            _ => in_guide(guide, Part::Step),
        },
        ["guides", guide, "steps", name] => in_guide(guide, Part::NotAStep(name)),
        ["guides", guide, ..] if parts.len() > 2 => in_guide(guide, Part::Asset),
        _ => Place::Other,
    }
}

pub fn extension(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(_, e)| e)
}

/// A guide folder's files, sorted out by role.
#[derive(Default)]
pub struct GuideFiles<'a> {
    pub yaml: Option<(&'a str, &'a [u8])>,
    misnamed_yaml: Option<&'a str>,
    /// Step files, with their bytes; `None` for one that is there but could not be read (its
    /// problem is reported by loading): it still holds its number.
    steps: Vec<(&'a str, Option<&'a Bytes>)>,
    /// Every file of the folder, read or not, for names that clash.
    paths: Vec<&'a str>,
    /// Its guide.yaml is there but could not be read.
    yaml_unread: bool,
    /// Translation files, by language.
    pub translations: BTreeMap<&'a str, TranslationFiles<'a>>,
    assets: Vec<&'a str>,
    /// Files in a language the site does not have: (path, language).
    pub unknown: Vec<(&'a str, &'a str)>,
    /// Problems with the files' names and places.
    pub problems: Vec<Diagnostic>,
}

/// What of a guide folder other guides' links are checked against, and the files it copies.
/// While it stays the same, an edit inside the folder changes nothing outside its guide.
#[derive(Default, PartialEq)]
pub struct Shape {
    /// Step files in order: (path, step slug).
    pub steps: Vec<(String, String)>,
    /// The languages it has a `guide.<lang>.yaml` for.
    pub translated: Vec<String>,
    pub assets: Vec<String>,
    /// Files in languages the site does not have (reported once per language, site-wide).
    pub unknown: Vec<(String, String)>,
}

/// Required fields of guide.yaml, for the message about a folder without one.
const GUIDE_FIELDS: &str = "`title`, `summary`, `species`, `time_needed` and `intro`";

impl<'a> GuideFiles<'a> {
    /// Adds a file; `known` says whether a language is one of the site's translations.
    pub fn add(
        &mut self,
        path: &'a str,
        bytes: &'a Bytes,
        part: Part<'a>,
        known: &dyn Fn(&str) -> bool,
    ) {
        self.paths.push(path);
        match part {
            Part::Yaml => self.yaml = Some((path, bytes.as_ref())),
            Part::MisnamedYaml => self.misnamed_yaml = Some(path),
            Part::Translation(lang) if known(lang) => {
                self.translations.entry(lang).or_default().yaml = Some((path, bytes.as_ref()));
            }
            Part::StepTranslation(stem, lang) if known(lang) => {
                self.translations
                    .entry(lang)
                    .or_default()
                    .steps
                    .insert(stem.to_string(), (path, bytes));
            }
            Part::Translation(lang) | Part::StepTranslation(_, lang) => {
                self.unknown.push((path, lang));
            }
            Part::Step => self.steps.push((path, Some(bytes))),
            Part::NotAStep(name) => {
                let stem = name.split('.').next().unwrap_or(name);
                self.problems.push(
                    Diagnostic::file(path, "step files must end in .md").with_help(format!(
                        "rename it to `{stem}.md`; pictures go in the guide's images/ folder"
                    )),
                );
            }
            Part::Asset => {
                check_published(path, bytes, &mut self.problems);
                self.assets.push(path);
            }
        }
    }

    /// Adds a file that is there but could not be read (`LoadedSite::unread`): a step keeps
    /// its place in the numbering, so the steps after it are not said to be misnumbered.
    pub fn add_unread(&mut self, path: &'a str, part: Part<'a>) {
        self.paths.push(path);
        match part {
            Part::Step => self.steps.push((path, None)),
            // Its problem says why it was not read; "no guide.yaml" would be wrong.
            Part::Yaml => self.yaml_unread = true,
            _ => {}
        }
    }

    /// The folder's steps in order, and its shape. Problems with names and numbering, and a
    /// missing guide.yaml, go to `self.problems`.
    pub fn lay_out(&mut self, slug: &str) -> (Vec<StepFile<'a>>, Shape) {
        let ordered = order_steps(&self.steps, &mut self.problems);
        for (first, second) in names::case_twins(self.paths.iter().copied()) {
            self.problems.push(twin_problem(&first, &second));
        }
        let folder = names::guide_folder(slug);
        match (self.yaml, self.misnamed_yaml) {
            (Some(_), _) => {}
            (None, _) if self.yaml_unread => {}
            (None, Some(path)) => self.problems.push(
                Diagnostic::file(path, "the guide file must be called `guide.yaml`, not `guide.yml`")
                    .with_help("rename it to `guide.yaml`"),
            ),
            (None, None) => self.problems.push(
                Diagnostic::file(&folder, "this guide folder has no guide.yaml").with_help(format!(
                    "add {folder}/guide.yaml with at least {GUIDE_FIELDS} (the README has an example)"
                )),
            ),
        }
        // A step that could not be read is still one that links may name.
        let shape = Shape {
            steps: ordered
                .iter()
                .map(|(_, step_slug, path, _)| ((*path).to_string(), step_slug.clone()))
                .collect(),
            translated: self
                .translations
                .iter()
                .filter(|(_, t)| t.yaml.is_some())
                .map(|(lang, _)| (*lang).to_string())
                .collect(),
            assets: self.assets.iter().map(|p| (*p).to_string()).collect(),
            unknown: self
                .unknown
                .iter()
                .map(|(p, l)| ((*p).to_string(), (*l).to_string()))
                .collect(),
        };
        let steps = ordered
            .into_iter()
            .filter_map(|(n, step_slug, path, bytes)| Some((n, step_slug, path, bytes?)))
            .collect();
        (steps, shape)
    }
}

/// The problem with a guide folder whose name cannot be part of a web address, if it has one.
pub fn folder_name_problem(slug: &str) -> Option<Diagnostic> {
    (!names::is_slug(slug)).then(|| {
        Diagnostic::file(
            names::guide_folder(slug),
            format!("`{slug}` cannot be used as a guide folder name"),
        )
        .with_help(format!(
            "use lower-case letters, digits and hyphens, for example `{}`",
            suggested_slug(slug)
        ))
    })
}

/// A file under `content/` published as it is (a picture, a document) is checked first: a
/// name a browser could misread is refused (`names::published_name_problem`); what looks like
/// content in the wrong place (a `guide.yml`, a step outside `steps/`) is reported rather than
/// copied, so it is never silently ignored; a kind of file a browser runs (a web page, a
/// script), or might take for a page (a kind it does not know), is refused; and an SVG picture
/// is published only when `svg::problems` finds nothing live in it. A photo must be what its
/// name says and whole (`content::picture::check`); a HEIC photo gets the way to make a JPEG.
pub fn check_published(path: &str, bytes: &[u8], problems: &mut Vec<Diagnostic>) {
    if let Some(problem) = names::published_name_problem(path) {
        problems.push(
            Diagnostic::file(path, problem)
                .with_help("rename the file with letters, digits, `-`, `_` and `.` only"),
        );
        return;
    }
    let ext = extension(names::file_name(path)).to_ascii_lowercase();
    let stray = match ext.as_str() {
        "yml" => Some("rename it to end in .yaml"),
        "yaml" => Some(
            "only content/site.yaml and content/guides/<guide>/guide.yaml are read; move or rename this file",
        ),
        "md" => {
            Some("steps go in content/guides/<guide>/steps/ and are named like 01-first-step.md")
        }
        _ => None,
    };
    if let Some(help) = stray {
        problems.push(Diagnostic::file(path, "this file is not used by the site").with_help(help));
        return;
    }
    // The common kinds; the README lists every kind that is published.
    let kinds = "save pictures as .png, .jpg, .gif, .webp or .svg, and documents as .pdf (the README lists every kind published)";
    let unfit = |problem: crate::content::picture::Problem| {
        let (what, help) = problem.message();
        Diagnostic::file(path, what).with_help(help)
    };
    match names::published_kind(path) {
        Published::Picture => {
            problems.extend(crate::content::picture::check(names::file_name(path), bytes).map(unfit));
        }
        Published::Unknown if matches!(ext.as_str(), "heic" | "heif" | "hif") => {
            problems.push(unfit(crate::content::picture::Problem::Heif));
        }
        Published::Download => {}
        Published::Svg => problems.extend(crate::content::svg::problems(path, bytes)),
        Published::Active if ext == "svgz" => problems.push(
            Diagnostic::file(
                path,
                "a compressed SVG picture (.svgz) cannot be checked for script, so it is not published",
            )
            .with_help("save it as a plain .svg picture, or as a PNG"),
        ),
        Published::Active => problems.push(
            Diagnostic::file(
                path,
                format!(
                    "a browser runs what a `.{ext}` file holds (a web page or a script) as part of the site, so it is not published"
                ),
            )
            .with_help(format!(
                "write the text as a step in markdown instead; {kinds}"
            )),
        ),
        Published::Unknown => problems.push(
            Diagnostic::file(
                path,
                if ext.is_empty() || !names::file_name(path).contains('.') {
                    "this file has no extension (such as .jpg or .pdf), so a web server may send it as a web page; it is not published".to_string()
                } else {
                    format!("handout publishes only pictures, documents, sound and video from content/, not `.{ext}` files (a browser could take a kind it does not know for a web page)")
                },
            )
            .with_help(format!("{kinds}; or remove the file")),
        ),
    }
}

/// Two names that are one on a disk that ignores case (Windows, macOS): a site copied or
/// published there would lose one of them, or mix them up. Reported at the one with capitals.
pub fn twin_problem(first: &str, second: &str) -> Diagnostic {
    let lower = |s: &str| s.to_lowercase();
    let (at, other) = if first != lower(first) && second == lower(second) {
        (first, second)
    } else {
        (second, first)
    };
    if lower(first) == lower(second) {
        Diagnostic::file(
            at,
            format!(
                "`{at}` and `{other}` differ only in capital letters; on Windows and macOS they are the same name, so one would be lost"
            ),
        )
        .with_help("rename or remove one of them; use lower-case names")
    } else {
        Diagnostic::file(
            at,
            format!(
                "`{at}` and `{other}` look the same but write an accented letter differently (as one character, or as a letter and an accent); on macOS they are the same name, so one would be lost"
            ),
        )
        .with_help("remove one of them, or rename it by typing its name again")
    }
}

/// Sorts step files by their `NN-` prefix and checks it: present, unique, 1, 2, 3, ... in order.
/// A step that could not be read (bytes `None`) counts like any other.
fn order_steps<'a>(
    files: &[(&'a str, Option<&'a Bytes>)],
    problems: &mut Vec<Diagnostic>,
) -> Vec<(usize, String, &'a str, Option<&'a Bytes>)> {
    let mut steps = Vec::new();
    for (path, bytes) in files {
        let name = names::file_name(path);
        let stem = name.strip_suffix(".md").unwrap_or(name);
        match names::parse_step_stem(stem) {
            Some(s) => match names::step_slug_problem(s.slug) {
                Some(SlugProblem::NotASlug) => problems.push(
                    Diagnostic::file(*path, format!("`{}` cannot be used as a step name", s.slug))
                        .with_help(format!(
                            "use lower-case letters, digits and hyphens: rename the file to `{}`",
                            names::step_file_name(&format!("{}-{}", s.digits, suggested_slug(s.slug)), None)
                        )),
                ),
                Some(SlugProblem::Reserved) => problems.push(
                    Diagnostic::file(
                        *path,
                        format!("a step cannot be called `{}`: the guide has a page of that name", s.slug),
                    )
                    .with_help(format!(
                        "add a word, for example `{}`; the names {} are taken",
                        names::step_file_name(&format!("{}-final-{}", s.digits, s.slug), None),
                        names::RESERVED_STEP_SLUGS
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ),
                None => steps.push((s.number, s.slug.to_string(), *path, *bytes)),
            },
            None => problems.push(
                Diagnostic::file(
                    *path,
                    "a step file's name must start with its number, like `01-get-a-harness.md`",
                )
                .with_help(format!(
                    "rename it to `{}` if it is the last step (the number is its place in the guide)",
                    names::step_file_name(&names::step_stem(files.len(), 0, &suggested_slug(stem)), None)
                )),
            ),
        }
    }
    steps.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut seen_slugs: BTreeMap<String, &str> = BTreeMap::new();
    let mut expected = 1;
    for (i, (n, slug, path, _)) in steps.iter().enumerate() {
        let name = names::file_name(path);
        if i > 0 && steps[i - 1].0 == *n {
            problems.push(
                Diagnostic::file(
                    *path,
                    format!(
                        "two steps are numbered {n:02}: this one and `{}`",
                        steps[i - 1].2
                    ),
                )
                .with_help("give each step its own number, and renumber the steps after it"),
            );
        } else if *n != expected {
            let help = if expected == 1 {
                format!(
                    "the first step must be 01: rename it to `{}`",
                    names::step_file_name(&names::step_stem(1, 0, slug), None)
                )
            } else {
                format!(
                    "rename `{name}` to `{}`, and renumber the steps after it",
                    names::step_file_name(&names::step_stem(expected, 0, slug), None)
                )
            };
            problems.push(
                Diagnostic::file(
                    *path,
                    format!("step numbers must run 01, 02, 03, ...: expected {expected:02} here, found {n:02}"),
                )
                .with_help(help),
            );
        }
        expected = n + 1;
        if let Some(other) = seen_slugs.insert(slug.clone(), path) {
            problems.push(
                Diagnostic::file(*path, format!("two steps are named `{slug}`: this one and `{other}`"))
                    .with_help("each step's name (the part after the number) becomes its page's name, so it must be unique in the guide"),
            );
        }
    }
    steps
}

/// The slug to suggest for a name that is not one.
fn suggested_slug(name: &str) -> String {
    match names::slug_of(name) {
        s if s.is_empty() => "step".to_string(),
        s => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(problems: &[Diagnostic]) -> Vec<String> {
        problems
            .iter()
            .map(|d| format!("{}: {}", d.file, d.message))
            .collect()
    }

    #[test]
    fn a_step_that_could_not_be_read_keeps_its_number() {
        let (empty, x): (Bytes, Bytes) = (b""[..].into(), b"x"[..].into());
        let mut files = GuideFiles::default();
        let known = |_: &str| false;
        let dir = "content/guides/g/steps";
        files.add("content/guides/g/guide.yaml", &empty, Part::Yaml, &known);
        files.add("content/guides/g/steps/01-begin.md", &x, Part::Step, &known);
        files.add_unread("content/guides/g/steps/02-middle.md", Part::Step);
        files.add("content/guides/g/steps/03-end.md", &x, Part::Step, &known);
        let (steps, shape) = files.lay_out("g");
        assert_eq!(messages(&files.problems), Vec::<String>::new());
        // Only what was read is made into steps; links may still name the unread one.
        let made: Vec<&str> = steps.iter().map(|s| s.2).collect();
        assert_eq!(
            made,
            [format!("{dir}/01-begin.md"), format!("{dir}/03-end.md")]
        );
        assert_eq!(shape.steps.len(), 3);
    }

    #[test]
    fn files_a_browser_runs_are_refused_and_pictures_are_not() {
        let mut problems = Vec::new();
        let mut png = Vec::new();
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new(&mut png),
            &[0u8; 2 * 2 * 3],
            2,
            2,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
        check_published("content/images/a.png", &png, &mut problems);
        for path in ["content/files/leaflet.PDF", "content/notes.txt"] {
            check_published(path, b"", &mut problems);
        }
        assert_eq!(messages(&problems), Vec::<String>::new());
        // A picture that is not what its name says, and a HEIC photo by either name.
        check_published("content/images/b.jpg", &png, &mut problems);
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        check_published("content/images/c.jpg", heic, &mut problems);
        check_published("content/images/IMG_1.HEIC", heic, &mut problems);
        let found = messages(&problems);
        assert!(
            found[0].contains("name says a JPEG photo but it is a PNG picture"),
            "{found:#?}"
        );
        assert!(
            found[1].contains("HEIC photo") && found[2].contains("HEIC photo"),
            "{found:#?}"
        );
        problems.clear();
        check_published("content/guides/g/page.html", b"<script>", &mut problems);
        check_published("content/guides/g/images/a.svgz", b"", &mut problems);
        check_published("content/guides/g/images/LICENSE", b"", &mut problems);
        check_published("content/guides/g/images/a.webarchive", b"", &mut problems);
        check_published(
            "content/guides/g/images/a.Svg",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='x'/>",
            &mut problems,
        );
        let found = messages(&problems);
        assert_eq!(found.len(), 5, "{found:#?}");
        assert!(
            found[0].contains("a browser runs what a `.html` file holds"),
            "{found:#?}"
        );
        assert!(found[1].contains("compressed SVG picture (.svgz) cannot be checked"));
        assert!(found[2].contains("has no extension"));
        assert!(found[3].contains("not `.webarchive` files"));
        assert!(found[4].contains("event handler (`onload`)"));
        assert!(problems.iter().all(|d| d.help.is_some()));
    }
}
