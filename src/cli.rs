//! The command line. Doc comments here are the `--help` text, written for shelter volunteers.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// handout turns your shelter's care guides (YAML and markdown in content/) into a website,
/// printable handouts, checklists and training logs.
#[derive(Debug, Parser)]
#[command(name = "handout", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site: read content/ and write the finished pages to public/.
    ///
    /// Run it in your site's folder (the one that holds content/). Nothing is changed unless the
    /// whole build succeeds; problems are listed with the file and line to fix.
    Build(SiteArgs),
    /// Build the site and print each guide's handout, checklist and training log to PDF.
    ///
    /// The same as `handout build --pdf`. Needs Chromium or Google Chrome on this computer.
    Pdf(SiteArgs),
    /// Check the content for problems, without writing anything.
    Check(CheckArgs),
    /// Preview the site while you edit: serve it on this computer and reload open pages after
    /// every save.
    ///
    /// Open the address it prints in a browser. Each time you save a file in content/ or
    /// templates/, the site is rebuilt and the page reloads. If an edit has a mistake, the page
    /// keeps showing the last good version with the problem on top; fix it and save again.
    /// public/ is not changed unless you add --write.
    Serve(ServeArgs),
    /// Make a new site in a new folder: settings, one sample guide and a .gitignore, ready to
    /// build.
    Init {
        /// The folder to make (it must not exist yet, or be empty)
        dir: PathBuf,
    },
    /// Add a new guide or step, with the files filled in so the site still builds.
    New {
        #[command(subcommand)]
        what: NewCommand,
        /// The site's folder, the one that holds content/ [default: the current folder]
        #[arg(long, value_name = "DIR", default_value = ".", global = true)]
        root: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Add a guide: content/guides/NAME/guide.yaml and a first step
    Guide {
        /// The guide's name: lower-case words joined by hyphens, e.g. litter-training
        name: String,
    },
    /// Add a step to a guide, numbered after the last one (or at --at N)
    Step {
        /// The guide's name, e.g. leash-training
        guide: String,
        /// The step's title, in quotes, e.g. "Meet the harness"
        title: String,
        /// Put the step at this position (1 is first): the step there and those after it move
        /// one number up, with their translations; their web addresses do not change
        #[arg(long, value_name = "N")]
        at: Option<usize>,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: CheckArgs,

    /// The port to serve on (0 picks a free one)
    #[arg(long, default_value_t = 8000)]
    pub port: u16,

    /// The address to serve on. Keep the default, 127.0.0.1, unless other computers must see the
    /// preview
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,

    /// Open the preview in your web browser
    #[arg(long)]
    pub open: bool,

    /// Check for changes every 300 ms instead of waiting for the system to report them (for
    /// network drives and shared folders that send no change events)
    #[arg(long)]
    pub poll: bool,

    /// Also write each good build to public/ (or the folder given with --output)
    #[arg(long)]
    pub write: bool,

    /// Where --write writes [default: public/ inside the site's folder]
    #[arg(long, value_name = "DIR", requires = "write")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site's folder, the one that holds content/ [default: the current folder]
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,

    /// The address the site will be published at, e.g. https://shelter.example/guides/
    /// (overrides base_url in content/site.yaml)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    #[command(flatten)]
    pub site: CheckArgs,

    /// Where to write the site [default: public/ inside the site's folder]. handout replaces
    /// this folder whole, so it only writes to an empty folder or one it made before that holds
    /// nothing but the files it wrote. The site it replaced is kept beside it, hidden
    /// (.public.handout-spare), for the next build to update.
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Also print each guide's handout, checklist and training log to PDF, next to its pages
    /// (needs Chromium or Google Chrome)
    #[arg(long)]
    pub pdf: bool,

    /// Paper size for printing and PDFs (overrides `paper` in content/site.yaml)
    #[arg(long, value_enum)]
    pub paper: Option<PaperArg>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PaperArg {
    Letter,
    A4,
}

impl From<PaperArg> for crate::content::config::Paper {
    fn from(p: PaperArg) -> Self {
        match p {
            PaperArg::Letter => crate::content::config::Paper::Letter,
            PaperArg::A4 => crate::content::config::Paper::A4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
