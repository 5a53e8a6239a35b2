//! QR codes for printed pages: a handout on paper leads back to its current version online.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An inline SVG QR code for `url`, sized by CSS. Low error correction keeps the modules large
/// enough to scan at 2.5 cm; a printed sheet is rarely damaged.
pub fn svg(url: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::L).ok()?;
    let image = code
        .render::<svg::Color>()
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .quiet_zone(true)
        .module_dimensions(1, 1)
        .build();
    // Inline in HTML: no XML declaration, and a class for the print stylesheet to size it.
    let start = image.find("<svg")?;
    Some(image[start..].replacen("<svg ", "<svg class=\"qr\" ", 1))
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
}
