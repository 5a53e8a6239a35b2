//! QR codes for printed pages: a handout on paper leads back to its current version online.

use std::fmt::Write;

use fast_qr::{ECL, QRBuilder};

/// Light modules around the code, as the QR standard asks, so a scanner finds its edges.
const QUIET_ZONE: usize = 4;

/// An inline SVG QR code for `url`, sized by CSS. Low error correction keeps the modules large
/// enough to scan at 2.5 cm; a printed sheet is rarely damaged.
///
/// Every printed page carries one, so this runs thousands of times in a large site: the code is
/// drawn as one path of horizontal runs of dark modules, a few hundred bytes rather than one
/// square per module.
pub fn svg(url: &str) -> Option<String> {
    let code = QRBuilder::new(url.as_bytes()).ecl(ECL::L).build().ok()?;
    let size = code.size;
    let side = size + 2 * QUIET_ZONE;
    let mut svg = format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{side}\" height=\"{side}\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    for y in 0..size {
        let row = &code[y];
        let mut x = 0;
        while x < size {
            if !row[x].value() {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && row[x].value() {
                x += 1;
            }
            let _ = write!(
                svg,
                "M{} {}h{}v1h-{}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE,
                x - start,
                x - start
            );
        }
    }
    svg.push_str("\"/></svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_an_inline_svg() {
        let svg = svg("https://shelter.example/guides/a/index.html").unwrap();
        assert!(
            svg.starts_with("<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
    }

    #[test]
    fn draws_the_finder_patterns_inside_the_quiet_zone() {
        // The top-left finder pattern's first row is a run of seven dark modules at (4, 4).
        let svg = svg("https://shelter.example/").unwrap();
        assert!(svg.contains("d=\"M4 4h7v1h-7z"), "{svg}");
    }

    /// The drawn runs, read back into modules and given to a QR decoder, give the address back.
    #[test]
    fn the_drawing_reads_back_as_the_address() {
        let url =
            "https://guides.riverbend-shelter.example/es/guides/leash-training/03-indoors.html";
        let svg = svg(url).unwrap();
        let side: usize = svg
            .split("width=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let path = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let mut dark = vec![false; side * side];
        for run in path.split('M').filter(|r| !r.is_empty()) {
            let (x, rest) = run.split_once(' ').unwrap();
            let (y, rest) = rest.split_once('h').unwrap();
            let (n, _) = rest.split_once('v').unwrap();
            let (x, y, n): (usize, usize, usize) =
                (x.parse().unwrap(), y.parse().unwrap(), n.parse().unwrap());
            for i in x..x + n {
                dark[y * side + i] = true;
            }
        }
        let scale = 4;
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(side * scale, side * scale, |x, y| {
                if dark[(y / scale) * side + x / scale] {
                    0
                } else {
                    255
                }
            });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, url);
    }
}
