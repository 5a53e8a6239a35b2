//! PDFs of each guide's handout, checklist and training log, printed by a local Chromium (or
//! Chrome) from the staged site, so they come out exactly as the browser prints the pages. Each
//! page has a time limit: a browser that never finishes is stopped, with all it started, and
//! the page it was printing is named.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::diagnostic::Diagnostic;
use crate::output::paths::{OutputPath, file_url};

/// How long one page may take to print unless `HANDOUT_PDF_TIMEOUT` says otherwise: far more
/// than a page needs (about a second) even on a slow, busy computer.
const DEFAULT_LIMIT: Duration = Duration::from_secs(60);

/// The browser that prints, and how long it may take for each page.
pub struct Browser {
    pub path: PathBuf,
    limit: Duration,
}

impl Browser {
    /// The browser named by `HANDOUT_CHROMIUM` (a path, or a program's name looked up on PATH),
    /// or else a Chromium or Chrome on PATH; the time limit from `HANDOUT_PDF_TIMEOUT`.
    pub fn find() -> Result<Browser, Diagnostic> {
        let path = match std::env::var_os("HANDOUT_CHROMIUM") {
            Some(chosen) => chosen_browser(&chosen)?,
            None => [
                "chromium",
                "chromium-browser",
                "google-chrome",
                "google-chrome-stable",
                "chrome",
            ]
            .iter()
            .find_map(|name| on_path(OsStr::new(name)))
            .ok_or_else(|| {
                Diagnostic::file("--pdf", "making PDFs needs Chromium or Google Chrome, and neither was found")
                    .with_help("on Debian or Ubuntu: sudo apt-get install chromium (or set HANDOUT_CHROMIUM to the browser's path)")
            })?,
        };
        Ok(Browser {
            path,
            limit: time_limit()?,
        })
    }
}

/// The browser `HANDOUT_CHROMIUM` names, or what is wrong with it.
fn chosen_browser(chosen: &OsStr) -> Result<PathBuf, Diagnostic> {
    let given = Path::new(chosen);
    let shown = given.display().to_string();
    let problem = |what: String, help: &str| {
        Err(Diagnostic::file("HANDOUT_CHROMIUM", what).with_help(help.to_string()))
    };
    let full_path = "set HANDOUT_CHROMIUM to the browser's full path, such as /usr/bin/chromium, or unset it to let handout look for Chromium or Chrome";
    if chosen.is_empty() {
        return problem("HANDOUT_CHROMIUM is set, but empty".into(), full_path);
    }
    // A bare name (`chromium`) is looked up on PATH, as a shell would.
    let bare = given.components().count() == 1 && given.parent() == Some(Path::new(""));
    if bare {
        return match on_path(chosen) {
            Some(found) => Ok(found),
            None => problem(
                format!("HANDOUT_CHROMIUM is `{shown}`, and no program of that name is on PATH"),
                full_path,
            ),
        };
    }
    match std::fs::metadata(given) {
        Err(_) => problem(
            format!("HANDOUT_CHROMIUM is set to {shown}, and there is no such file"),
            full_path,
        ),
        Ok(meta) if meta.is_dir() => problem(
            format!(
                "HANDOUT_CHROMIUM is set to {shown}, which is a folder, not the browser's program"
            ),
            "set it to the program itself, such as /usr/bin/chromium (on a Mac, /Applications/Google Chrome.app/Contents/MacOS/Google Chrome)",
        ),
        Ok(meta) if !is_program(&meta) => problem(
            format!("HANDOUT_CHROMIUM is set to {shown}, which is not a program that can be run"),
            full_path,
        ),
        Ok(_) => Ok(given.to_path_buf()),
    }
}

/// The first program called `name` in the folders of PATH.
fn on_path(name: &OsStr) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && is_program(&m)))
}

#[cfg(unix)]
fn is_program(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.is_file() && meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_program(meta: &std::fs::Metadata) -> bool {
    meta.is_file()
}

/// `HANDOUT_PDF_TIMEOUT`, seconds a page may take (`90`, `0.5`), or the default.
fn time_limit() -> Result<Duration, Diagnostic> {
    let Some(value) = std::env::var_os("HANDOUT_PDF_TIMEOUT") else {
        return Ok(DEFAULT_LIMIT);
    };
    let text = value.to_string_lossy();
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(Diagnostic::file(
            "HANDOUT_PDF_TIMEOUT",
            format!("HANDOUT_PDF_TIMEOUT is `{text}`, not a number of seconds"),
        )
        .with_help("set it to how many seconds one page may take to print, such as 120, or unset it for the default of 60")),
    }
}

/// Prints each of `jobs` (a page of `site`, a folder holding the built site, and the PDF it is
/// printed to, both as the plan places them). After the first page that fails, no new page is
/// started; every page that failed is reported.
pub(crate) fn print_all(
    browser: &Browser,
    site: &Path,
    jobs: &[(OutputPath, OutputPath)],
) -> Result<(), Vec<Diagnostic>> {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    let chunk = jobs.len().div_ceil(workers).max(1);
    let failed = AtomicBool::new(false);
    let problems: Vec<Diagnostic> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|chunk| {
                let failed = &failed;
                scope.spawn(move || {
                    for (page, pdf) in chunk {
                        if failed.load(Ordering::Relaxed) {
                            break;
                        }
                        if let Err(d) = print_one(browser, site, page, pdf) {
                            failed.store(true, Ordering::Relaxed);
                            return Some(d);
                        }
                    }
                    None
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| {
                h.join().unwrap_or_else(|_| {
                    Some(Diagnostic::file("--pdf", "printing stopped unexpectedly"))
                })
            })
            .collect()
    });
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems),
    }
}

fn print_one(browser: &Browser, site: &Path, page: &str, pdf: &str) -> Result<(), Diagnostic> {
    let scratch = std::env::temp_dir().join(format!(
        "handout-pdf-{}-{}",
        std::process::id(),
        pdf.replace('/', "_")
    ));
    let profile = scratch.join("profile");
    let log = scratch.join("browser.log");
    let started = std::fs::create_dir_all(&scratch)
        .and_then(|()| std::fs::File::create(&log))
        .and_then(|log| {
            let mut command = Command::new(&browser.path);
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
            command
                .arg(format!("--user-data-dir={}", profile.display()))
                .arg(format!("--print-to-pdf={}", site.join(pdf).display()))
                .arg(file_url(&absolute(&site.join(page))))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                // A file, not a pipe: a stuck browser's helpers cannot keep it open on us.
                .stderr(log)
                .spawn()
        });
    let result = match started {
        Ok(child) => finish(child, browser, site, page, pdf, &log),
        Err(e) => Err(Diagnostic::file(
            browser.path.display().to_string(),
            format!("cannot start the browser: {e}"),
        )),
    };
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// Waits for the browser printing `page`, up to the time limit, and says how it went.
fn finish(
    mut child: Child,
    browser: &Browser,
    site: &Path,
    page: &str,
    pdf: &str,
    log: &Path,
) -> Result<(), Diagnostic> {
    let deadline = Instant::now() + browser.limit;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => {
                stop_all(&mut child);
                return Err(Diagnostic::file(
                    page,
                    format!(
                        "{} did not finish printing this page to PDF within {} s, so it was stopped",
                        browser.path.display(),
                        seconds(browser.limit)
                    ),
                )
                .with_help("the old site is unchanged. Close other windows of the browser and try again; if the computer is just slow, allow more time per page, e.g. HANDOUT_PDF_TIMEOUT=300 handout pdf"));
            }
        }
    }
    if site.join(pdf).is_file() {
        return Ok(());
    }
    // Chromium's last line of output usually says why.
    let said = std::fs::read(log).unwrap_or_default();
    let said = String::from_utf8_lossy(&said);
    Err(Diagnostic::file(
        page,
        format!(
            "{} could not print this page to PDF: {}",
            browser.path.display(),
            said.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no message")
        ),
    ))
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    match s.fract() == 0.0 {
        true => format!("{s:.0}"),
        false => format!("{s}"),
    }
}

/// Stops the browser and every process it started (Chromium runs a family of them): each is
/// paused first, so none can start another while the family is gathered, then killed.
fn stop_all(child: &mut Child) {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{Pid, Signal, kill_process};
        let signal_all = |signal: Signal| {
            for pid in family(child.id()) {
                if let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
                    let _ = kill_process(pid, signal);
                }
            }
        };
        signal_all(Signal::STOP);
        signal_all(Signal::KILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// `root` and all its descendants, from the process table in /proc (each process's parent is
/// the fourth field of its `stat`, after the name in parentheses).
#[cfg(target_os = "linux")]
fn family(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let after_name = &stat[stat.rfind(')')? + 1..];
            let parent = after_name.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, parent))
        })
        .collect();
    let mut family = vec![root];
    let mut i = 0;
    while i < family.len() {
        let parent = family[i];
        family.extend(
            parents
                .iter()
                .filter(|(pid, p)| *p == parent && !family.contains(pid))
                .map(|(pid, _)| *pid)
                .collect::<Vec<_>>(),
        );
        i += 1;
    }
    family
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
