//! Photos in a guide as a volunteer adds them: a large one is published, with a note of its
//! size, in every build (one with nothing to do too). What makes a picture unfit to publish is
//! in the bad-input corpus (cases 91-94).

use std::fs;

use crate::helpers::TestSite;

/// A real JPEG of `size` bytes or a little more: a small photo, then application segments of
/// filler (as cameras add their own data) up to the size.
fn jpeg_of_about(size: usize) -> Vec<u8> {
    let pixels =
        image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
    let mut jpeg = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg),
        pixels.as_raw(),
        64,
        48,
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    let mut filler = Vec::new();
    while jpeg.len() + filler.len() < size {
        filler.extend_from_slice(&[0xFF, 0xEF, 0xFF, 0xFF]);
        filler.extend(std::iter::repeat_n(0x20, 0xFFFF - 2));
    }
    [&jpeg[..2], &filler[..], &jpeg[2..]].concat()
}

#[test]
fn a_large_photo_is_published_with_a_note_of_its_size() {
    let site = TestSite::fixture("minimal");
    let images = site.root().join("content/guides/first-guide/images");
    fs::write(images.join("sofa.jpg"), jpeg_of_about(11_000_000)).unwrap();
    fs::write(images.join("small.jpg"), jpeg_of_about(1)).unwrap();
    let step = "content/guides/first-guide/steps/01-begin.md";
    let text = site.read(step);
    site.write(
        step,
        &format!("{text}\n![Our cat on the sofa](../images/sofa.jpg)\n\n![A small one](../images/small.jpg)\n"),
    );
    let note =
        "note: content/guides/first-guide/images/sofa.jpg is 11.0 MB, slow to open on a phone";
    for what in [
        "a first build",
        "a second build",
        "a build with nothing to do",
    ] {
        let run = site.build();
        run.success();
        assert!(run.stdout.contains(note), "{what}: {}", run.stdout);
        assert!(!run.stdout.contains("small.jpg"), "{what}: {}", run.stdout);
        site.settle();
    }
    assert_eq!(
        fs::read(
            site.root()
                .join("public/guides/first-guide/images/sofa.jpg")
        )
        .unwrap()
        .len(),
        fs::read(images.join("sofa.jpg")).unwrap().len()
    );
    let check = site.handout(&["check"]);
    check.success();
    assert!(check.stdout.contains(note), "{}", check.stdout);
}
