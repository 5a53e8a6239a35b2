//! Converts a handout site from the synthetic generator into the same content for Hugo and,
//! optionally, Zola, so `benches/peers.sh` can time the three on equal input:
//! `cargo run --release --example peer_sites -- HANDOUT_SITE_DIR HUGO_DIR [ZOLA_DIR]`.
//!
//! Each peer gets what handout's own templates do for a web page: one page per step (count,
//! title, how often, the markdown body, "move on when", previous/next links), one overview per
//! guide (intro, lists rendered as markdown, steps at a glance, related guides) and a home page
//! listing every guide, all inside a base layout with a head, header and footer. Links between
//! steps go through each tool's checked internal links (Hugo's `ref`, Zola's `@/`), as handout
//! checks its own. Outputs handout does not make (feeds, taxonomies, sitemap) are switched off
//! where the tool allows it; see the configs below.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[derive(Deserialize)]
struct Site {
    name: String,
    #[serde(default)]
    contact: Contact,
}

#[derive(Deserialize, Default)]
struct Contact {
    #[serde(default)]
    phone: String,
}

#[derive(Deserialize)]
struct Guide {
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    species: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    time_needed: String,
    #[serde(default)]
    intro: String,
    #[serde(default)]
    before_you_start: Vec<String>,
    #[serde(default)]
    supplies: Vec<String>,
    #[serde(default)]
    tips: Vec<String>,
    #[serde(default)]
    safety: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
}

#[derive(Deserialize)]
struct StepMeta {
    title: String,
    #[serde(default)]
    done_when: String,
    #[serde(default)]
    repeat: Vec<String>,
}

struct Step {
    /// The file name without `.md`, e.g. `02-step-2`: peers keep it so internal links resolve.
    stem: String,
    number: usize,
    meta: StepMeta,
    body: String,
}

struct GuideDir {
    slug: String,
    guide: Guide,
    steps: Vec<Step>,
}

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if !(2..=3).contains(&args.len()) {
        eprintln!("usage: peer_sites HANDOUT_SITE_DIR HUGO_DIR [ZOLA_DIR]");
        std::process::exit(2);
    }
    if let Err(e) = run(&args[0], &args[1], args.get(2)) {
        eprintln!("peer_sites: {e}");
        std::process::exit(1);
    }
}

fn run(site_dir: &Path, hugo: &Path, zola: Option<&PathBuf>) -> Result<()> {
    let content = site_dir.join("content");
    let site: Site = serde_yaml::from_str(&read(&content.join("site.yaml"))?)?;
    let guides = load_guides(&content.join("guides"))?;
    write_hugo(hugo, &site, &guides)?;
    if let Some(zola) = zola {
        write_zola(zola, &site, &guides)?;
    }
    let steps: usize = guides.iter().map(|g| g.steps.len()).sum();
    println!(
        "converted {} guides, {steps} steps: Hugo in {}{}",
        guides.len(),
        hugo.display(),
        zola.map_or(String::new(), |z| format!(", Zola in {}", z.display()))
    );
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// Sorted by slug and step file name, the order handout numbers them in.
fn load_guides(dir: &Path) -> Result<Vec<GuideDir>> {
    let mut guides = Vec::new();
    for entry in sorted_entries(dir)? {
        let yaml = entry.join("guide.yaml");
        if !yaml.is_file() {
            continue;
        }
        let guide: Guide = serde_yaml::from_str(&read(&yaml)?)?;
        let mut steps = Vec::new();
        for path in sorted_entries(&entry.join("steps"))? {
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = read(&path)?;
            let (front, body) = split_front_matter(&text)
                .ok_or_else(|| format!("{}: no front matter", path.display()))?;
            steps.push(Step {
                stem: path.file_stem().unwrap().to_string_lossy().into_owned(),
                number: steps.len() + 1,
                meta: serde_yaml::from_str(front)?,
                body: body.to_string(),
            });
        }
        let slug = entry.file_name().unwrap().to_string_lossy().into_owned();
        guides.push(GuideDir { slug, guide, steps });
    }
    Ok(guides)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut paths = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    paths.sort();
    Ok(paths)
}

/// `---\nYAML---\nbody` → (YAML, body).
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some((&rest[..=end], &rest[end + 5..]))
}

/// The step's web name, as handout makes it: `02-step-2` → `step-2`.
fn web_slug(stem: &str) -> &str {
    stem.trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches('-')
}

/// Rewrites the targets of markdown links to other step files (`](01-step-1.md)`) with `to`.
fn rewrite_md_links(body: &str, to: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(body.len() + 64);
    let mut rest = body;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(')') {
            let target = &rest[..end];
            if target.ends_with(".md") && !target.contains(':') {
                out.push_str(&to(target));
                rest = &rest[end..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A markdown file with YAML front matter (both tools read YAML between `---` lines).
fn write_page(path: &Path, front: &Value, body: &str) -> Result<()> {
    fs::create_dir_all(path.parent().unwrap())?;
    fs::write(
        path,
        format!("---\n{}---\n{body}", serde_yaml::to_string(front)?),
    )?;
    Ok(())
}

fn write_files(root: &Path, files: &[(&str, &str)]) -> Result<()> {
    for (name, text) in files {
        let path = root.join(name);
        fs::create_dir_all(path.parent().unwrap())?;
        fs::write(path, text)?;
    }
    Ok(())
}

/// Refuses to write into a folder that holds anything, so a wrong argument cannot mix sites.
fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        return Err(format!("{} is not empty", dir.display()).into());
    }
    Ok(fs::create_dir_all(dir)?)
}

const STYLE: &str = "body{font:1.1rem/1.5 system-ui,sans-serif;max-width:42rem;margin:auto;padding:1rem}\n\
.step-nav{display:flex;justify-content:space-between}\n.safety{border-left:4px solid #c00;padding-left:1rem}\n";

fn write_hugo(root: &Path, site: &Site, guides: &[GuideDir]) -> Result<()> {
    fresh_dir(root)?;
    let config = format!(
        // handout makes no feeds, taxonomies, sitemap or robots.txt, and does not minify.
        "baseURL = \"https://shelter.example/\"\nlocale = \"en\"\ntitle = {}\n\
         disableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\"]\n\
         enableRobotsTXT = false\n[minify]\nminifyOutput = false\n[params]\nphone = {}\n",
        serde_json::to_string(&site.name)?,
        serde_json::to_string(&site.contact.phone)?,
    );
    write_files(
        root,
        &[
            ("hugo.toml", &config),
            ("static/style.css", STYLE),
            ("layouts/_default/baseof.html", HUGO_BASEOF),
            ("layouts/index.html", HUGO_HOME),
            ("layouts/_default/list.html", HUGO_LIST),
            ("layouts/_default/single.html", HUGO_SINGLE),
            ("layouts/404.html", HUGO_404),
        ],
    )?;
    // handout has no page listing /guides/ itself: keep the section for GetPage, render nothing.
    write_page(
        &root.join("content/guides/_index.md"),
        &json!({"title": "Guides", "build": {"render": "never"}}),
        "",
    )?;
    for (i, g) in guides.iter().enumerate() {
        let dir = root.join("content/guides").join(&g.slug);
        let front = json!({
            "title": g.guide.title, "description": g.guide.summary, "weight": i + 1,
            "species": g.guide.species, "topic": g.guide.topic, "time_needed": g.guide.time_needed,
            "before_you_start": g.guide.before_you_start, "supplies": g.guide.supplies,
            "tips": g.guide.tips, "safety": g.guide.safety, "related": g.guide.related,
        });
        write_page(&dir.join("_index.md"), &front, &g.guide.intro)?;
        for s in &g.steps {
            let front = json!({
                "title": s.meta.title, "weight": s.number, "slug": web_slug(&s.stem),
                "done_when": s.meta.done_when, "repeat": s.meta.repeat,
            });
            let body = rewrite_md_links(&s.body, |t| format!("{{{{< ref \"{t}\" >}}}}"));
            write_page(&dir.join(format!("{}.md", s.stem)), &front, &body)?;
        }
    }
    Ok(())
}

const HUGO_BASEOF: &str = r##"<!DOCTYPE html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ block "description" . }}Care guides from {{ site.Title }}{{ end }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><a class="site-name" href="{{ "/" | relURL }}">{{ site.Title }}</a>
{{ block "breadcrumbs" . }}{{ end }}</header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><p>Questions? Call {{ site.Params.phone }}.</p></footer>
</body>
</html>
"##;

const HUGO_HOME: &str = r##"{{ define "title" }}Care guides · {{ site.Title }}{{ end }}
{{ define "main" }}<h1>Care guides</h1>
<ul class="guide-list">
{{ range (site.GetPage "/guides").Sections }}<li class="guide-card" data-topic="{{ .Params.topic }}">
<h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<p>{{ .Description }}</p>
<p class="meta"><span>Topic: {{ .Params.topic }}</span> <span>{{ len .RegularPages }} steps</span> <span>Time: {{ .Params.time_needed }}</span></p>
</li>
{{ end }}</ul>
{{ end }}
"##;

const HUGO_LIST: &str = r##"{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "description" }}{{ .Description }}{{ end }}
{{ define "breadcrumbs" }}<nav class="breadcrumbs"><a href="{{ "/" | relURL }}">All guides</a></nav>{{ end }}
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p class="lead">{{ .Description }}</p>
<p class="meta"><span>For: {{ .Params.species }}</span> <span>{{ len .RegularPages }} steps</span> <span>Time: {{ .Params.time_needed }}</span></p>
{{ range first 1 .RegularPages }}<p><a class="button" href="{{ .RelPermalink }}">Start with step 1</a></p>{{ end }}
<section><h2>About this guide</h2>
{{ .Content }}</section>
{{ with .Params.before_you_start }}<section><h2>Before you start</h2>
<ul>{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ul></section>{{ end }}
{{ with .Params.supplies }}<section><h2>What you need</h2>
<ul>{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ul></section>{{ end }}
<section><h2>Steps at a glance</h2>
<ol class="step-overview">
{{ range .RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<span class="done-when-inline"><span class="label">Move on when</span> {{ .Params.done_when | markdownify }}</span></li>
{{ end }}</ol></section>
{{ with .Params.tips }}<section><h2>Tips</h2>
<ul>{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ul></section>{{ end }}
{{ with .Params.safety }}<section class="safety"><h2>Safety rules</h2>
<ul>{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ul></section>{{ end }}
{{ with .Params.related }}<section class="related"><h2>Related guides</h2>
<ul>{{ range . }}{{ with site.GetPage (printf "/guides/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul></section>{{ end }}
</article>
{{ end }}
"##;

// Steps are weighted 1..n and listed by weight, so neighbours are found by index: the meaning of
// Hugo's own `.Prev`/`.Next` has changed between versions.
const HUGO_SINGLE: &str = r##"{{ define "title" }}Step {{ .Weight }}: {{ .Title }} · {{ .CurrentSection.Title }} · {{ site.Title }}{{ end }}
{{ define "description" }}{{ .CurrentSection.Title }} · Step {{ .Weight }} of {{ len .CurrentSection.RegularPages }}: {{ .Title }}{{ end }}
{{ define "breadcrumbs" }}<nav class="breadcrumbs"><a href="{{ "/" | relURL }}">All guides</a> › <a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></nav>{{ end }}
{{ define "main" }}{{ $guide := .CurrentSection }}{{ $steps := $guide.RegularPages }}
<article class="step">
<p class="step-count">{{ $guide.Title }} · <strong>Step {{ .Weight }} of {{ len $steps }}</strong></p>
<h1>{{ .Title }}</h1>
{{ with .Params.repeat }}<dl class="step-facts"><div><dt>How often</dt><dd><ul class="repeat">{{ range . }}<li>{{ . }}</li>{{ end }}</ul></dd></div></dl>{{ end }}
<h2 class="section-label">What to do</h2>
<div class="step-body">
{{ .Content }}
</div>
<section class="done-when"><h2>✓ Move on when</h2>
<p>{{ .Params.done_when | markdownify }}</p></section>
</article>
<nav class="step-nav">
{{ if gt .Weight 1 }}{{ with index $steps (sub .Weight 2) }}<a class="prev" href="{{ .RelPermalink }}" rel="prev">Step {{ .Weight }}: {{ .Title }}</a>{{ end }}{{ else }}<a class="prev" href="{{ $guide.RelPermalink }}">Back to the guide overview</a>{{ end }}
{{ if lt .Weight (len $steps) }}{{ with index $steps .Weight }}<a class="next" href="{{ .RelPermalink }}" rel="next">Step {{ .Weight }}: {{ .Title }}</a>{{ end }}{{ else }}<a class="next" href="{{ $guide.RelPermalink }}">All done: back to the guide</a>{{ end }}
</nav>
{{ end }}
"##;

const HUGO_404: &str = r##"{{ define "title" }}Page not found · {{ site.Title }}{{ end }}
{{ define "main" }}<h1>Page not found</h1>
<p><a href="{{ "/" | relURL }}">All guides</a></p>{{ end }}
"##;

fn write_zola(root: &Path, site: &Site, guides: &[GuideDir]) -> Result<()> {
    fresh_dir(root)?;
    let config = format!(
        // handout makes no feeds or taxonomies, and does not minify. Its search-index.js is a
        // small list of guides; Zola's search index is a full-text one, so it stays off. Zola
        // writes sitemap.xml and robots.txt whatever the config says.
        "base_url = \"https://shelter.example\"\ntitle = {}\ndefault_language = \"en\"\n\
         compile_sass = false\nbuild_search_index = false\ngenerate_feeds = false\n\
         minify_html = false\n[extra]\nphone = {}\n",
        serde_json::to_string(&site.name)?,
        serde_json::to_string(&site.contact.phone)?,
    );
    write_files(
        root,
        &[
            ("config.toml", &config),
            ("static/style.css", STYLE),
            ("templates/base.html", ZOLA_BASE),
            ("templates/index.html", ZOLA_INDEX),
            ("templates/section.html", ZOLA_SECTION),
            ("templates/page.html", ZOLA_PAGE),
            ("templates/404.html", ZOLA_404),
        ],
    )?;
    write_page(&root.join("content/_index.md"), &json!({}), "")?;
    write_page(
        &root.join("content/guides/_index.md"),
        &json!({"title": "Guides", "render": false, "sort_by": "weight"}),
        "",
    )?;
    for (i, g) in guides.iter().enumerate() {
        let dir = root.join("content/guides").join(&g.slug);
        let front = json!({
            "title": g.guide.title, "description": g.guide.summary, "weight": i + 1,
            "sort_by": "weight",
            "extra": {
                "species": g.guide.species, "topic": g.guide.topic,
                "time_needed": g.guide.time_needed, "steps": g.steps.len(),
                "before_you_start": g.guide.before_you_start, "supplies": g.guide.supplies,
                "tips": g.guide.tips, "safety": g.guide.safety, "related": g.guide.related,
            },
        });
        write_page(&dir.join("_index.md"), &front, &g.guide.intro)?;
        for s in &g.steps {
            let front = json!({
                "title": s.meta.title, "weight": s.number, "slug": web_slug(&s.stem),
                "extra": {"number": s.number, "done_when": s.meta.done_when, "repeat": s.meta.repeat},
            });
            let body = rewrite_md_links(&s.body, |t| format!("@/guides/{}/{t}", g.slug));
            write_page(&dir.join(format!("{}.md", s.stem)), &front, &body)?;
        }
    }
    Ok(())
}

const ZOLA_BASE: &str = r##"<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<meta name="description" content="{% block description %}Care guides from {{ config.title }}{% endblock description %}">
<link rel="stylesheet" href="{{ get_url(path='style.css') }}">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><a class="site-name" href="{{ config.base_url }}/">{{ config.title }}</a>
{% block breadcrumbs %}{% endblock breadcrumbs %}</header>
<main id="main">
{% block main %}{% endblock main %}
</main>
<footer class="site-footer"><p>Questions? Call {{ config.extra.phone }}.</p></footer>
</body>
</html>
"##;

const ZOLA_INDEX: &str = r##"{% extends "base.html" %}
{% block title %}Care guides · {{ config.title }}{% endblock title %}
{% block main %}<h1>Care guides</h1>
<ul class="guide-list">
{% set guides = get_section(path="guides/_index.md", metadata_only=true) %}{% for path in guides.subsections %}{% set g = get_section(path=path, metadata_only=true) %}<li class="guide-card" data-topic="{{ g.extra.topic }}">
<h3><a href="{{ g.permalink }}">{{ g.title }}</a></h3>
<p>{{ g.description }}</p>
<p class="meta"><span>Topic: {{ g.extra.topic }}</span> <span>{{ g.extra.steps }} steps</span> <span>Time: {{ g.extra.time_needed }}</span></p>
</li>
{% endfor %}</ul>
{% endblock main %}
"##;

const ZOLA_SECTION: &str = r##"{% extends "base.html" %}
{% block title %}{{ section.title }} · {{ config.title }}{% endblock title %}
{% block description %}{{ section.description }}{% endblock description %}
{% block breadcrumbs %}<nav class="breadcrumbs"><a href="{{ config.base_url }}/">All guides</a></nav>{% endblock breadcrumbs %}
{% block main %}<article>
<h1>{{ section.title }}</h1>
<p class="lead">{{ section.description }}</p>
<p class="meta"><span>For: {{ section.extra.species }}</span> <span>{{ section.pages | length }} steps</span> <span>Time: {{ section.extra.time_needed }}</span></p>
{% if section.pages %}<p><a class="button" href="{{ section.pages[0].permalink }}">Start with step 1</a></p>{% endif %}
<section><h2>About this guide</h2>
{{ section.content | safe }}</section>
{% if section.extra.before_you_start %}<section><h2>Before you start</h2>
<ul>{% for item in section.extra.before_you_start %}<li>{{ item | markdown(inline=true) | safe }}</li>{% endfor %}</ul></section>{% endif %}
{% if section.extra.supplies %}<section><h2>What you need</h2>
<ul>{% for item in section.extra.supplies %}<li>{{ item | markdown(inline=true) | safe }}</li>{% endfor %}</ul></section>{% endif %}
<section><h2>Steps at a glance</h2>
<ol class="step-overview">
{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a>
<span class="done-when-inline"><span class="label">Move on when</span> {{ p.extra.done_when | markdown(inline=true) | safe }}</span></li>
{% endfor %}</ol></section>
{% if section.extra.tips %}<section><h2>Tips</h2>
<ul>{% for item in section.extra.tips %}<li>{{ item | markdown(inline=true) | safe }}</li>{% endfor %}</ul></section>{% endif %}
{% if section.extra.safety %}<section class="safety"><h2>Safety rules</h2>
<ul>{% for item in section.extra.safety %}<li>{{ item | markdown(inline=true) | safe }}</li>{% endfor %}</ul></section>{% endif %}
{% if section.extra.related %}<section class="related"><h2>Related guides</h2>
<ul>{% for r in section.extra.related %}{% set rs = get_section(path="guides/" ~ r ~ "/_index.md", metadata_only=true) %}<li><a href="{{ rs.permalink }}">{{ rs.title }}</a></li>{% endfor %}</ul></section>{% endif %}
</article>
{% endblock main %}
"##;

// Sorted by weight, `page.lower` is the step before and `page.higher` the step after. Zola
// gives templates no `page.weight`, so the step's number is also in `extra`.
const ZOLA_PAGE: &str = r##"{% extends "base.html" %}
{% block title %}{% set guide = get_section(path=page.ancestors | last, metadata_only=true) %}Step {{ page.extra.number }}: {{ page.title }} · {{ guide.title }} · {{ config.title }}{% endblock title %}
{% block description %}{% set guide = get_section(path=page.ancestors | last, metadata_only=true) %}{{ guide.title }} · Step {{ page.extra.number }} of {{ guide.extra.steps }}: {{ page.title }}{% endblock description %}
{% block breadcrumbs %}{% set guide = get_section(path=page.ancestors | last, metadata_only=true) %}<nav class="breadcrumbs"><a href="{{ config.base_url }}/">All guides</a> › <a href="{{ guide.permalink }}">{{ guide.title }}</a></nav>{% endblock breadcrumbs %}
{% block main %}{% set guide = get_section(path=page.ancestors | last, metadata_only=true) %}
<article class="step">
<p class="step-count">{{ guide.title }} · <strong>Step {{ page.extra.number }} of {{ guide.extra.steps }}</strong></p>
<h1>{{ page.title }}</h1>
{% if page.extra.repeat %}<dl class="step-facts"><div><dt>How often</dt><dd><ul class="repeat">{% for r in page.extra.repeat %}<li>{{ r }}</li>{% endfor %}</ul></dd></div></dl>{% endif %}
<h2 class="section-label">What to do</h2>
<div class="step-body">
{{ page.content | safe }}
</div>
<section class="done-when"><h2>✓ Move on when</h2>
<p>{{ page.extra.done_when | markdown(inline=true) | safe }}</p></section>
</article>
<nav class="step-nav">
{% if page.lower %}<a class="prev" href="{{ page.lower.permalink }}" rel="prev">Step {{ page.lower.extra.number }}: {{ page.lower.title }}</a>{% else %}<a class="prev" href="{{ guide.permalink }}">Back to the guide overview</a>{% endif %}
{% if page.higher %}<a class="next" href="{{ page.higher.permalink }}" rel="next">Step {{ page.higher.extra.number }}: {{ page.higher.title }}</a>{% else %}<a class="next" href="{{ guide.permalink }}">All done: back to the guide</a>{% endif %}
</nav>
{% endblock main %}
"##;

const ZOLA_404: &str = r##"{% extends "base.html" %}
{% block title %}Page not found · {{ config.title }}{% endblock title %}
{% block main %}<h1>Page not found</h1>
<p><a href="{{ config.base_url }}/">All guides</a></p>{% endblock main %}
"##;
