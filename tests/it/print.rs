//! Printing in a real browser: Debian's headless Chromium prints pages of the default site to
//! PDF, and the PDF's sheets are counted. Runs when Chromium is installed; with
//! `HANDOUT_REQUIRE_BROWSER=1` (as in CI) a missing Chromium is a failure, not a skip.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::helpers::{copy_dir, handout, repo_root};

/// The Chromium to print with: the one `handout pdf` would use.
pub fn chromium() -> Option<PathBuf> {
    handout::output::pdf::Browser::find().ok().map(|b| b.path)
}

/// Chromium, or `None` after saying why the test is skipped.
pub fn browser_or_skip(test: &str) -> Option<PathBuf> {
    match chromium() {
        Some(p) => Some(p),
        None if std::env::var("HANDOUT_REQUIRE_BROWSER").as_deref() == Ok("1") => {
            panic!("{test} needs Chromium: apt-get install chromium chromium-driver")
        }
        None => {
            eprintln!("skipping {test}: Chromium is not installed");
            None
        }
    }
}

/// Prints `page` to a PDF with Chromium's own print pipeline; returns (sheets, width, height in
/// points) of the first sheet.
fn print(chromium: &Path, page: &Path, work: &Path) -> (usize, f32, f32) {
    let (sheets, w, h, _) = print_to(chromium, page, work);
    (sheets, w, h)
}

/// `print`, also returning the PDF's path.
fn print_to(chromium: &Path, page: &Path, work: &Path) -> (usize, f32, f32, PathBuf) {
    // Unique per page: every guide has a checklist.html and a log.html.
    let name = page
        .components()
        .rev()
        .take(2)
        .map(|c| c.as_os_str().to_string_lossy().replace('.', "_"))
        .collect::<Vec<_>>()
        .join("-");
    let pdf = work.join(format!("{name}.pdf"));
    let profile = work.join(format!("{name}-profile"));
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium runs");
    assert!(
        pdf.is_file(),
        "Chromium made no PDF of {}: {status:?}",
        page.display()
    );
    let doc = lopdf::Document::load(&pdf).expect("a readable PDF");
    let pages = doc.get_pages();
    let first = pages.values().next().copied().expect("at least one page");
    let media = doc
        .get_dictionary(first)
        .and_then(|d| d.get(b"MediaBox"))
        .and_then(|m| m.as_array())
        .map(|a| {
            a.iter()
                .map(|v| v.as_float().unwrap_or(0.0))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    (
        pages.len(),
        media.get(2).copied().unwrap_or(0.0),
        media.get(3).copied().unwrap_or(0.0),
        pdf,
    )
}

/// The default site built with `paper` in site.yaml.
fn default_site_on(paper: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    copy_dir(&repo_root().join("content"), &dir.path().join("content"));
    let site_yaml = dir.path().join("content/site.yaml");
    let text = fs::read_to_string(&site_yaml).unwrap();
    assert!(
        text.contains("paper: letter"),
        "the default site prints on letter"
    );
    fs::write(
        &site_yaml,
        text.replace("paper: letter", &format!("paper: {paper}")),
    )
    .unwrap();
    handout(dir.path(), &["build"]).success();
    dir
}

/// Every page is printed at Letter and at A4: step pages, checklists and training logs fit on
/// exactly one sheet of the right size, and no word on any sheet of any page lies outside the
/// printable area (15 mm side margins), so nothing is cut off on paper.
#[test]
fn pages_print_on_one_sheet_and_nothing_leaves_the_printable_area() {
    let Some(chromium) = browser_or_skip("the print test") else {
        return;
    };
    let bounds = pdftotext_or_skip("the printable-area part of the print test").is_some();
    // (paper, width and height in points)
    for (paper, size) in [("letter", (612.0, 792.0)), ("a4", (595.0, 842.0))] {
        let site = default_site_on(paper);
        let public = site.path().join("public");
        let work = TempDir::new().unwrap();
        // The 404 page takes its styles from the published site (`<base href>`), so from disk
        // it prints unstyled; web hosts serve it, nobody prints it.
        let pages: Vec<PathBuf> = crate::browser::pages(&public)
            .into_iter()
            .filter(|p| p != "404.html")
            .map(|p| public.join(p))
            .collect();
        assert!(pages.len() >= 20, "found only {} pages", pages.len());
        let results: Vec<(PathBuf, (usize, f32, f32, PathBuf))> = std::thread::scope(|s| {
            let handles: Vec<_> = pages
                .chunks(pages.len().div_ceil(2))
                .map(|chunk| {
                    let (chromium, work) = (&chromium, work.path());
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|p| (p.clone(), print_to(chromium, p, work)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let mut wrong = Vec::new();
        let margin = 15.0 / 25.4 * 72.0;
        for (page, (sheets, w, h, pdf)) in &results {
            let name = page.strip_prefix(&public).unwrap().display().to_string();
            let file = page.file_name().unwrap().to_string_lossy();
            let one_sheet = !["index.html", "handout.html"].contains(&file.as_ref());
            if one_sheet && *sheets != 1 {
                wrong.push(format!("{paper}: {name} prints on {sheets} sheets"));
            }
            if (w - size.0).abs() > 2.0 || (h - size.1).abs() > 2.0 {
                wrong.push(format!("{paper}: {name} printed on {w}×{h} pt"));
            }
            if !bounds {
                continue;
            }
            let boxes = pdftotext(&["-bbox"], pdf);
            for word in boxes.split("<word ").skip(1) {
                let attr = |key: &str| -> f64 {
                    word.split(&format!("{key}=\""))
                        .nth(1)
                        .and_then(|r| r.split('"').next())
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0.0)
                };
                let text = word
                    .split('>')
                    .nth(1)
                    .and_then(|r| r.split('<').next())
                    .unwrap_or("");
                if attr("xMin") < margin - 2.0 || attr("xMax") > f64::from(size.0) - margin + 2.0 {
                    wrong.push(format!(
                        "{paper}: {name}: `{text}` at {:.0}–{:.0} pt",
                        attr("xMin"),
                        attr("xMax")
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

/// The QR code on a printed page, read back from the printed sheet, is that page's address.
#[test]
fn a_printed_page_s_qr_code_reads_back_as_its_web_address() {
    let Some(chromium) = browser_or_skip("the QR code test") else {
        return;
    };
    if Command::new("pdftoppm").arg("-v").output().is_err() {
        if std::env::var("HANDOUT_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("the QR code test needs pdftoppm: apt-get install poppler-utils");
        }
        eprintln!("skipping the QR code test: pdftoppm is not installed");
        return;
    }
    let site = default_site_on("letter");
    let work = TempDir::new().unwrap();
    for (page, url) in [
        (
            "guides/leash-training/harness-on-indoors.html",
            "https://guides.riverbend-shelter.example/guides/leash-training/harness-on-indoors.html",
        ),
        (
            "guides/leash-training/index.html",
            "https://guides.riverbend-shelter.example/guides/leash-training/",
        ),
        (
            "guides/indoor-enrichment/checklist.html",
            "https://guides.riverbend-shelter.example/guides/indoor-enrichment/checklist.html",
        ),
    ] {
        let html = site.path().join("public").join(page);
        let (sheets, _, _, pdf) = print_to(&chromium, &html, work.path());
        assert!(sheets >= 1);
        let name = pdf.file_stem().unwrap().to_string_lossy().into_owned();
        let png = work.path().join(&name);
        let status = Command::new("pdftoppm")
            .args(["-png", "-r", "200", "-f", "1", "-l", "1", "-singlefile"])
            .arg(&pdf)
            .arg(&png)
            .status()
            .unwrap();
        assert!(status.success());
        let image = image::open(png.with_extension("png")).unwrap().to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(image);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1, "{page}: one QR code on the first sheet");
        let (_, content) = grids[0].decode().expect("the QR code decodes");
        assert_eq!(content, url, "{page}");
    }
}

/// `pdftotext` (poppler-utils), or `None` after saying why the test is skipped.
fn pdftotext_or_skip(test: &str) -> Option<()> {
    if Command::new("pdftotext").arg("-v").output().is_ok() {
        return Some(());
    }
    if std::env::var("HANDOUT_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("{test} needs pdftotext: apt-get install poppler-utils");
    }
    eprintln!("skipping {test}: pdftotext is not installed");
    None
}

fn pdftotext(args: &[&str], pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The handout's sheets are numbered "n / total", and no sheet ends with a heading whose text
/// went on to the next sheet.
#[test]
fn the_handout_is_numbered_and_leaves_no_heading_alone_at_the_foot_of_a_sheet() {
    let Some(chromium) = browser_or_skip("the handout test") else {
        return;
    };
    let Some(()) = pdftotext_or_skip("the handout test") else {
        return;
    };
    for paper in ["letter", "a4"] {
        let site = default_site_on(paper);
        let work = TempDir::new().unwrap();
        for guide in ["leash-training", "indoor-enrichment"] {
            let html = site
                .path()
                .join(format!("public/guides/{guide}/handout.html"));
            let (sheets, _, _) = print(&chromium, &html, work.path());
            let name = format!("handout_html-{guide}");
            let pdf = work.path().join(format!("{name}.pdf"));
            // The headings of the handout, as the printed text shows them.
            let doc = scraper::Html::parse_document(&fs::read_to_string(&html).unwrap());
            let headings: Vec<String> = doc
                .select(&scraper::Selector::parse("main h2, main h3").unwrap())
                .flat_map(|h| {
                    let parts: Vec<String> = h
                        .text()
                        .map(|t| {
                            t.split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" ")
                                .to_lowercase()
                        })
                        .filter(|t| !t.is_empty())
                        .collect();
                    let whole = parts.join(" ");
                    parts.into_iter().chain(std::iter::once(whole))
                })
                .collect();
            for n in 1..=sheets {
                let text = pdftotext(
                    &["-f", &n.to_string(), "-l", &n.to_string(), "-layout"],
                    &pdf,
                );
                let numbered = format!("{n}/{sheets}");
                assert!(
                    text.replace(' ', "").contains(&numbered),
                    "{paper} {guide}: sheet {n} has no page number {numbered}"
                );
                if n == sheets {
                    continue;
                }
                let last = text
                    .lines()
                    .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                    .rfind(|l| !l.is_empty() && !l.contains("Riverbend Animal Shelter ·"))
                    .unwrap_or_default()
                    .to_lowercase();
                assert!(
                    !headings.contains(&last),
                    "{paper} {guide}: sheet {n} ends with the heading `{last}`"
                );
            }
        }
    }
}
