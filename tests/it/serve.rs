//! `handout serve`: started on a free port, edited with each editor's way of saving, probed with
//! hostile requests. Every wait is bounded, and the server is stopped when a test ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::TestSite;

const WAIT: Duration = Duration::from_secs(10);

/// A running `handout serve`, killed on drop.
pub struct Served {
    child: Child,
    pub port: u16,
    /// What it printed up to its first build.
    pub started: Vec<String>,
}

impl Served {
    pub fn start(root: &Path, extra: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_handout"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("handout serve starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut started = Vec::new();
        let port = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            started.push(line.clone());
            if let Some(rest) = line.split("http://localhost:").nth(1) {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        // Pages answer from the address on; the tests start once the preview is built.
        loop {
            let line = lines
                .next()
                .expect("serve reported its first build")
                .unwrap();
            started.push(line.clone());
            if line.starts_with("build 1:") {
                break;
            }
        }
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Served {
            child,
            port,
            started,
        }
    }

    fn get(&self, path: &str) -> Reply {
        self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
            self.port
        ))
    }

    fn raw(&self, request: &str) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        Reply {
            status: head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
            head: head.to_string(),
            body: body.to_string(),
        }
    }

    fn events(&self) -> Events {
        let mut events = self.connect_events();
        let (name, _) = events.next(WAIT).expect("a first event");
        assert!(name == "hello" || name == "problems", "{name}");
        events
    }

    /// A new event stream, as a freshly opened page makes.
    fn connect_events(&self) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "GET /__handout/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
            self.port
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        Events {
            stream,
            buffer: String::new(),
        }
    }
}

impl Served {
    /// The first event a newly opened page gets while the site is broken.
    fn events_after_problem(&self) -> String {
        self.open_problem_stream().1
    }

    /// An event stream opened while the site is broken, after its first (`problems`) event.
    fn events_after_problem_stream(&self) -> Events {
        self.open_problem_stream().0
    }

    fn open_problem_stream(&self) -> (Events, String) {
        let mut events = self.connect_events();
        let (name, data) = events.next(WAIT).expect("a first event");
        assert_eq!(name, "problems");
        (events, data)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

struct Events {
    stream: TcpStream,
    buffer: String,
}

impl Events {
    /// The next event (name, data) within `limit`, or `None`.
    fn next(&mut self, limit: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = Vec::new();
                for line in block.lines() {
                    if let Some(n) = line.strip_prefix("event: ") {
                        name = n.to_string();
                    } else if let Some(d) = line.strip_prefix("data: ") {
                        data.push(d);
                    }
                }
                if line_is_comment(&block) {
                    continue;
                }
                return Some((name, data.join("\n")));
            }
            if Instant::now() > deadline {
                return None;
            }
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => return None,
                Ok(n) => self.buffer.push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(_) => {}
            }
        }
    }

    #[track_caller]
    fn expect(&mut self, name: &str) -> String {
        loop {
            match self.next(WAIT) {
                Some((n, data)) if n == name => return data,
                Some(_) => continue,
                None => panic!("no `{name}` event within {WAIT:?}"),
            }
        }
    }

    #[track_caller]
    fn expect_quiet(&mut self, limit: Duration) {
        if let Some((n, d)) = self.next(limit) {
            panic!("expected no event, got `{n}`: {d}");
        }
    }
}

fn line_is_comment(block: &str) -> bool {
    block.lines().all(|l| l.starts_with(':') || l.is_empty())
}

/// One editor's way of writing new text to the step file.
type SaveStyle<'a> = Box<dyn Fn(&str) + 'a>;

const STEP: &str = "content/guides/first-guide/steps/01-begin.md";
const PAGE: &str = "/guides/first-guide/begin.html";

fn step_text(body: &str) -> String {
    format!("---\ntitle: Begin here\ndone_when: Your cat sniffs the toy.\n---\n{body}\n")
}

/// Each editor's way of saving: the page follows every edit, with one rebuild per save.
#[test]
fn every_save_style_reloads_the_page_once_with_the_final_text() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let step = site.root().join(STEP);
    let dir = step.parent().unwrap().to_path_buf();
    let styles: Vec<(&str, SaveStyle)> = vec![
        (
            "write in place",
            Box::new(|t: &str| std::fs::write(&step, t).unwrap()),
        ),
        (
            "write a temporary file and rename it over (VS Code, most editors' atomic save)",
            Box::new(|t: &str| {
                let tmp = dir.join(".01-begin.md.tmp-save");
                std::fs::write(&tmp, t).unwrap();
                std::fs::rename(&tmp, &step).unwrap();
            }),
        ),
        (
            "vim: probe file, rename to a backup, write anew, remove the backup",
            Box::new(|t: &str| {
                let probe = dir.join("4913");
                std::fs::write(&probe, "").unwrap();
                std::fs::remove_file(&probe).unwrap();
                let backup = dir.join("01-begin.md~");
                std::fs::rename(&step, &backup).unwrap();
                std::fs::write(&step, t).unwrap();
                std::fs::remove_file(&backup).unwrap();
            }),
        ),
        (
            "sed -i",
            Box::new(|t: &str| {
                let status = Command::new("sed")
                    .arg("-i")
                    .arg(format!("s/^Show.*$/{}/", t.lines().last().unwrap()))
                    .arg(&step)
                    .status()
                    .unwrap();
                assert!(status.success());
            }),
        ),
        (
            "delete and recreate",
            Box::new(|t: &str| {
                // As editors do it: the new file follows at once. (A pause here made the test
                // depend on this thread waking within the watcher's 15 ms burst on a busy
                // machine.)
                std::fs::remove_file(&step).unwrap();
                std::fs::write(&step, t).unwrap();
            }),
        ),
    ];
    let mut build: u64 = 1;
    for (i, (style, save)) in styles.iter().enumerate() {
        let marker = format!("Show the toy, edit number {i}.");
        // sed replaces the body's line; the others write the whole file.
        save(&step_text(&marker));
        let data = events.expect("reload");
        let now: u64 = data.parse().expect("a reload names its build");
        if *style == "delete and recreate" {
            // Two separate writes: on a busy machine this thread can be held between them for
            // longer than the watcher's 15 ms burst, and the server then rebuilds twice. Pages
            // are still told once, with the final text (checked below).
            assert!(now > build, "{style}: a new build ({now} after {build})");
        } else {
            assert_eq!(now, build + 1, "{style}: one rebuild per save");
        }
        build = now;
        let page = served.get(PAGE);
        assert_eq!(page.status, 200, "{style}");
        assert!(
            page.body.contains(&marker),
            "{style}: the page does not show the edit"
        );
        events.expect_quiet(Duration::from_millis(300));
    }
    assert!(
        !site.root().join("public").exists(),
        "serve wrote public/ without --write"
    );
}

#[test]
fn a_burst_of_fifty_changed_files_gives_one_rebuild() {
    let dir = tempfile::TempDir::new().unwrap();
    crate::helpers::synthetic_site(dir.path(), 10, 5, 1);
    let served = Served::start(dir.path(), &[]);
    let mut events = served.events();
    // Like `git checkout`: fifty files replaced at once. They are written outside the site
    // first and moved in together, so a busy test machine cannot stretch the burst itself.
    let outside = dir.path().join("new-files");
    std::fs::create_dir(&outside).unwrap();
    let mut moves = Vec::new();
    for g in 0..10 {
        for s in 1..=5 {
            let new = outside.join(format!("{g}-{s}.md"));
            std::fs::write(
                &new,
                format!("---\ntitle: Changed {g} {s}\ndone_when: Calm.\n---\nNew text.\n"),
            )
            .unwrap();
            let path = dir.path().join(format!(
                "content/guides/guide-{g:05}/steps/{s:02}-step-{s}.md"
            ));
            moves.push((new, path));
        }
    }
    for (new, path) in moves {
        std::fs::rename(new, path).unwrap();
    }
    assert_eq!(events.expect("reload"), "2");
    events.expect_quiet(Duration::from_millis(500));
    let page = served.get("/guides/guide-00009/step-5.html");
    assert!(page.body.contains("Changed 9 5"));
}

#[test]
fn editor_litter_causes_no_rebuild() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    for name in [
        ".01-begin.md.swp",
        "01-begin.md~",
        "4913",
        "01-begin.md.bck",
        ".#01-begin.md",
        "Thumbs.db",
        "desktop.ini",
        "~$01-begin.md",
        "ehthumbs.db",
    ] {
        site.write(&format!("content/guides/first-guide/steps/{name}"), "junk");
    }
    events.expect_quiet(Duration::from_millis(600));
}

#[test]
fn new_and_deleted_steps_and_guides_appear_and_go() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    site.write(
        "content/guides/first-guide/steps/04-extra.md",
        &step_text("An extra step."),
    );
    events.expect("reload");
    assert_eq!(served.get("/guides/first-guide/extra.html").status, 200);
    site.remove("content/guides/first-guide/steps/04-extra.md");
    events.expect("reload");
    assert_eq!(served.get("/guides/first-guide/extra.html").status, 404);
    // A whole new guide folder, arriving in one move as a file manager does it.
    let staging = site.root().join("incoming");
    crate::helpers::copy_dir(&site.root().join("content/guides/second-guide"), &staging);
    std::fs::rename(&staging, site.root().join("content/guides/third-guide")).unwrap();
    events.expect("reload");
    assert_eq!(served.get("/guides/third-guide/only-step.html").status, 200);
    assert!(served.get("/").body.contains("third-guide"));
}

#[test]
fn a_broken_edit_shows_its_problem_and_keeps_the_last_good_page() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    site.write(
        STEP,
        "---\ntitle: Begin here\ndone_when: Sniffs.\nBroken: [\n",
    );
    let problems = events.expect("problems");
    assert!(problems.contains(&format!("{STEP}:")), "{problems}");
    assert!(problems.contains("error:"), "{problems}");
    // The last good page is still served, and a page opened now gets the problem at once.
    let page = served.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Show the toy."));
    assert!(
        page.body
            .contains("<script src=\"/__handout/client.js\"></script>")
    );
    let mut late = served.events_after_problem();
    assert!(late.contains(&format!("{STEP}:")));
    // Fixing it reloads every page (which clears the overlay).
    site.write(STEP, &step_text("Fixed text."));
    events.expect("reload");
    assert!(served.get(PAGE).body.contains("Fixed text."));
    late.clear();
}

/// An undo puts the broken file back as it last built: no page changes, but the problems go,
/// so open pages are told to reload (which clears the overlay).
#[test]
fn undoing_a_broken_edit_clears_the_problems() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let good = site.read(STEP);
    site.write(STEP, "---\ntitle: [\n");
    events.expect("problems");
    site.write(STEP, &good);
    events.expect("reload");
}

#[test]
fn hostile_request_paths_read_nothing_outside_the_site() {
    let site = TestSite::fixture("minimal");
    site.write("secret.txt", "TOP-SECRET-OUTSIDE");
    let served = Served::start(site.root(), &[]);
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2f..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/secret.txt%00.html",
        "/index.html%00/../../secret.txt",
        "//secret.txt",
        "/etc/passwd",
        "/content/site.yaml",
        "http://localhost/../secret.txt",
        "/guides/../../secret.txt",
        "/a\0b",
    ] {
        let reply = served.get(path);
        assert!(
            !reply.body.contains("TOP-SECRET"),
            "{path} leaked a file from outside the site"
        );
        assert!(
            !reply.body.contains("name: Test Shelter"),
            "{path} served a source file"
        );
        assert_eq!(reply.status, 404, "{path}");
    }
    let reply = served.raw(&format!(
        "GET /index.html HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
        served.port
    ));
    assert_eq!(reply.status, 200);
}

#[test]
fn requests_for_other_host_names_are_refused() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    let ask = |host: &str| {
        served.raw(&format!(
            "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ))
    };
    assert_eq!(ask("evil.example").status, 403);
    assert_eq!(ask(&format!("evil.example:{}", served.port)).status, 403);
    // Another port: the name is right but it is not this server's address.
    assert_eq!(ask(&format!("localhost:{}", served.port + 1)).status, 403);
    assert_eq!(ask("localhost").status, 403, "port 80 is not this one");
    assert_eq!(ask(&format!("localhost:{}", served.port)).status, 200);
    assert_eq!(ask(&format!("[::1]:{}", served.port)).status, 200);
    assert_eq!(ask(&format!("127.0.0.1:{}", served.port)).status, 200);
    assert_eq!(
        served.raw("GET / HTTP/1.0\r\n\r\n").status,
        403,
        "no Host at all"
    );
}

/// What every reply says about other sites: they may not embed it, frame it, open it with a
/// handle on its window, sniff another type into it, or read it (no open CORS).
#[track_caller]
fn assert_guarded(what: &str, head: &str) {
    let head = head.to_ascii_lowercase();
    for header in [
        "cross-origin-resource-policy: same-origin",
        "x-content-type-options: nosniff",
        "content-security-policy: frame-ancestors 'self'",
        "x-frame-options: sameorigin",
        "cross-origin-opener-policy: same-origin",
    ] {
        assert!(head.contains(header), "{what} lacks {header}:\n{head}");
    }
    assert!(
        !head.contains("access-control-allow-origin"),
        "{what} lets other sites read it:\n{head}"
    );
}

#[test]
fn every_reply_forbids_other_sites_to_embed_frame_or_read_it() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    for path in [
        "/",
        "/search-index.js",
        "/assets/style.css",
        "/guides/first-guide/images/toy.svg",
        "/__handout/client.js",
        "/no/such/page.html",
    ] {
        assert_guarded(path, &served.get(path).head);
    }
    let refused = served.raw(&format!(
        "GET / HTTP/1.1\r\nHost: evil.example:{}\r\nConnection: close\r\n\r\n",
        served.port
    ));
    assert_guarded("a refused request", &refused.head);
    // The event stream's head, read as a page opening it gets it.
    let mut stream = TcpStream::connect(("127.0.0.1", served.port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "GET /__handout/events HTTP/1.1\r\nHost: localhost:{}\r\nOrigin: http://localhost:{}\r\n\r\n",
        served.port, served.port
    )
    .unwrap();
    let mut head = String::new();
    let mut reader = BufReader::new(stream);
    while !head.ends_with("\r\n\r\n") {
        if reader.read_line(&mut head).unwrap_or(0) == 0 {
            break;
        }
    }
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_guarded("the event stream", &head);
}

/// A page of another site, or of another port of this machine, that asks the preview for a
/// script, a picture, a fetch or the event stream is refused, whatever it asks for; following
/// a link to the preview still opens it, and its own pages' requests are answered.
#[test]
fn requests_made_by_other_sites_pages_are_refused() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    let ask = |path: &str, site: &str, mode: &str, dest: &str| {
        served.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: localhost:{}\r\nSec-Fetch-Site: {site}\r\nSec-Fetch-Mode: {mode}\r\nSec-Fetch-Dest: {dest}\r\nConnection: close\r\n\r\n",
            served.port
        ))
    };
    for site in ["cross-site", "same-site"] {
        for (path, mode, dest) in [
            ("/search-index.js", "no-cors", "script"),
            ("/guides/first-guide/images/toy.svg", "no-cors", "image"),
            ("/guides/first-guide/begin.html", "cors", "empty"),
            ("/__handout/events", "cors", "empty"),
            ("/", "navigate", "iframe"),
        ] {
            let reply = ask(path, site, mode, dest);
            assert_eq!(reply.status, 403, "{site} {mode} {dest} {path}");
            assert!(!reply.body.contains("HANDOUT_SEARCH"), "{path}");
            assert!(!reply.body.contains("Show the toy."), "{path}");
        }
        assert_eq!(ask("/", site, "navigate", "document").status, 200, "a link");
    }
    let own = ask("/search-index.js", "same-origin", "no-cors", "script");
    assert_eq!(own.status, 200);
    assert!(own.body.contains("HANDOUT_SEARCH"));
    assert_eq!(
        ask("/", "none", "navigate", "document").status,
        200,
        "typed in"
    );
}

#[test]
fn replies_have_the_right_types_and_no_open_cors() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    for (path, kind) in [
        ("/", "text/html; charset=utf-8"),
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/checklist.js", "text/javascript; charset=utf-8"),
        ("/guides/first-guide/images/toy.svg", "image/svg+xml"),
        ("/guides/first-guide/", "text/html; charset=utf-8"),
    ] {
        let reply = served.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert!(
            reply.head.contains(&format!("Content-Type: {kind}")),
            "{path}: {}",
            reply.head
        );
        assert!(
            !reply
                .head
                .to_ascii_lowercase()
                .contains("access-control-allow-origin"),
            "{path}"
        );
    }
    let missing = served.get("/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page not found"),
        "the site's own 404 page"
    );
}

/// Over the site `handout build` left, serve answers from public/ until its own is built (a
/// large site's first page at once); once a source changed since, it builds first.
#[test]
fn serve_answers_from_the_last_build_only_while_it_is_current() {
    let site = TestSite::fixture("minimal");
    site.settle().build().success();
    let from_disk = "showing the last build in public/ while the preview is prepared";
    let served = Served::start(site.root(), &[]);
    assert!(
        served.started.iter().any(|l| l == from_disk),
        "{:?}",
        served.started
    );
    let page = served.get("/guides/first-guide/begin.html");
    let built = site.read("public/guides/first-guide/begin.html");
    assert_eq!(page.status, 200);
    // The same page, with the preview's reload script.
    assert_eq!(
        page.body
            .replace("<script src=\"/__handout/client.js\"></script>\n", ""),
        built
    );
    drop(served);
    site.write(STEP, &step_text("Edited while serve was stopped."));
    let served = Served::start(site.root(), &[]);
    assert!(
        served.started.iter().any(|l| l == "preparing the preview…"),
        "{:?}",
        served.started
    );
    let page = served.get("/guides/first-guide/begin.html");
    assert!(page.body.contains("Edited while serve was stopped."));
}

#[test]
fn write_keeps_public_up_to_date() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &["--write"]);
    let mut events = served.events();
    assert!(site.root().join("public/index.html").is_file());
    site.write(STEP, &step_text("Written through."));
    events.expect("reload");
    let deadline = Instant::now() + WAIT;
    while !site
        .read("public/guides/first-guide/begin.html")
        .contains("Written through.")
    {
        assert!(Instant::now() < deadline, "public/ was not updated");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// After a series of edits, including a broken one and a title that other guides show, every
/// page served equals the page a full build makes.
#[test]
fn incremental_rebuilds_serve_the_same_site_as_a_full_build() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    site.write(STEP, &step_text("Edited once."));
    events.expect("reload");
    // second-guide's title appears on first-guide's overview (related guides).
    let guide_yaml = site.read("content/guides/second-guide/guide.yaml");
    site.write(
        "content/guides/second-guide/guide.yaml",
        &guide_yaml.replace("title: Second guide", "title: Renamed guide"),
    );
    events.expect("reload");
    site.write(
        "content/guides/first-guide/steps/02-middle.md",
        "---\ntitle: [\n",
    );
    events.expect("problems");
    site.write(
        "content/guides/second-guide/steps/01-only-step.md",
        &step_text("Changed while broken."),
    );
    events.expect("problems");
    site.write(
        "content/guides/first-guide/steps/02-middle.md",
        &step_text("Middle, fixed."),
    );
    events.expect("reload");
    // A templates/ folder made while serving, then a page template and the stylesheet edited.
    site.write("templates/checklist.html", "{% extends \"base.html\" %}{% block main %}<p>Own checklist for {{ guide.title }}</p>{% endblock main %}");
    events.expect("reload");
    assert!(
        served
            .get("/guides/second-guide/checklist.html")
            .body
            .contains("Own checklist for Renamed guide")
    );
    site.write("templates/checklist.html", "{% extends \"base.html\" %}{% block main %}<p>Edited checklist for {{ guide.title }}</p>{% endblock main %}");
    events.expect("reload");
    site.write("templates/assets/style.css", "body { color: teal; }\n");
    events.expect("reload");
    assert_eq!(
        served.get("/assets/style.css").body,
        "body { color: teal; }\n"
    );

    assert_serves_a_full_build(&site, &served);
    assert!(
        served
            .get("/guides/first-guide/index.html")
            .body
            .contains("Renamed guide")
    );
}

/// On a site with three parts of search, edits in a row: a step, a title that moves its guide to
/// the top of the index (and shows on another guide's page), a picture, a new step, a broken
/// guide.yaml with another guide edited meanwhile and its fix, a link to a guide that comes
/// after it, a guide removed, a picture added and a step removed. Every page served equals a
/// full build's, both halfway and at the end.
#[test]
fn patched_rebuilds_of_a_larger_site_equal_a_full_build() {
    let site = TestSite::synthetic(205, 2);
    let picture = "content/guides/guide-00007/images/map.svg";
    site.write(picture, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let step = "content/guides/guide-00150/steps/01-step-1.md";
    site.write(step, &step_text("Edited in place."));
    events.expect("reload");
    assert!(
        served
            .get("/guides/guide-00150/step-1.html")
            .body
            .contains("Edited in place.")
    );
    // "Guide 99" is last on the index; renamed, it moves to the top and every guide after
    // it moves one place, across the search's parts.
    let yaml = "content/guides/guide-00099/guide.yaml";
    site.write(
        yaml,
        &site
            .read(yaml)
            .replace("title: Guide 99", "title: Aardvark guide"),
    );
    events.expect("reload");
    // guide-00100 lists guide-00099 as related.
    assert!(
        served
            .get("/guides/guide-00100/index.html")
            .body
            .contains("Aardvark guide")
    );
    site.write(
        picture,
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>Map</title></svg>",
    );
    events.expect("reload");
    assert!(
        served
            .get("/guides/guide-00007/images/map.svg")
            .body
            .contains("<title>Map</title>")
    );
    assert_serves_a_full_build(&site, &served);
    site.write(
        "content/guides/guide-00020/steps/03-step-3.md",
        &step_text("A new last step."),
    );
    events.expect("reload");
    let broken = "content/guides/guide-00030/guide.yaml";
    let good = site.read(broken);
    site.write(broken, "title: [\n");
    events.expect("problems");
    site.write(
        "content/guides/guide-00040/steps/02-step-2.md",
        &step_text("Edited while another guide was broken."),
    );
    events.expect("problems");
    site.write(
        broken,
        &good.replace("title: Guide 30", "title: Guide 30, fixed"),
    );
    events.expect("reload");
    // A link to a guide that does not exist yet, then the guide, moved in whole.
    let linking = "content/guides/guide-00040/steps/01-step-1.md";
    site.write(
        linking,
        &step_text("See [the new guide](guide:guide-00300/step-2)."),
    );
    events.expect("problems");
    let incoming = site.root().join("incoming");
    crate::helpers::copy_dir(&site.root().join("content/guides/guide-00060"), &incoming);
    std::fs::rename(&incoming, site.root().join("content/guides/guide-00300")).unwrap();
    events.expect("reload");
    assert!(
        served
            .get("/guides/guide-00040/step-1.html")
            .body
            .contains("href=\"../guide-00300/step-2.html\"")
    );
    // A guide removed, and the guide that listed it as related mended.
    std::fs::remove_dir_all(site.root().join("content/guides/guide-00050")).unwrap();
    events.expect("problems");
    let related = "content/guides/guide-00051/guide.yaml";
    site.write(
        related,
        &site
            .read(related)
            .replace("related:\n  - guide-00050\n", ""),
    );
    events.expect("reload");
    assert_eq!(served.get("/guides/guide-00050/index.html").status, 404);
    // A picture added to a guide, and a step removed.
    site.write(
        "content/guides/guide-00070/images/new.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    events.expect("reload");
    site.remove("content/guides/guide-00020/steps/03-step-3.md");
    events.expect("reload");
    assert_serves_a_full_build(&site, &served);
}

/// Edits to what the index, search and sitemap show: a guide's species (it moves to another
/// group on the index), its `order:` (it moves on the index, in the search and in the sitemap),
/// a step added, a translation taken out, a theme word naming a species. After each, every file
/// is served as a full build makes it, and `--write` leaves exactly a full build's files, none
/// missing or extra. (Before, a species change rebuilt one file and the index kept the guide
/// under its old species; an order change left the sitemap stale.)
#[test]
fn edits_to_what_the_index_and_sitemap_show_serve_and_write_a_full_build() {
    let site = TestSite::fixture("library");
    let written = site.root().join("written");
    let served = Served::start(
        site.root(),
        &["--write", "--output", written.to_str().unwrap()],
    );
    let mut events = served.events();
    let dogs = "content/guides/dog-walks/guide.yaml";
    let rabbits = "content/guides/rabbit-diet/guide.yaml";
    let edits: [&dyn Fn(); 5] = [
        &|| {
            site.write(
                dogs,
                &site.read(dogs).replace("species: dog", "species: cat"),
            );
        },
        &|| {
            site.write(rabbits, &format!("order: 0\n{}", site.read(rabbits)));
        },
        &|| {
            site.write(
                "content/guides/dog-walks/steps/02-longer-walk.md",
                "---\ntitle: A longer walk\ndone_when: You walked for an hour.\n---\nWalk on.\n",
            );
        },
        &|| {
            site.remove("content/guides/rabbit-diet/steps/01-hay.es.md");
            site.remove("content/guides/rabbit-diet/guide.es.yaml");
        },
        &|| {
            site.write("templates/i18n/en.yaml", "species_cat: Felines\n");
        },
    ];
    for (i, edit) in edits.iter().enumerate() {
        edit();
        events.expect("reload");
        assert_serves_a_full_build(&site, &served);
        let out = tempfile::TempDir::new().unwrap();
        let full_dir = out.path().join("public");
        site.handout(&["build", "--output", full_dir.to_str().unwrap()])
            .success();
        let full = crate::helpers::tree(&full_dir);
        // `--write` follows the reload: wait until it has written this build.
        let deadline = Instant::now() + WAIT;
        loop {
            let diff = crate::helpers::tree_diff(&full, &crate::helpers::tree(&written));
            if diff.is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "after edit {i}, the written site is not a full build's (first: the full build):\n{}",
                diff.join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let index = served.get("/index.html").body;
    assert!(index.contains("Felines"), "the theme's new species name");
}

/// Every file a full build of `site` makes is served with the same bytes.
fn assert_serves_a_full_build(site: &TestSite, served: &Served) {
    let out = tempfile::TempDir::new().unwrap();
    let out_dir = out.path().join("public");
    site.handout(&["build", "--output", out_dir.to_str().unwrap()])
        .success();
    let full = crate::helpers::tree(&out_dir);
    let script = "<script src=\"/__handout/client.js\"></script>\n";
    for (path, bytes) in &full {
        if path == ".handout-output" {
            continue;
        }
        let reply = served.get(&format!("/{path}"));
        assert_eq!(reply.status, 200, "{path}");
        let expected = String::from_utf8_lossy(bytes);
        assert_eq!(
            reply.body.replace(script, ""),
            expected,
            "{path} differs from a full build"
        );
    }
}

/// Edits to translations: a translated step changes, one is removed (its page falls back to
/// English), and a guide's translation goes away (its Spanish pages go too).
#[test]
fn translation_edits_rebuild_the_same_site_as_a_full_build() {
    let site = TestSite::fixture("library");
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let step = "content/guides/cats-and-kittens/steps/01-quiet-room.es.md";
    let text = site.read(step);
    site.write(
        step,
        &text.replace("Elija una habitación", "Busque una habitación"),
    );
    events.expect("reload");
    assert!(
        served
            .get("/es/guides/cats-and-kittens/quiet-room.html")
            .body
            .contains("Busque una habitación")
    );
    // The Spanish search covers step text (as search words), so it follows the edit too.
    let search = served.get("/es/search-index.js").body;
    assert!(
        search.contains(" busque ") && !search.contains(" elija "),
        "{search}"
    );
    site.remove("content/guides/rabbit-diet/steps/01-hay.es.md");
    events.expect("reload");
    let hay = served.get("/es/guides/rabbit-diet/hay.html");
    assert!(
        hay.body.contains("class=\"not-translated\""),
        "{}",
        hay.body
    );
    assert_serves_a_full_build(&site, &served);
    // What the index shows (a summary) and which pages exist (a new step, in the sitemap).
    let yaml = "content/guides/rabbit-diet/guide.es.yaml";
    site.write(
        yaml,
        &site.read(yaml).replace("Primero heno", "Ante todo heno"),
    );
    events.expect("reload");
    assert!(served.get("/es/index.html").body.contains("Ante todo heno"));
    site.write(
        "content/guides/rabbit-diet/steps/02-greens.md",
        "---\ntitle: Add greens\ndone_when: Greens every day.\n---\nA handful of greens.\n",
    );
    events.expect("reload");
    assert!(
        served
            .get("/sitemap.xml")
            .body
            .contains("rabbit-diet/greens.html")
    );
    assert_serves_a_full_build(&site, &served);
    site.remove("content/guides/rabbit-diet/guide.es.yaml");
    events.expect("reload");
    assert_eq!(served.get("/es/guides/rabbit-diet/hay.html").status, 404);
    assert_eq!(served.get("/es/guides/rabbit-diet/index.html").status, 404);
    assert_serves_a_full_build(&site, &served);
}

#[test]
fn a_site_that_never_built_shows_its_problems_and_recovers() {
    let site = TestSite::fixture("minimal");
    site.write(STEP, "---\ntitle: [\n");
    let served = Served::start(site.root(), &[]);
    let page = served.get("/");
    assert_eq!(page.status, 503);
    assert!(page.body.contains("The site cannot be built yet"));
    assert!(page.body.contains(&format!("{STEP}:")), "{}", page.body);
    assert!(page.body.contains("/__handout/client.js"));
    let mut events = served.events_after_problem_stream();
    site.write(STEP, &step_text("Now it builds."));
    events.expect("reload");
    assert!(served.get(PAGE).body.contains("Now it builds."));
}

#[test]
fn polling_sees_edits_too() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &["--poll"]);
    let mut events = served.events();
    site.write(STEP, &step_text("Seen by polling."));
    events.expect("reload");
    assert!(served.get(PAGE).body.contains("Seen by polling."));
    site.remove("content/guides/first-guide/steps/03-end.md");
    events.expect("reload");
    assert_eq!(served.get("/guides/first-guide/end.html").status, 404);
}

/// In a real browser: the page follows an edit, shows the problem panel over the last good page
/// when a save is broken, and drops it when the save is fixed.
#[test]
fn in_a_browser_the_page_follows_edits_and_shows_then_clears_problems() {
    let Some(browser) = crate::browser::Browser::start("the serve browser test", 1280, 900, true)
    else {
        return;
    };
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    browser.goto(&format!("http://localhost:{}{PAGE}", served.port));
    let body = "document.body.textContent";
    browser.wait_until(&format!("{body}.includes('Show the toy.')"), WAIT);
    // Wait until the page listens for changes before editing.
    std::thread::sleep(Duration::from_millis(300));

    site.write(STEP, &step_text("Edited in the browser test."));
    browser.wait_until(
        &format!("{body}.includes('Edited in the browser test.')"),
        WAIT,
    );

    site.write(STEP, "---\ntitle: Begin here\ndone_when: [\n---\n");
    let panel = "document.getElementById('handout-problems')";
    browser.wait_until(
        &format!("{panel} && {panel}.textContent.includes('{STEP}:')"),
        WAIT,
    );
    assert!(
        browser
            .js(&format!("return {body};"))
            .as_str()
            .unwrap()
            .contains("Edited in the browser test."),
        "the last good page stays"
    );

    site.write(STEP, &step_text("Fixed in the browser test."));
    browser.wait_until(
        &format!("{body}.includes('Fixed in the browser test.') && !{panel}"),
        WAIT,
    );
}

/// A link made while serve runs is refused as a build refuses it: a linked file, a linked
/// folder, with the build's message, nothing served or written from outside `content/`.
#[cfg(unix)]
#[test]
fn links_made_while_serving_are_refused_like_in_a_build() {
    let site = TestSite::fixture("minimal");
    let out = site.root().join("written");
    let served = Served::start(site.root(), &["--write", "--output", out.to_str().unwrap()]);
    let mut events = served.events();
    let images = "content/guides/first-guide/images";
    std::fs::create_dir_all(site.root().join(images)).unwrap();
    let secret = site.root().join("outside-secret.txt");
    std::fs::write(&secret, "the foster's home address").unwrap();
    std::os::unix::fs::symlink(&secret, site.root().join(images).join("p.txt")).unwrap();
    let problems = events.expect("problems");
    assert!(
        problems.contains("a link to something outside `content/`"),
        "{problems}"
    );
    assert_eq!(served.get("/guides/first-guide/images/p.txt").status, 404);
    std::fs::remove_file(site.root().join(images).join("p.txt")).unwrap();
    events.expect("reload");
    let folder = site.root().join("outside-folder");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("notes.txt"), "private").unwrap();
    std::os::unix::fs::symlink(
        &folder,
        site.root().join("content/guides/first-guide/linked"),
    )
    .unwrap();
    let problems = events.expect("problems");
    assert!(
        problems.contains("content/guides/first-guide/linked"),
        "{problems}"
    );
    assert_eq!(
        served.get("/guides/first-guide/linked/notes.txt").status,
        404
    );
    let written = crate::helpers::tree(&out);
    assert!(
        written
            .values()
            .all(|b| !String::from_utf8_lossy(b).contains("home address")),
        "--write copied a linked file"
    );
    assert!(
        !written
            .keys()
            .any(|k| k.contains("linked/") || k.ends_with("p.txt"))
    );
}

/// What a build refuses to read or publish is refused while serving too, and the server keeps
/// answering: a pipe, a link to a device, a web page, an SVG with a script, a name that is one
/// with another's on Windows, a linked folder, a file far too big, a misspelt theme file. Each
/// shows its problem, and removing it (or mending it) reloads the page.
#[cfg(unix)]
#[test]
fn files_refused_by_a_build_are_refused_while_serving() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &[]);
    let mut events = served.events();
    let root = site.root();
    let images = root.join("content/guides/first-guide/images");
    let gone = |path: &Path, events: &mut Events| {
        if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(path).unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
        events.expect("reload");
    };
    let refused = |events: &mut Events, what: &str| {
        let problems = events.expect("problems");
        assert!(problems.contains(what), "no `{what}` in {problems}");
        assert_eq!(served.get("/").status, 200, "the server stopped answering");
    };

    let pipe = images.join("pipe.png");
    assert!(
        Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap()
            .success()
    );
    refused(&mut events, "named pipe (FIFO), not a file");
    gone(&pipe, &mut events);

    let zero = images.join("zero.png");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    refused(&mut events, "a link to something outside `content/`");
    gone(&zero, &mut events);

    site.write(
        "content/guides/first-guide/page.html",
        "<script>alert(1)</script>",
    );
    refused(&mut events, "a browser runs what a `.html` file holds");
    assert_eq!(served.get("/guides/first-guide/page.html").status, 404);
    gone(
        &root.join("content/guides/first-guide/page.html"),
        &mut events,
    );

    let svg = "content/guides/first-guide/images/new.svg";
    site.write(
        svg,
        "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    );
    refused(&mut events, "event handler (`onload`)");
    assert_eq!(served.get("/guides/first-guide/images/new.svg").status, 404);
    site.write(
        svg,
        "<svg xmlns='http://www.w3.org/2000/svg'><circle r='2'/></svg>",
    );
    events.expect("reload");
    assert_eq!(served.get("/guides/first-guide/images/new.svg").status, 200);

    site.write("content/guides/first-guide/images/Toy.svg", &site.read(svg));
    refused(&mut events, "differ only in capital letters");
    gone(&images.join("Toy.svg"), &mut events);

    let linked = root.join("content/guides/copy");
    std::os::unix::fs::symlink("first-guide", &linked).unwrap();
    refused(
        &mut events,
        "a link to the folder `content/guides/first-guide`",
    );
    gone(&linked, &mut events);

    let video = images.join("walk.mp4");
    std::fs::File::create(&video)
        .unwrap()
        .set_len(3_200_000_000)
        .unwrap();
    refused(&mut events, "this file is 3.2 GB");
    gone(&video, &mut events);

    site.write("templates/stpe.html", "{% extends \"base.html\" %}");
    refused(&mut events, "did you mean `step.html`?");
    gone(&root.join("templates/stpe.html"), &mut events);
}

/// `--write` into a folder handout may not replace is refused before serving, as a build is.
#[test]
fn write_refuses_a_folder_of_other_files_before_serving() {
    let site = TestSite::fixture("minimal");
    site.write("blog/about.html", "about us");
    let mut child = Command::new(env!("CARGO_BIN_EXE_handout"))
        .args([
            "serve", "--port", "0", "--write", "--output", "blog", "--root",
        ])
        .arg(site.root())
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve --write started with a folder of other files");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("was not made by handout: `about.html`"),
        "{stderr}"
    );
    assert_eq!(site.read("blog/about.html"), "about us");
}

/// A file put into public/ while serving with `--write` is never deleted: the writes stop
/// until it is moved out, then go on.
#[test]
fn write_keeps_a_file_put_into_public_while_serving() {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), &["--write"]);
    let mut events = served.events();
    site.write("public/notes.txt", "my notes");
    site.write(STEP, &step_text("First edit."));
    events.expect("reload");
    // Rebuilds and writes take turns, so by this reload the first edit's write was tried.
    site.write(STEP, &step_text("Second edit."));
    events.expect("reload");
    assert_eq!(site.read("public/notes.txt"), "my notes");
    assert!(
        !site
            .read("public/guides/first-guide/begin.html")
            .contains("First edit.")
    );
    site.remove("public/notes.txt");
    site.write(STEP, &step_text("Third edit."));
    events.expect("reload");
    let deadline = Instant::now() + WAIT;
    while !site
        .read("public/guides/first-guide/begin.html")
        .contains("Third edit.")
    {
        assert!(Instant::now() < deadline, "public/ was not updated");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `content/` replaced while serving, the ways it happens: moved aside and another folder put
/// in its place (`mv content content.bak && mv other content`, a restored backup), or deleted
/// and made again (a `git checkout` of another branch). While it is gone the preview says so
/// instead of showing the old pages; once it is back the new folder is read whole and
/// watched, and the old one no longer counts.
fn content_replaced_while_serving(extra: &[&str]) {
    let site = TestSite::fixture("minimal");
    let served = Served::start(site.root(), extra);
    let mut events = served.events();
    let content = site.root().join("content");
    let aside = site.root().join("content.bak");

    std::fs::rename(&content, &aside).unwrap();
    let problems = events.expect("problems");
    assert!(
        problems.contains("the `content/` folder is gone"),
        "{problems}"
    );
    let page = served.get(PAGE);
    assert_eq!(page.status, 503, "no stale page while content/ is gone");
    assert!(
        page.body.contains("the `content/` folder is gone"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Show the toy."), "{}", page.body);

    let other = site.root().join("other");
    crate::helpers::copy_dir(&aside, &other);
    std::fs::write(
        other.join(STEP.strip_prefix("content/").unwrap()),
        step_text("From the other folder."),
    )
    .unwrap();
    std::fs::rename(&other, &content).unwrap();
    events.expect("reload");
    let page = served.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("From the other folder."),
        "{}",
        page.body
    );

    // The folder now in place is watched, a new guide folder in it too; the one moved aside
    // is not.
    site.write(STEP, &step_text("Edited after the swap."));
    events.expect("reload");
    assert!(served.get(PAGE).body.contains("Edited after the swap."));
    site.write(
        "content/guides/new-guide/guide.yaml",
        &site.read("content/guides/second-guide/guide.yaml"),
    );
    site.write(
        "content/guides/new-guide/steps/01-only-step.md",
        &site.read("content/guides/second-guide/steps/01-only-step.md"),
    );
    events.expect("reload");
    assert_eq!(served.get("/guides/new-guide/only-step.html").status, 200);
    std::fs::write(
        aside.join(STEP.strip_prefix("content/").unwrap()),
        step_text("Old folder."),
    )
    .unwrap();
    events.expect_quiet(Duration::from_millis(800));
    assert!(served.get(PAGE).body.contains("Edited after the swap."));

    // Deleted, then made again from the backup.
    std::fs::remove_dir_all(&content).unwrap();
    let problems = events.expect("problems");
    assert!(
        problems.contains("the `content/` folder is gone"),
        "{problems}"
    );
    assert_eq!(served.get(PAGE).status, 503);
    crate::helpers::copy_dir(&aside, &content);
    events.expect("reload");
    assert!(served.get(PAGE).body.contains("Old folder."));
    assert_eq!(served.get("/guides/new-guide/only-step.html").status, 404);
    site.write(STEP, &step_text("Edited after the restore."));
    events.expect("reload");
    assert!(served.get(PAGE).body.contains("Edited after the restore."));
}

#[test]
fn content_replaced_while_serving_is_noticed_and_watched_again() {
    content_replaced_while_serving(&[]);
}

#[test]
fn content_replaced_while_polling_is_noticed_too() {
    content_replaced_while_serving(&["--poll"]);
}
