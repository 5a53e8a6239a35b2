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
    /// Check the content for problems, without writing anything.
    Check(CheckArgs),
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
    /// this folder whole, so it only writes to an empty folder or one it made before.
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
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
