//! QR codes for printed pages: a handout on paper leads back to its current version online.

use fast_qr::{ECL, QRBuilder};

/// Light modules around the code, as the QR standard asks, so a scanner finds its edges.
const QUIET_ZONE: usize = 4;

/// An inline SVG QR code for `url`, sized by CSS. Low error correction keeps the modules large
/// enough to scan at 2.5 cm; a printed sheet is rarely damaged.
///
/// Every printed page carries one, so this runs thousands of times in a large site and its bytes
/// are half of a step page: each row's runs of dark modules are drawn as strokes one module
/// wide along the row's middle, the first from an absolute point and the rest moved to from the
/// end of the one before (`M4 4.5h7m2 0h3`), about 2.5 kB for a page's address.
pub fn svg(url: &str) -> Option<String> {
    let code = QRBuilder::new(url.as_bytes()).ecl(ECL::L).build().ok()?;
    let size = code.size;
    let side = size + 2 * QUIET_ZONE;
    // The header once, the runs (thousands of numbers) written digit by digit below.
    let mut svg = String::with_capacity(3072);
    svg.push_str(&format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{side}\" height=\"{side}\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path stroke=\"#000\" d=\""
    ));
    for y in 0..size {
        let row = &code[y];
        // Where the last run of this row ended, once there is one.
        let mut end = None;
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
            match end {
                None => {
                    svg.push('M');
                    number(&mut svg, start + QUIET_ZONE);
                    svg.push(' ');
                    number(&mut svg, y + QUIET_ZONE);
                    svg.push_str(".5h");
                }
                Some(end) => {
                    svg.push('m');
                    number(&mut svg, start - end);
                    svg.push_str(" 0h");
                }
            }
            number(&mut svg, x - start);
            end = Some(x);
        }
    }
    svg.push_str("\"/></svg>");
    Some(svg)
}

/// Writes `n` in decimal: `core::fmt` for these few small numbers was a tenth of a build.
fn number(out: &mut String, n: usize) {
    if n >= 10 {
        number(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
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
        assert!(svg.contains("d=\"M4 4.5h7m"), "{svg}");
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
        // Each row: `M{x} {y}.5h{n}`, then `m{gap} 0h{n}` for each further run.
        let mut pen = (0, 0);
        let mut rest = path;
        while !rest.is_empty() {
            let absolute = rest.starts_with('M');
            assert!(absolute || rest.starts_with('m'), "{rest}");
            let end = rest[1..].find(['M', 'm']).map_or(rest.len(), |i| i + 1);
            let (x, more) = rest[1..end].split_once(' ').unwrap();
            let (y, n) = more.split_once('h').unwrap();
            let (x, n): (usize, usize) = (x.parse().unwrap(), n.parse().unwrap());
            pen = match absolute {
                true => (x, y.strip_suffix(".5").unwrap().parse().unwrap()),
                false => {
                    assert_eq!(y, "0");
                    (pen.0 + x, pen.1)
                }
            };
            for i in pen.0..pen.0 + n {
                dark[pen.1 * side + i] = true;
            }
            pen.0 += n;
            rest = &rest[end..];
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
