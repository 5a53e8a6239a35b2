//! The `handout` binary: parse the command line, run the pipeline, report. Exit codes: 0 done,
//! 1 problems in the content or output folder, 2 a wrong command line (from clap).

use std::process::ExitCode;

use clap::Parser;
use handout::cli::{Cli, Command, NewCommand, SiteArgs};
use handout::diagnostic::shown;
use handout::pipeline::{self, BuildOptions};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(
        cli.command,
        Command::Build(_) | Command::Pdf(_) | Command::Check(_)
    ) {
        work_on_this_thread_too();
    }
    let (result, verb) = match cli.command {
        Command::Build(args) => (build(args, false), "built"),
        Command::Pdf(args) => (build(args, true), "built"),
        Command::Serve(args) => {
            let root = args.site.root;
            let write = args
                .write
                .then(|| args.output.unwrap_or_else(|| root.join("public")));
            let options = handout::serve::ServeOptions {
                root,
                base_url: args.site.base_url,
                bind: args.bind,
                port: args.port,
                open: args.open,
                poll: args.poll,
                write,
            };
            if let Err(problems) = handout::serve::serve(&options) {
                eprint!(
                    "{}",
                    problems.render(handout::diagnostic::color_on_stderr())
                );
                return ExitCode::from(1);
            }
            return ExitCode::SUCCESS;
        }
        Command::Init { dir } => return report_created(handout::scaffold::init(&dir), Some(&dir)),
        Command::New { what, root } => {
            let result = match what {
                NewCommand::Guide { name } => handout::scaffold::new_guide(&root, &name),
                NewCommand::Step { guide, title, at } => {
                    handout::scaffold::new_step(&root, &guide, &title, at)
                }
            };
            return report_created(result, None);
        }
        Command::Check(args) => (
            pipeline::check(&BuildOptions {
                root: args.root,
                output: None,
                base_url: args.base_url,
                paper: None,
                pdf: false,
                progress: true,
            }),
            "checked",
        ),
    };
    match result {
        Ok(s) => {
            let pdfs = match s.pdfs {
                0 => String::new(),
                n => format!(" and {}", counted(n, "PDF", "PDFs")),
            };
            let changed = match s.changed {
                Some(n) => format!(" ({n} changed)"),
                None => String::new(),
            };
            println!(
                "{verb} {}: {}, {}{pdfs}{changed} in {:.2} s",
                counted(s.guides, "guide", "guides"),
                counted(s.pages, "page", "pages"),
                counted(s.files, "file", "files"),
                s.elapsed.as_secs_f64()
            );
            // Published as they are for now: a large photo is slow to open on a phone.
            for (path, size) in &s.large_pictures {
                println!(
                    "note: {} is {:.1} MB, slow to open on a phone; a copy about 2,000 pixels wide (around 1 MB) looks the same on screen and on paper",
                    shown(path),
                    *size as f64 / 1_000_000.0
                );
            }
            // Shown in the main language until translated; site.yaml can make this an error.
            if !s.untranslated.is_empty() {
                println!(
                    "note: no translation yet, so these pages show the step in the main language:"
                );
                for u in &s.untranslated {
                    println!("  {}", shown(&u.file));
                }
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            let color = handout::diagnostic::color_on_stderr();
            eprint!("{}", problems.render(color));
            ExitCode::from(1)
        }
    }
}

/// Makes this thread one of rayon's workers, in place of a thread of its own. What this thread
/// frees (the laying out of guides, the plan, the files read) stays in its own part of the
/// allocator, which other threads never reuse: rendering on it too reuses that memory instead
/// of growing theirs (at 10,000 guides the peak was about 80 MB lower). Not for `serve`, whose
/// main thread waits on its server and would never take a share of the work.
fn work_on_this_thread_too() {
    // Fails only if the pool was made already: the work is done on it as it is.
    let _ = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global();
}

fn build(args: SiteArgs, pdf: bool) -> Result<pipeline::Summary, handout::diagnostic::Diagnostics> {
    pipeline::build(&BuildOptions {
        root: args.site.root,
        output: args.output,
        base_url: args.site.base_url,
        paper: args.paper.map(Into::into),
        pdf: pdf || args.pdf,
        progress: true,
    })
}

/// Lists what a scaffolding command did (renames first, then edits, then new files), or its
/// problems.
fn report_created(
    result: Result<handout::scaffold::Changes, Vec<handout::diagnostic::Diagnostic>>,
    new_site: Option<&std::path::Path>,
) -> ExitCode {
    match result {
        Ok(changes) => {
            for (from, to) in &changes.renamed {
                println!(
                    "renamed {} → {}",
                    shown(&from.display().to_string()),
                    shown(&to.display().to_string())
                );
            }
            for f in &changes.relinked {
                println!("updated the links in {}", shown(&f.display().to_string()));
            }
            for f in &changes.created {
                println!("created {}", shown(&f.display().to_string()));
            }
            if let Some(f) = changes.to_translate.first() {
                println!("next: translate it as {}", shown(&f.display().to_string()));
                for f in &changes.to_translate[1..] {
                    println!("  and {}", shown(&f.display().to_string()));
                }
            }
            if let Some(dir) = new_site {
                println!(
                    "next: cd {} && handout serve (or handout build)",
                    shown(&dir.display().to_string())
                );
            }
            if !changes.problems.is_empty() {
                eprint!(
                    "{}",
                    handout::diagnostic::Diagnostics::from(changes.problems)
                        .render_ending(false, "the changes listed above were made")
                );
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            eprint!(
                "{}",
                handout::diagnostic::Diagnostics::from(problems)
                    .render_ending(false, "nothing was changed")
            );
            ExitCode::from(1)
        }
    }
}

/// A number and its noun in English, the language of the command line: "1 guide", "4 guides".
fn counted(n: usize, one: &str, other: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { other })
}
