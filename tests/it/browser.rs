//! Tests in a real browser: Debian's Chromium driven over WebDriver (chromedriver) with
//! fantoccini. They run when Chromium and chromedriver are installed; with
//! `HANDOUT_REQUIRE_BROWSER=1` (as in CI) a missing one is a failure, not a skip.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::helpers::BuiltDefault;
use crate::print::browser_or_skip;

/// A headless Chromium session, with its chromedriver; both stopped on drop.
pub struct Browser {
    runtime: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// chromedriver on PATH (or `HANDOUT_CHROMEDRIVER`).
fn chromedriver() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HANDOUT_CHROMEDRIVER") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("chromedriver"))
        .find(|p| p.is_file())
}

impl Browser {
    /// A browser with a `width`×`height` window, or `None` (after saying why) when Chromium or
    /// chromedriver is missing and not required.
    pub fn start(test: &str, width: u32, height: u32, javascript: bool) -> Option<Browser> {
        let chromium = browser_or_skip(test)?;
        let Some(driver_path) = chromedriver() else {
            if std::env::var("HANDOUT_REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!("{test} needs chromedriver: apt-get install chromium-driver");
            }
            eprintln!("skipping {test}: chromedriver is not installed");
            return None;
        };
        // A free port is only free until someone takes it: tests start drivers in parallel, so
        // a driver that exits (its port taken meanwhile) is started again on another one.
        let mut attempts = 0;
        let (driver, port) = loop {
            attempts += 1;
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut driver = Command::new(&driver_path)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts");
            // Generous: on a loaded two-core machine a driver has taken over ten seconds.
            let deadline = Instant::now() + Duration::from_secs(30);
            let up = loop {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    break true;
                }
                if driver.try_wait().ok().flatten().is_some() || Instant::now() > deadline {
                    let _ = driver.kill();
                    break false;
                }
                std::thread::sleep(Duration::from_millis(50));
            };
            if up {
                break (driver, port);
            }
            assert!(attempts < 3, "chromedriver did not start");
        };
        let profile = tempfile::TempDir::new().unwrap();
        let mut options = json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars",
                format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.path().display()),
            ],
        });
        if !javascript {
            options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // A first Chromium start on a cold machine can outlast the driver's wait; try again
        // before calling it a failure, and say what the driver answered.
        let mut tries = 0;
        let client = loop {
            tries += 1;
            let made = runtime.block_on(
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(caps.clone())
                    .connect(&format!("http://127.0.0.1:{port}")),
            );
            match made {
                Ok(client) => break client,
                Err(e) if tries < 3 => eprintln!("{test}: no browser session yet ({e}); again"),
                Err(e) => panic!("{test}: no browser session after {tries} tries: {e}"),
            }
        };
        Some(Browser {
            runtime,
            client: Some(client),
            driver,
            _profile: profile,
        })
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("an open session")
    }

    pub fn goto(&self, url: &str) {
        self.runtime
            .block_on(self.client().goto(url))
            .expect("page opens");
    }

    pub fn refresh(&self) {
        self.runtime
            .block_on(self.client().refresh())
            .expect("page reloads");
    }

    pub fn js(&self, script: &str) -> Value {
        self.runtime
            .block_on(self.client().execute(script, vec![]))
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    pub fn js_async(&self, script: &str) -> Value {
        self.runtime
            .block_on(self.client().execute_async(script, vec![]))
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Lays pages out as they print (`@media print`), through Chrome's DevTools protocol.
    pub fn emulate_print(&self) {
        let command =
            Cdp(json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": "print"}}));
        self.runtime
            .block_on(self.client().issue_cmd(command))
            .expect("print media emulated");
    }

    pub fn click(&self, css: &str) {
        self.runtime
            .block_on(async { self.client().find(Locator::Css(css)).await?.click().await })
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Waits until `condition` (a JavaScript expression) is true.
    #[track_caller]
    pub fn wait_until(&self, condition: &str, limit: Duration) {
        self.wait_showing(condition, "null", limit);
    }

    /// Waits until `condition` is true; if it never is, the failure shows what `shown` (a
    /// JavaScript expression) was then, so a failure in CI says which part never came.
    #[track_caller]
    pub fn wait_showing(&self, condition: &str, shown: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let script = format!("return !!({condition});");
            // A page in the middle of reloading may refuse a script; try again.
            let ok = self
                .runtime
                .block_on(self.client().execute(&script, vec![]))
                .map(|v| v == Value::Bool(true))
                .unwrap_or(false);
            if ok {
                return;
            }
            if Instant::now() >= deadline {
                let script = format!("return JSON.stringify({shown});");
                let seen = self
                    .runtime
                    .block_on(self.client().execute(&script, vec![]))
                    .map(|v| v.to_string())
                    .unwrap_or_else(|e| format!("(no answer: {e})"));
                panic!("not true within {limit:?}: {condition}; {shown} was {seen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A Chrome DevTools command, sent through chromedriver's `goog/cdp/execute` endpoint.
#[derive(Debug)]
struct Cdp(Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = self.runtime.block_on(client.close());
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

pub fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Every HTML page of a built site, by path inside it.
pub fn pages(out: &Path) -> Vec<String> {
    crate::helpers::tree(out)
        .into_keys()
        .filter(|p| p.ends_with(".html"))
        .collect()
}

#[test]
fn checklist_ticks_are_remembered_and_start_over_clears_them() {
    let Some(browser) = Browser::start("the checklist test", 1280, 900, true) else {
        return;
    };
    let site = BuiltDefault::new();
    let url = file_url(&site.out().join("guides/leash-training/checklist.html"));
    browser.goto(&url);
    let progress = "document.querySelector('[data-progress-text]').textContent";
    browser.wait_until(
        &format!("{progress} === '0 of 14 done'"),
        Duration::from_secs(5),
    );
    assert_eq!(
        browser.js("return document.querySelector('[data-progress]').hidden;"),
        json!(false)
    );
    browser.click("label[for=check-get-a-cat-harness]");
    browser.click("label[for=check-direct-your-cat-drop-a-treat-and-walk-on]");
    browser.wait_until(
        &format!("{progress} === '2 of 14 done'"),
        Duration::from_secs(5),
    );
    assert_eq!(
        browser.js("return document.getElementById('progress-bar').value;"),
        json!(2)
    );

    browser.refresh();
    browser.wait_until(
        &format!("{progress} === '2 of 14 done'"),
        Duration::from_secs(5),
    );
    assert_eq!(
        browser.js("return document.getElementById('check-get-a-cat-harness').checked;"),
        json!(true)
    );
    assert_eq!(
        browser.js("return document.getElementById('check-leave-the-harness-out').checked;"),
        json!(false)
    );

    browser.click("[data-reset]");
    browser.wait_until(
        &format!("{progress} === '0 of 14 done'"),
        Duration::from_secs(5),
    );
    browser.refresh();
    browser.wait_until(
        &format!("{progress} === '0 of 14 done'"),
        Duration::from_secs(5),
    );
    assert_eq!(
        browser
            .js("return [...document.querySelectorAll('.checklist input')].some(b => b.checked);"),
        json!(false)
    );
}

#[test]
fn without_javascript_the_checklist_still_shows_every_item() {
    let Some(browser) = Browser::start("the no-JavaScript checklist test", 1280, 900, false) else {
        return;
    };
    let site = BuiltDefault::new();
    browser.goto(&file_url(
        &site.out().join("guides/leash-training/checklist.html"),
    ));
    let shown = browser.js(
        "return [...document.querySelectorAll('.checklist label')].filter(l => l.getBoundingClientRect().height > 0).length;",
    );
    assert_eq!(
        shown,
        json!(14),
        "2 before-you-start items, 9 steps and 3 sub-steps, all visible"
    );
    assert_eq!(
        browser.js("return document.querySelector('[data-progress]').hidden;"),
        json!(true)
    );
}

/// Elements reaching past the page's width (or off its left edge), and a page that scrolls
/// sideways; at most five, for a readable failure.
const WIDER_THAN_THE_PAGE: &str = "const w = document.documentElement.clientWidth;
     const bad = [...document.querySelectorAll('body *')]
       .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > w + 1 || r.left < -1); })
       .map(e => e.tagName + (e.className ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right));
     if (document.documentElement.scrollWidth > w + 1) bad.push('page scrolls sideways: ' + document.documentElement.scrollWidth);
     return bad.slice(0, 5);";

#[test]
fn nothing_is_cut_off_on_a_phone() {
    let Some(browser) = Browser::start("the phone-width test", 360, 800, true) else {
        return;
    };
    let site = BuiltDefault::new();
    let mut wide = Vec::new();
    for page in pages(&site.out()) {
        browser.goto(&file_url(&site.out().join(&page)));
        let found = browser.js(WIDER_THAN_THE_PAGE);
        if found != json!([]) {
            wide.push(format!("{page}: {found}"));
        }
    }
    assert!(
        wide.is_empty(),
        "wider than a 360 px phone:\n{}",
        wide.join("\n")
    );
}

/// axe-core from npm: `HANDOUT_AXE_JS`, or `target/axe/node_modules/axe-core/axe.min.js` where
/// `.ci/run` installs it.
fn axe_source(test: &str) -> Option<String> {
    let path = std::env::var_os("HANDOUT_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            crate::helpers::repo_root().join("target/axe/node_modules/axe-core/axe.min.js")
        });
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) if std::env::var("HANDOUT_REQUIRE_BROWSER").as_deref() == Ok("1") => {
            panic!(
                "{test} needs axe-core at {}: npm install --prefix target/axe axe-core",
                path.display()
            )
        }
        Err(_) => {
            eprintln!(
                "skipping {test}: axe-core is not installed at {}",
                path.display()
            );
            None
        }
    }
}

#[test]
fn every_page_passes_axe_wcag_2_1_a_and_aa() {
    let Some(axe) = axe_source("the accessibility test") else {
        return;
    };
    let Some(browser) = Browser::start("the accessibility test", 1280, 900, true) else {
        return;
    };
    let site = BuiltDefault::new();
    let mut violations = Vec::new();
    for page in pages(&site.out()) {
        browser.goto(&file_url(&site.out().join(&page)));
        browser.js(&format!("{axe}\nreturn true;"));
        let result = browser.js_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
               .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ') + ')')))
               .catch(e => done(['axe failed: ' + e]));",
        );
        if result != json!([]) {
            violations.push(format!("{page}: {result}"));
        }
    }
    assert!(
        violations.is_empty(),
        "accessibility violations:\n{}",
        violations.join("\n")
    );
}

/// The index's search finds guides by their steps' text and links to the steps; the topic
/// filter shows one topic; without JavaScript every guide is listed and the tools are hidden.
#[test]
fn the_library_index_searches_and_filters_and_lists_everything_without_javascript() {
    let Some(browser) = Browser::start("the library index test", 1280, 900, true) else {
        return;
    };
    let site = BuiltDefault::new();
    browser.goto(&file_url(&site.out().join("index.html")));
    let visible = "[...document.querySelectorAll('[data-guide]')].filter(c => !c.hidden).map(c => c.querySelector('a').textContent).join('|')";
    browser.wait_until(
        "!document.querySelector('[data-library]').hidden",
        Duration::from_secs(5),
    );
    assert_eq!(
        browser
            .js(&format!("return {visible};"))
            .as_str()
            .unwrap()
            .split('|')
            .count(),
        4
    );

    // "hay" appears only in the rabbit guide's steps.
    browser.js("const i = document.getElementById('library-search'); i.value = 'hay'; i.dispatchEvent(new Event('input'));");
    assert_eq!(
        browser.js(&format!("return {visible};")),
        json!("Bringing your rabbit home")
    );
    let hits = browser.js("return [...document.querySelectorAll('[data-results] a')].map(a => a.getAttribute('href'));");
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h.as_str().unwrap().starts_with("guides/rabbit-first-days/")),
        "{hits}"
    );
    assert_eq!(
        browser.js("return document.querySelector('[data-results]').hidden;"),
        json!(false)
    );

    browser.js("const i = document.getElementById('library-search'); i.value = ''; i.dispatchEvent(new Event('input'));");
    browser.click("button[data-topic=enrichment]");
    assert_eq!(
        browser.js(&format!("return {visible};")),
        json!("Indoor enrichment for cats")
    );
    assert_eq!(
        browser.js(
            "return [...document.querySelectorAll('.species-group')].filter(g => !g.hidden).length;"
        ),
        json!(1),
        "species with no matching guide are hidden"
    );

    let Some(plain) = Browser::start(
        "the library index test without JavaScript",
        1280,
        900,
        false,
    ) else {
        return;
    };
    plain.goto(&file_url(&site.out().join("index.html")));
    assert_eq!(
        plain.js("return [...document.querySelectorAll('[data-guide]')].filter(c => c.getBoundingClientRect().height > 0).length;"),
        json!(4)
    );
    assert_eq!(
        plain.js("return document.querySelector('[data-library]').hidden;"),
        json!(true)
    );
}

/// Laid out for paper (print styles, at the width between the margins), no element of any page
/// is wider than the printable area: Letter is 8.5 in and A4 210 mm, less 15 mm margins each side.
#[test]
fn no_element_is_wider_than_the_printable_area() {
    let site = BuiltDefault::new();
    for (paper, width) in [("letter", 816.0 - 113.4), ("a4", 793.7 - 113.4)] {
        let width = f64::floor(width) as u32;
        let Some(browser) = Browser::start("the printable-width test", width, 1000, true) else {
            return;
        };
        browser.emulate_print();
        let mut wide = Vec::new();
        for page in pages(&site.out()).into_iter().filter(|p| p != "404.html") {
            browser.goto(&file_url(&site.out().join(&page)));
            assert_eq!(
                browser.js("return matchMedia('print').matches;"),
                json!(true)
            );
            let found = browser.js(WIDER_THAN_THE_PAGE);
            if found != json!([]) {
                wide.push(format!("{paper} ({width} px): {page}: {found}"));
            }
        }
        assert!(
            wide.is_empty(),
            "wider than the printable area:\n{}",
            wide.join("\n")
        );
    }
}

/// The Spanish side of a two-language library: search finds Spanish step text, the checklist
/// counts in Spanish, and the language menu leads to the same page in English.
#[test]
fn the_spanish_pages_search_count_and_switch_language() {
    let Some(browser) = Browser::start("the Spanish pages test", 1280, 900, true) else {
        return;
    };
    let site = crate::helpers::TestSite::fixture("library");
    site.build().success();
    let out = site.root().join("public");
    browser.goto(&file_url(&out.join("es/index.html")));
    browser.wait_until(
        "!document.querySelector('[data-library]').hidden",
        Duration::from_secs(5),
    );
    // "heno" (hay) appears only in the Spanish rabbit guide.
    browser.js("const i = document.getElementById('library-search'); i.value = 'heno'; i.dispatchEvent(new Event('input'));");
    let visible = "[...document.querySelectorAll('[data-guide]')].filter(c => !c.hidden).map(c => c.querySelector('a').textContent).join('|')";
    assert_eq!(
        browser.js(&format!("return {visible};")),
        json!("La dieta del conejo")
    );
    assert_eq!(
        browser.js("return [...document.querySelectorAll('[data-results] a')].map(a => a.getAttribute('href'));"),
        json!(["guides/rabbit-diet/hay.html"])
    );
    // Case does not matter, and every word must match.
    browser.js("const i = document.getElementById('library-search'); i.value = 'DIETA conejo'; i.dispatchEvent(new Event('input'));");
    assert_eq!(
        browser.js(&format!("return {visible};")),
        json!("La dieta del conejo")
    );

    browser.goto(&file_url(
        &out.join("es/guides/cats-and-kittens/checklist.html"),
    ));
    let progress = "document.querySelector('[data-progress-text]').textContent";
    browser.wait_until(
        &format!("{progress} === '0 de 2 completados'"),
        Duration::from_secs(5),
    );
    browser.click("label[for=check-quiet-room]");
    browser.wait_until(
        &format!("{progress} === '1 de 2 completado'"),
        Duration::from_secs(5),
    );
    // The English checklist shares the ticks: the same steps, in another language.
    browser.click("nav.languages a[lang=en]");
    browser.wait_until(
        &format!("document.documentElement.lang === 'en' && {progress} === '1 of 2 done'"),
        Duration::from_secs(5),
    );
    assert!(
        browser
            .js("return location.href;")
            .as_str()
            .unwrap()
            .ends_with("/guides/cats-and-kittens/checklist.html")
    );
}

/// Search in any script: a Spanish, Russian, Greek or Chinese word typed into the index's search
/// finds the step that has it, an unaccented Spanish word finds the accented one, and the
/// browser's rule (run here in Chromium) cuts a step's text as the index (cut by the build) does.
#[test]
fn the_search_finds_words_of_every_script() {
    let Some(browser) = Browser::start("the search in every script test", 1280, 900, true) else {
        return;
    };
    let site = crate::helpers::TestSite::fixture("minimal");
    let guide = "content/guides/many-languages";
    site.write(
        &format!("{guide}/guide.yaml"),
        "title: Many languages\nsummary: Steps in several scripts.\nspecies: dog\ntime_needed: A day\nintro: Words of the world.\n",
    );
    let steps = [
        ("01-vaccines", "Vacunas", "La vacunación del perro pequeño."),
        ("02-collar", "Ошейник", "Наденьте ОШЕЙНИК на собаку."),
        ("03-leash", "Λουρί", "Βάλτε το λουρί στον σκύλο."),
        ("04-harness", "胸背带", "给猫咪戴上胸背带。"),
        (
            "05-tricky",
            "ὈΔΥΣΣΕΎΣ",
            "ΟΔΟΣ ｶﾀｶﾅ ﾊﾟﾝ ǅemal ﬃ İı ไปเที่ยวกัน ١٢ ½ l'été 3.5kg 고양이 하네스 ⅻ ℌ",
        ),
    ];
    for (file, title, body) in steps {
        site.write(
            &format!("{guide}/steps/{file}.md"),
            &format!("---\ntitle: {title}\ndone_when: Done.\n---\n{body}\n"),
        );
    }
    site.build().success();
    browser.goto(&file_url(&site.root().join("public/index.html")));
    browser.wait_until(
        "!document.querySelector('[data-library]').hidden",
        Duration::from_secs(5),
    );
    let found = |typed: &str| {
        browser.js(&format!(
            "const i = document.getElementById('library-search'); i.value = {}; i.dispatchEvent(new Event('input'));
             return [...document.querySelectorAll('[data-results] a')].map(a => a.getAttribute('href'));",
            json!(typed)
        ))
    };
    let step = |slug: &str| json!([format!("guides/many-languages/{slug}.html")]);
    assert_eq!(found("vacunación"), step("vaccines"));
    assert_eq!(
        found("vacunacion pequeno"),
        step("vaccines"),
        "without accents"
    );
    assert_eq!(found("ошейник"), step("collar"));
    assert_eq!(
        found("Оше"),
        step("collar"),
        "the start of a word, any case"
    );
    assert_eq!(found("λουρί"), step("leash"));
    assert_eq!(found("ΛΟΥΡΙ"), step("leash"), "capitals without accents");
    assert_eq!(found("猫咪"), step("harness"));
    assert_eq!(found("胸背带"), step("harness"));
    assert_eq!(found("οδοσ カタカナ"), step("tricky"));
    assert_eq!(found("ошейник λουρί"), json!([]), "every word must match");
    let visible = browser.js(
        "return [...document.querySelectorAll('[data-guide]')].filter(c => !c.hidden).map(c => c.querySelector('a').textContent);",
    );
    assert_eq!(visible, json!([]), "no guide has both words");

    // Each step's words in the index, as the build cut them, against the browser's rule.
    let indexed = browser.js(
        "return window.HANDOUT_SEARCH.find(g => g.url === 'guides/many-languages/index.html').steps.map(s => s.words);",
    );
    let texts: Vec<String> = steps
        .iter()
        .map(|(_, title, body)| format!("{title} {body}"))
        .collect();
    let in_browser = browser.js(&format!(
        "return {}.map(t => [...new Set(window.HANDOUT_SEARCH_WORDS(t))].join(' '));",
        json!(texts)
    ));
    assert_eq!(indexed, in_browser);
}

/// Serves `page` to every request on a free port of this machine, until the test ends: a page
/// of "another site" on the same computer.
fn other_site(page: String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let page = std::sync::Arc::new(page);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            // A connection of its own thread each: Chromium opens sockets it may never send a
            // request on, which must not hold up the one that asks for the page.
            let page = std::sync::Arc::clone(&page);
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut request = [0u8; 4096];
                if !matches!(stream.read(&mut request), Ok(n) if n > 0) {
                    return;
                }
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                );
            });
        }
    });
    port
}

/// A page served from another port of this machine tries to read the preview: its search
/// words as a script, a picture, a page and the event stream through fetch, the page in a
/// frame. Nothing loads; the preview's own pages still load the same files.
#[test]
fn another_local_page_cannot_read_the_preview() {
    let Some(browser) = Browser::start("the preview's cross-origin test", 1280, 900, true) else {
        return;
    };
    let site = crate::helpers::TestSite::fixture("minimal");
    let served = crate::serve::Served::start(site.root(), &[]);
    let preview = format!("http://localhost:{}", served.port);
    // The other page first, while no page of the preview is open: one opened before may still
    // hold its own event stream (kept for the back button), and with it the other page's
    // stream once got neither an answer nor an error within the time allowed, in CI.
    let attack = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Another site</title></head><body>
<script>window.found = {{}};</script>
<script src="{preview}/search-index.js" onload="found.script='read'" onerror="found.script='refused'"></script>
<img src="{preview}/guides/first-guide/images/toy.svg" alt="" onload="found.image='read'" onerror="found.image='refused'">
<iframe src="{preview}/guides/first-guide/begin.html" title="x"></iframe>
<script>
fetch("{preview}/guides/first-guide/begin.html").then(function (r) {{ return r.text(); }})
  .then(function (t) {{ found.fetch = t.indexOf("Show the toy") >= 0 ? "read" : "empty"; }},
        function () {{ found.fetch = "refused"; }});
var events = new EventSource("{preview}/__handout/events");
events.onopen = function () {{ found.events = "read"; }};
events.onerror = function () {{ found.events = "refused"; events.close(); }};
</script></body></html>"#
    );
    let port = other_site(attack);
    browser.goto(&format!("http://127.0.0.1:{port}/"));
    browser.wait_showing(
        "found.script && found.image && found.fetch && found.events",
        "found",
        Duration::from_secs(20),
    );
    let found = browser.js("return found;");
    for what in ["script", "image", "fetch", "events"] {
        assert_eq!(found[what], "refused", "{what}: {found}");
    }
    assert_eq!(
        browser.js("return typeof window.HANDOUT_SEARCH;"),
        "undefined",
        "the draft's words reached the other page"
    );
    // The frame shows nothing of the preview (its document is Chromium's error page, which
    // the other page cannot read either).
    let framed = browser.js(
        "try { return document.querySelector('iframe').contentDocument ? 'readable' : 'closed'; } catch (e) { return 'closed'; }",
    );
    assert_eq!(framed, "closed");
    // The preview itself works: its index loads the search words and the live-reload script.
    browser.goto(&format!("{preview}/"));
    browser.wait_until(
        "Array.isArray(window.HANDOUT_SEARCH) && window.HANDOUT_SEARCH.length > 0",
        Duration::from_secs(10),
    );
}

/// The checklist's progress line takes the plural form of the number of ticks, by the rules of
/// the page's language, with the site's own words for a language with more forms than English.
#[test]
fn the_checklist_progress_says_each_count_in_its_form() {
    let Some(browser) = Browser::start("the plural progress test", 1280, 900, true) else {
        return;
    };
    let site = crate::helpers::TestSite::fixture("minimal");
    let yaml = site
        .read("content/site.yaml")
        .replace("language: en", "language: ru");
    site.write("content/site.yaml", &yaml);
    site.write(
        "templates/i18n/ru.yaml",
        "progress_done_one: \"отмечен {n} из {total}\"\nprogress_done_few: \"отмечено {n} из {total} (few)\"\nprogress_done_many: \"отмечено {n} из {total} (many)\"\nprogress_done_other: \"отмечено {n} из {total} (other)\"\n",
    );
    site.build().success();
    browser.goto(&file_url(
        &site.root().join("public/guides/first-guide/checklist.html"),
    ));
    let progress = "document.querySelector('[data-progress-text]').textContent";
    for (click, expected) in [
        (None, "отмечено 0 из 6 (many)"),
        (Some("label[for=check-begin]"), "отмечен 1 из 6"),
        (Some("label[for=check-middle]"), "отмечено 2 из 6 (few)"),
        (Some("label[for=check-end]"), "отмечено 3 из 6 (few)"),
        (Some("label[for=check-before-1]"), "отмечено 4 из 6 (few)"),
        (
            Some("label[for=check-middle-with-a-ball]"),
            "отмечено 5 из 6 (many)",
        ),
    ] {
        if let Some(label) = click {
            browser.click(label);
        }
        browser.wait_until(
            &format!("{progress} === '{expected}'"),
            Duration::from_secs(5),
        );
    }
}

/// A link to a heading in another script (`#done-игра`, which the page writes percent-encoded)
/// takes the browser to that heading, on the step's page and on the handout.
#[test]
fn links_to_headings_in_any_script_find_them() {
    let Some(browser) = Browser::start("the heading links test", 1280, 900, true) else {
        return;
    };
    let site = crate::helpers::TestSite::fixture("ids");
    site.build().success();
    let out = site.root().join("public/guides/ids");
    for page in ["done.html", "handout.html"] {
        browser.goto(&file_url(&out.join(page)));
        browser.click("a[href='#done-%D0%B8%D0%B3%D1%80%D0%B0']");
        browser.wait_until(
            "document.querySelector(':target') && document.querySelector(':target').id === 'done-игра'",
            Duration::from_secs(5),
        );
    }
    // From the guide's overview, to the heading on the step's page.
    browser.goto(&file_url(&out.join("index.html")));
    browser.click("a[href='done.html#done-%D0%B8%D0%B3%D1%80%D0%B0']");
    browser.wait_until(
        "location.pathname.endsWith('/done.html') && document.querySelector(':target') && document.querySelector(':target').id === 'done-игра'",
        Duration::from_secs(5),
    );
}
