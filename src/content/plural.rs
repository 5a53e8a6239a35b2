//! Which plural form a count takes in a language ("1 step", "2 steps"; Russian "1 шаг", "2 шага",
//! "5 шагов"): the CLDR categories `zero`, `one`, `two`, `few`, `many` and `other`, by each
//! language's CLDR rule for whole numbers. Browsers pick by the same rules (`Intl.PluralRules`,
//! used by the checklist's script); a test compares the two for every language here.

/// Every plural category, in CLDR's order.
pub const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// The category of the whole number `n` in `language` (a code such as `ru` or `pt-PT`). A
/// language not listed here counts as English does: `one` for 1, `other` for the rest.
pub fn category(language: &str, n: u64) -> &'static str {
    let lower = language.to_ascii_lowercase();
    let primary = lower.split(['-', '_']).next().unwrap_or("");
    let (n10, n100) = (n % 10, n % 100);
    let millions = n != 0 && n.is_multiple_of(1_000_000);
    match primary {
        // No plural forms: the same word for every count.
        "ja" | "zh" | "ko" | "th" | "vi" | "id" | "ms" | "lo" | "km" | "my" => "other",
        // Portugal's Portuguese counts 0 as plural, Brazil's as singular.
        "pt" if lower == "pt-pt" => match n {
            1 => "one",
            _ if millions => "many",
            _ => "other",
        },
        "es" | "it" | "ca" => match n {
            1 => "one",
            _ if millions => "many",
            _ => "other",
        },
        "fr" | "pt" => match n {
            0 | 1 => "one",
            _ if millions => "many",
            _ => "other",
        },
        "hi" | "bn" | "gu" | "fa" | "kn" | "zu" | "am" => match n {
            0 | 1 => "one",
            _ => "other",
        },
        "ru" | "uk" | "be" => match (n10, n100) {
            (1, h) if h != 11 => "one",
            (2..=4, h) if !(12..=14).contains(&h) => "few",
            _ => "many",
        },
        "pl" => match (n, n10, n100) {
            (1, _, _) => "one",
            (_, 2..=4, h) if !(12..=14).contains(&h) => "few",
            _ => "many",
        },
        "cs" | "sk" => match n {
            1 => "one",
            2..=4 => "few",
            _ => "other",
        },
        "hr" | "sr" | "bs" => match (n10, n100) {
            (1, h) if h != 11 => "one",
            (2..=4, h) if !(12..=14).contains(&h) => "few",
            _ => "other",
        },
        "is" | "mk" => match (n10, n100) {
            (1, h) if h != 11 => "one",
            _ => "other",
        },
        "lt" => match (n10, n100) {
            (_, 11..=19) => "other",
            (1, _) => "one",
            (2..=9, _) => "few",
            _ => "other",
        },
        "lv" => match (n10, n100) {
            (0, _) | (_, 11..=19) => "zero",
            (1, _) => "one",
            _ => "other",
        },
        "ro" => match (n, n100) {
            (1, _) => "one",
            (0, _) | (_, 1..=19) => "few",
            _ => "other",
        },
        "sl" => match n100 {
            1 => "one",
            2 => "two",
            3 | 4 => "few",
            _ => "other",
        },
        "he" => match n {
            1 => "one",
            2 => "two",
            _ => "other",
        },
        "ga" => match n {
            1 => "one",
            2 => "two",
            3..=6 => "few",
            7..=10 => "many",
            _ => "other",
        },
        "cy" => match n {
            0 => "zero",
            1 => "one",
            2 => "two",
            3 => "few",
            6 => "many",
            _ => "other",
        },
        "ar" => match (n, n100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        _ => match n {
            1 => "one",
            _ => "other",
        },
    }
}

/// The categories `language` uses for counts, in CLDR's order, `other` always among them:
/// the forms a file of words in that language may give.
pub fn categories(language: &str) -> Vec<&'static str> {
    CATEGORIES
        .into_iter()
        .filter(|c| *c == "other" || samples().any(|n| category(language, n) == *c))
        .collect()
}

/// The categories a language's file of words must give: those of the counts a page shows
/// (up to a thousand), and `other`, used for any form left out.
pub fn needed(language: &str) -> Vec<&'static str> {
    CATEGORIES
        .into_iter()
        .filter(|c| *c == "other" || (0..=1000).any(|n| category(language, n) == *c))
        .collect()
}

/// Counts that reach every category of every rule above (the millions reach `many`).
fn samples() -> impl Iterator<Item = u64> {
    (0..=2000).chain([1_000_000, 2_000_000])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every language with a rule of its own above, and a few that count as English does.
    const LANGUAGES: &[&str] = &[
        "en", "de", "nl", "sv", "da", "nb", "fi", "el", "hu", "tr", "ja", "zh", "ko", "th", "vi",
        "id", "ms", "lo", "km", "my", "pt-PT", "es", "es-MX", "it", "ca", "fr", "pt", "pt-BR",
        "hi", "bn", "gu", "fa", "kn", "zu", "am", "ru", "uk", "be", "pl", "cs", "sk", "hr", "sr",
        "bs", "is", "mk", "lt", "lv", "ro", "sl", "he", "ga", "cy", "ar",
    ];

    /// The browser's `Intl.PluralRules` (as the checklist's script uses it), run by node,
    /// picks the same form as these rules for every count up to 2,000 and the millions, in
    /// every language above.
    #[test]
    fn the_browsers_rules_pick_the_same_forms() {
        let script = r#"
var input = JSON.parse(require("fs").readFileSync(0, "utf8"));
var out = {};
input.languages.forEach(function (l) {
  var rule = new Intl.PluralRules(l);
  out[l] = input.counts.map(function (n) { return rule.select(n); });
});
process.stdout.write(JSON.stringify(out));
"#;
        let counts: Vec<u64> = samples().collect();
        let input = serde_json::json!({ "languages": LANGUAGES, "counts": counts });
        let Some(stdout) = crate::node::run(
            script,
            input.to_string().as_bytes(),
            "the plural rules test",
        ) else {
            return;
        };
        let js: std::collections::BTreeMap<String, Vec<String>> =
            serde_json::from_slice(&stdout).unwrap();
        let mut differ = Vec::new();
        for lang in LANGUAGES {
            for (n, browser) in counts.iter().zip(&js[*lang]) {
                let ours = category(lang, *n);
                if ours != browser {
                    differ.push(format!("{lang} {n}: here {ours}, in the browser {browser}"));
                }
            }
        }
        assert!(
            differ.is_empty(),
            "{} counts differ, first ones:\n{}",
            differ.len(),
            differ[..differ.len().min(20)].join("\n")
        );
    }

    #[test]
    fn counts_take_their_languages_forms() {
        let forms = |lang: &str, counts: &[u64]| -> Vec<&str> {
            counts.iter().map(|n| category(lang, *n)).collect()
        };
        assert_eq!(
            forms("en", &[0, 1, 2, 21]),
            ["other", "one", "other", "other"]
        );
        assert_eq!(forms("es-MX", &[0, 1, 2]), ["other", "one", "other"]);
        assert_eq!(forms("fr", &[0, 1, 2]), ["one", "one", "other"]);
        assert_eq!(
            forms("ru", &[1, 2, 5, 11, 21, 22, 25, 112]),
            ["one", "few", "many", "many", "one", "few", "many", "many"]
        );
        assert_eq!(forms("ja", &[1, 2]), ["other", "other"]);
        assert_eq!(forms("pt", &[0]), ["one"]);
        assert_eq!(forms("pt-PT", &[0]), ["other"]);
        assert_eq!(
            forms("xx", &[1, 3]),
            ["one", "other"],
            "unknown: as English"
        );
    }

    #[test]
    fn a_language_needs_the_forms_of_the_counts_a_page_shows() {
        assert_eq!(needed("en"), ["one", "other"]);
        assert_eq!(needed("es"), ["one", "other"]);
        assert_eq!(categories("es"), ["one", "many", "other"]);
        assert_eq!(needed("ru"), ["one", "few", "many", "other"]);
        assert_eq!(needed("ar"), CATEGORIES);
        assert_eq!(needed("zh"), ["other"]);
    }
}
