//! Full-build time and peak memory of `handout build` on synthetic sites of ten-step guides
//! (steps of 250–400 words), and the default site next to `true` and `cat` of its content.
//!
//! Run: `cargo bench --bench build` (10, 100 and 1,000 guides), or name sizes:
//! `cargo bench --bench build -- 100 10000`. `BENCH_TMP=/dev/shm` builds on a RAM disk, which
//! measures the work rather than this machine's disk. Linux only (peak memory is read from
//! /proc).

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
    println!(
        "{:>7} {:>8} {:>10} {:>11} {:>10}",
        "guides", "pages", "wall", "pages/s", "peak MB"
    );
    for guides in sizes {
        let dir = match std::env::var_os("BENCH_TMP") {
            Some(tmp) => tempfile::TempDir::new_in(tmp),
            None => tempfile::TempDir::new(),
        }
        .expect("temp dir");
        handout::synthetic::write_site(dir.path(), guides, 10, 1).expect("synthetic site");
        let root = dir.path().to_str().expect("utf-8 path").to_string();
        let build = || measure(env!("CARGO_BIN_EXE_handout"), &["build", "--root", &root]);
        let _ = build();
        let mut runs: Vec<(Duration, u64)> = (0..RUNS).map(|_| build()).collect();
        runs.sort();
        let (wall, _) = runs[RUNS / 2];
        let peak = runs.iter().map(|r| r.1).max().unwrap_or(0);
        // Overview, checklist, handout, log and ten steps per guide, plus the site's pages.
        let pages = guides * 14 + 6;
        println!(
            "{guides:>7} {pages:>8} {:>8.3} s {:>11.0} {:>10.1}",
            wall.as_secs_f64(),
            pages as f64 / wall.as_secs_f64(),
            peak as f64 / 1024.0
        );
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
