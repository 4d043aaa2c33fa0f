//! What wakes the event loop, and nothing else: the loop sleeps in one `poll(2)` on the terminal
//! and on a self-pipe, with a timeout only when a deadline exists (issue 22: no idle wake-ups).
//!
//! The signal handlers (SIGHUP, SIGTERM, SIGINT, SIGWINCH), the database watcher and the hang-up
//! watcher each write a byte to the pipe; what happened is kept in flags beside it. The terminal
//! is read on the loop's own thread, not by a reader thread feeding a channel: crossterm's reader
//! is one global behind a lock, so a thread blocked in `event::read` would hold it, and the loop
//! could no longer read the keys already typed when a signal arrives (they belong in the draft
//! written on the way out). Polling the terminal's descriptor beside the pipe keeps that exact,
//! and costs no thread.

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The loop's side of the self-pipe: waits for a byte or the terminal, and drains the pipe.
pub struct Wakes {
    read: UnixStream,
    write: UnixStream,
    /// Set when the database's files changed (or the watcher lost track), cleared when taken.
    data: Arc<AtomicBool>,
}

/// A handle another thread keeps to wake the loop.
#[derive(Debug)]
pub struct Waker {
    write: UnixStream,
    data: Arc<AtomicBool>,
}

impl Waker {
    /// Wakes the loop. The pipe is non-blocking: when it is full a wake-up is already pending,
    /// so a write that would block is dropped.
    pub fn wake(&self) {
        let _ = (&self.write).write(&[1]);
    }

    /// Says the database's files changed, then wakes the loop to look.
    pub fn data_changed(&self) {
        self.data.store(true, Ordering::SeqCst);
        self.wake();
    }
}

impl Wakes {
    pub fn new() -> std::io::Result<Self> {
        let (read, write) = UnixStream::pair()?;
        read.set_nonblocking(true)?;
        // Shared by every clone: no writer, signal handler or thread, ever blocks on it.
        write.set_nonblocking(true)?;
        Ok(Self {
            read,
            write,
            data: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn waker(&self) -> std::io::Result<Waker> {
        Ok(Waker {
            write: self.write.try_clone()?,
            data: Arc::clone(&self.data),
        })
    }

    /// The signals that end the session set `stop` and wake the loop, so it leaves at once
    /// rather than at the next key: the SSH connection dropping (SIGHUP), a polite kill
    /// (SIGTERM) or an interrupt from outside the terminal (SIGINT; Ctrl-C inside arrives as a
    /// key). A size change (SIGWINCH) only wakes it, to read crossterm's resize event and look
    /// at the size. The flag is registered before the pipe so it is set when the loop wakes.
    pub fn watch_signals(&self) -> std::io::Result<Arc<AtomicBool>> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGWINCH};
        let stop = Arc::new(AtomicBool::new(false));
        for signal in [SIGHUP, SIGTERM, SIGINT] {
            signal_hook::flag::register(signal, Arc::clone(&stop))?;
            signal_hook::low_level::pipe::register(signal, self.write.try_clone()?)?;
        }
        signal_hook::low_level::pipe::register(SIGWINCH, self.write.try_clone()?)?;
        Ok(stop)
    }

    /// Sleeps until the terminal has something to read (or has hung up), something wrote to the
    /// pipe, a signal arrived, or `timeout` passed (`None`: no deadline, sleep until woken).
    /// Answers whether the database's files changed meanwhile.
    pub fn wait(&self, timeout: Option<Duration>) -> std::io::Result<bool> {
        let stdin = std::io::stdin();
        let mut fds = [
            PollFd::new(stdin.as_fd(), PollFlags::POLLIN),
            PollFd::new(self.read.as_fd(), PollFlags::POLLIN),
        ];
        match poll(&mut fds, poll_timeout(timeout)) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
        self.drain()?;
        Ok(self.data.swap(false, Ordering::SeqCst))
    }

    fn drain(&self) -> std::io::Result<()> {
        let mut buf = [0u8; 64];
        loop {
            match (&self.read).read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Watches for the terminal going away (the SSH connection dropped) without a SIGHUP reaching
/// us, as happens when a wrapper shell takes the signal.
///
/// crossterm 0.29 keeps reading until a read "would block": a hung-up terminal answers every
/// read with 0 bytes, so it spins forever inside `event::poll` and the loop never gets to save
/// the draft. The watcher sets the stop flag, puts an empty non-blocking pipe in place of standard
/// input (its reads would block, which ends crossterm's read loop) and `/dev/null` in place of
/// output and error, then wakes the loop. With no descriptor left on the terminal, the loop's
/// `poll(2)` no longer sees it; it sees the wake-up and the flag, and leaves, writing the draft.
pub fn watch_for_hang_up(stop: Arc<AtomicBool>, waker: Waker) {
    std::thread::spawn(move || {
        while !terminal_hung_up() {
            // Only a signal or an odd answer gets here: never spin on it.
            std::thread::sleep(Duration::from_secs(1));
        }
        stop.store(true, Ordering::SeqCst);
        if let Ok((empty, writer)) = nix::unistd::pipe2(nix::fcntl::OFlag::O_NONBLOCK) {
            let _ = nix::unistd::dup2_stdin(&empty);
            // Kept open for the life of the process so the pipe never reads as ended.
            std::mem::forget(writer);
        }
        if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
            let _ = nix::unistd::dup2_stdout(&null);
            let _ = nix::unistd::dup2_stderr(&null);
        }
        waker.wake();
    });
}

/// Waits until standard input, the terminal, hangs up (true), or a signal interrupts the wait
/// (false). Asking for no events at all means only a hang-up or an error wakes it: keys
/// arriving do not, so the watcher costs no wake-ups while the worker types or idles.
fn terminal_hung_up() -> bool {
    let stdin = std::io::stdin();
    let mut fds = [PollFd::new(stdin.as_fd(), PollFlags::empty())];
    match poll(&mut fds, PollTimeout::NONE) {
        Ok(_) => fds[0].revents().is_some_and(|r| {
            r.intersects(PollFlags::POLLHUP | PollFlags::POLLERR | PollFlags::POLLNVAL)
        }),
        Err(_) => false,
    }
}

/// `poll(2)`'s timeout in whole milliseconds, rounded up so a deadline is never woken for a
/// moment early (which would only go round again), and capped at the longest it takes.
pub fn poll_timeout(timeout: Option<Duration>) -> PollTimeout {
    let Some(timeout) = timeout else {
        return PollTimeout::NONE;
    };
    PollTimeout::try_from(timeout.as_nanos().div_ceil(1_000_000)).unwrap_or(PollTimeout::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_round_up_to_the_millisecond_and_none_waits_for_ever() {
        assert_eq!(poll_timeout(None), PollTimeout::NONE);
        assert_eq!(poll_timeout(Some(Duration::ZERO)), PollTimeout::ZERO);
        assert_eq!(
            poll_timeout(Some(Duration::from_micros(1))).as_millis(),
            Some(1)
        );
        assert_eq!(
            poll_timeout(Some(Duration::from_micros(1500))).as_millis(),
            Some(2)
        );
        assert_eq!(
            poll_timeout(Some(Duration::from_secs(3600))).as_millis(),
            Some(3_600_000)
        );
        assert_eq!(
            poll_timeout(Some(Duration::from_secs(365 * 24 * 3600))),
            PollTimeout::MAX,
            "longer than poll can wait: as long as it can"
        );
    }

    #[test]
    fn a_waker_wakes_the_wait_and_says_whether_data_changed() {
        let wakes = Wakes::new().unwrap();
        let waker = wakes.waker().unwrap();
        waker.wake();
        assert!(!wakes.wait(Some(Duration::from_secs(10))).unwrap());
        waker.data_changed();
        assert!(wakes.wait(Some(Duration::from_secs(10))).unwrap());
        // Many wake-ups before the loop looks are one wake-up, and the pipe never fills.
        for _ in 0..100_000 {
            waker.data_changed();
        }
        assert!(wakes.wait(Some(Duration::from_secs(10))).unwrap());
        assert!(!wakes.wait(Some(Duration::ZERO)).unwrap(), "drained");
    }
}
