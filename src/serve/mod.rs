//! `handout serve`: build into memory, serve it, watch for edits, rebuild, and reload open pages.
//! Until the first build is done, pages come from the last build in `public/` when its record
//! vouches that it is current (`published`), else a page that reloads when the preview is ready.
//! A broken edit keeps the last good site served and shows its problems in every open page.
//!
//! The incremental path, apart from the full build: `session` holds the site in memory and
//! re-reads the files an edit names; `crate::change` names the kinds of change and decides
//! what each makes again; `patch` assembles only the guides touched into the last good site; `rebuild`
//! renders only what the changes reach. `watch` gathers file events, `server` answers requests.

#[cfg(test)]
mod differential;
mod patch;
mod published;
mod rebuild;
mod server;
mod session;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output::write::Writer;
use server::{Hub, State};
use session::{Outcome, Session};

pub struct ServeOptions {
    pub root: PathBuf,
    pub base_url: Option<String>,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub open: bool,
    pub poll: bool,
    /// Also write each good build to this folder.
    pub write: Option<PathBuf>,
}

/// Runs until the process is stopped. Returns only if the server cannot start.
pub fn serve(options: &ServeOptions) -> Result<(), Diagnostics> {
    let one = |d: Diagnostic| Diagnostics::from(vec![d]);
    crate::content::load::check_root(&options.root).map_err(one)?;
    // A folder --write may not replace is refused now, not at every save.
    if let Some(dir) = &options.write {
        crate::output::write::put_back(dir);
        crate::output::write::check_output(&options.root, dir).map_err(one)?;
    }
    let server =
        tiny_http::Server::http(SocketAddr::new(options.bind, options.port)).map_err(|e| {
            one(Diagnostic::file(
                format!("{}:{}", options.bind, options.port),
                format!("cannot serve on this address: {e}"),
            )
            .with_help("choose another port with --port, or stop the program that uses it"))
        })?;
    let addr = server
        .server_addr()
        .to_ip()
        .unwrap_or(SocketAddr::new(options.bind, options.port));
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the preview reachable from other computers; the default, 127.0.0.1, keeps it on this one",
            options.bind
        );
    }
    let shown_host = if options.bind.is_unspecified() || options.bind.is_loopback() {
        "localhost".to_string()
    } else {
        addr.ip().to_string()
    };
    // Pages answer at once: from the last build on disk while it is current, else with a note
    // that reloads when the preview is built.
    let public = options.root.join("public");
    let shaping = crate::pipeline::BuildOptions {
        root: options.root.clone(),
        output: None,
        base_url: options.base_url.clone(),
        paper: None,
        pdf: false,
        progress: false,
    }
    .shaping();
    let published =
        published::Published::current(&options.root, &public, &shaping).map(std::sync::Arc::new);
    let hub = Hub::new(State {
        published: published.clone(),
        ..State::default()
    });
    let url = format!("http://{shown_host}:{}/", addr.port());
    println!("serving at {url} (edits to content/ and templates/ show at once; Ctrl+C stops)");
    match published {
        Some(_) => println!("showing the last build in public/ while the preview is prepared"),
        None => println!("preparing the preview…"),
    }
    let server_hub = hub.clone();
    std::thread::spawn(move || server::run(server, server_hub, addr));
    if options.open {
        let _ = open::that_detached(&url);
    }
    // Watching starts before the site is read, so an edit made while it loads is not missed
    // (one made before is in what is read).
    let (mut watcher, changes) = watch::watch(&options.root, options.poll).map_err(one)?;
    let (mut session, mut outcome) =
        Session::start(&options.root, options.base_url.clone()).map_err(one)?;
    if let Some(early) = session.apply(&watch::settle(&changes)) {
        outcome = merge(Some(outcome), early);
    }
    // Builds shown to pages, counted here: a burst's rebuilds that are merged count once.
    let mut build: u64 = 1;
    // Pages shown from disk reload only if an edit came since that site was built.
    let same = published.is_some_and(|p| p.built_from(session.looks()));
    hub.publish(state_of(&session, build), !same);
    // After the pages leave the site on disk: --write may be replacing it.
    if let Some(dir) = &options.write {
        write_good(&session, &options.root, dir);
    }
    report(&session, &outcome, build);
    while let Some((mut paths, first)) = watch::next_batch(&changes) {
        let mut merged: Option<Outcome> = None;
        loop {
            if watch::Report::names_a_tree(&paths) {
                watcher.rearm(&options.root);
            }
            if let Some(outcome) = session.apply(&paths) {
                merged = Some(merge(merged, outcome));
            }
            // Changes that came during the rebuild join it before pages are told, so a burst
            // that a busy machine delivers in two pieces still reloads them once.
            if first.elapsed() >= watch::LONGEST_BURST {
                break;
            }
            match watch::pending(&changes) {
                Some(more) => paths = more,
                None => break,
            }
        }
        let Some(outcome) = merged else {
            continue;
        };
        build += 1;
        report(&session, &outcome, build);
        hub.publish(state_of(&session, build), !outcome.changed.is_empty());
        if let Some(dir) = &options.write
            && !outcome.failed
        {
            write_good(&session, &options.root, dir);
        }
    }
    Ok(())
}

/// One outcome for rebuilds published together: every file either changed, the last one's
/// success or failure (the session holds its state), and the time they took together.
fn merge(earlier: Option<Outcome>, later: Outcome) -> Outcome {
    let Some(mut earlier) = earlier else {
        return later;
    };
    earlier.changed.extend(later.changed);
    earlier.changed.sort();
    earlier.changed.dedup();
    Outcome {
        changed: earlier.changed,
        failed: later.failed,
        elapsed: earlier.elapsed + later.elapsed,
    }
}

fn state_of(session: &Session, build: u64) -> State {
    State {
        files: session.files.clone(),
        published: None,
        problems: session.problems.as_ref().map(|p| p.render(false)),
        build,
    }
}

fn report(session: &Session, outcome: &Outcome, build: u64) {
    let ms = outcome.elapsed.as_secs_f64() * 1000.0;
    match &session.problems {
        Some(problems) => {
            let color = crate::diagnostic::color_on_stderr();
            eprint!("{}", problems.render(color));
            match session.files.is_empty() {
                true => eprintln!("the preview shows this problem until it is fixed"),
                false => {
                    eprintln!("still serving the last good version; fix the problem and save again")
                }
            }
            let count = problems.0.len();
            let s = if count == 1 { "" } else { "s" };
            println!("build {build}: failed, {count} problem{s} in {ms:.0} ms");
        }
        None => println!(
            "build {build}: {} file{} changed in {ms:.0} ms",
            outcome.changed.len(),
            if outcome.changed.len() == 1 { "" } else { "s" }
        ),
    }
}

fn write_good(session: &Session, root: &std::path::Path, dir: &std::path::Path) {
    if session.files.is_empty() {
        return;
    }
    let written = Writer::open(root, dir, false)
        .and_then(|writer| {
            session
                .files
                .iter()
                .try_for_each(|(path, bytes)| writer.write(path, bytes))?;
            Ok(writer)
        })
        .map_err(|d| vec![d])
        .and_then(|writer| writer.commit(&|_| Ok(Vec::new()), || None));
    if let Err(problems) = written {
        eprint!("{}", Diagnostics::from(problems).render(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn outcome(changed: &[&str], failed: bool, ms: u64) -> Outcome {
        Outcome {
            changed: changed.iter().map(|s| s.to_string()).collect(),
            failed,
            elapsed: Duration::from_millis(ms),
        }
    }

    #[test]
    fn merged_rebuilds_list_each_file_once_and_the_last_failure_counts() {
        let first = merge(None, outcome(&["b.html", "index.html"], false, 30));
        let both = merge(Some(first), outcome(&["a.html", "index.html"], true, 20));
        assert_eq!(both.changed, ["a.html", "b.html", "index.html"]);
        assert!(both.failed);
        assert_eq!(both.elapsed, Duration::from_millis(50));
        let fixed = merge(Some(both), outcome(&[], false, 10));
        assert!(!fixed.failed);
    }
}
