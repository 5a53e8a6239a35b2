//! The one rule that cuts text into search words. The index is cut with it when each step is
//! read (a guide's title and summary when its part of the index is made); the browser
//! (`templates/assets/library.js`) cuts only what is typed into the search, by the same rule
//! written in JavaScript, and then compares words. A test runs both on every character and on
//! tricky sentences; they can differ only on characters newer than one side's Unicode tables.
//!
//! The rule, in order:
//! 1. Unicode compatibility decomposition (NFKD): accents come apart from their letters, and
//!    full-width letters, ligatures and other presentation forms become ordinary letters.
//! 2. Lower case (Unicode's default mapping, as JavaScript's `toLowerCase`).
//! 3. Every combining mark (`General_Category=Mark`) is dropped, so "vacunacion" finds
//!    "vacunación", "еж" finds "ёж" and "οδος" finds "οδός": people type without accents.
//!    In scripts whose vowel signs are marks (Devanagari, Thai) this makes some words alike,
//!    which only ever finds more, never less.
//! 4. Final sigma `ς` becomes `σ`: a word typed so far ends in `ς` where the text goes on
//!    with `σ`, and capitals lower-case to either depending on what follows.
//! 5. Canonical composition (NFC): Hangul syllables taken apart in step 1 are whole again.
//! 6. A word is a run of letters and digits of any script (`Alphabetic` or `Numeric`); everything
//!    else separates words. In scripts written without spaces between words (Chinese, Japanese
//!    kana, Thai, Lao, Khmer, Burmese) every letter is a word of its own: a run there is a whole
//!    phrase, which no typed word would be a prefix of, while letters found one by one (every
//!    typed letter must be in the step) find the step, at the size of one entry per distinct
//!    letter. Korean is written with spaces and keeps its words.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The blocks of scripts written without spaces between words, each letter of which is a word
/// (rule 6). `library.js` lists the same ranges.
const ALONE: [(char, char); 9] = [
    ('\u{0E00}', '\u{0EFF}'),   // Thai, Lao
    ('\u{1000}', '\u{109F}'),   // Myanmar
    ('\u{1780}', '\u{17FF}'),   // Khmer
    ('\u{3000}', '\u{30FF}'),   // CJK symbols (々, 〇), Hiragana, Katakana
    ('\u{31F0}', '\u{31FF}'),   // Katakana phonetic extensions
    ('\u{3400}', '\u{4DBF}'),   // CJK extension A
    ('\u{4E00}', '\u{9FFF}'),   // CJK unified ideographs
    ('\u{F900}', '\u{FAFF}'),   // CJK compatibility ideographs
    ('\u{20000}', '\u{3FFFF}'), // CJK extensions B and after, compatibility supplement
];

fn alone(c: char) -> bool {
    // Most text is below the first block: one comparison per character there.
    c >= ALONE[0].0 && ALONE.iter().any(|&(from, to)| (from..=to).contains(&c))
}

/// Rules 1 to 5: `text` as the search compares it.
///
/// ASCII is only lower-cased, the rest goes through every rule, run by run: the same result at a
/// fraction of the cost. An ASCII character does not decompose and is no mark; it is a starter,
/// so decomposition never reorders marks across it; and the only characters that compose with
/// one before or after it are marks, which rule 3 has dropped.
fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        let other = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii())
            .map_or(rest.len(), |(at, _)| at);
        out.extend(
            rest[..other]
                .nfkd()
                .flat_map(char::to_lowercase)
                .filter(|&c| !is_combining_mark(c))
                .map(|c| if c == 'ς' { 'σ' } else { c })
                .nfc(),
        );
        rest = &rest[other..];
    }
    out
}

/// Rule 6: calls `each` with every word of folded text, in order.
fn cut<'a>(folded: &'a str, mut each: impl FnMut(&'a str)) {
    let mut start = None;
    let mut at = 0;
    while let Some(&byte) = folded.as_bytes().get(at) {
        // ASCII by its byte, the rest by its character: most text is ASCII.
        let (letter, alone, len) = if byte.is_ascii() {
            (byte.is_ascii_alphanumeric(), false, 1)
        } else {
            let Some(c) = folded[at..].chars().next() else {
                break;
            };
            (c.is_alphanumeric(), alone(c), c.len_utf8())
        };
        if letter && !alone {
            start.get_or_insert(at);
        } else {
            if let Some(from) = start.take() {
                each(&folded[from..at]);
            }
            if letter {
                each(&folded[at..at + len]);
            }
        }
        at += len;
    }
    if let Some(from) = start {
        each(&folded[from..]);
    }
}

/// The search words of `parts`, each once, in order of first use, separated by spaces: all the
/// index page's search needs of a step or a guide, at about half the size of its text.
pub(crate) fn words(parts: &[&str]) -> String {
    let folded: Vec<String> = parts.iter().map(|p| fold(p)).collect();
    let size: usize = folded.iter().map(String::len).sum();
    // A fast hash: the words are the site's own text, not input an attacker chooses per request.
    let mut seen = std::collections::HashSet::with_capacity_and_hasher(
        size / 6,
        foldhash::fast::FixedState::default(),
    );
    let mut out = String::with_capacity(size / 2);
    for part in &folded {
        cut(part, |word| {
            if seen.insert(word) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn keeps_each_word_once_in_lower_case() {
        assert_eq!(
            words(&["Let the cat sniff. The CAT sniffs; let it—«Olé» 2 times"]),
            "let the cat sniff sniffs it ole 2 times"
        );
        assert_eq!(words(&[" ... ", ""]), "");
        assert_eq!(words(&["Cat harness", "the harness"]), "cat harness the");
    }

    #[test]
    fn cuts_every_script_and_folds_accents() {
        let cases = [
            // Spanish: accents and ñ fold, so an unaccented word finds the accented one.
            (
                "Vacunación del PERRO pequeño",
                "vacunacion del perro pequeno",
            ),
            // Russian: lower case, ё as е, й as и.
            ("Ошейник и ЁЖИК, чайник", "ошеиник и ежик чаиник"),
            // Greek: accents and final sigma.
            ("Ο ΣΚΎΛΟΣ τρώει", "ο σκυλοσ τρωει"),
            // Chinese: every character a word, each once.
            ("给猫咪戴上胸背带，猫咪", "给 猫 咪 戴 上 胸 背 带"),
            // Japanese: kana and kanji one by one, full-width Latin as Latin.
            ("ハーネスをＣＡＴに", "ハ ー ネ ス を cat に"),
            // Korean keeps its words, as whole syllables.
            ("고양이 하네스", "고양이 하네스"),
            // Digits of other scripts are digits; ligatures come apart.
            ("١٢ ﬁsh ½", "١٢ fish 1 2"),
            // Turkish dotted capital I: lower case, then its dot dropped.
            ("İstanbul", "istanbul"),
            // Marks never separate words (Devanagari vowel signs are marks).
            ("बिल्ली", "बलल"),
        ];
        for (text, cut) in cases {
            assert_eq!(words(&[text]), cut, "{text}");
        }
    }

    /// Text where the rule's order or a character's neighbours matter.
    const TRICKY: &[&str] = &[
        "ΟΔΟΣ ΟΔΟΣ. Σ ΣΑ ὈΔΥΣΣΕΎΣ",
        "e\u{301}te\u{301} E\u{301}TE\u{301} \u{301}a a\u{301}\u{302}\u{303}",
        "\u{1100}\u{1161}\u{11A8} \u{1100}\u{1161} 각 ㄱㅏ",
        "abc中def ｶﾀｶﾅ ﾊﾟﾝ がぱ 々〆〇 𠀀𠀁",
        "ǅemal ǆ Ǆ ﬀ ﬃ ẞ ß ŉ İı Iİ ﬅ",
        "ไปเที่ยวกัน ພາສາລາວ ភាសាខ្មែរ မြန်မာ",
        "می‌خواهم क़ ক্ষ ٣٤ ⅻ Ⅻ ① ⒜ ㍱ ㋿ ℌ ℡ ™",
        "👩‍👩‍👧 🇪🇸 1️⃣ a\u{200D}b a\u{00AD}b a\u{FE0F}",
        "don't — l'été, 3.5kg; 10%/día",
        "\u{0130}\u{0307} \u{03A3}\u{0301} \u{1E9E} \u{212B} \u{2126}",
        "Ae\u{301}B\u{308}\u{323}c <\u{338} =\u{338}x \u{1100}a\u{1161} ΑΣ.ΑΣ ΑΣa",
    ];

    /// The rule in `library.js`, run by node on every character and on `TRICKY`, cuts as the
    /// Rust rule does. (The browser test runs the same rule in Chromium on indexed text.)
    #[test]
    fn the_browser_rule_cuts_every_character_as_this_one_does() {
        const HARNESS: &str = r#"
var words = window.HANDOUT_SEARCH_WORDS;
function once(text) {
  var seen = new Set();
  return words(text).filter(function (w) { var n = !seen.has(w); seen.add(w); return n; }).join(" ");
}
var out = [];
// A character this engine's Unicode does not have yet is left out (null): its tables, not the
// rule, would differ.
for (var c = 0; c <= 0x10FFFF; c++) {
  if (c < 0xD800 || c > 0xDFFF) {
    var one = String.fromCodePoint(c);
    out.push(/\p{Cn}/u.test(one) ? null : once(one));
  }
}
JSON.parse(require("fs").readFileSync(0, "utf8")).forEach(function (t) { out.push(once(t)); });
process.stdout.write(JSON.stringify(out));
"#;
        let script = format!(
            "var window = {{}}; var document = {{ querySelector: function () {{ return null; }} }};\n{}\n{HARNESS}",
            include_str!("../../templates/assets/library.js")
        );
        let tricky = serde_json::to_string(TRICKY).unwrap();
        let Some(stdout) = crate::node::run(&script, tricky.as_bytes(), "the browser rule test")
        else {
            return;
        };
        let js: Vec<Option<String>> = serde_json::from_slice(&stdout).unwrap();
        let inputs: Vec<String> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .map(String::from)
            .chain(TRICKY.iter().map(|t| t.to_string()))
            .collect();
        assert_eq!(js.len(), inputs.len());
        let differ: Vec<String> = inputs
            .iter()
            .zip(&js)
            .filter_map(|(text, js)| {
                let js = js.as_ref()?;
                let rust = words(&[text]);
                (rust != *js).then(|| {
                    let points: Vec<String> = text
                        .chars()
                        .map(|c| format!("U+{:04X}", c as u32))
                        .collect();
                    format!(
                        "{} {text:?}: Rust {rust:?}, JavaScript {js:?}",
                        points.join(" ")
                    )
                })
            })
            .collect();
        // Unicode 15 already has some 290,000 assigned and private-use characters.
        let compared = js.iter().flatten().count();
        assert!(compared > 280_000, "only {compared} characters compared");
        assert!(
            differ.is_empty(),
            "{} inputs cut differently, first ones:\n{}",
            differ.len(),
            differ[..differ.len().min(30)].join("\n")
        );
    }
}
