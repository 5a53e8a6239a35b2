//! `handout pdf` / `build --pdf`: PDFs of each guide's handout, checklist and log beside its
//! pages, at the paper size asked for, linked from the overview; a clear message without a browser.

use crate::helpers::TestSite;
use crate::print::browser_or_skip;

#[test]
fn pdfs_are_printed_beside_the_pages_at_the_paper_size_asked_for() {
    if browser_or_skip("the PDF test").is_none() {
        return;
    }
    let site = TestSite::fixture("minimal");
    let run = site.handout(&["pdf", "--paper", "a4"]);
    run.success();
    assert!(run.stdout.contains("and 6 PDFs"), "{}", run.stdout);
    for guide in ["first-guide", "second-guide"] {
        for kind in ["handout", "checklist", "log"] {
            let path = site
                .root()
                .join(format!("public/guides/{guide}/{guide}-{kind}.pdf"));
            let doc =
                lopdf::Document::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let first = *doc.get_pages().values().next().unwrap();
            let media = doc
                .get_dictionary(first)
                .unwrap()
                .get(b"MediaBox")
                .unwrap()
                .as_array()
                .unwrap()
                .clone();
            let width = media[2].as_float().unwrap();
            assert!(
                (width - 595.0).abs() < 2.0,
                "{}: {width} pt wide, not A4",
                path.display()
            );
        }
    }
    let overview = site.read("public/guides/first-guide/index.html");
    assert!(overview.contains("href=\"first-guide-handout.pdf\""));
    // A plain build has no PDFs and no links to them.
    site.build().success();
    assert!(
        !site
            .root()
            .join("public/guides/first-guide/first-guide-handout.pdf")
            .exists()
    );
    assert!(
        !site
            .read("public/guides/first-guide/index.html")
            .contains(".pdf")
    );
}

#[test]
fn without_a_browser_pdf_says_what_to_install_and_changes_nothing() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let before = crate::helpers::tree(&site.root().join("public"));
    let empty = tempfile::TempDir::new().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_handout"))
        .args(["build", "--pdf"])
        .current_dir(site.root())
        .env("PATH", empty.path())
        .env_remove("HANDOUT_CHROMIUM")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("making PDFs needs Chromium or Google Chrome"),
        "{stderr}"
    );
    assert!(stderr.contains("apt-get install chromium"), "{stderr}");
    assert_eq!(before, crate::helpers::tree(&site.root().join("public")));
}

#[test]
fn every_language_gets_its_pdfs_and_every_overview_link_resolves() {
    if browser_or_skip("the translated PDF test").is_none() {
        return;
    }
    // The minimal fixture with its second guide translated into Spanish.
    let site = TestSite::fixture("minimal");
    let settings = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        &format!("{settings}translations: [es]\nmissing_translation: fallback\n"),
    )
    .write(
        "content/guides/second-guide/guide.es.yaml",
        "title: Segunda guía\nsummary: Una guía pequeña.\ntime_needed: Un día\nintro: Por qué existe.\n",
    );
    let run = site.handout(&["pdf"]);
    run.success();
    // Two guides in English, one in Spanish: three PDFs each.
    assert!(run.stdout.contains("and 9 PDFs"), "{}", run.stdout);
    let out = site.root().join("public");
    for kind in ["handout", "checklist", "log"] {
        let pdf = out.join(format!("es/guides/second-guide/second-guide-{kind}-es.pdf"));
        lopdf::Document::load(&pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
        assert!(
            out.join(format!("guides/second-guide/second-guide-{kind}.pdf"))
                .is_file()
        );
    }
    // Each overview links its own language's PDFs, and every link on it leads to a file.
    let spanish = site.read("public/es/guides/second-guide/index.html");
    assert!(
        spanish.contains("href=\"second-guide-handout-es.pdf\""),
        "{spanish}"
    );
    let problems = crate::links::broken_links(&out);
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

/// A shelter's own file named like a PDF that `handout pdf` prints, in any language, is a
/// problem that `check` and a plain `build` report as `pdf` would, without a browser: otherwise
/// the site builds today and the day someone prints, the PDF overwrites the shelter's file.
#[test]
fn a_shelters_file_named_like_a_printed_pdf_is_found_by_check_and_build_without_a_browser() {
    let site = TestSite::fixture("minimal");
    let settings = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        &format!("{settings}translations: [es]\nmissing_translation: fallback\n"),
    )
    .write(
        "content/guides/second-guide/guide.es.yaml",
        "title: Segunda guía\nsummary: Una guía pequeña.\ntime_needed: Un día\nintro: Por qué existe.\n",
    );
    site.build().success();
    let before = crate::helpers::tree(&site.root().join("public"));
    site.write(
        "content/guides/first-guide/first-guide-handout.pdf",
        "%PDF-1.4 ours\n",
    )
    .write(
        "content/es/guides/second-guide/second-guide-log-es.pdf",
        "%PDF-1.4 ours\n",
    );
    let expected = "\
error: this file would be published as `es/guides/second-guide/second-guide-log-es.pdf`, where the build writes the training log of the guide `second-guide` in `es` as a PDF (made by `handout pdf`)
 --> content/es/guides/second-guide/second-guide-log-es.pdf
help: rename or move the file: the build needs that name

error: this file would be published as `guides/first-guide/first-guide-handout.pdf`, where the build writes the handout of the guide `first-guide` as a PDF (made by `handout pdf`)
 --> content/guides/first-guide/first-guide-handout.pdf
help: rename or move the file: the build needs that name

2 problems found; nothing was written.
";
    for command in ["check", "build"] {
        let run = site.handout(&[command]);
        run.failure(1);
        assert_eq!(run.stderr, expected, "{command}");
    }
    assert_eq!(before, crate::helpers::tree(&site.root().join("public")));
    // Renamed, the shelter's file is published as it is, beside where the PDFs go.
    std::fs::rename(
        site.root()
            .join("content/guides/first-guide/first-guide-handout.pdf"),
        site.root()
            .join("content/guides/first-guide/our-leaflet.pdf"),
    )
    .unwrap();
    site.remove("content/es/guides/second-guide/second-guide-log-es.pdf");
    site.build().success();
    assert_eq!(
        site.read("public/guides/first-guide/our-leaflet.pdf"),
        "%PDF-1.4 ours\n"
    );
}
