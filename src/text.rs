//! Turning a file's bytes into text the rest of the pipeline can trust: UTF-8 checked, a
//! byte-order mark dropped and CRLF line endings made LF, so positions match what an editor shows.

use crate::diagnostic::Diagnostic;

/// Decodes a content file. Invalid UTF-8 is reported with the line, column and byte offset of the
/// first bad byte, since editors differ in how they show it.
pub fn decode(file: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(normalise_newlines(text)),
        Err(e) => {
            let good = e.valid_up_to();
            // The prefix up to the bad byte is valid, so positions can be computed from it.
            let before = normalise_newlines(&String::from_utf8_lossy(&bytes[..good]));
            let mut d = Diagnostic::at(
                file,
                &before,
                before.len(),
                0,
                format!("this file is not valid UTF-8 text (bad byte at offset {good})"),
            )
            .with_help("save the file as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)");
            d.snippet = None;
            Err(d)
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
        assert!(d.message.contains("offset 5"), "{}", d.message);
    }
}
