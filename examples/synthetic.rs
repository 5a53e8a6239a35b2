//! Writes a synthetic site for benchmarks: `cargo run --release --example synthetic -- DIR
//! GUIDES [STEPS] [SEED] [--plain]`. The same arguments always give the same bytes. The site
//! has the default site's `site.yaml` (`base_url`, a Spanish translation, contact, call to
//! action), as a shelter that publishes has; `--plain` gives one without `base_url` or
//! translations instead.

fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let plain = all.iter().any(|a| a == "--plain");
    let args: Vec<&String> = all.iter().filter(|a| *a != "--plain").collect();
    let (Some(dir), Some(guides)) = (args.first(), args.get(1).and_then(|g| g.parse().ok())) else {
        eprintln!("usage: synthetic DIR GUIDES [STEPS] [SEED] [--plain]");
        std::process::exit(2);
    };
    let steps = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let site_yaml = match plain {
        true => handout::synthetic::PLAIN_SITE_YAML,
        false => handout::synthetic::DEFAULT_SITE_YAML,
    };
    let path = std::path::Path::new(dir.as_str());
    if let Err(e) = handout::synthetic::write_site_with(path, guides, steps, seed, site_yaml) {
        eprintln!("cannot write {dir}: {e}");
        std::process::exit(1);
    }
    let kind = if plain { "plain" } else { "default" };
    println!("wrote {guides} guides of {steps} steps to {dir}, with the {kind} site.yaml");
}
