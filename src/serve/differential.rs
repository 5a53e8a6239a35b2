//! A differential test of serve's patching: a long seeded random run of edits, each applied to a
//! session in memory, after which every file the session serves must equal what a full build of
//! the same files makes, with no file missing or extra. `HANDOUT_SEED=<n>` repeats a run;
//! `HANDOUT_EDITS=<n>` makes it longer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::session::Session;
use crate::content::load;
use crate::synthetic::Rng;

/// The synthetic sites' generator, with the choices the edits need.
trait Choose {
    fn chance(&mut self, percent: u64) -> bool;
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T>;
}

impl Choose for Rng {
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

/// The site being edited, on disk.
struct Site {
    root: PathBuf,
    /// Files taken out by an edit, to be put back by a later one: (path, bytes).
    stash: Vec<(String, Vec<u8>)>,
    /// A file an edit broke, with its good bytes, until an edit mends it.
    broken: Option<(String, Vec<u8>)>,
    /// A counter for fresh names and words.
    n: usize,
}

impl Site {
    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_default()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        std::fs::write(path, text).expect("written");
    }

    fn remove(&self, rel: &str) {
        let path = self.path(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(path).expect("removed");
        } else {
            let _ = std::fs::remove_file(path);
        }
    }

    fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Names in a folder of the site, sorted.
    fn list(&self, rel: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path(rel))
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    fn guides(&self) -> Vec<String> {
        self.list("content/guides")
    }

    /// A guide's steps in the main language: (number, slug).
    fn steps(&self, guide: &str) -> Vec<(u32, String)> {
        self.list(&format!("content/guides/{guide}/steps"))
            .iter()
            .filter(|name| name.ends_with(".md") && !name.ends_with(".es.md"))
            .filter_map(|name| {
                let (number, rest) = name.split_once('-')?;
                Some((number.parse().ok()?, rest.strip_suffix(".md")?.to_string()))
            })
            .collect()
    }

    fn fresh(&mut self) -> usize {
        self.n += 1;
        self.n
    }
}

/// `text` with the top-level field `key` set to `value`, or taken out.
fn set_field(text: &str, key: &str, value: Option<&str>) -> String {
    let prefix = format!("{key}:");
    let mut out: Vec<String> = Vec::new();
    let mut done = false;
    for line in text.lines() {
        if line.starts_with(&prefix) {
            if let Some(v) = value {
                out.push(format!("{key}: {v}"));
            }
            done = true;
        } else {
            out.push(line.to_string());
        }
    }
    if !done && let Some(v) = value {
        out.insert(0, format!("{key}: {v}"));
    }
    out.join("\n") + "\n"
}

fn step_file(title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ndone_when: It is done.\n---\n{body}\n")
}

/// Renames `guide`'s step files (and their translations) so the steps named in `order` are
/// numbered 1, 2, 3, ... in that order; returns every path renamed, from and to.
fn renumber(site: &Site, guide: &str, order: &[String]) -> Vec<String> {
    let dir = format!("content/guides/{guide}/steps");
    let now: BTreeMap<String, u32> = site.steps(guide).into_iter().map(|(k, s)| (s, k)).collect();
    let mut moves = Vec::new();
    for (i, slug) in order.iter().enumerate() {
        let to = i as u32 + 1;
        match now.get(slug) {
            Some(&from) if from != to => {
                for ext in ["md", "es.md"] {
                    let old = format!("{dir}/{from:02}-{slug}.{ext}");
                    if site.exists(&old) {
                        moves.push((old, format!("{dir}/{to:02}-{slug}.{ext}")));
                    }
                }
            }
            _ => {}
        }
    }
    // Through names of no step, so no rename lands on a file not moved yet.
    for (k, (old, _)) in moves.iter().enumerate() {
        std::fs::rename(site.path(old), site.path(&format!("{dir}/moving-{k}"))).expect("renamed");
    }
    let mut paths = Vec::new();
    for (k, (old, new)) in moves.into_iter().enumerate() {
        std::fs::rename(site.path(&format!("{dir}/moving-{k}")), site.path(&new)).expect("renamed");
        paths.extend([old, new]);
    }
    paths
}

/// One random edit; returns what it did and the paths it touched (as a watcher names them).
fn edit(site: &mut Site, rng: &mut Rng) -> (String, Vec<String>) {
    // A broken file is mended first, about half the time.
    if site.broken.is_some() && rng.chance(50) {
        let (rel, good) = site.broken.take().expect("a broken file");
        std::fs::write(site.path(&rel), good).expect("mended");
        return (format!("mend {rel}"), vec![rel]);
    }
    let guides = site.guides();
    let guide = rng.pick(&guides).cloned().unwrap_or_default();
    let dir = format!("content/guides/{guide}");
    let yaml = format!("{dir}/guide.yaml");
    let es_yaml = format!("{dir}/guide.es.yaml");
    let n = site.fresh();
    let words = [
        "Aardvark",
        "Basics",
        "Care",
        "Zebra",
        "Évian",
        "«Quotes»",
        "Ünder",
    ];
    let word = words[rng.below(words.len())];
    // Steps are not renamed in a guide whose step is broken: mending it would bring back its
    // old name beside the new one.
    let steps_held = site
        .broken
        .as_ref()
        .is_some_and(|(p, _)| p.starts_with(&format!("{dir}/steps/")));
    match rng.below(17) {
        5..=7 if steps_held => (format!("steps of {guide} held while broken"), Vec::new()),
        0 => {
            let species = ["cat", "dog", "rabbit", "ferret"][rng.below(4)];
            site.write(
                &yaml,
                &set_field(&site.read(&yaml), "species", Some(species)),
            );
            (format!("species of {guide}: {species}"), vec![yaml])
        }
        1 => {
            let topic = [Some("adoption"), Some("health"), Some("behavior"), None][rng.below(4)];
            site.write(&yaml, &set_field(&site.read(&yaml), "topic", topic));
            (format!("topic of {guide}: {topic:?}"), vec![yaml])
        }
        2 => {
            let order = rng.below(5).to_string();
            let order = rng.chance(70).then_some(order.as_str());
            site.write(&yaml, &set_field(&site.read(&yaml), "order", order));
            (format!("order of {guide}: {order:?}"), vec![yaml])
        }
        3 => {
            let file = if site.exists(&es_yaml) && rng.chance(40) {
                es_yaml
            } else {
                yaml
            };
            let title = format!("\"{word} guide {n}\"");
            site.write(&file, &set_field(&site.read(&file), "title", Some(&title)));
            (format!("title of {file}: {title}"), vec![file])
        }
        4 => {
            let file = if site.exists(&es_yaml) && rng.chance(40) {
                es_yaml
            } else {
                yaml
            };
            let summary = format!("\"{word} summary {n}\"");
            site.write(
                &file,
                &set_field(&site.read(&file), "summary", Some(&summary)),
            );
            (format!("summary of {file}: {summary}"), vec![file])
        }
        5 => {
            // A step added at the end or between two (those after it move up one).
            let mut order: Vec<String> = site.steps(&guide).into_iter().map(|(_, s)| s).collect();
            let at = rng.below(order.len() + 1);
            let slug = format!("added-{n}");
            order.insert(at, slug.clone());
            let mut paths = renumber(site, &guide, &order);
            let rel = format!("{dir}/steps/{:02}-{slug}.md", at + 1);
            site.write(&rel, &step_file(&format!("{word} step {n}"), "Added text."));
            paths.push(rel.clone());
            (format!("add step {rel}"), paths)
        }
        6 => {
            // A step removed, with its translation, and those after it moved down one. Only
            // steps this run added: others are linked to.
            let steps = site.steps(&guide);
            let Some((number, slug)) = rng
                .pick(
                    &steps
                        .iter()
                        .filter(|(_, s)| s.starts_with("added-"))
                        .collect::<Vec<_>>(),
                )
                .map(|step| (*step).clone())
            else {
                return (format!("nothing to remove in {guide}"), Vec::new());
            };
            let rel = format!("{dir}/steps/{number:02}-{slug}.md");
            let es = format!("{dir}/steps/{number:02}-{slug}.es.md");
            site.remove(&rel);
            site.remove(&es);
            let order: Vec<String> = steps
                .into_iter()
                .map(|(_, s)| s)
                .filter(|s| *s != slug)
                .collect();
            let mut paths = renumber(site, &guide, &order);
            paths.extend([rel.clone(), es]);
            (format!("remove step {rel}"), paths)
        }
        7 => {
            // A step moved to another place, with its translation: the steps between move
            // by one; page names stay.
            let mut order: Vec<String> = site.steps(&guide).into_iter().map(|(_, s)| s).collect();
            if order.is_empty() {
                return (format!("nothing to renumber in {guide}"), Vec::new());
            }
            let slug = order.remove(rng.below(order.len()));
            let to = rng.below(order.len() + 1);
            order.insert(to, slug.clone());
            let paths = renumber(site, &guide, &order);
            (format!("move {guide}/{slug} to {}", to + 1), paths)
        }
        8 => {
            let steps = site.list(&format!("{dir}/steps"));
            let Some(name) = rng.pick(&steps).cloned() else {
                return (format!("no step to edit in {guide}"), Vec::new());
            };
            let rel = format!("{dir}/steps/{name}");
            let text = site.read(&rel);
            let text = match text.rsplit_once("\n---\n") {
                Some((front, _)) => format!("{front}\n---\n{word} body {n}.\n"),
                None => text,
            };
            site.write(&rel, &text);
            (format!("body of {rel}"), vec![rel])
        }
        9 => {
            // A translation taken out, or put back: a step's, or the guide's with every
            // translated step (without it they would be errors).
            if let Some(i) =
                (!site.stash.is_empty() && rng.chance(60)).then(|| rng.below(site.stash.len()))
            {
                let (rel, bytes) = site.stash.remove(i);
                let mut back = vec![(rel.clone(), bytes)];
                if rel.ends_with("/guide.es.yaml") {
                    let folder = rel.trim_end_matches("guide.es.yaml").to_string();
                    let (same, others) = std::mem::take(&mut site.stash)
                        .into_iter()
                        .partition(|(p, _)| p.starts_with(&folder));
                    site.stash = others;
                    back.extend(same);
                }
                let mut paths = Vec::new();
                for (rel, bytes) in back {
                    if !site.exists(&rel) {
                        site.write(&rel, &String::from_utf8_lossy(&bytes));
                    }
                    paths.push(rel);
                }
                return (format!("put back {}", paths.join(", ")), paths);
            }
            let steps: Vec<String> = site
                .list(&format!("{dir}/steps"))
                .into_iter()
                .filter(|name| name.ends_with(".es.md"))
                .map(|name| format!("{dir}/steps/{name}"))
                .collect();
            let whole = rng.chance(40) && site.exists(&es_yaml);
            let taken: Vec<String> = match (whole, rng.pick(&steps)) {
                (true, _) => std::iter::once(es_yaml).chain(steps.clone()).collect(),
                (false, Some(step)) => vec![step.clone()],
                (false, None) => return (format!("no translation in {guide}"), Vec::new()),
            };
            for rel in &taken {
                let bytes = std::fs::read(site.path(rel)).expect("read");
                site.stash.push((rel.clone(), bytes));
                site.remove(rel);
            }
            (format!("take out {}", taken.join(", ")), taken)
        }
        10 => {
            // A picture added, changed or taken out (only pictures no step shows).
            let pictures: Vec<String> = site
                .list(&format!("{dir}/images"))
                .into_iter()
                .filter(|name| name.starts_with("extra"))
                .collect();
            let rel = match rng.pick(&pictures) {
                Some(name) if rng.chance(40) => {
                    let rel = format!("{dir}/images/{name}");
                    site.remove(&rel);
                    return (format!("remove picture {rel}"), vec![rel]);
                }
                Some(name) if rng.chance(50) => format!("{dir}/images/{name}"),
                _ => format!("{dir}/images/extra-{n}.svg"),
            };
            site.write(
                &rel,
                &format!("<svg xmlns=\"http://www.w3.org/2000/svg\"><title>{n}</title></svg>"),
            );
            (format!("picture {rel}"), vec![rel])
        }
        11 => {
            let rel = "content/site.yaml".to_string();
            let tagline = format!("\"{word} tagline {n}\"");
            let tagline = rng.chance(80).then_some(tagline.as_str());
            site.write(&rel, &set_field(&site.read(&rel), "tagline", tagline));
            (format!("tagline: {tagline:?}"), vec![rel])
        }
        12 => {
            // A theme word of the site's own: a species' name shows on the index.
            let lang = ["en", "es"][rng.below(2)];
            let rel = format!("templates/i18n/{lang}.yaml");
            if rng.chance(25) {
                site.remove(&rel);
                return (format!("remove {rel}"), vec![rel]);
            }
            let key = [
                "species_cat",
                "species_ferret",
                "all_guides",
                "topic_health",
            ][rng.below(4)];
            let text = set_field(&site.read(&rel), key, Some(&format!("\"{word} {n}\"")));
            site.write(&rel, &text);
            (format!("theme word {rel}: {key}"), vec![rel])
        }
        13 => {
            // A page template of the site's own, or taken away again.
            let (name, body) = [
                (
                    "templates/index.html",
                    "{% for g in guides %}<p>{{ g.title }}, {{ g.species_name }}</p>{% endfor %}",
                ),
                ("templates/checklist.html", "<p>{{ guide.title }}</p>"),
            ][rng.below(2)];
            if site.exists(name) && rng.chance(40) {
                site.remove(name);
                return (format!("remove {name}"), vec![name.to_string()]);
            }
            let text = format!(
                "{{% extends \"base.html\" %}}{{% block main %}}<p>Own {n}</p>{body}{{% endblock main %}}"
            );
            site.write(name, &text);
            (format!("template {name}"), vec![name.to_string()])
        }
        14 if site.broken.is_none() => {
            // A broken edit: YAML that does not parse, a step without a title, a link to
            // nothing. Mended by a later edit.
            let steps = site.list(&format!("{dir}/steps"));
            let (rel, bad) = match (rng.below(3), rng.pick(&steps)) {
                (0, _) | (_, None) => (yaml.clone(), "title: [\n".to_string()),
                (1, Some(step)) => (
                    format!("{dir}/steps/{step}"),
                    "---\n---\nNo title.\n".into(),
                ),
                (_, Some(step)) => (
                    format!("{dir}/steps/{step}"),
                    step_file("Linked", "See [nothing](guide:no-such-guide)."),
                ),
            };
            let good = std::fs::read(site.path(&rel)).expect("read");
            site.write(&rel, &bad);
            site.broken = Some((rel.clone(), good));
            (format!("break {rel}"), vec![rel])
        }
        15 => {
            // A guide copied in whole under a new name, or a copy taken away.
            let copies: Vec<&String> = guides.iter().filter(|g| g.starts_with("copy-")).collect();
            // At most three copies, so the site stays small and each full build quick.
            if let Some(copy) = rng
                .pick(&copies)
                .filter(|_| copies.len() >= 3 || rng.chance(40))
            {
                let rel = format!("content/guides/{copy}");
                site.remove(&rel);
                let inside = |p: &String| p.starts_with(&format!("{rel}/"));
                site.stash.retain(|(p, _)| !inside(p));
                // A broken file in it goes with it.
                if site.broken.as_ref().is_some_and(|(p, _)| inside(p)) {
                    site.broken = None;
                }
                return (format!("remove guide {copy}"), vec![rel]);
            }
            if site
                .broken
                .as_ref()
                .is_some_and(|(p, _)| p.starts_with(&dir))
            {
                return ("no copy of a broken guide".into(), Vec::new());
            }
            let rel = format!("content/guides/copy-{n}");
            copy_dir(&site.path(&dir), &site.path(&rel));
            (format!("copy {guide} to {rel}"), vec![rel])
        }
        _ => {
            // Several files at once, as one burst.
            let (a, mut paths_a) = edit(site, rng);
            let (b, paths_b) = edit(site, rng);
            paths_a.extend(paths_b);
            (format!("{a}; and {b}"), paths_a)
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("a folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copied");
        }
    }
}

/// What the session serves against what a full build of the same files makes: `None` if they
/// agree.
fn difference(session: &Session, root: &Path, built: &mut usize) -> Option<String> {
    let loaded = load::load(root).expect("the site loads");
    match crate::pipeline::render_loaded(&loaded, None) {
        Ok(full) => {
            *built += 1;
            if let Some(problems) = &session.problems {
                return Some(format!(
                    "a full build succeeds, serve shows problems:\n{}",
                    problems.render(false)
                ));
            }
            let full: BTreeMap<&str, &[u8]> = full
                .files
                .iter()
                .map(|(p, b)| (p.as_str(), b.as_slice()))
                .collect();
            let served: BTreeMap<&str, &[u8]> =
                session.files.iter().map(|(p, b)| (&**p, &**b)).collect();
            let mut wrong = Vec::new();
            for (path, bytes) in &full {
                match served.get(path) {
                    None => wrong.push(format!("missing {path}")),
                    Some(b) if b != bytes => wrong.push(format!("differs {path}")),
                    Some(_) => {}
                }
            }
            wrong.extend(
                served
                    .keys()
                    .filter(|p| !full.contains_key(*p))
                    .map(|p| format!("extra {p}")),
            );
            (!wrong.is_empty()).then(|| wrong.join("\n"))
        }
        Err(problems) => session.problems.is_none().then(|| {
            format!(
                "a full build fails, serve shows no problems:\n{}",
                problems.render(false)
            )
        }),
    }
}

/// Runs `edits` random edits from `seed`; panics naming the seed and the edits so far at the
/// first difference.
fn run(seed: u64, edits: usize) {
    let dir = tempfile::TempDir::new().expect("a temp dir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/library");
    copy_dir(&fixture, dir.path());
    let mut site = Site {
        root: dir.path().to_path_buf(),
        stash: Vec::new(),
        broken: None,
        n: 0,
    };
    // Step 1 is linked by its file name from step 2; by its page name, it may be renumbered.
    let second = "content/guides/cats-and-kittens/steps/02-first-evening.md";
    site.write(
        second,
        &site
            .read(second)
            .replace("(01-quiet-room.md)", "(guide:cats-and-kittens/quiet-room)"),
    );
    let mut rng = Rng(seed);
    let (mut session, _) = Session::start(&site.root, None).expect("the session starts");
    let mut done: Vec<String> = Vec::new();
    let mut built = 0;
    for i in 0..edits {
        let (what, paths) = edit(&mut site, &mut rng);
        done.push(format!("{i}: {what}"));
        session.apply(&paths);
        if let Some(difference) = difference(&session, &site.root, &mut built) {
            panic!(
                "seed {seed} (HANDOUT_SEED={seed} repeats it): after edit {i} serve differs from a full build:\n{difference}\n\nedits:\n{}",
                done.join("\n")
            );
        }
    }
    // So a run that stayed broken (and compared little) shows.
    eprintln!("seed {seed}: {edits} edits, {built} of them leaving a site that builds");
    eprintln!("{}", done.join("\n"));
}

#[test]
fn a_session_fed_random_edits_serves_what_a_full_build_makes() {
    let seed = std::env::var("HANDOUT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    let edits = std::env::var("HANDOUT_EDITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    run(seed, edits);
}
