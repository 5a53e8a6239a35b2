//! What the index page's search looks through, made once per step when the step is read, so
//! that a rebuild of one guide does not make it again for the guides around it.

/// Each word of `text` once, lower-cased, in order of first use: all the index page's search
/// needs of a step, at about half the size of its text. The text is lower-cased once and the
/// words borrowed from it.
pub fn words(text: &str) -> String {
    let lower = text.to_lowercase();
    // A fast hash: the words are the site's own text, not input an attacker chooses per request.
    let mut seen = std::collections::HashSet::with_capacity_and_hasher(
        lower.len() / 6,
        foldhash::fast::FixedState::default(),
    );
    let mut out = String::with_capacity(lower.len() / 2);
    for word in lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if seen.insert(word) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn keeps_each_word_once_in_lower_case() {
        assert_eq!(
            words("Let the cat sniff. The CAT sniffs; let it—«Olé» 2 times"),
            "let the cat sniff sniffs it olé 2 times"
        );
        assert_eq!(words(" ... "), "");
    }
}
