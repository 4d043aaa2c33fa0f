//! Standard output when nobody is reading it any more (`keywork ... | head -1`, `| true`, a
//! dropped SSH session).
//!
//! Rust ignores SIGPIPE, so a write to a closed pipe fails with EPIPE, and std's `println!`
//! panics on that. A write command prints its confirmation only after the change is committed,
//! so a panic then reports failure for a change that was made, and a script that retries on
//! failure makes it twice. Two rules, in one place:
//!
//! - every line a command prints goes through [`print`] (the `println!` and `print!` below
//!   stand in for std's throughout `cli`), which never panics: the command carries on (`erase`
//!   still clears the -wal file) and its exit status is its own;
//! - a command that streams output stops at the first failed write, and [`main`] treats an error
//!   caused by EPIPE on standard output as the reader having gone: exit 0, nothing said, as Unix
//!   tools do.
//!
//! [`main`]: super::main

use std::error::Error;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// std's `println!`, except that a closed or failing standard output never panics (see the
/// module's doc). Defined before the command modules so that each of them uses it unawares.
macro_rules! println {
    () => {
        $crate::cli::stdout::print(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::stdout::print(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// std's `print!`, with the same difference as `println!` here.
#[allow(unused_macros)]
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::cli::stdout::print(format_args!($($arg)*))
    };
}

/// Set once a write to standard output failed for a reason other than a gone reader (a full
/// disk, an I/O error), so that it is reported once, not once a line.
static FAILED: AtomicBool = AtomicBool::new(false);

/// Whether a write to standard output failed for a reason other than a gone reader: the run
/// then exits non-zero, so `keywork check --clinical --json > file` on a full disk is not taken
/// for a whole report.
pub(super) fn failed() -> bool {
    FAILED.load(Ordering::Relaxed)
}

/// Writes to standard output. A gone reader is not an error: what it would have read is
/// dropped. Any other failure is said once on standard error; the command still completes,
/// because by then its change (if it makes one) is committed.
pub(super) fn print(text: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    match out.write_fmt(text).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            if !FAILED.swap(true, Ordering::Relaxed) {
                eprintln!(
                    "keywork: could not write to standard output: {}; the command went on, but \
                     its output is incomplete",
                    in_words_io(&e)
                );
            }
        }
    }
}

/// A failed write to standard output (other than to a gone reader) in words: "stdout: No space
/// left on device (os error 28)" says neither where nor what to do.
pub(super) fn in_words(error: super::CliError) -> super::CliError {
    match error {
        // A gone reader is left for `reader_gone` to recognise.
        super::CliError::Io { path, source }
            if path.as_os_str() == "stdout" && source.kind() != std::io::ErrorKind::BrokenPipe =>
        {
            super::CliError::Usage(format!(
                "could not write to standard output: {}",
                in_words_io(&source)
            ))
        }
        error => error,
    }
}

fn in_words_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::StorageFull => {
            "the disk it goes to is full: free some space, or send the output to another disk"
                .to_owned()
        }
        _ => error.to_string(),
    }
}

/// Whether `error` only means that standard output's reader has gone: it was caused by EPIPE,
/// and standard output is indeed a pipe (or socket) with no reader. The second check keeps a
/// broken pipe elsewhere (to a child process) reported as the failure it is.
pub(super) fn reader_gone(error: &(dyn Error + 'static)) -> bool {
    caused_by_broken_pipe(error) && stdout_has_no_reader()
}

/// Whether EPIPE is among the causes of `error`. An `io::Error` wrapping another error (the CSV
/// writer's, say) skips that error in `source()`, and `csv::Error` names its cause only in its
/// kind, so both are looked into as well.
fn caused_by_broken_pipe(error: &(dyn Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return true;
            }
            if let Some(inner) = io.get_ref()
                && caused_by_broken_pipe(inner)
            {
                return true;
            }
        }
        if let Some(csv::ErrorKind::Io(io)) = e.downcast_ref::<csv::Error>().map(csv::Error::kind)
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return true;
        }
        cause = e.source();
    }
    false
}

/// Whether writing to standard output would meet EPIPE: poll reports an error condition on the
/// writing end of a pipe whose reading end is closed.
fn stdout_has_no_reader() -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    let stdout = std::io::stdout();
    let mut fds = [PollFd::new(stdout.as_fd(), PollFlags::POLLOUT)];
    poll(&mut fds, PollTimeout::ZERO).is_ok()
        && fds[0]
            .revents()
            .is_some_and(|r| r.intersects(PollFlags::POLLERR | PollFlags::POLLHUP))
}
