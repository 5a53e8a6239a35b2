//! Content mistakes give a message with file, line and column, what is wrong and what to do,
//! exit 1, and leave the output folder as it was.

use crate::helpers::{TestSite, tree};

/// Builds once so there is a previous site, applies `change`, and checks the failed build left
/// that site byte-identical.
fn fails_and_keeps_old_site(change: impl Fn(&TestSite)) -> crate::helpers::Run {
    let site = TestSite::fixture("minimal");
    site.build().success();
    let before = tree(&site.root().join("public"));
    change(&site);
    let run = site.build();
    run.failure(1);
    assert_eq!(
        before,
        tree(&site.root().join("public")),
        "the failed build changed public/"
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    run
}

#[test]
fn an_unknown_field_names_its_line_and_suggests_the_right_one() {
    let run = fails_and_keeps_old_site(|s| {
        s.write(
            "content/guides/first-guide/steps/03-end.md",
            "---\ntitle: Last step\ndone_wen: Your cat asks for more.\n---\nBody\n",
        );
    });
    run.stderr_has("error: unknown field `done_wen`")
        .stderr_has("content/guides/first-guide/steps/03-end.md:3:1")
        .stderr_has("done_wen: Your cat asks for more.")
        .stderr_has("did you mean `done_when`?");
}

#[test]
fn a_link_to_a_missing_guide_is_an_error_not_a_dead_link() {
    let run = fails_and_keeps_old_site(|s| {
        s.write(
            "content/guides/first-guide/steps/03-end.md",
            "---\ntitle: Last step\ndone_when: Done.\n---\nSee\n[play](guide:secnd-guide).\n",
        );
    });
    run.stderr_has("content/guides/first-guide/steps/03-end.md:6:1")
        .stderr_has("there is no guide `secnd-guide`")
        .stderr_has("did you mean `second-guide`?");
}

#[test]
fn every_problem_is_reported_in_one_run_in_file_order() {
    let run = fails_and_keeps_old_site(|s| {
        s.write(
            "content/guides/first-guide/steps/02-middle.md",
            "---\ntitle: Middle\n---\n![](../images/missing.png)\n",
        );
        s.write(
            "content/guides/second-guide/steps/01-only-step.md",
            "---\ntitle: T\ndone_when: D\n---\n[x](guide:nowhere)\n",
        );
    });
    let first = run.stderr.find("02-middle.md").expect("first file");
    let second = run.stderr.find("01-only-step.md").expect("second file");
    assert!(first < second);
    run.stderr_has("the required field `done_when` is missing")
        .stderr_has("there is no guide `nowhere`")
        .stderr_has("2 problems found")
        .failure(1);
}

#[test]
fn a_step_without_front_matter_says_how_to_start_one() {
    let run = fails_and_keeps_old_site(|s| {
        s.write("content/guides/first-guide/steps/03-end.md", "Just text\n");
    });
    run.stderr_has("03-end.md:1:1")
        .stderr_has("a step file must start with front matter");
}

#[test]
fn a_gap_in_step_numbers_is_reported() {
    let run = fails_and_keeps_old_site(|s| {
        let text = s.read("content/guides/first-guide/steps/03-end.md");
        s.remove("content/guides/first-guide/steps/03-end.md");
        s.write("content/guides/first-guide/steps/04-end.md", &text);
    });
    run.stderr_has("04-end.md")
        .stderr_has("expected 03 here, found 04");
}

#[test]
fn a_misnamed_guide_file_is_not_silently_ignored() {
    let run = fails_and_keeps_old_site(|s| {
        let text = s.read("content/guides/second-guide/guide.yaml");
        s.remove("content/guides/second-guide/guide.yaml");
        s.write("content/guides/second-guide/guide.yml", &text);
    });
    run.stderr_has("content/guides/second-guide/guide.yml")
        .stderr_has("rename it to `guide.yaml`")
        .stderr_has("1 problem found");
}

#[test]
fn raw_html_is_shown_as_text_by_default() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/guides/second-guide/steps/01-only-step.md",
        "---\ntitle: <b>T</b>\ndone_when: D\n---\nHello <script>alert(1)</script>\n",
    );
    site.build().success();
    let page = site.read("public/guides/second-guide/only-step.html");
    assert!(!page.contains("<script>alert"), "raw HTML went through");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<b>T</b>"), "title not escaped");
}

#[test]
fn check_reports_the_same_problems_as_build_and_writes_nothing() {
    let site = TestSite::fixture("minimal");
    site.write(
        "content/guides/first-guide/steps/03-end.md",
        "---\ntitle: Last step\ndone_wen: x\n---\n",
    );
    let check = site.handout(&["check"]);
    check.failure(1);
    let build = site.build();
    assert_eq!(check.stderr, build.stderr);
    assert!(!site.root().join("public").exists());
}

#[test]
fn editor_backup_and_swap_files_are_ignored() {
    let site = TestSite::fixture("minimal");
    for name in [
        "01-begin.md~",
        ".01-begin.md.swp",
        "4913",
        "02-middle.md.bck",
        ".DS_Store",
    ] {
        site.write(
            &format!("content/guides/first-guide/steps/{name}"),
            "not a step",
        );
    }
    site.write(
        "content/guides/first-guide/guide.yaml~",
        "not: yaml: at all",
    );
    site.build().success();
    assert!(!site.root().join("public/guides/first-guide/4913").exists());
}

#[test]
fn files_saved_with_a_byte_order_mark_and_windows_line_endings_simply_work() {
    let site = TestSite::fixture("minimal");
    let step = "\u{feff}---\r\ntitle: Saved on Windows\r\ndone_when: It builds.\r\n---\r\nFirst line.\r\n\r\n## A sub-step\r\n\r\nMore.\r\n";
    site.write("content/guides/second-guide/steps/01-only-step.md", step);
    let yaml = site
        .read("content/guides/second-guide/guide.yaml")
        .replace('\n', "\r\n");
    site.write(
        "content/guides/second-guide/guide.yaml",
        &format!("\u{feff}{yaml}"),
    );
    site.build().success();
    let page = site.read("public/guides/second-guide/only-step.html");
    assert!(page.contains("<h1>Saved on Windows</h1>"));
    assert!(page.contains("<span class=\"substep-number\">1.1</span> A sub-step"));
    assert!(!page.contains('\r'), "no carriage returns in the output");
}

/// A file name with terminal escapes (ESC, BEL) is printed as visible escapes, piped or not, so a
/// name cannot retitle or recolour the volunteer's terminal.
#[cfg(unix)]
#[test]
fn terminal_escapes_in_file_names_are_shown_not_sent() {
    let site = crate::helpers::TestSite::fixture("minimal");
    site.write(
        "content/guides/first-guide/steps/\u{1b}]0;pwned\u{7}\u{1b}[31mred.md",
        "x",
    );
    let run = site.handout(&["check"]);
    run.failure(1)
        .stderr_has("steps/\\u{1b}]0;pwned\\u{7}\\u{1b}[31mred.md");
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'),
        "{:?}",
        run.stderr
    );
}

/// Runs `handout check` on the minimal site with `files` written over it, and checks that the
/// report of its `n` problems is short and shows the first of them with their right columns.
/// (Its time and memory, in proportion to the input however long the lines, are figures in the
/// README, not assertions here: 20,000 broken links on one line once took 19.5 GB and a minute.)
fn reports_many_problems_briefly(files: &[(&str, String)], n: usize) -> String {
    let site = TestSite::fixture("minimal");
    for (path, text) in files {
        site.write(path, text);
    }
    let run = site.handout(&["check"]);
    run.failure(1);
    let shown = run.stderr.matches("\nerror: ").count() + 1;
    assert_eq!(shown, 200, "the first 200 are shown");
    run.stderr_has(&format!(
        "... and {} more problems (fix these and run again)\n\n{n} problems found; nothing was written.\n",
        n - 200
    ));
    assert!(
        run.stderr.len() < 200 * 1000,
        "each problem is shown in a few lines: {} bytes",
        run.stderr.len()
    );
    run.stderr
}

#[test]
fn thousands_of_problems_on_one_long_line_are_reported_briefly_with_their_columns() {
    let line: String = (0..20_000)
        .map(|i| format!("[x](guide:nope{i:05}) "))
        .collect();
    let step = format!("---\ntitle: Last step\ndone_when: Done.\n---\n{line}\n");
    let stderr = reports_many_problems_briefly(
        &[("content/guides/first-guide/steps/03-end.md", step)],
        20_000,
    );
    // The 150th link starts at column 149 × 21 + 1 of line 5; only its part of the line shows.
    assert!(
        stderr.contains("there is no guide `nope00149`\n --> content/guides/first-guide/steps/03-end.md:5:3130\n"),
        "{}",
        &stderr[..2000]
    );
    assert!(
        stderr
            .contains("\n5 | ...](guide:nope00147) [x](guide:nope00148) [x](guide:nope00149) [x]")
    );
}

#[test]
fn thousands_of_problems_on_separate_lines_are_reported_briefly() {
    let body: String = (0..40_000)
        .map(|i| format!("[x](guide:nope{i:05})\n\n"))
        .collect();
    let step = format!("---\ntitle: Last step\ndone_when: Done.\n---\n{body}");
    // And as many in markdown held in guide.yaml, each mapped back through its YAML quoting.
    let intro: String = (0..5_000).map(|i| format!("[x](guide:gone{i}) ")).collect();
    let guide = format!(
        "title: Second guide\nsummary: S.\nspecies: cat\ntime_needed: A day\nintro: \"{intro}\"\n"
    );
    let stderr = reports_many_problems_briefly(
        &[
            ("content/guides/first-guide/steps/03-end.md", step),
            ("content/guides/second-guide/guide.yaml", guide),
        ],
        45_000,
    );
    assert!(
        stderr.contains("there is no guide `nope00199`\n   --> content/guides/first-guide/steps/03-end.md:403:1\n"),
        "{}",
        &stderr[stderr.len() - 3000..]
    );
}
