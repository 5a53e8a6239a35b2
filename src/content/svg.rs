//! The check that an SVG picture published from `content/` holds nothing live. An SVG file is
//! a document: opened by its address, a browser runs its scripts and event handlers on the
//! site's origin, follows its `javascript:` links, shows HTML put inside it and loads what it
//! points at. So an SVG is read with a real XML parser (roxmltree) and published only when it
//! holds none of those; each thing found is reported at its line and column. A file that is
//! not well-formed XML is refused too: a browser's reading of it cannot be predicted.

use roxmltree::{Document, Node, ParsingOptions};

use crate::content::text;
use crate::diagnostic::{Diagnostic, Lines};

/// What to do about any of these problems.
const HELP: &str = "save the picture again as plain SVG without scripts, links or embedded web content \
(in Inkscape: File → Save As → \"Optimized SVG\"), or save it as a PNG";

/// The most problems reported for one picture: a hostile file can hold thousands.
const MOST: usize = 10;

/// More elements than any drawing a shelter makes; a bound on memory for a file made to be huge.
const NODES_LIMIT: u32 = 1_000_000;

const XHTML: &str = "http://www.w3.org/1999/xhtml";
const XML_EVENTS: &str = "http://www.w3.org/2001/xml-events";

/// Elements that run script, hold a document of another kind, or change where links lead.
const LIVE_ELEMENTS: &[(&str, &str)] = &[
    ("script", "a script, which a browser would run on the site"),
    (
        "foreignobject",
        "web content, which can hold HTML and script",
    ),
    (
        "iframe",
        "a frame, which loads another page into the picture",
    ),
    (
        "frame",
        "a frame, which loads another page into the picture",
    ),
    (
        "frameset",
        "frames, which load other pages into the picture",
    ),
    (
        "embed",
        "an embedded object, which can run a program or script",
    ),
    (
        "object",
        "an embedded object, which can run a program or script",
    ),
    ("applet", "an embedded program"),
    (
        "handler",
        "an event handler, which a browser would run as script",
    ),
    (
        "listener",
        "an event listener, which a browser would run as script",
    ),
    (
        "base",
        "a base address, which changes where every link in it leads",
    ),
    (
        "meta",
        "a page setting, which can send the browser to another page",
    ),
    (
        "link",
        "a link to another file, which is loaded into the picture",
    ),
];

/// Animation elements: one that animates a link's target can turn it into a `javascript:` link.
const ANIMATIONS: &[&str] = &[
    "animate",
    "set",
    "animatetransform",
    "animatemotion",
    "animatecolor",
];

/// Pictures that may be embedded in an SVG as `data:` addresses: they cannot hold script.
const RASTER_DATA: &[&str] = &[
    "data:image/png",
    "data:image/jpeg",
    "data:image/jpg",
    "data:image/gif",
    "data:image/webp",
    "data:image/avif",
];

/// Every problem with the SVG file `path`, whose bytes are `bytes`; empty when it may be
/// published.
pub(crate) fn problems(path: &str, bytes: &[u8]) -> Vec<Diagnostic> {
    let source = match text::decode(path, bytes) {
        Ok(source) => source,
        Err(problem) => return vec![problem],
    };
    let options = |allow_dtd| ParsingOptions {
        allow_dtd,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    // A DOCTYPE naming the SVG standard is common in drawings exported from Illustrator and is
    // harmless; one with its own declarations (`[ <!ENTITY ... ]`) is refused below.
    let parsed = match Document::parse_with_options(&source, options(false)) {
        Err(roxmltree::Error::DtdDetected) => {
            Document::parse_with_options(&source, options(true)).map(|doc| (doc, true))
        }
        other => other.map(|doc| (doc, false)),
    };
    let (doc, has_doctype) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return vec![not_well_formed(path, &source, &error)],
    };
    let mut found = Vec::new();
    if has_doctype && let Some(offset) = internal_subset(&doc) {
        found.push(Diagnostic::at(
            path,
            &Lines::new(&source),
            offset,
            "<!DOCTYPE".len(),
            "this picture's DOCTYPE declares its own entities or attributes, which can hide script in it",
        ));
    }
    let root = doc.root_element();
    if !root.tag_name().name().eq_ignore_ascii_case("svg") {
        // Not a picture at all: what is inside it does not matter.
        let message = format!(
            "this file is named .svg but holds no SVG picture: it starts with `<{}>`",
            root.tag_name().name()
        );
        return vec![at_element(path, &source, root, message).with_help(HELP)];
    }
    for node in doc.root().descendants() {
        if let Some(pi) = node.pi()
            && pi.target.eq_ignore_ascii_case("xml-stylesheet")
        {
            found.push(Diagnostic::at(
                path,
                &Lines::new(&source),
                node.range().start,
                node.range().len(),
                "this picture loads a style sheet or transformation (`<?xml-stylesheet?>`), which can turn it into a page that runs script",
            ));
        }
        if node.is_element() {
            element_problems(path, &source, node, &mut found);
        }
    }
    // The rest are counted at the first of them.
    let more = found.len().saturating_sub(MOST);
    if more > 0 {
        let mut rest = found.swap_remove(MOST);
        rest.message = match more {
            1 => format!("one more such problem in this picture: {}", rest.message),
            n => format!(
                "{n} more such problems in this picture from here on, the first: {}",
                rest.message
            ),
        };
        found.truncate(MOST);
        found.push(rest);
    }
    found.into_iter().map(|d| d.with_help(HELP)).collect()
}

/// What is live about one element and its attributes.
fn element_problems(path: &str, source: &str, node: Node, found: &mut Vec<Diagnostic>) {
    let name = node.tag_name().name().to_ascii_lowercase();
    if node.tag_name().namespace() == Some(XHTML) {
        found.push(at_element(
            path,
            source,
            node,
            format!(
                "this picture holds HTML (`<{}>`), which can run script",
                node.tag_name().name()
            ),
        ));
    } else if let Some((_, what)) = LIVE_ELEMENTS.iter().find(|(n, _)| *n == name) {
        found.push(at_element(
            path,
            source,
            node,
            format!("this picture holds `<{}>`: {what}", node.tag_name().name()),
        ));
    }
    for attr in node.attributes() {
        let attr_name = attr.name().to_ascii_lowercase();
        let value = attr.value();
        let problem = if attr_name.starts_with("on") || attr.namespace() == Some(XML_EVENTS) {
            Some(format!(
                "this picture has an event handler (`{}`), which a browser would run as script",
                attr.name()
            ))
        } else if let Some(scheme) = script_scheme(value) {
            Some(format!(
                "this picture holds a `{scheme}` address, which runs script when it is followed"
            ))
        } else if attr_name == "href" || attr_name == "src" {
            reference_problem(value)
        } else if ANIMATIONS.contains(&name.as_str()) && attr_name == "attributename" {
            let animated = value.trim().to_ascii_lowercase();
            let animated = animated.rsplit(':').next().unwrap_or_default();
            (animated == "href" || animated.starts_with("on")).then(|| {
                format!(
                    "this picture animates `{}`, which can turn a link or handler into script",
                    value.trim()
                )
            })
        } else if attr_name == "style" {
            style_problem(value)
        } else {
            None
        };
        if let Some(message) = problem {
            let range = attr.range_qname();
            found.push(Diagnostic::at(
                path,
                &Lines::new(source),
                range.start,
                range.len(),
                message,
            ));
        }
    }
    if name == "style"
        && let Some(message) = style_problem(&node_text(node))
    {
        found.push(at_element(path, source, node, message));
    }
}

/// The text inside an element (a `<style>` sheet, CDATA included).
fn node_text(node: Node) -> String {
    node.children().filter_map(|c| c.text()).collect()
}

/// A problem at an element's start tag, underlining its name.
fn at_element(path: &str, source: &str, node: Node, message: String) -> Diagnostic {
    let start = node.range().start;
    // `<` and the name as written, prefix included.
    let len = source[start..]
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(1);
    Diagnostic::at(path, &Lines::new(source), start, len, message)
}

/// An address as a browser reads its scheme: ASCII whitespace and control characters anywhere
/// in it are dropped (`java&#9;script:` is `javascript:`), letters lower-cased.
fn as_browser_reads(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `javascript:` or `vbscript:` anywhere in a value (an animation's `to`, `values`, a link).
fn script_scheme(value: &str) -> Option<&'static str> {
    let read = as_browser_reads(value);
    ["javascript:", "vbscript:"]
        .into_iter()
        .find(|scheme| read.contains(scheme))
}

/// What is wrong with a link or picture address inside the SVG, if anything: only a place in
/// the picture itself (`#id`) and embedded raster pictures may be named.
fn reference_problem(value: &str) -> Option<String> {
    let read = as_browser_reads(value);
    if read.is_empty() || read.starts_with('#') || RASTER_DATA.iter().any(|d| read.starts_with(d)) {
        None
    } else if read.starts_with("data:") {
        Some(
            "this picture embeds a `data:` address that is not a PNG, JPEG, GIF or WebP picture, which can hold script"
                .to_string(),
        )
    } else {
        Some(format!(
            "this picture points at another file or site (`{}`); a picture from content/ may only point inside itself",
            value.trim()
        ))
    }
}

/// What is wrong with a style sheet or `style` attribute, if anything: it may not load other
/// files (`@import`, `url(...)` other than `#id` or an embedded picture).
fn style_problem(css: &str) -> Option<String> {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") {
        return Some("this picture's style loads another style sheet (`@import`)".to_string());
    }
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + "url(".len()..];
        let inside = rest.split(')').next().unwrap_or_default();
        let target = inside.trim().trim_matches(['"', '\'']);
        if let Some(problem) = reference_problem(target) {
            return Some(problem);
        }
    }
    None
}

/// Where the DOCTYPE's own declarations start (its `<!DOCTYPE`), if it has any (`[ ... ]`).
/// The DOCTYPE lies between the nodes before the root element; the parser's ranges of those
/// nodes say where to look.
fn internal_subset(doc: &Document) -> Option<usize> {
    let source = doc.input_text();
    let root_start = doc.root_element().range().start;
    let mut gap_start = 0;
    for node in doc.root().children() {
        let range = node.range();
        if range.start >= root_start {
            break;
        }
        if let Some(offset) = doctype_in(source, gap_start, range.start) {
            return Some(offset);
        }
        gap_start = range.end;
    }
    doctype_in(source, gap_start, root_start)
}

/// The offset of a `<!DOCTYPE` with declarations of its own in `source[start..end]`.
fn doctype_in(source: &str, start: usize, end: usize) -> Option<usize> {
    let gap = source.get(start..end)?;
    let at = gap.find("<!DOCTYPE")?;
    gap[at..].contains('[').then_some(start + at)
}

/// The parser's complaint, in plain words where it has a common cause, at its place.
fn not_well_formed(path: &str, source: &str, error: &roxmltree::Error) -> Diagnostic {
    use roxmltree::Error as E;
    let pos = error.pos();
    let what = match error {
        E::UnexpectedCloseTag(expected, actual, _) => {
            format!("`<{expected}>` is never closed: `</{actual}>` comes first")
        }
        E::UnknownEntityReference(name, _) => {
            format!("`&{name};` is not known in XML (write `&amp;` for `&`)")
        }
        E::DuplicatedAttribute(name, _) => format!("the attribute `{name}` is given twice"),
        E::UnclosedRootNode | E::UnexpectedEndOfStream => {
            "the file ends before its last element is closed".to_string()
        }
        E::NoRootNode => "the file holds no element".to_string(),
        E::NodesLimitReached => format!("it holds more than {NODES_LIMIT} elements"),
        other => other.to_string().replace(&format!(" at {pos}"), ""),
    };
    let message = format!("this SVG picture is not well-formed XML: {what}");
    match error {
        E::UnclosedRootNode | E::UnexpectedEndOfStream | E::NoRootNode | E::NodesLimitReached => {
            Diagnostic::file(path, message)
        }
        _ => Diagnostic::at_line_col(
            path,
            &Lines::new(source),
            (pos.row as usize, pos.col as usize),
            1,
            message,
        ),
    }
    .with_help("open it in a drawing program and save it again as SVG, or save it as a PNG")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- drawn for the leash guide -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
  <style>.a { fill: url(#g); }</style>
  <title>A harness</title>
  <inkscape:grid/>
  <rect class="a" width="10" height="10" style="fill:url('#g')"/>
  <use xlink:href="#g"/>
  <image href="data:image/png;base64,iVBORw0KGgo="/>
  <a href="#g"><text>Fit</text></a>
</svg>
"##;

    fn messages(svg: &str) -> Vec<String> {
        problems("content/images/x.svg", svg.as_bytes())
            .into_iter()
            .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
            .collect()
    }

    #[test]
    fn a_plain_drawing_is_published() {
        assert_eq!(messages(PLAIN), Vec::<String>::new());
    }

    #[test]
    fn each_live_thing_is_found_at_its_place() {
        let svg = "<svg xmlns='http://www.w3.org/2000/svg' xmlns:x='http://www.w3.org/1999/xlink'>\n\
            <SCRIPT>alert(1)</SCRIPT>\n\
            <g ONLOAD='alert(2)'/>\n\
            <a x:href=' JaVa&#x09;Script:alert(3)'/>\n\
            <foreignObject/>\n\
            <h:p xmlns:h='http://www.w3.org/1999/xhtml'/>\n\
            <use href='https://evil.example/x.svg#a'/>\n\
            <image href='data:text/html,&lt;script&gt;'/>\n\
            <set attributeName='x:href' to='#a'/>\n\
            <style>@import url(https://evil.example/a.css);</style>\n\
            <rect style='fill: url(other.svg#g)'/>\n\
            <iframe/>\n\
            </svg>";
        let found = messages(svg);
        let expect = [
            "2:1 this picture holds `<SCRIPT>`: a script",
            "3:4 this picture has an event handler (`ONLOAD`)",
            "4:4 this picture holds a `javascript:` address",
            "5:1 this picture holds `<foreignObject>`: web content",
            "6:1 this picture holds HTML (`<p>`)",
            "7:6 this picture points at another file or site (`https://evil.example/x.svg#a`)",
            "8:8 this picture embeds a `data:` address",
            "9:6 this picture animates `x:href`",
            "10:1 this picture's style loads another style sheet",
        ];
        for (i, start) in expect.iter().enumerate() {
            assert!(
                found.get(i).is_some_and(|f| f.starts_with(start)),
                "{start}\n{found:#?}"
            );
        }
        assert!(
            found[9].starts_with("11:7 this picture points at another file"),
            "{found:#?}"
        );
        // The eleventh, the frame, is shown as the one more.
        assert_eq!(found.len(), 11, "{found:#?}");
        assert!(
            found[10].starts_with(
                "12:1 one more such problem in this picture: this picture holds `<iframe>`"
            ),
            "{found:#?}"
        );
    }

    #[test]
    fn declarations_in_a_doctype_are_refused() {
        let svg = "<?xml version='1.0'?>\n<!-- <!DOCTYPE x> -->\n<!DOCTYPE svg [\n<!ENTITY e 'x'>\n]>\n<svg xmlns='http://www.w3.org/2000/svg'>&e;</svg>";
        let found = messages(svg);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("3:1 this picture's DOCTYPE"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_file_that_is_not_xml_or_not_svg_is_refused() {
        let found = messages("<svg xmlns='http://www.w3.org/2000/svg'>\n<g></svg>");
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("2:4 this SVG picture is not well-formed XML: `<g>` is never closed: `</svg>` comes first"), "{found:#?}");
        let found =
            messages("<html xmlns='http://www.w3.org/1999/xhtml'><body onload='x'/></html>");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].contains("holds no SVG picture: it starts with `<html>`"),
            "{found:#?}"
        );
        assert!(messages("not xml")[0].contains("not well-formed"));
        assert!(messages("<svg>&nbsp;</svg>")[0].contains("`&nbsp;` is not known in XML"));
    }

    #[test]
    fn a_hostile_file_gives_a_bounded_report() {
        let svg = format!(
            "<svg xmlns='http://www.w3.org/2000/svg'>{}</svg>",
            "<g onclick='x'/>".repeat(500)
        );
        let found = messages(&svg);
        assert_eq!(found.len(), MOST + 1);
        assert!(
            found[MOST].contains("490 more such problems in this picture from here on"),
            "{found:#?}"
        );
    }
}
