//! A progress bar for long builds: shown on a terminal once a build has run for a second, and
//! never when output is piped or in CI, where it would only litter logs.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a build runs before the bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A bar for `total` steps of work, hidden unless this is an interactive terminal.
pub fn bar(total: u64, wanted: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    let interactive = wanted
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && std::env::var_os("NO_COLOR").is_none();
    if interactive {
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {percent}%") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message("building");
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(SHOW_AFTER);
            if !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr());
            }
        });
    }
    bar
}
