//! A site's own `templates/` folder overrides the built-in theme file by file.

use crate::helpers::{TestSite, copy_dir, fixture_dir};

#[test]
fn a_site_template_replaces_the_built_in_one() {
    let site = TestSite::fixture("minimal");
    copy_dir(&fixture_dir("override"), site.root());
    site.build().success();
    let step = site.read("public/guides/first-guide/middle.html");
    assert!(
        step.contains("<p class=\"custom-theme\">Our own step template</p>"),
        "{step}"
    );
    assert!(
        !step.contains("step-nav"),
        "the built-in step template was still used"
    );
    // Other pages keep the built-in theme.
    let overview = site.read("public/guides/first-guide/index.html");
    assert!(overview.contains("The steps at a glance"));
    assert!(!overview.contains("custom-theme"));
}

#[test]
fn a_site_stylesheet_replaces_the_built_in_one() {
    let site = TestSite::fixture("minimal");
    site.write(
        "templates/assets/style.css",
        "body { color: rebeccapurple; }\n",
    );
    site.build().success();
    assert_eq!(
        site.read("public/assets/style.css"),
        "body { color: rebeccapurple; }\n"
    );
    assert!(
        site.read("public/assets/checklist.js")
            .contains("localStorage")
    );
}

#[test]
fn a_broken_template_override_names_the_template_and_line() {
    let site = TestSite::fixture("minimal");
    site.write(
        "templates/step.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ step.title \n{% endblock main %}\n",
    );
    let run = site.build();
    run.failure(1).stderr_has("templates/step.html:");
    assert!(!site.root().join("public").exists());
}

#[test]
fn a_spanish_site_gets_the_theme_s_words_in_spanish() {
    let site = TestSite::fixture("minimal");
    let yaml = site
        .read("content/site.yaml")
        .replace("language: en", "language: es");
    site.write("content/site.yaml", &yaml);
    site.build().success();
    let step = site.read("public/guides/first-guide/middle.html");
    assert!(step.contains("<html lang=\"es\">"));
    assert!(step.contains("Paso 2 de 3"), "{step}");
    assert!(step.contains("Señal para avanzar"));
    assert!(
        site.read("public/guides/first-guide/checklist.html")
            .contains("Lista de control: First guide")
    );
    assert!(site.read("public/index.html").contains("Guías de cuidado"));
}

#[test]
fn a_site_changes_one_word_and_a_misspelt_word_is_an_error() {
    let site = TestSite::fixture("minimal");
    site.write("templates/i18n/en.yaml", "checklist: Tick list\n");
    site.build().success();
    let overview = site.read("public/guides/first-guide/index.html");
    assert!(overview.contains(">Tick list</a>"));
    assert!(overview.contains(">Training log</a>"), "other words stay");
    site.write("templates/i18n/en.yaml", "checklst: Tick list\n");
    site.build()
        .failure(1)
        .stderr_has("templates/i18n/en.yaml:1:1")
        .stderr_has("`checklst` is not one of the theme's words")
        .stderr_has("did you mean `checklist`?");
}

/// A number said with a noun takes the noun's form for that number, on every page that shows
/// it: a one-step guide has "1 step", never "1 steps", in English and in Spanish.
#[test]
fn a_one_step_guide_says_1_step_on_every_page() {
    let site = TestSite::fixture("minimal");
    site.build().success();
    for page in [
        "index.html",
        "guides/second-guide/index.html",
        "guides/second-guide/handout.html",
    ] {
        let html = site.read(&format!("public/{page}"));
        assert!(html.contains(">1 step<"), "{page}: {html}");
        assert!(!html.contains("1 steps"), "{page}");
    }
    assert!(site.read("public/index.html").contains(">3 steps<"));
    assert!(
        site.read("public/guides/first-guide/handout.html")
            .contains(">3 steps<")
    );
    let yaml = site
        .read("content/site.yaml")
        .replace("language: en", "language: es");
    site.write("content/site.yaml", &yaml);
    site.build().success();
    let index = site.read("public/index.html");
    assert!(index.contains(">1 paso<"), "{index}");
    assert!(index.contains(">3 pasos<"), "{index}");
    assert!(!index.contains("1 pasos"));
    assert!(
        site.read("public/guides/second-guide/handout.html")
            .contains(">1 paso<")
    );
}

/// A site in a language with more plural forms gives them in its own words file, and each
/// count takes its form; a file that leaves one out is an error saying which.
#[test]
fn a_site_s_own_language_gives_each_of_its_plural_forms() {
    let site = TestSite::fixture("minimal");
    let yaml = site
        .read("content/site.yaml")
        .replace("language: en", "language: ru");
    site.write("content/site.yaml", &yaml);
    site.write(
        "templates/i18n/ru.yaml",
        "step_count_one: \"{n} шаг\"\nstep_count_few: \"{n} шага\"\nstep_count_many: \"{n} шагов\"\nstep_count_other: \"{n} шага\"\n",
    );
    site.build().success();
    let index = site.read("public/index.html");
    assert!(index.contains(">1 шаг<"), "{index}");
    assert!(index.contains(">3 шага<"), "{index}");
    site.write(
        "templates/i18n/ru.yaml",
        "step_count_one: \"{n} шаг\"\nstep_count_other: \"{n} шага\"\n",
    );
    site.build()
        .failure(1)
        .stderr_has("templates/i18n/ru.yaml:1:1")
        .stderr_has("`step_count` lacks `step_count_few`, `step_count_many` for some counts")
        .stderr_has("give every form `ru` uses: `step_count_one`, `step_count_few`, `step_count_many`, `step_count_other`");
}
