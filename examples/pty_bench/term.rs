//! A program (keywork, or a peer) in the pseudo-terminal harness the end-to-end tests use
//! (`tests/common/pty.rs`), with what the bench adds: frames counted as they arrive, waits that
//! report rather than panic, and responses to keys timed from the reader's timestamps.

use crate::pty::POINTER;
use crate::pty::{Pty, clean_env, rows};
use crate::target::Target;
use crate::{Error, QUIET, TIMEOUT};
use portable_pty::CommandBuilder;
use std::path::Path;
use std::time::{Duration, Instant};

/// Begin synchronized update: keywork opens every frame with it.
const FRAME_START: &[u8] = b"\x1b[?2026h";

/// A program running in a pseudo-terminal, its output fed through a terminal emulator.
pub(crate) struct Term {
    /// The program's name, for messages.
    name: &'static str,
    pub(crate) pty: Pty,
    /// Every frame begun so far: each is drawn inside synchronized output, opened by
    /// [`FRAME_START`].
    pub(crate) frames: Vec<Frame>,
    /// The end of the output so far, short of a whole [`FRAME_START`], to find one split
    /// between two reads.
    tail: Vec<u8>,
}

/// One frame: when its first byte arrived, and its length in bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub(crate) at: Instant,
    pub(crate) bytes: usize,
}

/// What one input brought: when its first output arrived, when the screen showed what was
/// waited for (for a plain response, the first output), when the last arrived, and how many
/// bytes came.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Response {
    pub(crate) first: Duration,
    pub(crate) shown: Duration,
    pub(crate) settled: Duration,
    pub(crate) bytes: usize,
}

impl Term {
    pub(crate) fn spawn(bin: &Path, target: &Target, size: (u16, u16)) -> Result<Term, Error> {
        Term::spawn_command("keywork", command(bin, target), size)
    }

    /// Starts `cmd` (called `name` in messages) in a pseudo-terminal of `cols` x `rows`.
    pub(crate) fn spawn_command(
        name: &'static str,
        cmd: CommandBuilder,
        (cols, rows): (u16, u16),
    ) -> Result<Term, Error> {
        Ok(Term {
            name,
            pty: Pty::spawn(cmd, rows, cols)?,
            frames: Vec::new(),
            tail: Vec::new(),
        })
    }

    pub(crate) fn screen(&self) -> &vt100::Screen {
        self.pty.screen()
    }

    /// Bytes the program has written so far.
    pub(crate) fn bytes(&self) -> usize {
        self.pty.bytes()
    }

    /// When the last output arrived.
    fn last(&self) -> Instant {
        self.pty.last_output
    }

    /// Takes in one read of output if one arrives within `wait`; false if none did.
    pub(crate) fn pump(&mut self, wait: Duration) -> Result<bool, Error> {
        if self.pty.read_one(wait) {
            let &(at, end) = self.pty.chunks.last().ok_or("a read with no bytes")?;
            let start = self
                .pty
                .chunks
                .len()
                .checked_sub(2)
                .map_or(0, |i| self.pty.chunks[i].1);
            let bytes = self.pty.raw[start..end].to_vec();
            self.count_frames(at, &bytes);
            Ok(true)
        } else if self.pty.closed {
            Err(format!("{} closed the terminal", self.name).into())
        } else {
            Ok(false)
        }
    }

    /// Notes the frames begun in `bytes` (read at `at`) and adds the bytes to the frames they
    /// belong to; keeps the end of the output for the next read.
    fn count_frames(&mut self, at: Instant, bytes: &[u8]) {
        let carried = self.tail.len();
        self.tail.extend_from_slice(bytes);
        let starts: Vec<usize> = (self.tail.windows(FRAME_START.len()).enumerate())
            .filter(|(_, w)| *w == FRAME_START)
            .map(|(at, _)| at.saturating_sub(carried))
            .collect();
        let mut from = 0;
        for start in starts {
            if let Some(frame) = self.frames.last_mut() {
                frame.bytes += start - from;
            }
            self.frames.push(Frame { at, bytes: 0 });
            from = start;
        }
        if let Some(frame) = self.frames.last_mut() {
            frame.bytes += bytes.len() - from;
        }
        let keep = self.tail.len().saturating_sub(FRAME_START.len() - 1);
        self.tail.drain(..keep);
    }

    /// Takes in output until there are `count` frames, or none comes for a second.
    pub(crate) fn wait_frames(&mut self, count: usize) -> Result<(), Error> {
        while self.frames.len() < count && self.pump(Duration::from_secs(1))? {}
        Ok(())
    }

    /// Takes in output until `until`.
    pub(crate) fn pump_until(&mut self, until: Instant) -> Result<(), Error> {
        while let Some(wait) = until.checked_duration_since(Instant::now()) {
            self.pump(wait)?;
        }
        Ok(())
    }

    /// Waits until the screen satisfies `done`, one read at a time, so that the last read is the
    /// one that completed it.
    pub(crate) fn wait_for(
        &mut self,
        what: &str,
        done: impl Fn(&vt100::Screen) -> bool,
    ) -> Result<(), Error> {
        let deadline = Instant::now() + TIMEOUT;
        while !done(self.screen()) {
            if Instant::now() >= deadline {
                return Err(format!("timed out waiting for {what}").into());
            }
            self.pump(Duration::from_millis(100))?;
        }
        Ok(())
    }

    /// Takes in output until none has come for [`QUIET`].
    pub(crate) fn settle(&mut self) -> Result<(), Error> {
        let deadline = Instant::now() + TIMEOUT;
        while self.pump(QUIET)? {
            if Instant::now() >= deadline {
                return Err("the output never settled".into());
            }
        }
        Ok(())
    }

    /// Writes `bytes` as typed keys; the time just before the write.
    pub(crate) fn send(&mut self, bytes: &[u8]) -> Result<Instant, Error> {
        Ok(self.pty.send(bytes)?)
    }

    /// Sends a key and takes in its response: the first byte, then until the screen settles.
    pub(crate) fn respond(&mut self, key: &[u8], what: &str) -> Result<Response, Error> {
        let before = self.bytes();
        let sent = self.send(key)?;
        if !self.pump(TIMEOUT)? {
            return Err(format!("no response to {what}").into());
        }
        let first = self.last() - sent;
        self.settle()?;
        Ok(Response {
            first,
            shown: first,
            settled: self.last() - sent,
            bytes: self.bytes() - before,
        })
    }

    /// Sends a key and times the frame that makes the screen satisfy `shown` (the read that
    /// completed it), then waits for the output to settle. For a response drawn over several
    /// frames, or one whose first byte comes before the work is done.
    pub(crate) fn respond_until(
        &mut self,
        key: &[u8],
        what: &str,
        shown: impl Fn(&vt100::Screen) -> bool,
    ) -> Result<Response, Error> {
        let (before, reads) = (self.bytes(), self.pty.chunks.len());
        let sent = self.send(key)?;
        self.wait_for(what, shown)?;
        let shown = self.last().saturating_duration_since(sent);
        let first = self.pty.chunks.get(reads).map_or(shown, |c| c.0 - sent);
        self.settle()?;
        Ok(Response {
            first,
            shown,
            settled: self.last() - sent,
            bytes: self.bytes() - before,
        })
    }

    /// Waits for the first frame (all four panes and a footer) and then for the output to settle.
    pub(crate) fn start_up(&mut self) -> Result<StartUp, Error> {
        self.start_up_when(panes_shown)
    }

    /// Waits until the screen satisfies `shown` (the first frame) and then for the output to
    /// settle.
    pub(crate) fn start_up_when(
        &mut self,
        shown: impl Fn(&vt100::Screen) -> bool,
    ) -> Result<StartUp, Error> {
        if let Err(e) = self.wait_for("the first frame", shown) {
            if !self.pty.closed {
                return Err(e);
            }
            // The program left before its first frame: the screen holds its error message
            // (keywork's never quotes a client's details).
            let said = self.screen().contents();
            return Err(format!("{e}; it said:\n{}", said.trim()).into());
        }
        let started = self.pty.started;
        let frame = (self.bytes(), self.last() - started);
        self.settle()?;
        Ok(StartUp {
            frame,
            settled: (self.bytes(), self.last() - started),
        })
    }

    /// Context switches of the process and all its threads so far.
    pub(crate) fn context_switches(&self) -> Result<u64, Error> {
        Ok(self.pty.context_switches()?)
    }

    /// Peak resident set size so far, in KiB.
    pub(crate) fn peak_rss(&self) -> Result<u64, Error> {
        Ok(self.pty.peak_rss()?)
    }

    /// The row the caseload's selection marker is on, if it shows.
    pub(crate) fn selected_row(&self) -> Option<usize> {
        crate::pty::selected_row(self.screen())
    }

    /// Whether the selection marker is on the row of the client with this reference.
    pub(crate) fn selected_is(&self, reference: &str) -> bool {
        rows(self.screen())
            .iter()
            .any(|row| row.contains(POINTER) && row.contains(reference))
    }

    /// Fails with `problem` unless the screen shows `text` (checked after it settles, so that
    /// the bench never times something other than what it says).
    pub(crate) fn expect(&self, text: &str, problem: &str) -> Result<(), Error> {
        if self.screen().contents().contains(text) {
            Ok(())
        } else {
            Err(format!("{problem} (no {text:?} on screen)").into())
        }
    }

    /// Quits with `q` and waits for the program to exit.
    pub(crate) fn quit(mut self) -> Result<(), Error> {
        self.send(b"q")?;
        let deadline = Instant::now() + TIMEOUT;
        while self.pty.try_wait()?.is_none() {
            if Instant::now() >= deadline {
                return Err(format!("{} did not quit on q", self.name).into());
            }
            self.pty.pump(Duration::from_millis(20));
        }
        Ok(())
    }
}

/// `keywork --db COPY`, with a clean environment of its own, switching user first for `--as`.
fn command(bin: &Path, target: &Target) -> CommandBuilder {
    let mut cmd = match target.switch_to {
        Some((uid, gid)) => {
            let mut cmd = CommandBuilder::new("setpriv");
            cmd.args([
                format!("--reuid={uid}"),
                format!("--regid={gid}"),
                "--init-groups".to_owned(),
                "--".to_owned(),
            ]);
            cmd.arg(bin);
            cmd
        }
        None => CommandBuilder::new(bin),
    };
    cmd.arg("--db");
    cmd.arg(&target.db);
    let home = target.home();
    cmd.cwd(&home);
    clean_env(&mut cmd, &home);
    cmd
}

/// All four pane titles, and a footer on the bottom row.
pub(crate) fn panes_shown(screen: &vt100::Screen) -> bool {
    let footer = crate::pty::footer(screen);
    crate::pty::panes_shown(screen) && !footer.trim().is_empty()
}

/// The first frame and the start-up's settling: (bytes so far, time since spawn).
pub(crate) struct StartUp {
    pub(crate) frame: (usize, Duration),
    pub(crate) settled: (usize, Duration),
}
