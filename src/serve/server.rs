//! The preview server: answers only with files of the built site held in memory (or, until
//! the first build is done, the last build's files on disk that `published` vouches for), only to
//! requests addressed to this machine and made by its own pages (or typed in), and tells open
//! pages to reload (or to show the latest problems) over server-sent events. Every reply says
//! that no other site may embed, frame or read it.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server};

use crate::output::paths::{FOLDER_INDEX, OutputPath};
use crate::serve::published::Published;
use crate::serve::session::Files;

/// Where the live-reload script and the event stream are served; no site file starts with `__`.
const CLIENT_JS: &str = "/__handout/client.js";
const EVENTS: &str = "/__handout/events";
const CLIENT_SOURCE: &str = include_str!("client.js");

/// What the server shows, replaced after each rebuild.
#[derive(Default)]
pub struct State {
    pub files: Arc<Files>,
    /// Before the first build is done: the last build's site on disk, if it is current.
    pub published: Option<Arc<Published>>,
    /// The latest rebuild's problems, as `check` prints them, while the site is broken.
    pub problems: Option<String>,
    pub build: u64,
}

/// The state shared by request threads, and the open pages to notify.
pub struct Hub {
    state: RwLock<State>,
    clients: Mutex<Vec<Sender<String>>>,
}

impl Hub {
    pub fn new(state: State) -> Arc<Hub> {
        Arc::new(Hub {
            state: RwLock::new(state),
            clients: Mutex::new(Vec::new()),
        })
    }

    /// Installs a rebuild's result and tells every open page: reload, or show the problems.
    /// `reload` is false when no file changed; pages still reload if they show problems, which
    /// a broken file put back as it last was (an undo) fixes without changing a file.
    pub fn publish(&self, state: State, reload: bool) {
        let mut current = self.state.write().unwrap_or_else(|e| e.into_inner());
        let event = match &state.problems {
            Some(text) => sse("problems", text),
            None if reload || current.problems.is_some() => sse("reload", &state.build.to_string()),
            None => {
                *current = state;
                return;
            }
        };
        *current = state;
        drop(current);
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|c| c.send(event.clone()).is_ok());
    }
}

fn sse(event: &str, data: &str) -> String {
    let mut out = format!("event: {event}\n");
    for line in data.lines() {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Serves until the process ends. Each request gets its own thread, since event streams stay
/// open.
pub fn run(server: Server, hub: Arc<Hub>, bound: SocketAddr) {
    for request in server.incoming_requests() {
        let hub = Arc::clone(&hub);
        std::thread::spawn(move || handle(request, &hub, bound));
    }
}

fn handle(request: Request, hub: &Hub, bound: SocketAddr) {
    let asked = |name: &str| header_value(&request, name);
    if !host_allowed(asked("Host").as_deref(), bound) {
        let _ = request.respond(text(
            403,
            &format!(
                "This preview server only answers to localhost:{}.\n",
                bound.port()
            ),
        ));
        return;
    }
    if !fetch_allowed(
        asked("Sec-Fetch-Site").as_deref(),
        asked("Sec-Fetch-Mode").as_deref(),
        asked("Sec-Fetch-Dest").as_deref(),
    ) {
        let _ = request.respond(text(
            403,
            "This preview only answers its own pages. Open it from the address `handout serve` printed.\n",
        ));
        return;
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(text(405, "Only GET and HEAD are supported.\n"));
        return;
    }
    let url = request.url().to_string();
    if url == EVENTS {
        return stream_events(request, hub);
    }
    if url == CLIENT_JS {
        let _ = request.respond(file_response(
            200,
            "client.js",
            CLIENT_SOURCE.as_bytes().to_vec(),
        ));
        return;
    }
    let state = hub.state.read().unwrap_or_else(|e| e.into_inner());
    let files = Arc::clone(&state.files);
    let never_built = files.is_empty().then(|| state.problems.clone()).flatten();
    let published = state.published.clone().filter(|_| files.is_empty());
    let preparing = state.build == 0 && files.is_empty() && published.is_none();
    drop(state);
    if preparing {
        let _ = request.respond(preparing_page());
        return;
    }
    if let Some(problems) = never_built {
        // No good build yet to fall back on: a page that shows the problems and reloads once
        // they are fixed.
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>The site has problems</title></head>\n<body>\n<h1>The site cannot be built yet</h1>\n<p>Fix the problems below and save; this page reloads by itself.</p>\n<pre>{}</pre>\n</body>\n</html>\n",
            escaped(&problems)
        );
        let _ = request.respond(file_response(
            503,
            "problems.html",
            with_client("problems.html", page.as_bytes()),
        ));
        return;
    }
    // The site built in memory, or before that the last build's on disk.
    let file = |path: &str| -> Option<std::borrow::Cow<[u8]>> {
        match &published {
            Some(published) => published.read(path).map(std::borrow::Cow::Owned),
            None => files.get(path).map(|b| std::borrow::Cow::Borrowed(&b[..])),
        }
    };
    let found = site_path(&url).and_then(|p| file(&p).map(|b| (p, b)));
    let not_found = OutputPath::not_found();
    let response = match found {
        Some((path, bytes)) => file_response(200, &path, with_client(&path, &bytes)),
        None => match file(not_found.as_str()) {
            Some(page) => file_response(404, &not_found, with_client(&not_found, &page)),
            None => text(404, "Not found.\n"),
        },
    };
    let _ = request.respond(response);
}

/// What every page shows while the first build runs and there is no current site on disk to
/// show meanwhile: a note that reloads when the build is done (told by the event stream, or
/// after a few seconds if that news came before the page was listening).
fn preparing_page() -> Response<std::io::Cursor<Vec<u8>>> {
    let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"3\"><title>Preparing the preview</title></head>\n<body>\n<h1>Preparing the preview</h1>\n<p>handout is building the site; this page shows it as soon as it is ready.</p>\n</body>\n</html>\n";
    file_response(
        503,
        "preparing.html",
        with_client("preparing.html", page.as_bytes()),
    )
    .with_header(header("Retry-After", "1"))
}

/// The site path a request URL names, or `None` for anything that is not a plain path inside the
/// site: `..`, encoded or not, backslashes, NUL bytes, absolute URLs, bad percent-encoding.
pub fn site_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    if key.is_empty() || decoded.ends_with('/') {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str(FOLDER_INDEX);
    }
    Some(key)
}

/// Accepts requests addressed to this server by a loopback name or address, or by the address
/// it is bound to, with its port (none for port 80). A page on another site that resolves its
/// own name to 127.0.0.1 (DNS rebinding) sends its own name, and is refused.
fn host_allowed(host: Option<&str>, bound: SocketAddr) -> bool {
    let Some(host) = host else {
        return false;
    };
    // `name:port`, `[v6 address]:port`, or without `:port`.
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((name, "")) => (name, None),
            Some((name, after)) => match after.strip_prefix(':') {
                Some(port) => (name, Some(port)),
                None => return false,
            },
            None => return false,
        },
        None => match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    let port_ok = match port {
        Some(p) => p.parse::<u16>().is_ok_and(|p| p == bound.port()),
        None => bound.port() == 80,
    };
    if !port_ok {
        return false;
    }
    if name == "localhost" {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) if ip.is_loopback() => true,
        Ok(ip) => ip == bound.ip() || bound.ip().is_unspecified(),
        Err(_) => false,
    }
}

/// Refuses what a page of another site (another port of this machine included) asks for in
/// the background: a script, a picture, a fetch, an event stream, a frame. Browsers say where a
/// request comes from in `Sec-Fetch-Site`; a link followed or an address typed in is still
/// answered (the page opens, and the other site cannot read it), and so is a client that sends
/// no such header (curl, an older browser).
fn fetch_allowed(site: Option<&str>, mode: Option<&str>, dest: Option<&str>) -> bool {
    match site {
        None | Some("same-origin" | "none") => true,
        Some(_) => mode == Some("navigate") && dest == Some("document"),
    }
}

/// A request header's value, lower-case.
fn header_value(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str().trim().to_ascii_lowercase())
}

fn escaped(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    // Writing to a Vec cannot fail.
    let _ = tera::escape_html(text, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// HTML pages get the live-reload script, just before `</body>`.
fn with_client(path: &str, bytes: &[u8]) -> Vec<u8> {
    if !path.ends_with(".html") {
        return bytes.to_vec();
    }
    let tag = format!("<script src=\"{CLIENT_JS}\"></script>\n");
    match bytes.windows(7).rposition(|w| w == b"</body>") {
        Some(i) => [&bytes[..i], tag.as_bytes(), &bytes[i..]].concat(),
        None => [bytes, tag.as_bytes()].concat(),
    }
}

pub fn content_type(path: &str) -> &'static str {
    match path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("a constant header is valid")
    })
}

/// Sent with every reply: other sites may not load it as a script or picture
/// (`Cross-Origin-Resource-Policy`), frame it (`frame-ancestors`, and `X-Frame-Options` for
/// older browsers), keep a handle on its window (`Cross-Origin-Opener-Policy`), or have it read
/// as another type than it is (`nosniff`). No `Access-Control-Allow-Origin`: no other site may
/// read a reply through fetch either.
const GUARDS: [(&str, &str); 6] = [
    ("X-Content-Type-Options", "nosniff"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Content-Security-Policy", "frame-ancestors 'self'"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Cache-Control", "no-store"),
];

fn file_response(status: u16, path: &str, body: Vec<u8>) -> Response<std::io::Cursor<Vec<u8>>> {
    // Always a Content-Length: pages are in memory, and clients need not decode chunks.
    let response = Response::from_data(body)
        .with_chunked_threshold(usize::MAX)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type(path)));
    GUARDS.iter().fold(response, |r, (name, value)| {
        r.with_header(header(name, value))
    })
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    file_response(status, "x.txt", body.as_bytes().to_vec())
}

/// An event stream, written straight to the connection so each event leaves at once.
fn stream_events(request: Request, hub: &Hub) {
    let (tx, rx): (Sender<String>, Receiver<String>) = mpsc::channel();
    let greeting = {
        let state = hub.state.read().unwrap_or_else(|e| e.into_inner());
        match &state.problems {
            Some(text) => sse("problems", text),
            None => sse("hello", &state.build.to_string()),
        }
    };
    hub.clients
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(tx);
    let mut out = request.into_writer();
    let guards: String = GUARDS
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n{guards}Connection: close\r\n\r\n"
    );
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.write_all(greeting.as_bytes()))
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(m) => m,
            // A comment line keeps proxies from closing the stream and finds closed pages.
            Err(RecvTimeoutError::Timeout) => ": still here\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_inside_the_site_are_served() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/guides/a/").as_deref(),
            Some("guides/a/index.html")
        );
        assert_eq!(
            site_path("/guides/a/b.html?x=1#y").as_deref(),
            Some("guides/a/b.html")
        );
        assert_eq!(site_path("/a%20b.html").as_deref(), Some("a b.html"));
        for bad in [
            "/../etc/passwd",
            "/guides/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2e%2e%2fetc%2fpasswd",
            "/..%5c..%5cetc",
            "/a\\..\\b",
            "/a%00.html",
            "//etc/passwd",
            "http://evil.example/index.html",
            "etc/passwd",
            "/%ff.html",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_this_servers_own_address_and_port_are_answered() {
        let v4: SocketAddr = "127.0.0.1:8000".parse().unwrap();
        for good in [
            "localhost:8000",
            "127.0.0.1:8000",
            "[::1]:8000",
            "127.0.0.2:8000",
        ] {
            assert!(host_allowed(Some(good), v4), "{good}");
        }
        for bad in [
            "localhost:8001",
            "localhost",
            "localhost:",
            "localhost:80000",
            "evil.example:8000",
            "localhost.evil.example:8000",
            "127.0.0.1.nip.io:8000",
            "[::1]x:8000",
            "[::1",
            "192.168.1.5:8000",
        ] {
            assert!(!host_allowed(Some(bad), v4), "{bad}");
        }
        assert!(!host_allowed(None, v4), "no Host at all");
        // Port 80 may be left out, as browsers do.
        let web: SocketAddr = "127.0.0.1:80".parse().unwrap();
        assert!(host_allowed(Some("localhost"), web));
        // Bound to every address: this machine's other addresses too, never a name.
        let all: SocketAddr = "0.0.0.0:8000".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.5:8000"), all));
        assert!(!host_allowed(Some("evil.example:8000"), all));
    }

    #[test]
    fn only_its_own_pages_and_followed_links_are_answered_by_a_browser() {
        let nav = (Some("navigate"), Some("document"));
        assert!(fetch_allowed(None, None, None), "curl sends no Sec-Fetch-*");
        assert!(fetch_allowed(
            Some("same-origin"),
            Some("no-cors"),
            Some("script")
        ));
        assert!(
            fetch_allowed(Some("none"), nav.0, nav.1),
            "an address typed in"
        );
        assert!(
            fetch_allowed(Some("cross-site"), nav.0, nav.1),
            "a link followed"
        );
        for site in ["cross-site", "same-site"] {
            for (mode, dest) in [
                ("no-cors", "script"),
                ("no-cors", "image"),
                ("cors", "empty"),
                ("navigate", "iframe"),
                ("cors", ""),
            ] {
                assert!(
                    !fetch_allowed(Some(site), Some(mode), Some(dest)),
                    "{site} {mode} {dest}"
                );
            }
        }
    }

    #[test]
    fn events_carry_every_line_of_their_data() {
        assert_eq!(
            sse("problems", "a\nb"),
            "event: problems\ndata: a\ndata: b\n\n"
        );
    }

    #[test]
    fn the_client_script_goes_before_the_end_of_the_body() {
        let out = with_client("x.html", b"<body>hi</body></html>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<body>hi<script src=\"/__handout/client.js\"></script>\n</body></html>"
        );
        assert_eq!(with_client("x.css", b"a{}"), b"a{}");
    }
}
