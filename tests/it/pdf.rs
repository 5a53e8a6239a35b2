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
