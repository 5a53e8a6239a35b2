//! PDFs of each guide's handout, checklist and training log, printed by a local Chromium (or
//! Chrome) from the staged site, so they come out exactly as the browser prints the pages.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagnostic::Diagnostic;
use crate::output::paths::OutputPath;

/// The browser to print with: `HANDOUT_CHROMIUM`, or a Chromium or Chrome on PATH.
pub fn find_chromium() -> Result<PathBuf, Diagnostic> {
    if let Some(p) = std::env::var_os("HANDOUT_CHROMIUM") {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Ok(p);
        }
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
        "chrome",
    ];
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Diagnostic::file("--pdf", "making PDFs needs Chromium or Google Chrome, and neither was found")
                .with_help("on Debian or Ubuntu: sudo apt-get install chromium (or set HANDOUT_CHROMIUM to the browser's path)")
        })
}

/// Prints each of `jobs` (a page of `site`, a folder holding the built site, and the PDF it is
/// printed to, both as the plan places them).
pub(crate) fn print_all(
    chromium: &Path,
    site: &Path,
    jobs: &[(OutputPath, OutputPath)],
) -> Result<(), Diagnostic> {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    let chunk = jobs.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .try_for_each(|(page, pdf)| print_one(chromium, site, page, pdf))
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .unwrap_or_else(|_| Err(Diagnostic::file("--pdf", "printing stopped unexpectedly")))
        })
    })
}

fn print_one(chromium: &Path, site: &Path, page: &str, pdf: &str) -> Result<(), Diagnostic> {
    let profile = std::env::temp_dir().join(format!(
        "handout-pdf-{}-{}",
        std::process::id(),
        pdf.replace('/', "_")
    ));
    let source = site.join(page);
    let target = site.join(pdf);
    let mut command = Command::new(chromium);
    command.args([
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-pdf-header-footer",
    ]);
    if running_as_root() {
        // Chromium refuses to start its sandbox as root (as in containers and CI).
        command.arg("--no-sandbox");
    }
    let output = command
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", target.display()))
        .arg(format!("file://{}", absolute(&source).display()))
        .output();
    let _ = std::fs::remove_dir_all(&profile);
    match output {
        Ok(_) if target.is_file() => Ok(()),
        Ok(out) => Err(Diagnostic::file(
            page,
            format!(
                "{} could not print this page to PDF: {}",
                chromium.display(),
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("no message")
            ),
        )),
        Err(e) => Err(Diagnostic::file(
            chromium.display().to_string(),
            format!("cannot start the browser: {e}"),
        )),
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(target_os = "linux")]
fn running_as_root() -> bool {
    rustix::process::getuid().is_root()
}

#[cfg(not(target_os = "linux"))]
fn running_as_root() -> bool {
    false
}
