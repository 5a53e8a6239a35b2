//! Time and peak memory of `handout build` on synthetic sites of ten-step guides (steps of
//! 250–400 words): a first build into an empty folder, and builds over the last one with
//! nothing changed, one step edited, and every page changed; then the default site next to
//! `true` and `cat` of its content.
//!
//! Run: `cargo bench --bench build` (10, 100 and 1,000 guides), or name sizes:
//! `cargo bench --bench build -- 100 10000`. Linux only (peak memory is read from /proc).
//!
//! The sites have the default site's `site.yaml` (`base_url`, so a QR code on every printed
//! page and a sitemap; `translations: [es]`; contact; call to action), as a shelter that
//! publishes has; `BENCH_SITE=plain` uses one without `base_url` or translations. Sites are
//! written under the target
//! folder, on the ordinary disk; where `/dev/shm` exists each size is measured there too (a RAM
//! disk, which measures the work rather than this machine's disk), and the table gives both.
//! `BENCH_TMP=<folder>` measures in that folder only.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn main() {
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![10, 100, 1000];
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("handout build, median of {RUNS} runs after one warm-up, {cores} cores");
    let plain = std::env::var("BENCH_SITE").is_ok_and(|s| s == "plain");
    let site_yaml = match plain {
        true => handout::synthetic::PLAIN_SITE_YAML,
        false => handout::synthetic::DEFAULT_SITE_YAML,
    };
    let places: Vec<(String, std::path::PathBuf)> = match std::env::var_os("BENCH_TMP") {
        Some(tmp) => vec![("given".into(), tmp.into())],
        None => {
            let mut places = vec![("disk".into(), env!("CARGO_TARGET_TMPDIR").into())];
            if std::path::Path::new("/dev/shm").is_dir() {
                places.push(("RAM disk".into(), "/dev/shm".into()));
            }
            places
        }
    };
    println!(
        "site.yaml: {}",
        match plain {
            true => "plain (no base_url, no translations)",
            false => "the default site's (base_url, translations: [es])",
        }
    );
    println!(
        "{:>7} {:>9} {:>19} {:>8} {:>10} {:>10}",
        "guides", "where", "build", "pages", "wall", "peak MB"
    );
    for guides in sizes {
        for (place, tmp) in &places {
            build_in(guides, place, tmp, site_yaml);
        }
    }

    // Start-up against real work: the default site, `true`, and reading its content with `cat`.
    let repo = env!("CARGO_MANIFEST_DIR");
    let out = tempfile::TempDir::new().expect("temp dir");
    let out_dir = out.path().join("public");
    let files: Vec<String> = walk(&format!("{repo}/content"));
    let cat_args: Vec<&str> = files.iter().map(String::as_str).collect();
    let median = |program: &str, args: &[&str]| {
        let mut times: Vec<Duration> = (0..RUNS + 1).map(|_| measure(program, args).0).collect();
        times.sort();
        times[RUNS / 2]
    };
    let handout = median(
        env!("CARGO_BIN_EXE_handout"),
        &[
            "build",
            "--root",
            repo,
            "--output",
            out_dir.to_str().expect("utf-8 path"),
        ],
    );
    println!(
        "default site: handout build {:.1} ms, true {:.1} ms, cat of its {} content files {:.1} ms",
        ms(handout),
        ms(median("true", &[])),
        files.len(),
        ms(median("cat", &cat_args)),
    );
}

/// How a build meets the last one's output.
#[derive(Clone, Copy)]
enum Kind {
    /// Into an empty folder: the output, its spare and its record removed first.
    First,
    /// Over the last build, nothing changed: what a build after an upgrade of nothing costs.
    Unchanged,
    /// Over the last build, one step's text edited: the everyday build.
    OneStep,
    /// Over the last build, every page different (`--paper` switched between a4 and letter,
    /// which every page's print styles show): a new theme, say.
    AllPages,
}

impl Kind {
    /// First builds last: each deletes a whole site and makes one, and ext4 stays slow to
    /// make files for minutes after many were deleted, which would slow the kinds after them.
    const ALL: [Kind; 4] = [Kind::Unchanged, Kind::OneStep, Kind::AllPages, Kind::First];

    fn name(self) -> &'static str {
        match self {
            Kind::First => "first build",
            Kind::Unchanged => "nothing changed",
            Kind::OneStep => "one step edited",
            Kind::AllPages => "every page changed",
        }
    }
}

/// Builds a site of `guides` guides in `tmp` five times of each kind after a warm-up; prints
/// the medians.
fn build_in(guides: usize, place: &str, tmp: &std::path::Path, site_yaml: &str) {
    std::fs::create_dir_all(tmp).expect("bench folder");
    let dir = tempfile::TempDir::new_in(tmp).expect("temp dir");
    handout::synthetic::write_site_with(dir.path(), guides, 10, 1, site_yaml)
        .expect("synthetic site");
    let root = dir.path().to_str().expect("utf-8 path").to_string();
    let step = walk(&format!("{root}/content/guides"))
        .into_iter()
        .find(|f| f.ends_with(".md"))
        .expect("a step file");
    for kind in Kind::ALL {
        let mut edits = 0;
        let mut paper = "letter";
        let mut build = || {
            let mut args = vec!["build", "--root", &root];
            match kind {
                Kind::First => {
                    for leftover in ["public", ".public.handout-spare"] {
                        let _ = std::fs::remove_dir_all(dir.path().join(leftover));
                    }
                    let _ = std::fs::remove_file(dir.path().join(".public.handout-state"));
                }
                Kind::Unchanged => {}
                Kind::OneStep => {
                    edits += 1;
                    let mut text = std::fs::read_to_string(&step).expect("step");
                    text.push_str(&format!("\nEdit number {edits}.\n"));
                    std::fs::write(&step, text).expect("step written");
                }
                Kind::AllPages => {
                    paper = if paper == "a4" { "letter" } else { "a4" };
                    args.extend(["--paper", paper]);
                }
            }
            measure(env!("CARGO_BIN_EXE_handout"), &args)
        };
        // Two warm-ups: the second build over a site is the first to have a spare to update.
        let _ = build();
        let _ = build();
        let mut runs: Vec<(Duration, u64)> = (0..RUNS).map(|_| build()).collect();
        runs.sort();
        let (wall, _) = runs[RUNS / 2];
        let peak = runs.iter().map(|r| r.1).max().unwrap_or(0);
        // Every page the build wrote, in every language.
        let pages = walk(&format!("{root}/public"))
            .iter()
            .filter(|f| f.ends_with(".html"))
            .count();
        println!(
            "{guides:>7} {place:>9} {:>19} {pages:>8} {:>8.3} s {:>10.1}",
            kind.name(),
            wall.as_secs_f64(),
            peak as f64 / 1024.0
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs a program to the end; returns its wall time and peak resident memory in KB, read from
/// /proc while it runs (a sample every millisecond).
fn measure(program: &str, args: &[&str]) -> (Duration, u64) {
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the program starts");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(kb) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if let Ok(Some(status)) = child.try_wait() {
            assert!(status.success(), "{program} failed");
            return (start.elapsed(), peak);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn walk(dir: &str) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect()
}
