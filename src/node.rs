//! For unit tests that check a rule shipped as JavaScript against its Rust twin: runs a script
//! in node, which is there wherever the browser tests run.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `script` in node with `input` on its standard input and returns what it printed, or
/// `None` (the test then skips, saying so) when node does not run and browsers are not
/// required. With `HANDOUT_REQUIRE_BROWSER=1` a missing node fails the test.
pub fn run(script: &str, input: &[u8], test: &str) -> Option<Vec<u8>> {
    let child = Command::new("node")
        .arg("-e")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if std::env::var("HANDOUT_REQUIRE_BROWSER").as_deref() != Ok("1") => {
            eprintln!("skipping {test}: node does not run ({e})");
            return None;
        }
        Err(e) => panic!("{test} needs node: {e}"),
    };
    child
        .stdin
        .take()
        .expect("node's input")
        .write_all(input)
        .expect("node reads its input");
    let output = child.wait_with_output().expect("node ends");
    assert!(output.status.success(), "node failed in {test}");
    Some(output.stdout)
}
