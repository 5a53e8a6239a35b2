//! What an edit touches, decided in one place, for `serve` and for `build`. A changed file is
//! first named by where it lies (`Change::of_path`); `serve`'s patching then names what each
//! guide's edit turned out to be, by comparing the guide before and after, while `build`, which
//! keeps no guides between runs, takes each changed guide to have changed in every way
//! (`since_last_build`); `Redo::of` maps every kind of change to what must be assembled and
//! rendered again, and `Redo::covers` to the files that are.

use std::collections::{BTreeMap, BTreeSet};

use crate::content::digest::{Digest, Digests};
use crate::content::model::{Guide, Site};
use crate::content::names;
use crate::output::plan::{Page, PageKind, Plan, SEARCH_PART};

/// Beyond this many changed guides, finding the guides that name them costs more than making
/// every page again.
pub(crate) const GUIDES_FOLLOWED: usize = 16;

/// A kind of change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    // Named from a file's path, before anything is assembled.
    /// A file in a guide's folder came, went or changed (a step, guide.yaml, a translation, a
    /// picture): that guide is assembled again, and patching says which kinds below it was.
    GuideFiles(String),
    /// `site.yaml`, `site.<lang>.yaml` or another file outside `guides/` (a logo): the site's
    /// settings reach every page.
    Settings,
    /// The theme's words (`templates/i18n/`): every page's words, and the names of species and
    /// topics the index shows.
    ThemeWords,
    /// A template that makes one kind of page: those pages.
    PageTemplate(String),
    /// `base.html`, a partial or a theme asset: every page.
    SharedTemplate,

    // Named while patching.
    /// Something only the guide's own pages show changed: a step's text, a note, a picture's
    /// bytes, a related guide's title.
    Pages(String),
    /// What the index is given about the guide changed (its card: title, summary, species,
    /// topic, time, number of steps, ...).
    Listed(String),
    /// What the search is given about the guide changed (its titles, summary, step words).
    Searched(String),
    /// Steps, translations or pictures came, went or were renamed: its pages or copied files
    /// come or go.
    Reshaped(String),
    Added(String),
    Removed(String),
    /// The guides changed places on the index: every part of the search moves.
    Moved,
    /// Only assembling every guide can say what changed (the first build, a bad folder name, a
    /// file in a language the site lacks, a part of the search coming or going, a patch after
    /// a failed whole run).
    Whole,
}

impl Change {
    /// What a changed file (relative to the site root) is, by where it lies.
    pub(crate) fn of_path(path: &str) -> Change {
        // A file in a guide's folder, or the folder itself (moved in or out whole).
        if let Some(slug) = names::guide_of(path) {
            return Change::GuideFiles(slug.to_string());
        }
        match path.strip_prefix("templates/") {
            Some(name) if name == "i18n" || name.starts_with("i18n/") => Change::ThemeWords,
            Some(name) if PageKind::is_page_template(name) => {
                Change::PageTemplate(name.to_string())
            }
            Some(_) => Change::SharedTemplate,
            // The whole templates/ folder came or went.
            None if path == "templates" => Change::ThemeWords,
            None => Change::Settings,
        }
    }
}

/// What changed since the last build, from the digests of its sources (`before`) and of this
/// build's (`now`). A guide whose files changed may show differently anywhere (its pages, its
/// card, its part of the search), and if files came or went, its pages did too; a guide whose
/// files name one of them (a link, a related guide) shows it on its pages and may show its
/// title in its search words. `naming` finds those guides; `moved`: the guides are not in the
/// last build's order.
pub(crate) fn since_last_build(
    now: &Digests,
    before: &Digests,
    naming: impl Fn(&BTreeSet<String>) -> Vec<String>,
    moved: bool,
) -> Vec<Change> {
    if now.options != before.options {
        return vec![Change::Whole];
    }
    let mut changes = Vec::new();
    let mut guides = BTreeSet::new();
    let mut reshaped = BTreeSet::new();
    for path in now.changed_since(before) {
        match Change::of_path(path) {
            Change::GuideFiles(slug) => {
                // A file that came or went, rather than one whose bytes changed.
                if now.files.contains_key(path) != before.files.contains_key(path) {
                    reshaped.insert(slug.clone());
                }
                guides.insert(slug);
            }
            other => changes.push(other),
        }
    }
    if guides.len() > GUIDES_FOLLOWED {
        return vec![Change::Whole];
    }
    for slug in naming(&guides) {
        if !guides.contains(&slug) {
            changes.push(Change::Pages(slug.clone()));
            changes.push(Change::Searched(slug));
        }
    }
    for slug in guides {
        if reshaped.contains(&slug) {
            changes.push(Change::Reshaped(slug.clone()));
        }
        changes.push(Change::Listed(slug.clone()));
        changes.push(Change::Searched(slug));
    }
    if moved {
        changes.push(Change::Moved);
    }
    changes.dedup();
    changes
}

/// The guides whose files a build over the last one must read when only `changed` (paths from
/// the site's folder) may differ from what it read, the others being taken as it made them
/// (`content::cached`): the guides of the changed files, and those in the same part of the
/// search (`order`: the last build's index), whose words it holds. `None` when a change
/// reaches further than guides (the settings, the theme) or more guides than are followed:
/// then everything is read.
pub(crate) fn guides_to_read(
    changed: &BTreeSet<&str>,
    order: &[String],
) -> Option<BTreeSet<String>> {
    let guides: BTreeSet<&str> = changed
        .iter()
        .map(|path| names::guide_of(path))
        .collect::<Option<_>>()?;
    if guides.len() > GUIDES_FOLLOWED {
        return None;
    }
    let mut read = BTreeSet::new();
    for guide in guides {
        let at = order.iter().position(|g| g == guide)?;
        let part = at / SEARCH_PART;
        read.extend(
            order
                .iter()
                .skip(part * SEARCH_PART)
                .take(SEARCH_PART)
                .cloned(),
        );
    }
    Some(read)
}

/// Whether a guide made again from its files shows differently on another guide's pages than
/// it did (`before`), in any of the site's `languages`: as a related guide (its title), or
/// with other pages (its steps and languages, which links are checked against).
pub(crate) fn shows_elsewhere(before: &Guide, now: &Guide, languages: &[&str]) -> bool {
    let as_related = |g: &Guide| -> Vec<String> {
        languages
            .iter()
            .map(|l| {
                crate::content::assemble::shown_as_related(g, l)
                    .meta
                    .title
                    .clone()
            })
            .collect()
    };
    as_related(before) != as_related(now) || pages_of(before) != pages_of(now)
}

/// The pages a guide has: its languages and, in each, its steps' page names.
pub(crate) fn pages_of(g: &Guide) -> Vec<(&str, Vec<&str>)> {
    std::iter::once(g)
        .chain(g.translations.values().map(|t| t.as_ref()))
        .map(|g| {
            (
                g.lang.as_str(),
                g.steps.iter().map(|s| s.slug.as_str()).collect(),
            )
        })
        .collect()
}

/// `changes` with each changed guide whose card on the index is the same as the last build's
/// (`before` and `now`: card digests by guide folder, `State::cards`) leaving the index as it
/// is: an edit of a step's text changes the guide's pages and its part of the search, not the
/// index.
pub(crate) fn same_cards(
    changes: Vec<Change>,
    before: &BTreeMap<String, Digest>,
    now: &BTreeMap<String, Digest>,
) -> Vec<Change> {
    changes
        .into_iter()
        .map(|change| match change {
            Change::Listed(slug)
                if before.get(&slug).is_some_and(|d| now.get(&slug) == Some(d)) =>
            {
                Change::Pages(slug)
            }
            other => other,
        })
        .collect()
}

/// The guides to assemble again, or `None` for every guide.
pub(crate) fn to_assemble(changes: &[Change]) -> Option<BTreeSet<String>> {
    let mut guides = BTreeSet::new();
    for change in changes {
        match change {
            Change::GuideFiles(slug) => {
                guides.insert(slug.clone());
            }
            // The settings and the words reach into every guide (links, languages, names).
            Change::Settings | Change::ThemeWords | Change::Whole => return None,
            _ => {}
        }
    }
    Some(guides)
}

/// What a rebuild renders again, made from the changes.
#[derive(Debug, Default)]
pub(crate) struct Redo {
    /// Every page and file.
    pub all: bool,
    /// The templates must be compiled again.
    pub templates: bool,
    /// Page templates whose pages are rendered again.
    pub page_templates: BTreeSet<String>,
    /// Guides whose pages and pictures are rendered again (a removed one's old files go).
    pub guides: BTreeSet<String>,
    /// Some guide's pages or copied files came or went, or guides changed places: the plan is
    /// made again (and the sitemap with it, if its pages differ).
    pub plan: bool,
    /// Pages of these guides came or went: their old files are looked for.
    pub gone: bool,
    /// Each language's index.
    pub index: bool,
    /// Every part of the search.
    pub search_all: bool,
    /// The parts of the search holding these guides.
    pub searched: BTreeSet<String>,
}

impl Redo {
    pub(crate) fn of(changes: &[Change]) -> Redo {
        let mut redo = Redo::default();
        for change in changes {
            match change {
                // Assembly names what changed in a guide's folder; the name alone says nothing.
                Change::GuideFiles(_) => {}
                Change::Settings | Change::ThemeWords | Change::SharedTemplate | Change::Whole => {
                    redo.all = true;
                    redo.templates = true;
                }
                Change::PageTemplate(name) => {
                    redo.templates = true;
                    redo.page_templates.insert(name.clone());
                }
                Change::Pages(slug) => {
                    redo.guides.insert(slug.clone());
                }
                Change::Listed(slug) => {
                    redo.guides.insert(slug.clone());
                    redo.index = true;
                }
                Change::Searched(slug) => {
                    redo.guides.insert(slug.clone());
                    redo.searched.insert(slug.clone());
                }
                Change::Reshaped(slug) => {
                    redo.guides.insert(slug.clone());
                    redo.plan = true;
                    redo.gone = true;
                }
                Change::Added(slug) | Change::Removed(slug) => {
                    redo.guides.insert(slug.clone());
                    (redo.plan, redo.gone, redo.index, redo.search_all) = (true, true, true, true);
                }
                Change::Moved => {
                    (redo.plan, redo.index, redo.search_all) = (true, true, true);
                }
            }
        }
        redo
    }
}

impl Redo {
    /// Whether the file at `path` (the page `page`, when it is one) is made again: the pages
    /// and pictures of its guides, the index and the parts of the search it names, the sitemap
    /// when `sitemap` (its pages changed), and the pages of changed templates.
    pub(crate) fn covers<'a>(
        &'a self,
        site: &'a Site,
        plan: &'a Plan,
        sitemap: bool,
    ) -> impl Fn(&str, Option<&Page>) -> bool + Sync + 'a {
        let rebuilt: Vec<bool> = site
            .guides
            .iter()
            .map(|g| self.all || self.guides.contains(&g.slug))
            .collect();
        let parts: BTreeSet<usize> = (0..site.guides.len())
            .filter(|&g| self.searched.contains(&site.guides[g].slug))
            .map(|g| g / SEARCH_PART)
            .collect();
        // Copied files made again: the rebuilt guides' pictures. The site's own files and the
        // theme's change only with a whole rebuild.
        let pictures: BTreeSet<&str> = plan
            .copies
            .iter()
            .filter(|c| c.guide.is_some_and(|g| rebuilt[g]))
            .map(|c| c.path.as_str())
            .collect();
        move |path, page| {
            if self.all {
                return true;
            }
            let Some(page) = page else {
                return pictures.contains(path);
            };
            let template_changed = self.page_templates.contains(page.kind.template());
            let guide_changed = match (page.guide, page.kind) {
                (Some(g), _) => rebuilt[g],
                (None, PageKind::Index) => self.index,
                (None, PageKind::SearchIndex(part)) => self.search_all || parts.contains(&part),
                (None, PageKind::Sitemap) => sitemap,
                // The 404 page, robots.txt and the manifest use only the site's settings.
                (None, _) => false,
            };
            template_changed || guide_changed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guide_whose_card_is_the_same_leaves_the_index_as_it_is() {
        let digest = |s: &str| Digest::of(s.as_bytes());
        let before = BTreeMap::from([
            ("a".to_string(), digest("a")),
            ("b".to_string(), digest("b")),
        ]);
        let now = BTreeMap::from([
            ("a".to_string(), digest("a")),
            ("b".to_string(), digest("b2")),
        ]);
        let changes = vec![
            Change::Listed("a".into()),
            Change::Searched("a".into()),
            Change::Listed("b".into()),
            Change::Listed("new".into()),
        ];
        let refined = same_cards(changes, &before, &now);
        assert_eq!(
            refined,
            [
                Change::Pages("a".into()),
                Change::Searched("a".into()),
                Change::Listed("b".into()),
                Change::Listed("new".into()),
            ]
        );
        let redo = Redo::of(&refined[..2]);
        assert!(!redo.index && redo.guides.contains("a") && redo.searched.contains("a"));
    }

    #[test]
    fn files_are_named_by_where_they_lie() {
        let of = Change::of_path;
        assert_eq!(
            of("content/guides/leash/steps/01-a.md"),
            Change::GuideFiles("leash".into())
        );
        assert_eq!(
            of("content/guides/leash"),
            Change::GuideFiles("leash".into())
        );
        assert_eq!(of("content/guides"), Change::Settings);
        assert_eq!(of("content/site.yaml"), Change::Settings);
        assert_eq!(of("templates/i18n/es.yaml"), Change::ThemeWords);
        assert_eq!(of("templates/i18n"), Change::ThemeWords);
        assert_eq!(of("templates"), Change::ThemeWords);
        assert_eq!(
            of("templates/step.html"),
            Change::PageTemplate("step.html".into())
        );
        assert_eq!(of("templates/partials/head.html"), Change::SharedTemplate);
    }

    #[test]
    fn a_listing_change_renders_the_index_and_a_move_every_search_part() {
        let listed = Redo::of(&[Change::Listed("a".into())]);
        assert!(listed.index && !listed.plan && !listed.all);
        let moved = Redo::of(&[Change::Pages("a".into()), Change::Moved]);
        assert!(moved.index && moved.search_all && moved.plan && !moved.gone);
        assert!(Redo::of(&[Change::ThemeWords]).all);
        assert_eq!(to_assemble(&[Change::Settings]), None);
    }

    #[test]
    fn a_build_takes_a_changed_guide_to_change_everywhere_and_follows_the_guides_naming_it() {
        use crate::content::digest::Digest;
        let digests = Digests::of_texts;
        let before = digests(&[
            ("content/guides/a/steps/01-x.md", "1"),
            ("content/guides/b/guide.yaml", "2"),
            ("content/site.yaml", "3"),
        ]);
        let edited = digests(&[
            ("content/guides/a/steps/01-x.md", "one"),
            ("content/guides/b/guide.yaml", "2"),
            ("content/site.yaml", "3"),
        ]);
        let naming = |slugs: &BTreeSet<String>| {
            assert!(slugs.contains("a"));
            vec!["a".to_string(), "b".to_string()]
        };
        let changes = since_last_build(&edited, &before, naming, false);
        let redo = Redo::of(&changes);
        assert!(!redo.all && !redo.plan && redo.index);
        assert_eq!(redo.guides, ["a".to_string(), "b".to_string()].into());
        assert_eq!(redo.searched, ["a".to_string(), "b".to_string()].into());

        let mut added = edited.clone();
        added
            .files
            .insert("content/guides/a/steps/02-y.md".into(), Digest::of(b"2"));
        let redo = Redo::of(&since_last_build(&added, &edited, |_| Vec::new(), false));
        assert!(redo.plan && !redo.all);
        assert_eq!(redo.guides, ["a".to_string()].into());

        let mut settings = edited.clone();
        settings
            .files
            .insert("content/site.yaml".into(), Digest::of(b"new"));
        assert!(Redo::of(&since_last_build(&settings, &edited, |_| Vec::new(), false)).all);
        let mut options = edited.clone();
        options.options = Digest::of(b"--paper a4");
        assert!(Redo::of(&since_last_build(&options, &edited, |_| Vec::new(), false)).all);
        assert_eq!(
            since_last_build(&edited, &edited, |_| Vec::new(), false),
            Vec::<Change>::new()
        );
        assert!(Redo::of(&since_last_build(&edited, &edited, |_| Vec::new(), true)).search_all);
    }
}
