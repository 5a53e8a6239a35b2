//! `handout serve` on a synthetic site of 1,000 guides of ten steps, built once with `handout
//! build` first, as a shelter has it: how soon after starting the first page (the index)
//! answers, how soon the preview is built in memory, then edit-to-reload time: from the moment
//! a file is written to the moment the open page is told to reload (file-system event, the wait
//! that ends a burst, rebuild and notice included), over thirty edits of a step's text, then
//! ten of a guide's species (which the index shows, so it is rendered again too).
//!
//! Also reports the server's own rebuild time for each edit (from its "build N: ... in X ms"
//! line): re-reading the file, assembling, rendering and swapping in the new pages.
//!
//! Run: `cargo bench --bench serve` (or `cargo bench --bench serve -- 10000` for another size).
//! The site has the default site's `site.yaml` (`base_url`, `translations: [es]`, contact, call
//! to action; `BENCH_SITE=plain` for one without) and is written under the target folder, on
//! the ordinary disk; `BENCH_TMP=/dev/shm` puts it on a RAM disk instead. `HANDOUT_BIN=<path>`
//! measures another build of handout (an earlier commit's, to compare).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let guides: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    // The ordinary disk (under the target folder) unless told otherwise.
    let tmp = std::env::var_os("BENCH_TMP").unwrap_or_else(|| env!("CARGO_TARGET_TMPDIR").into());
    std::fs::create_dir_all(&tmp).expect("bench folder");
    let dir = tempfile::TempDir::new_in(tmp).expect("temp dir");
    let site_yaml = match std::env::var("BENCH_SITE").is_ok_and(|s| s == "plain") {
        true => handout::synthetic::PLAIN_SITE_YAML,
        false => handout::synthetic::DEFAULT_SITE_YAML,
    };
    handout::synthetic::write_site_with(dir.path(), guides, 10, 1, site_yaml)
        .expect("synthetic site");
    // A shelter's files were saved well before it builds: a build right after writing them
    // records no look for the last ones (a file changed in the same tick as the build read it
    // may change again unseen), and serve's fast start needs a look for every source. Three
    // seconds cover a disk that keeps only whole seconds.
    std::thread::sleep(Duration::from_millis(3100));

    let bin =
        std::env::var_os("HANDOUT_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_handout").into());
    let built = Command::new(&bin)
        .args(["build", "--root"])
        .arg(dir.path())
        .output()
        .expect("handout build runs");
    assert!(built.status.success(), "the site builds");
    let started = Instant::now();
    let mut child = Command::new(&bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("handout serve starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let port: u16 = loop {
        let line = lines.next().expect("an address").expect("a line");
        if let Some(rest) = line.split("http://localhost:").nth(1) {
            break rest
                .split('/')
                .next()
                .and_then(|p| p.parse().ok())
                .expect("a port");
        }
    };
    let mut index = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        index,
        "GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut reply = Vec::new();
    index.read_to_end(&mut reply).expect("the index page");
    let first_page = started.elapsed();
    assert!(
        reply.starts_with(b"HTTP/1.1 200"),
        "the index answers from the built site"
    );
    let first_build = loop {
        let line = lines.next().expect("the first build").expect("a line");
        if line.starts_with("build 1:") {
            break line;
        }
    };
    let ready = started.elapsed();
    // The server's own figure for each rebuild after the first.
    let (rebuilds, rebuild_ms) = std::sync::mpsc::channel::<f64>();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let ms = line
                .strip_prefix("build ")
                .and_then(|rest| rest.rsplit_once(" in "))
                .and_then(|(_, t)| t.strip_suffix(" ms"))
                .and_then(|t| t.parse().ok());
            if let Some(ms) = ms {
                let _ = rebuilds.send(ms);
            }
        }
    });

    let mut events = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        events,
        "GET /__handout/events HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"
    )
    .expect("request");
    events
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    wait_for(&mut events, "event: hello");

    // Thirty edits of one step's text, then ten of a guide's species, which the index shows
    // (so the index is rendered again too).
    let step = dir.path().join(format!(
        "content/guides/guide-{:05}/steps/05-step-5.md",
        guides / 2
    ));
    let original = std::fs::read_to_string(&step).expect("step");
    let times = edits(&mut events, 30, |i| {
        let text = original.replacen("Once a day", &format!("Once a day, edit {i}"), 1);
        std::fs::write(&step, text).expect("write");
    });
    let step_rebuilds: Vec<f64> = rebuild_ms.try_iter().collect();
    let yaml = dir
        .path()
        .join(format!("content/guides/guide-{:05}/guide.yaml", guides / 2));
    let original = std::fs::read_to_string(&yaml).expect("guide.yaml");
    let species_times = edits(&mut events, 10, |i| {
        let species = if i % 2 == 0 { "dog" } else { "cat" };
        let text = original.replacen("species: cat", &format!("species: {species}"), 1);
        std::fs::write(&yaml, text).expect("write");
    });
    let species_rebuilds: Vec<f64> = rebuild_ms.try_iter().collect();
    let _ = child.kill();
    let _ = child.wait();

    println!("serve, {guides} guides of 10 steps, over the site `handout build` made");
    println!(
        "first page (the index) answered {:.0} ms after starting; preview built in memory after {:.1} s ({first_build})",
        first_page.as_secs_f64() * 1000.0,
        ready.as_secs_f64()
    );
    report("a step's text", times, step_rebuilds);
    report("a guide's species", species_times, species_rebuilds);
}

/// Makes `count` edits, each waiting for the page to be told to reload; returns how long each
/// took.
fn edits(events: &mut TcpStream, count: usize, edit: impl Fn(usize)) -> Vec<Duration> {
    let mut times = Vec::new();
    for i in 0..count {
        let start = Instant::now();
        edit(i);
        wait_for(events, "event: reload");
        times.push(start.elapsed());
        std::thread::sleep(Duration::from_millis(150));
    }
    times
}

fn report(what: &str, mut times: Vec<Duration>, mut rebuilt: Vec<f64>) {
    times.sort();
    rebuilt.sort_by(f64::total_cmp);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: edit to reload over {} edits: median {:.0} ms, 90th percentile {:.0} ms, fastest {:.0} ms, slowest {:.0} ms",
        times.len(),
        ms(times[times.len() / 2]),
        ms(times[times.len() * 9 / 10]),
        ms(times[0]),
        ms(times[times.len() - 1]),
    );
    if !rebuilt.is_empty() {
        println!(
            "{what}: rebuild inside the server over {} edits: median {:.0} ms, 90th percentile {:.0} ms, slowest {:.0} ms",
            rebuilt.len(),
            rebuilt[rebuilt.len() / 2],
            rebuilt[rebuilt.len() * 9 / 10],
            rebuilt[rebuilt.len() - 1],
        );
    }
}

fn wait_for(stream: &mut TcpStream, marker: &str) {
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains(marker) {
        let n = stream
            .read(&mut buf)
            .expect("the event arrives within 10 s");
        assert!(n > 0, "the server closed the event stream");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}
