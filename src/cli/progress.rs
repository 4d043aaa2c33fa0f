//! Progress for long work (generate, import, backup, whole-service export): drawn on standard
//! error only when it is a terminal, so a pipe or a log file stays quiet. It says how far the work
//! has got, never which client it is on.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Whether progress may be drawn: standard error is a terminal.
fn shown() -> bool {
    std::io::stderr().is_terminal()
}

/// A bar counting `total` steps of `what` ("clients"), or a hidden one.
pub fn counting(total: u64, what: &str) -> ProgressBar {
    if !shown() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let template = format!("{{msg}} [{{bar:30}}] {{pos}}/{{len}} {what} ({{eta}} left)");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// A spinner saying what is under way, for work with no count to show (a backup copy, an
/// export), or a hidden one.
pub fn working(message: &'static str) -> ProgressBar {
    if !shown() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
