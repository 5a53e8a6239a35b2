//! Photos made fit to publish: a raster original (a phone's JPEG, a PNG) decoded, turned upright
//! by its orientation tag, and encoded again at a few widths. Only pixels (and an ICC colour
//! profile, if the original had one) reach the output: no EXIF, GPS position, maker notes, XMP,
//! IPTC or embedded thumbnail survives, since none of it is copied. This module only turns bytes
//! into bytes; the caller names the file in its messages.

use std::io::Cursor;

use fast_image_resize::images::Image;
use fast_image_resize::{PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader, Limits};

pub use crate::content::picture::{Kind, Problem};
use crate::content::picture::{MAX_ALLOC, MAX_SIDE, check, format, header_size};

/// The widths a photo is published at, for screens from a phone to a large monitor; an original
/// narrower than one of them is published at its own width instead, never enlarged.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

/// JPEG quality: photos look the same as the original on screen and on paper at a third of the
/// bytes or less.
const JPEG_QUALITY: u8 = 82;

/// The format a published rendition is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }
}

/// One published size of a picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// A picture made fit to publish: its upright size, the format of its renditions, and the
/// renditions, narrowest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    pub renditions: Vec<Rendition>,
}

/// The widths a picture `width` pixels wide is published at: those of `widths` it is wider
/// than, and its own width when it is narrower than the widest.
pub fn widths_for(width: u32, widths: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = widths.iter().copied().filter(|w| *w < width).collect();
    if widths.iter().any(|w| *w >= width) {
        out.push(width);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Decodes the raster picture `bytes` (a file named `name`), turns it upright, and encodes it
/// again at each of `widths` it is wider than (or at its own width): JPEG for photos, PNG for
/// pictures with transparency or that were PNG. The same bytes and widths always give the same
/// renditions.
pub fn process(name: &str, bytes: &[u8], widths: &[u32]) -> Result<Processed, Problem> {
    if let Some(problem) = check(name, bytes) {
        return Err(problem);
    }
    let (named, is) = (Kind::of_name(name), Kind::of_bytes(bytes));
    let format = format(is).ok_or(Problem::Mislabelled { named, is })?;
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| decode_problem(&e, header_size(bytes, format)))?;
    let (width, height) = decoder.dimensions();
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let mut picture = DynamicImage::from_decoder(decoder)
        .map_err(|e| decode_problem(&e, Some((width, height))))?;
    picture.apply_orientation(orientation);
    let transparent = picture.color().has_alpha() && has_transparency(&picture);
    let out = match (is, transparent) {
        (Kind::Png, _) | (_, true) => Format::Png,
        _ => Format::Jpeg,
    };
    let picture = match out {
        Format::Png => DynamicImage::ImageRgba8(picture.into_rgba8()),
        Format::Jpeg => DynamicImage::ImageRgb8(picture.into_rgb8()),
    };
    let (w, h) = (picture.width(), picture.height());
    let renditions = widths_for(w, widths)
        .into_iter()
        .map(|target| {
            let height = scaled_height(w, h, target);
            let resized = match target == w {
                true => picture.clone(),
                false => resize(&picture, target, height)?,
            };
            let bytes = encode(&resized, out, icc.clone())?;
            Ok(Rendition {
                width: target,
                height,
                bytes,
            })
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    Ok(Processed {
        width: w,
        height: h,
        format: out,
        renditions,
    })
}

/// The height of a picture `w`×`h` scaled to `target` wide, at least one pixel.
fn scaled_height(w: u32, h: u32, target: u32) -> u32 {
    let scaled = (u64::from(h) * u64::from(target) + u64::from(w) / 2) / u64::from(w.max(1));
    u32::try_from(scaled.max(1)).unwrap_or(u32::MAX)
}

/// Whether any pixel is not fully opaque.
fn has_transparency(picture: &DynamicImage) -> bool {
    match picture {
        DynamicImage::ImageRgba8(p) => p.pixels().any(|px| px.0[3] != 255),
        DynamicImage::ImageLumaA8(p) => p.pixels().any(|px| px.0[1] != 255),
        other => other.to_rgba8().pixels().any(|px| px.0[3] != 255),
    }
}

/// A decoder's error as a problem: limits exceeded, a file cut short, or anything else.
fn decode_problem(e: &image::ImageError, size: Option<(u32, u32)>) -> Problem {
    match e {
        image::ImageError::Limits(_) => {
            let (width, height) = size.unwrap_or((0, 0));
            Problem::TooLarge { width, height }
        }
        image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Problem::Truncated
        }
        other => {
            let text = other.to_string();
            match text.contains("end of file") || text.contains("EOF") {
                true => Problem::Truncated,
                false => Problem::Unreadable(text),
            }
        }
    }
}

/// `picture` scaled to `width`×`height` with a Lanczos filter, which keeps fur and whiskers
/// sharp.
fn resize(picture: &DynamicImage, width: u32, height: u32) -> Result<DynamicImage, Problem> {
    let pixel = match picture {
        DynamicImage::ImageRgba8(_) => PixelType::U8x4,
        _ => PixelType::U8x3,
    };
    let mut dst = Image::new(width, height, pixel);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(
        fast_image_resize::FilterType::Lanczos3,
    ));
    Resizer::new()
        .resize(picture, &mut dst, &options)
        .map_err(|e| Problem::Unreadable(e.to_string()))?;
    let bytes = dst.into_vec();
    let made = match pixel {
        PixelType::U8x4 => {
            image::RgbaImage::from_raw(width, height, bytes).map(DynamicImage::ImageRgba8)
        }
        _ => image::RgbImage::from_raw(width, height, bytes).map(DynamicImage::ImageRgb8),
    };
    made.ok_or_else(|| Problem::Unreadable("the resized picture has the wrong size".into()))
}

/// `picture` encoded as `format`, with only the colour profile `icc` (if any) beside its pixels.
fn encode(
    picture: &DynamicImage,
    format: Format,
    icc: Option<Vec<u8>>,
) -> Result<Vec<u8>, Problem> {
    let mut out = Vec::new();
    let (w, h) = (picture.width(), picture.height());
    let problem = |e: image::ImageError| Problem::Unreadable(e.to_string());
    match format {
        Format::Jpeg => {
            let mut encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc);
            }
            encoder
                .write_image(picture.as_bytes(), w, h, picture.color().into())
                .map_err(problem)?;
        }
        Format::Png => {
            let mut encoder =
                PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive);
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc);
            }
            encoder
                .write_image(picture.as_bytes(), w, h, picture.color().into())
                .map_err(problem)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_enlarge() {
        assert_eq!(widths_for(4000, &WIDTHS), vec![480, 960, 1600]);
        assert_eq!(widths_for(1200, &WIDTHS), vec![480, 960, 1200]);
        assert_eq!(widths_for(300, &WIDTHS), vec![300]);
        assert_eq!(widths_for(960, &WIDTHS), vec![480, 960]);
    }

    /// A JPEG as a phone saves it: pixels (the left half red, the right half blue), then an EXIF
    /// block with the maker, a GPS position and orientation 6 (turn a quarter clockwise).
    fn phone_jpeg(width: u32, height: u32) -> Vec<u8> {
        use exif::experimental::Writer;
        use exif::{Field, In, Rational, Tag, Value};
        let pixels = image::RgbImage::from_fn(width, height, |x, _| match x < width / 2 {
            true => image::Rgb([220, 30, 30]),
            false => image::Rgb([30, 30, 220]),
        });
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, 90)
            .write_image(
                pixels.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        let ascii = |text: &str| Value::Ascii(vec![text.as_bytes().to_vec()]);
        let degrees = |d: u32, m: u32| {
            Value::Rational(vec![
                Rational { num: d, denom: 1 },
                Rational { num: m, denom: 1 },
                Rational { num: 0, denom: 1 },
            ])
        };
        let fields = [
            Field {
                tag: Tag::Make,
                ifd_num: In::PRIMARY,
                value: ascii("ACME PhoneMaker"),
            },
            Field {
                tag: Tag::Model,
                ifd_num: In::PRIMARY,
                value: ascii("Pocket 12 SN-4471"),
            },
            Field {
                tag: Tag::Orientation,
                ifd_num: In::PRIMARY,
                value: Value::Short(vec![6]),
            },
            Field {
                tag: Tag::GPSLatitudeRef,
                ifd_num: In::PRIMARY,
                value: ascii("N"),
            },
            Field {
                tag: Tag::GPSLatitude,
                ifd_num: In::PRIMARY,
                value: degrees(45, 31),
            },
            Field {
                tag: Tag::GPSLongitudeRef,
                ifd_num: In::PRIMARY,
                value: ascii("W"),
            },
            Field {
                tag: Tag::GPSLongitude,
                ifd_num: In::PRIMARY,
                value: degrees(122, 40),
            },
        ];
        let mut writer = Writer::new();
        for field in &fields {
            writer.push_field(field);
        }
        let mut tiff = Cursor::new(Vec::new());
        writer.write(&mut tiff, false).unwrap();
        let tiff = tiff.into_inner();
        let mut app1 = vec![0xFF, 0xE1];
        app1.extend_from_slice(&u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
        app1.extend_from_slice(b"Exif\0\0");
        app1.extend_from_slice(&tiff);
        [&jpeg[..2], &app1[..], &jpeg[2..]].concat()
    }

    #[test]
    fn a_phone_photo_is_published_upright_and_without_its_metadata() {
        let original = phone_jpeg(2000, 1500);
        assert!(original.windows(15).any(|w| w == b"ACME PhoneMaker"));
        let made = process("cat.jpg", &original, &WIDTHS).unwrap();
        // Turned a quarter: portrait, as the header and the orientation tag alone say.
        assert_eq!((made.width, made.height), (1500, 2000));
        assert_eq!(
            crate::content::picture::upright_size(&original),
            Some((1500, 2000))
        );
        assert_eq!(made.format, Format::Jpeg);
        let sizes: Vec<(u32, u32)> = made
            .renditions
            .iter()
            .map(|r| (r.width, r.height))
            .collect();
        assert_eq!(sizes, vec![(480, 640), (960, 1280), (1500, 2000)]);
        for r in &made.renditions {
            assert_ne!(r.bytes, original);
            for secret in [&b"ACME"[..], b"SN-4471", b"Exif", b"GPS"] {
                assert!(
                    !r.bytes.windows(secret.len()).any(|w| w == secret),
                    "{} kept in the {} px rendition",
                    String::from_utf8_lossy(secret),
                    r.width
                );
            }
            let back = image::load_from_memory(&r.bytes).unwrap().into_rgb8();
            assert_eq!((back.width(), back.height()), (r.width, r.height));
            // The red left half is now on top, the blue at the bottom.
            let top = back.get_pixel(r.width / 2, r.height / 8).0;
            let bottom = back.get_pixel(r.width / 2, r.height * 7 / 8).0;
            assert!(top[0] > 150 && top[2] < 100, "top {top:?}");
            assert!(bottom[2] > 150 && bottom[0] < 100, "bottom {bottom:?}");
        }
        // The same photo gives the same bytes.
        assert_eq!(process("cat.jpg", &original, &WIDTHS).unwrap(), made);
    }

    #[test]
    fn heic_lies_cut_files_and_huge_pictures_are_refused() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
        assert_eq!(process("IMG_0001.HEIC", &heic, &WIDTHS), Err(Problem::Heif));
        assert_eq!(process("IMG_0001.jpg", &heic, &WIDTHS), Err(Problem::Heif));
        let png = {
            let mut out = Vec::new();
            PngEncoder::new(&mut out)
                .write_image(&[0u8; 4 * 4 * 3], 4, 4, image::ExtendedColorType::Rgb8)
                .unwrap();
            out
        };
        assert_eq!(
            process("dog.jpg", &png, &WIDTHS),
            Err(Problem::Mislabelled {
                named: Kind::Jpeg,
                is: Kind::Png
            })
        );
        let photo = phone_jpeg(600, 400);
        assert_eq!(
            process("cut.jpg", &photo[..photo.len() * 2 / 3], &WIDTHS),
            Err(Problem::Truncated)
        );
        // A JPEG whose frame header claims 60,000 × 50,000 pixels (9 GB to decode).
        let mut bomb = phone_jpeg(64, 48);
        let frame = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        bomb[frame + 5..frame + 7].copy_from_slice(&50_000u16.to_be_bytes());
        bomb[frame + 7..frame + 9].copy_from_slice(&60_000u16.to_be_bytes());
        assert_eq!(
            process("bomb.jpg", &bomb, &WIDTHS),
            Err(Problem::TooLarge {
                width: 60_000,
                height: 50_000
            })
        );
        for problem in [Problem::Heif, Problem::Truncated] {
            let (what, help) = problem.message();
            assert!(!what.is_empty() && !help.is_empty());
        }
        assert!(Problem::Heif.message().1.contains("JPEG"));
    }

    #[test]
    fn heights_keep_the_shape() {
        assert_eq!(scaled_height(4000, 3000, 480), 360);
        assert_eq!(scaled_height(3000, 4000, 480), 640);
        assert_eq!(scaled_height(10000, 1, 480), 1);
    }
}
