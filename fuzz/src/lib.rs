//! Shared harness for handout's fuzz targets: builds a `LoadedSite` in memory (no disk access)
//! around the fuzzer's bytes and runs it through `handout::pipeline::render_loaded`, then renders
//! any diagnostics the way the `handout` binary does. Only panics, hangs, stack overflows and
//! memory blow-ups count as findings; content errors (`Err(Diagnostics)`) are normal results.
//!
//! # Input format of `site_pipeline`
//!
//! The input is split into sections by marker lines. Everything before the first marker is the
//! text of the first step file; each marker starts a new section:
//!
//! ```text
//! ---
//! title: Step one
//! done_when: Done.
//! ---
//! Markdown body of step 1 ...
//! %%guide
//! title: ...                     (guide.yaml of the fuzzed guide)
//! %%site
//! name: ...                      (content/site.yaml)
//! %%step2
//! ---                            (a second step file of the fuzzed guide)
//! ...
//! %%base
//! https://x.example/g/           (the --base-url override passed to render_loaded)
//! %%html
//!                                (no content: the fallback site.yaml sets allow_html: true)
//! ```
//!
//! A marker is `%%name` alone on its line (a trailing `\r` is allowed). A missing or empty
//! step 1 / guide / site section is replaced by a known-good text, so most inputs get through
//! YAML and into markdown, link checking and template rendering. A missing `%%step2` means the
//! guide has one step. Sections are raw bytes: invalid UTF-8, BOMs and CRLF reach the decoder.

use std::collections::BTreeMap;
use std::path::PathBuf;

use handout::content::load::LoadedSite;
use handout::pipeline::render_loaded;

/// The guide whose files the fuzzer writes.
pub const GUIDE: &str = "leash-training";
/// A second, fixed and valid guide, so `guide:` links and `related` have something to find.
pub const OTHER_GUIDE: &str = "indoor-enrichment";

pub const STEP1_PATH: &str = "content/guides/leash-training/steps/01-get-a-cat-harness.md";
pub const STEP2_PATH: &str = "content/guides/leash-training/steps/02-follow-your-cat-indoors.md";
pub const GUIDE_PATH: &str = "content/guides/leash-training/guide.yaml";
pub const SITE_PATH: &str = "content/site.yaml";

pub const FALLBACK_SITE: &str = "\
name: Test Shelter
tagline: Care guides for new adopters
language: en
paper: a4
logo: images/logo.svg
contact:
  phone: \"(555) 010-0000\"
  email: help@test-shelter.example
  website: https://test-shelter.example/
  address: \"1 Mill Road\"
call_to_action:
  heading: Newsletter
  text: Hear about new guides.
  link_text: Sign up
  url: https://test-shelter.example/news
";

pub const FALLBACK_GUIDE: &str = "\
title: Leash training for cats
summary: Teach your cat to walk on a leash.
species: cat
topic: behavior
time_needed: A week
order: 1
intro: |
  Why this guide exists. See the [other guide](guide:indoor-enrichment).
before_you_start:
  - Have a *cat*.
supplies:
  - A harness.
tips:
  - Be patient.
safety:
  - Never leave the cat alone outside.
related:
  - indoor-enrichment
log_rows: 3
";

pub const FALLBACK_STEP: &str = "\
---
title: Get a cat harness
done_when: You have a harness that fits.
where: Indoors
repeat:
  - Once a day
---
Show the harness. ![The harness, fitted](../images/harness-fit.svg)

## Check the fit

> [!TIP]
> Use treats.
";

const OTHER_GUIDE_YAML: &str = "\
title: Indoor enrichment
summary: Keep an indoor cat busy.
species: cat
time_needed: A day
order: 2
intro: Play every day. See [leash training](guide:leash-training).
related:
  - leash-training
";

const OTHER_STEP: &str = "\
---
title: Play every day
done_when: Your cat plays.
---
Play. Then try [the first leash step](guide:leash-training/get-a-cat-harness).
";

const SVG: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 2"><rect width="4" height="2"/></svg>"#;

/// The parts of a `site_pipeline` input.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parts<'a> {
    pub step1: Option<&'a [u8]>,
    pub guide: Option<&'a [u8]>,
    pub site: Option<&'a [u8]>,
    pub step2: Option<&'a [u8]>,
    pub base_url: Option<&'a [u8]>,
    pub allow_html: bool,
}

const MARKERS: &[&[u8]] = &[b"guide", b"site", b"step2", b"base", b"html"];

/// Splits `data` at marker lines (`%%guide`, `%%site`, `%%step2`, `%%base`, `%%html`).
pub fn split(data: &[u8]) -> Parts<'_> {
    let mut parts = Parts::default();
    let mut current: &[u8] = b"step1";
    let mut start = 0;
    let mut line_start = 0;
    loop {
        let line_end = data[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| line_start + i);
        let line = &data[line_start..line_end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let marker = line
            .strip_prefix(b"%%")
            .and_then(|name| MARKERS.iter().find(|m| **m == name).copied());
        if let Some(name) = marker {
            // The newline before the marker belongs to the marker, not to the section.
            let end = line_start.saturating_sub(1).max(start);
            store(&mut parts, current, &data[start..end]);
            current = name;
            start = (line_end + 1).min(data.len());
        }
        if line_end >= data.len() {
            break;
        }
        line_start = line_end + 1;
    }
    store(&mut parts, current, &data[start..]);
    parts
}

fn store<'a>(parts: &mut Parts<'a>, name: &[u8], section: &'a [u8]) {
    let non_empty = (!section.is_empty()).then_some(section);
    match name {
        b"step1" => parts.step1 = non_empty,
        b"guide" => parts.guide = non_empty,
        b"site" => parts.site = non_empty,
        b"step2" => parts.step2 = Some(section),
        b"base" => parts.base_url = Some(section),
        b"html" => parts.allow_html = true,
        _ => {}
    }
}

/// The fixed, valid part of every fuzzed site: the other guide, images and a logo.
fn base_site() -> LoadedSite {
    let mut content = BTreeMap::new();
    let mut put = |path: &str, bytes: &[u8]| {
        content.insert(path.to_string(), bytes.into());
    };
    put("content/images/logo.svg", SVG);
    put("content/guides/leash-training/images/harness-fit.svg", SVG);
    put(
        "content/guides/indoor-enrichment/guide.yaml",
        OTHER_GUIDE_YAML.as_bytes(),
    );
    put(
        "content/guides/indoor-enrichment/steps/01-play-every-day.md",
        OTHER_STEP.as_bytes(),
    );
    LoadedSite {
        root: PathBuf::from("/fuzz-site"),
        content,
        ..LoadedSite::default()
    }
}

/// The site a `site_pipeline` input describes.
pub fn site_from_parts(parts: &Parts<'_>) -> (LoadedSite, Option<String>) {
    let mut site = base_site();
    let fallback_site;
    let site_yaml: &[u8] = match parts.site {
        Some(s) => s,
        None if parts.allow_html => {
            fallback_site = format!("{FALLBACK_SITE}allow_html: true\n");
            fallback_site.as_bytes()
        }
        None => FALLBACK_SITE.as_bytes(),
    };
    let c = &mut site.content;
    c.insert(SITE_PATH.into(), site_yaml.into());
    c.insert(
        GUIDE_PATH.into(),
        parts.guide.unwrap_or(FALLBACK_GUIDE.as_bytes()).into(),
    );
    c.insert(
        STEP1_PATH.into(),
        parts.step1.unwrap_or(FALLBACK_STEP.as_bytes()).into(),
    );
    if let Some(step2) = parts.step2 {
        c.insert(STEP2_PATH.into(), step2.into());
    }
    let base_url = parts.base_url.map(|b| {
        String::from_utf8_lossy(b)
            .trim_end_matches('\n')
            .to_string()
    });
    (site, base_url)
}

/// Runs the pipeline on a site and renders the outcome as the binary would.
pub fn run(site: &LoadedSite, base_url: Option<String>) {
    match render_loaded(site, base_url) {
        Ok(rendered) => {
            // Touch the output so nothing is optimised away.
            let total: usize = rendered.files.iter().map(|(_, b)| b.len()).sum();
            std::hint::black_box((total, rendered.guides, rendered.pages));
        }
        Err(problems) => {
            // `handout build` prints every problem with its source line underlined; rendering
            // them is part of the real pipeline and has its own offset arithmetic.
            std::hint::black_box(problems.render(false));
            for d in &problems.0 {
                std::hint::black_box(d.to_string());
            }
        }
    }
}

/// Entry point of the `site_pipeline` target.
pub fn site_pipeline(data: &[u8]) {
    let parts = split(data);
    let (site, base_url) = site_from_parts(&parts);
    run(&site, base_url);
}

/// Entry point of the `template_step` target: the bytes are the site's own
/// `templates/step.html`, on a valid two-guide site.
pub fn template_step(data: &[u8]) {
    let mut site = base_site();
    let c = &mut site.content;
    c.insert(SITE_PATH.into(), FALLBACK_SITE.as_bytes().into());
    c.insert(GUIDE_PATH.into(), FALLBACK_GUIDE.as_bytes().into());
    c.insert(STEP1_PATH.into(), FALLBACK_STEP.as_bytes().into());
    c.insert(
        STEP2_PATH.into(),
        b"---\ntitle: Follow your cat indoors\ndone_when: It walks.\n---\nFollow. See [step 1](01-get-a-cat-harness.md#check-the-fit).\n"
            [..]
            .into(),
    );
    site.templates.insert("step.html".into(), data.into());
    run(&site, None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sections() {
        let p =
            split(b"S1\n%%guide\nG\n%%site\r\nS\n%%step2\nT\n%%html\n%%base\nhttps://a.example/\n");
        assert_eq!(p.step1, Some(&b"S1"[..]));
        assert_eq!(p.guide, Some(&b"G"[..]));
        assert_eq!(p.site, Some(&b"S"[..]));
        assert_eq!(p.step2, Some(&b"T"[..]));
        assert_eq!(p.base_url, Some(&b"https://a.example/\n"[..]));
        assert!(p.allow_html);
        let p = split(b"%%guide\nG");
        assert_eq!((p.step1, p.guide), (None, Some(&b"G"[..])));
        let p = split(b"plain %%guide\n");
        assert_eq!(p.step1, Some(&b"plain %%guide\n"[..]));
        assert_eq!(split(b""), Parts::default());
    }

    #[test]
    fn fallback_site_builds() {
        let (site, base) = site_from_parts(&Parts::default());
        let rendered = render_loaded(&site, base).unwrap_or_else(|d| panic!("{}", d.render(false)));
        assert_eq!(rendered.guides, 2);
        let (site, base) = site_from_parts(&split(b"%%step2\n---\ntitle: Two\ndone_when: x\n---\nHi <b>x</b>\n%%html\n%%base\nhttps://a.example/g\n"));
        render_loaded(&site, base).unwrap_or_else(|d| panic!("{}", d.render(false)));
    }
    /// `cargo test -- --nocapture seed_outcomes` lists which seeds build and the first problem
    /// of those that do not; a seed that never gets past YAML is a weak seed.
    #[test]
    fn seed_outcomes() {
        for target in ["site_pipeline", "template_step"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("seeds")
                .join(target);
            let mut names: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            names.sort();
            for path in names {
                let data = std::fs::read(&path).unwrap();
                let (site, base) = if target == "site_pipeline" {
                    site_from_parts(&split(&data))
                } else {
                    let mut site = base_site();
                    site.content
                        .insert(SITE_PATH.into(), FALLBACK_SITE.as_bytes().into());
                    site.content
                        .insert(GUIDE_PATH.into(), FALLBACK_GUIDE.as_bytes().into());
                    site.content
                        .insert(STEP1_PATH.into(), FALLBACK_STEP.as_bytes().into());
                    site.templates.insert("step.html".into(), data.into());
                    (site, None)
                };
                let outcome = match render_loaded(&site, base) {
                    Ok(r) => format!("ok: {} pages", r.pages),
                    Err(d) => format!("{} problems, first: {}", d.0.len(), d.0[0]),
                };
                println!(
                    "{target}/{}: {outcome}",
                    path.file_name().unwrap().to_string_lossy()
                );
            }
        }
    }
}
