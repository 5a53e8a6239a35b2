//! Turning a file's bytes into text the rest of the pipeline can trust: UTF-8 checked, a
//! byte-order mark dropped and CRLF line endings made LF, so positions match what an editor shows.

use crate::diagnostic::{Diagnostic, Lines};

/// Decodes a content file. Invalid UTF-8 is reported with the line, column and byte offset of the
/// first bad byte, since editors differ in how they show it.
pub fn decode(file: &str, raw: &[u8]) -> Result<String, Diagnostic> {
    let bytes = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(normalise_newlines(text)),
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
