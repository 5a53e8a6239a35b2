//! What a picture file under `content/` is, told by its bytes rather than its name, and what
//! makes one unfit to publish: a HEIC photo, a name that lies about the kind, a JPEG cut short,
//! a size too large to open safely. Only the file's first bytes, its header and its end are
//! looked at, so every build can check every picture; `output::picture` decodes and encodes.

use std::io::Cursor;

use image::{ImageFormat, ImageReader};

/// The widest picture decoded: larger than any phone's camera (a 200-megapixel sensor is 16,320
/// pixels wide), small enough that a file claiming more is refused before its pixels are made.
pub const MAX_SIDE: u32 = 16_384;

/// Memory a decoder may take for one picture: a 50-megapixel photo in 8-bit RGBA is 200 MB.
pub const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// A picture larger than this is worth a word: it is published as it is, and a phone on a slow
/// connection takes long to show it (a copy 2,000 pixels wide is about 1 MB).
pub const LARGE: u64 = 10 * 1024 * 1024;

/// The pictures among `files` (path and size) larger than `LARGE`, in path order.
pub fn large<'a>(files: impl Iterator<Item = (&'a str, u64)>) -> Vec<(String, u64)> {
    let mut large: Vec<(String, u64)> = files
        .filter(|(path, size)| {
            *size > LARGE
                && crate::content::names::published_kind(path)
                    == crate::content::names::Published::Picture
        })
        .map(|(path, size)| (path.to_string(), size))
        .collect();
    large.sort();
    large
}

/// What a picture file holds, by its first bytes (not its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    /// HEIC or HEIF: what iPhones save by default. Browsers other than Safari cannot show it.
    Heif,
    Gif,
    Svg,
    Unknown,
}

impl Kind {
    /// The kind a file's extension promises.
    pub fn of_name(name: &str) -> Kind {
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("jpg" | "jpeg") => Kind::Jpeg,
            Some("png") => Kind::Png,
            Some("webp") => Kind::Webp,
            Some("heic" | "heif" | "hif") => Kind::Heif,
            Some("gif") => Kind::Gif,
            Some("svg") => Kind::Svg,
            _ => Kind::Unknown,
        }
    }

    /// The kind the bytes are, by their signature.
    pub fn of_bytes(bytes: &[u8]) -> Kind {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Kind::Jpeg
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Kind::Png
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Kind::Webp
        } else if bytes.len() >= 12
            && &bytes[4..8] == b"ftyp"
            && matches!(
                &bytes[8..12],
                b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1"
            )
        {
            Kind::Heif
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Kind::Gif
        } else if is_svg_text(bytes) {
            Kind::Svg
        } else {
            Kind::Unknown
        }
    }

    /// How the kind is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Jpeg => "a JPEG photo",
            Kind::Png => "a PNG picture",
            Kind::Webp => "a WebP picture",
            Kind::Heif => "a HEIC/HEIF photo (what iPhones save)",
            Kind::Gif => "a GIF picture",
            Kind::Svg => "an SVG drawing",
            Kind::Unknown => "not a picture handout knows",
        }
    }
}

/// Whether text bytes start like an SVG document (after a byte-order mark, spaces, an XML
/// declaration or comments).
fn is_svg_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with('<') && head.contains("<svg")
}

/// Why a picture cannot be published; the caller adds the file's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// HEIC/HEIF: no browser but Safari shows it, and no decoder here reads it.
    Heif,
    /// The file's bytes are another kind than its extension says.
    Mislabelled { named: Kind, is: Kind },
    /// Wider or taller than `MAX_SIDE`, or needing more memory than `MAX_ALLOC`, to decode.
    TooLarge { width: u32, height: u32 },
    /// The file ends before the picture does (a copy or download cut short).
    Truncated,
    /// The decoder could not read it; what it said.
    Unreadable(String),
}

impl Problem {
    /// The problem, and what to do about it, in a volunteer's words.
    pub fn message(&self) -> (String, String) {
        match self {
            Problem::Heif => (
                "this is a HEIC photo (what iPhones save), which web browsers other than Safari cannot show".into(),
                "use a JPEG copy instead: on an iPhone, Settings → Camera → Formats → Most Compatible makes new photos JPEG; a photo you already have becomes JPEG when you email it to yourself from the iPhone, or when you open it on a Mac in Preview and choose File → Export → JPEG".into(),
            ),
            Problem::Mislabelled { named, is } => (
                format!(
                    "the file's name says {} but it is {}",
                    named.name(),
                    is.name()
                ),
                match is {
                    Kind::Heif => "use a JPEG copy instead (on an iPhone, Settings → Camera → Formats → Most Compatible makes new photos JPEG)".into(),
                    Kind::Unknown => "open it in a photo program and save it again as JPEG or PNG".into(),
                    _ => "rename the file so its extension says what it is (and change the name where it is used), or save it again as JPEG or PNG".into(),
                },
            ),
            Problem::TooLarge { width, height } => (
                format!(
                    "this picture is {width}×{height} pixels, too large to open safely (at most {MAX_SIDE} pixels on a side)"
                ),
                "make a smaller copy in a photo program (2,000 pixels wide is plenty for a web page and for paper) and use that".into(),
            ),
            Problem::Truncated => (
                "this picture's file ends before the picture does: it was cut short when it was copied or downloaded".into(),
                "copy the photo again from the phone or camera, or from wherever it came from".into(),
            ),
            Problem::Unreadable(why) => (
                format!("this picture cannot be read: {why}"),
                "open it in a photo program and save it again as JPEG or PNG".into(),
            ),
        }
    }
}

/// Why the picture `bytes`, in a file named `name`, cannot be published as it is: checked before
/// any pixel is decoded.
pub fn check(name: &str, bytes: &[u8]) -> Option<Problem> {
    let (named, is) = (Kind::of_name(name), Kind::of_bytes(bytes));
    if is == Kind::Heif {
        return Some(Problem::Heif);
    }
    // Only the kinds told by their bytes here; others (.avif, .bmp, .ico) go as they are.
    let told = |k: Kind| matches!(k, Kind::Jpeg | Kind::Png | Kind::Webp | Kind::Gif);
    if told(named) && named != is {
        return Some(Problem::Mislabelled { named, is });
    }
    let format = match is {
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Png => ImageFormat::Png,
        Kind::Webp => ImageFormat::WebP,
        _ => return None,
    };
    // A JPEG cut short decodes without complaint, its missing rows grey: its end marker is
    // looked for (a phone may append data after it, so it is searched near the end).
    if is == Kind::Jpeg && !ends_as_jpeg(bytes) {
        return Some(Problem::Truncated);
    }
    match header_size(bytes, format) {
        Some((width, height)) if width > MAX_SIDE || height > MAX_SIDE => {
            Some(Problem::TooLarge { width, height })
        }
        Some(_) => None,
        None => Some(Problem::Unreadable(
            "its header does not say how large it is".into(),
        )),
    }
}

/// The decoder's format for a kind `check` accepts.
pub fn format(kind: Kind) -> Option<ImageFormat> {
    match kind {
        Kind::Jpeg => Some(ImageFormat::Jpeg),
        Kind::Png => Some(ImageFormat::Png),
        Kind::Webp => Some(ImageFormat::WebP),
        _ => None,
    }
}

/// Whether a JPEG's end-of-image marker is there (in its last kilobytes: some cameras append
/// their own data after it).
pub fn ends_as_jpeg(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(64 * 1024)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

/// The size a picture's header claims, read without decoding any pixels.
pub fn header_size(bytes: &[u8], format: ImageFormat) -> Option<(u32, u32)> {
    header_reader(bytes, format).into_dimensions().ok()
}

/// A reader of `bytes` as `format` that looks only at the header (no limits: it makes no
/// pixels).
fn header_reader(bytes: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    reader.no_limits();
    reader
}

/// The size a picture shows at once its orientation tag is applied (a phone's portrait photo is
/// stored landscape with "turn a quarter"), read from its header without decoding any pixels:
/// what a page's `<img>` gets as `width` and `height` before the picture is processed.
pub fn upright_size(bytes: &[u8]) -> Option<(u32, u32)> {
    use image::ImageDecoder;
    use image::metadata::Orientation;
    let format = format(Kind::of_bytes(bytes))?;
    let mut decoder = header_reader(bytes, format).into_decoder().ok()?;
    let (width, height) = decoder.dimensions();
    let turned = matches!(
        decoder.orientation().unwrap_or(Orientation::NoTransforms),
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    Some(match turned {
        true => (height, width),
        false => (width, height),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pictures_over_the_limit_are_large() {
        let files = [
            ("content/guides/a/images/big.jpg", LARGE + 1),
            ("content/guides/a/images/fine.jpg", LARGE),
            ("content/guides/a/files/leaflet.pdf", LARGE * 3),
        ];
        assert_eq!(
            large(files.iter().map(|(p, s)| (*p, *s))),
            vec![("content/guides/a/images/big.jpg".to_string(), LARGE + 1)]
        );
    }

    #[test]
    fn kinds_are_told_by_their_bytes() {
        assert_eq!(Kind::of_bytes(&[0xFF, 0xD8, 0xFF, 0xE0]), Kind::Jpeg);
        assert_eq!(Kind::of_bytes(b"\x89PNG\r\n\x1a\n...."), Kind::Png);
        assert_eq!(Kind::of_bytes(b"\0\0\0\x18ftypheic\0\0\0\0"), Kind::Heif);
        assert_eq!(Kind::of_bytes(b"RIFF\0\0\0\0WEBPVP8 "), Kind::Webp);
        assert_eq!(
            Kind::of_bytes(b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<svg>"),
            Kind::Svg
        );
        assert_eq!(Kind::of_bytes(b"hello"), Kind::Unknown);
        assert_eq!(Kind::of_name("Cat.JPEG"), Kind::Jpeg);
        assert_eq!(Kind::of_name("IMG_0001.HEIC"), Kind::Heif);
    }
}
