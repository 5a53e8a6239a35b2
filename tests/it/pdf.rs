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
    let site = TestSite::minimal_with_spanish();
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

/// A stand-in for Chromium: a shell script `name` in `dir` running `body`, marked as a program.
fn fake_browser(dir: &std::path::Path, name: &str, body: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A stand-in that "prints" as Chromium is asked to: it writes a small file where
/// `--print-to-pdf=` says, and notes each address it was given in `log`.
fn printing_browser(
    dir: &std::path::Path,
    name: &str,
    log: &std::path::Path,
) -> std::path::PathBuf {
    fake_browser(
        dir,
        name,
        &format!(
            "for a in \"$@\"; do case \"$a\" in\n  --print-to-pdf=*) printf '%%PDF-1.4\\n' > \"${{a#--print-to-pdf=}}\";;\n  file://*) echo \"$a\" >> '{}';;\nesac; done",
            log.display()
        ),
    )
}

/// Whether process `pid` has ended (gone, or a zombie waiting for its parent to notice).
fn ended(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

/// A browser that never finishes is stopped after the time limit, with the process it started;
/// the message names the page, and the old site is left as it was.
#[test]
fn a_browser_that_never_finishes_is_stopped_and_its_page_named() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let before = crate::helpers::tree(&site.root().join("public"));
    let bin = tempfile::TempDir::new().unwrap();
    let pids = bin.path().join("pids");
    let stuck = fake_browser(
        bin.path(),
        "stuck-browser",
        &format!(
            "echo $$ >> '{0}'\nsleep 1000 &\necho $! >> '{0}'\nwait",
            pids.display()
        ),
    );
    let run = crate::helpers::handout_with(
        site.root(),
        &["pdf"],
        &[
            ("HANDOUT_CHROMIUM", stuck.to_str().unwrap()),
            ("HANDOUT_PDF_TIMEOUT", "1"),
        ],
    );
    run.failure(1)
        .stderr_has("did not finish printing this page to PDF within 1 s, so it was stopped")
        .stderr_has("HANDOUT_PDF_TIMEOUT=300")
        .stderr_has("nothing was written");
    assert!(
        run.stderr.contains("--> guides/first-guide/")
            || run.stderr.contains("--> guides/second-guide/"),
        "the page is named:\n{}",
        run.stderr
    );
    let started: Vec<u32> = std::fs::read_to_string(&pids)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert!(started.len() >= 2, "{started:?}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !started.iter().all(|p| ended(*p)) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let running: Vec<_> = started.iter().filter(|p| !ended(**p)).collect();
    assert!(running.is_empty(), "still running: {running:?}");
    assert_eq!(crate::helpers::tree(&site.root().join("public")), before);
    let beside: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(beside.is_empty(), "left behind: {beside:?}");
}

/// The PDFs are on the output's list of files, so the next build (without PDFs) replaces the
/// folder and they go with it.
#[test]
fn printed_pdfs_are_on_the_list_of_files_the_build_wrote() {
    let site = TestSite::fixture("minimal");
    let bin = tempfile::TempDir::new().unwrap();
    let log = bin.path().join("addresses");
    let browser = printing_browser(bin.path(), "browser", &log);
    let run = crate::helpers::handout_with(
        site.root(),
        &["pdf"],
        &[("HANDOUT_CHROMIUM", browser.to_str().unwrap())],
    );
    run.success();
    let mark = site.read("public/.handout-output");
    for guide in ["first-guide", "second-guide"] {
        for kind in ["handout", "checklist", "log"] {
            let pdf = format!("guides/{guide}/{guide}-{kind}.pdf");
            assert!(site.root().join("public").join(&pdf).is_file(), "{pdf}");
            assert!(
                mark.contains(&format!("\n{pdf}\n")),
                "{pdf} not listed:\n{mark}"
            );
        }
    }
    assert!(mark.contains("files written: 27\n"), "{mark}");
    site.build().success();
    assert!(
        !site
            .root()
            .join("public/guides/first-guide/first-guide-handout.pdf")
            .exists()
    );
}

/// A site in a folder whose name holds a space, `#`, `%`, `?` and an accent: the browser is
/// given each page's address with those percent-encoded, so it reaches the file.
#[test]
fn the_browser_is_given_addresses_that_reach_the_pages_whatever_the_folder_is_called() {
    let dir = tempfile::TempDir::new().unwrap();
    let root = dir.path().join("my#site 50%?").join("niño");
    crate::helpers::copy_dir(&crate::helpers::fixture_dir("minimal"), &root);
    let bin = tempfile::TempDir::new().unwrap();
    let log = bin.path().join("addresses");
    let browser = printing_browser(bin.path(), "browser", &log);
    crate::helpers::handout_with(
        &root,
        &["pdf"],
        &[("HANDOUT_CHROMIUM", browser.to_str().unwrap())],
    )
    .success();
    let addresses = std::fs::read_to_string(&log).unwrap();
    let first = addresses
        .lines()
        .find(|a| a.ends_with("/guides/first-guide/handout.html"));
    let first = first.unwrap_or_else(|| panic!("{addresses}"));
    assert!(
        first.contains("/my%23site%2050%25%3F/ni%C3%B1o/"),
        "{first}"
    );
    let url = url::Url::parse(first).unwrap();
    let path = url.to_file_path().unwrap();
    assert!(
        path.starts_with(&root),
        "{} is not under {}",
        path.display(),
        root.display()
    );
    assert!(url.fragment().is_none() && url.query().is_none(), "{first}");
}

/// The same folder with the real browser, when there is one: every PDF is printed.
#[test]
fn pdfs_print_from_a_folder_with_a_hash_percent_and_accent_in_its_name() {
    if browser_or_skip("the PDF test in an oddly named folder").is_none() {
        return;
    }
    let dir = tempfile::TempDir::new().unwrap();
    let root = dir.path().join("my#site 50%?").join("niño");
    crate::helpers::copy_dir(&crate::helpers::fixture_dir("minimal"), &root);
    let run = crate::helpers::handout(&root, &["pdf"]);
    run.success();
    assert!(run.stdout.contains("and 6 PDFs"), "{}", run.stdout);
    let pdf = root.join("public/guides/first-guide/first-guide-handout.pdf");
    lopdf::Document::load(&pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
}

/// `HANDOUT_CHROMIUM` set to something that is not a browser is named, with what to do, before
/// anything is built; a bare program name is looked up on PATH.
#[test]
fn a_wrong_handout_chromium_is_reported_and_a_bare_name_is_found_on_path() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let before = crate::helpers::tree(&site.root().join("public"));
    let bin = tempfile::TempDir::new().unwrap();
    let not_a_program = bin.path().join("notes.txt");
    std::fs::write(&not_a_program, "not a browser").unwrap();
    let missing = bin.path().join("no-such-browser");
    let cases = [
        (
            missing.to_str().unwrap(),
            "HANDOUT_CHROMIUM is set to [BIN]/no-such-browser, and there is no such file",
        ),
        (
            bin.path().to_str().unwrap(),
            "HANDOUT_CHROMIUM is set to [BIN], which is a folder, not the browser's program",
        ),
        (
            not_a_program.to_str().unwrap(),
            "HANDOUT_CHROMIUM is set to [BIN]/notes.txt, which is not a program that can be run",
        ),
        (
            "no-such-browser-anywhere",
            "HANDOUT_CHROMIUM is `no-such-browser-anywhere`, and no program of that name is on PATH",
        ),
        ("", "HANDOUT_CHROMIUM is set, but empty"),
    ];
    for (value, message) in cases {
        let run =
            crate::helpers::handout_with(site.root(), &["pdf"], &[("HANDOUT_CHROMIUM", value)]);
        let shown = run
            .stderr
            .replace(&bin.path().display().to_string(), "[BIN]");
        assert_eq!(run.code, 1, "{value:?}: {shown}");
        assert!(shown.contains(message), "{value:?}:\n{shown}");
        assert!(shown.contains("help: "), "{value:?}:\n{shown}");
        assert_eq!(
            crate::helpers::tree(&site.root().join("public")),
            before,
            "{value:?}"
        );
    }
    let log = bin.path().join("addresses");
    printing_browser(bin.path(), "my-chromium", &log);
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = crate::helpers::handout_with(
        site.root(),
        &["pdf"],
        &[("HANDOUT_CHROMIUM", "my-chromium"), ("PATH", &path)],
    );
    run.success();
    assert!(run.stdout.contains("and 6 PDFs"), "{}", run.stdout);
    let run = crate::helpers::handout_with(
        site.root(),
        &["pdf"],
        &[
            ("HANDOUT_PDF_TIMEOUT", "soon"),
            ("HANDOUT_CHROMIUM", "my-chromium"),
            ("PATH", &path),
        ],
    );
    run.failure(1)
        .stderr_has("HANDOUT_PDF_TIMEOUT is `soon`, not a number of seconds");
}

/// A shelter's own file named like a PDF that `handout pdf` prints, in any language, is a
/// problem that `check` and a plain `build` report as `pdf` would, without a browser: otherwise
/// the site builds today and the day someone prints, the PDF overwrites the shelter's file.
#[test]
fn a_shelters_file_named_like_a_printed_pdf_is_found_by_check_and_build_without_a_browser() {
    let site = TestSite::minimal_with_spanish();
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
