//! Turning a file's bytes into text the rest of the pipeline can trust: UTF-8 checked, a
//! byte-order mark dropped and CRLF line endings made LF, so positions match what an editor shows.
//! A file saved as UTF-16 (Notepad's "Unicode") or with old Mac line endings (CR alone) is
//! recognised and named, rather than read as garbled text.

use crate::diagnostic::{Diagnostic, Lines};

/// Decodes a content file. Invalid UTF-8 is reported with the line, column and byte offset of the
/// first bad byte, since editors differ in how they show it.
pub fn decode(file: &str, raw: &[u8]) -> Result<String, Diagnostic> {
    if let Some(encoding) = wide_encoding(raw) {
        return Err(Diagnostic::file(
            file,
            format!("this file is saved as {encoding} (\"Unicode\"), but handout reads UTF-8"),
        )
        .with_help("save it as UTF-8: in Notepad, File → Save as, then Encoding: UTF-8; in other editors, \"Save with encoding\" → UTF-8"));
    }
    let bytes = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            if let Some(cr) = lone_cr(text) {
                return Err(old_mac_line_end(file, text, cr));
            }
            Ok(normalise_newlines(text))
        }
        Err(e) => {
            let good = e.valid_up_to();
            let bad = bytes[good];
            // The text up to the bad byte, then the rest of its line with the bad bytes shown as
            // replacement characters, so the line can be shown and the position counted.
            let line_end = bytes[good..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| good + i);
            let before = normalise_newlines(&String::from_utf8_lossy(&bytes[..good]));
            let rest = String::from_utf8_lossy(&bytes[good..line_end]);
            let shown = format!("{before}{}", rest.trim_end_matches('\r'));
            let offset = good + (raw.len() - bytes.len());
            let guess = if bad >= 0xA0 {
                format!(
                    "; it may be `{}` saved in an older encoding (Windows-1252 or Latin-1)",
                    char::from(bad)
                )
            } else {
                String::new()
            };
            Err(Diagnostic::at(
                file,
                &Lines::new(&shown),
                before.len(),
                1,
                format!("this file is not UTF-8 text: byte 0x{bad:02X} at offset {offset} is not valid{guess}"),
            )
            .with_help("save the file as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)"))
        }
    }
}

/// "UTF-16" or "UTF-32" when `raw` is text in one of them: by its byte-order mark, or, without
/// one, by the zero bytes every second byte of mostly-ASCII text has in UTF-16 (text in UTF-8
/// never holds a zero byte).
fn wide_encoding(raw: &[u8]) -> Option<&'static str> {
    if raw.starts_with(b"\xFF\xFE\0\0") || raw.starts_with(b"\0\0\xFE\xFF") {
        return Some("UTF-32");
    }
    if raw.starts_with(b"\xFF\xFE") || raw.starts_with(b"\xFE\xFF") {
        return Some("UTF-16");
    }
    let sample = &raw[..raw.len().min(4096) & !1];
    if sample.len() < 2 || !sample.contains(&0) {
        return None;
    }
    let pairs = sample.len() / 2;
    let zero_at = |parity: usize| {
        sample
            .chunks_exact(2)
            .filter(|p| p[parity] == 0 && p[1 - parity] != 0)
            .count()
    };
    // Little-endian puts each ASCII character's zero second, big-endian first.
    (zero_at(1).max(zero_at(0)) * 2 >= pairs).then_some("UTF-16")
}

/// The byte offset of the first CR that is not followed by LF.
fn lone_cr(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\r', bytes).find(|&i| bytes.get(i + 1) != Some(&b'\n'))
}

/// A file whose lines end in CR alone is one long line to everything else that reads it; the
/// problem points at the end of its first line.
fn old_mac_line_end(file: &str, text: &str, cr: usize) -> Diagnostic {
    let before = normalise_newlines(&text[..cr]);
    let message = if text.contains('\n') {
        "this line ends with a CR character alone, the way old Mac editors ended lines"
    } else {
        "this file's lines end with a CR character alone, the way old Mac editors saved them"
    };
    Diagnostic::at(file, &Lines::new(&before), before.len(), 1, message).with_help(
        "save the file with Unix (LF) or Windows (CRLF) line endings; most editors show the choice in the status bar or under \"Save as\"",
    )
}

fn normalise_newlines(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_or_without_a_byte_order_mark_is_named() {
        let utf16 = |text: &str, big: bool| -> Vec<u8> {
            text.encode_utf16()
                .flat_map(|u| {
                    if big {
                        u.to_be_bytes()
                    } else {
                        u.to_le_bytes()
                    }
                })
                .collect()
        };
        let text = "---\ntitle: Café\n---\nBody\n";
        for (bytes, what) in [
            ([&b"\xFF\xFE"[..], &utf16(text, false)].concat(), "UTF-16"),
            ([&b"\xFE\xFF"[..], &utf16(text, true)].concat(), "UTF-16"),
            (utf16(text, false), "UTF-16"),
            (utf16(text, true), "UTF-16"),
            ([&b"\xFF\xFE\0\0"[..], b"-\0\0\0"].concat(), "UTF-32"),
        ] {
            let d = decode("s.md", &bytes).unwrap_err();
            assert_eq!(
                d.message,
                format!("this file is saved as {what} (\"Unicode\"), but handout reads UTF-8")
            );
            assert!(d.help.unwrap().contains("Encoding: UTF-8"));
        }
        // A stray zero byte in UTF-8 text is not taken for UTF-16.
        assert!(decode("s.md", b"title: a\0b and more words\n").is_ok());
    }

    #[test]
    fn old_mac_line_ends_are_named_at_the_first_line_end() {
        let d = decode("s.md", b"---\rtitle: A\r---\r").unwrap_err();
        assert_eq!((d.line, d.column), (1, 4));
        assert!(d.message.contains("CR character alone"), "{}", d.message);
        assert!(d.help.unwrap().contains("Windows (CRLF)"));
        let d = decode("s.md", b"\xEF\xBB\xBF---\r\ntitle: A\rdone_when: B\r\n").unwrap_err();
        assert_eq!((d.line, d.column), (2, 9));
        assert!(d.message.starts_with("this line ends"), "{}", d.message);
        assert!(decode("s.md", b"a\r\nb\r\n").is_ok());
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        assert_eq!(decode("f", b"\xEF\xBB\xBFa\r\nb\r\n").unwrap(), "a\nb\n");
    }

    #[test]
    fn invalid_utf8_names_line_and_offset() {
        let d = decode("f.md", b"ok\nab\xFFc").unwrap_err();
        assert_eq!((d.line, d.column), (2, 3));
        assert!(d.message.contains("byte 0xFF at offset 5"), "{}", d.message);
        let d = decode("f.md", b"\xEF\xBB\xBFcaf\xE9\r\n").unwrap_err();
        assert!(
            d.message.contains("offset 6"),
            "offset counts the byte-order mark: {}",
            d.message
        );
        assert!(d.message.contains("`\u{e9}`"), "{}", d.message);
        assert_eq!(d.snippet.unwrap().text, "caf\u{fffd}");
    }
}
