//! Writes a synthetic site for benchmarks: `cargo run --release --example synthetic -- DIR
//! GUIDES [STEPS] [SEED]`. The same arguments always give the same bytes.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(guides)) = (args.first(), args.get(1).and_then(|g| g.parse().ok())) else {
        eprintln!("usage: synthetic DIR GUIDES [STEPS] [SEED]");
        std::process::exit(2);
    };
    let steps = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    if let Err(e) = handout::synthetic::write_site(std::path::Path::new(dir), guides, steps, seed) {
        eprintln!("cannot write {dir}: {e}");
        std::process::exit(1);
    }
    println!("wrote {guides} guides of {steps} steps to {dir}");
}
