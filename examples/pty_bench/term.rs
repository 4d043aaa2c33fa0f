//! A program (keywork, or a peer) in a pseudo-terminal of the bench's own, its output read with a
//! timestamp and fed through a terminal emulator.

use crate::target::Target;
use crate::{Error, PANE_TITLES, POINTER, QUIET, TIMEOUT};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// Begin synchronized update: keywork opens every frame with it.
const FRAME_START: &[u8] = b"\x1b[?2026h";

/// Output that arrived, with when the reader thread read it.
pub(crate) type Chunk = (Instant, Vec<u8>);

/// A program running in a pseudo-terminal, its output fed through a terminal emulator.
pub(crate) struct Term {
    /// The program's name, for messages.
    name: &'static str,
    pub(crate) parser: vt100::Parser,
    rx: Receiver<Chunk>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    /// Kept open: dropping the master side would hang up the terminal.
    _master: Box<dyn MasterPty + Send>,
    pid: u32,
    started: Instant,
    /// Bytes the program has written so far.
    pub(crate) bytes: usize,
    /// Every read of output so far: when it arrived and how many bytes (peers that draw
    /// without synchronized output are measured by these instead of frames).
    pub(crate) chunks: Vec<(Instant, usize)>,
    /// Every frame begun so far: each is drawn inside synchronized output, opened by
    /// [`FRAME_START`].
    pub(crate) frames: Vec<Frame>,
    /// The end of the output so far, short of a whole [`FRAME_START`], to find one split
    /// between two reads.
    tail: Vec<u8>,
    /// When the last output arrived.
    pub(crate) last: Instant,
    /// The program has closed its side of the terminal (it has gone or is going).
    closed: bool,
}

/// One frame: when its first byte arrived, and its length in bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub(crate) at: Instant,
    pub(crate) bytes: usize,
}

/// What one input brought: when its first and last output arrived, and how many bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Response {
    pub(crate) first: Duration,
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
        let size = PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        let pair = native_pty_system().openpty(size)?;
        let started = Instant::now();
        let child = pair.slave.spawn_command(cmd)?;
        // Only the child holds the slave side, so reading ends when it exits.
        drop(pair.slave);
        let pid = child.process_id().ok_or("the child has no process id")?;
        let mut reader = pair.master.try_clone_reader()?;
        let writer = pair.master.take_writer()?;
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 64 * 1024];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                if tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        Ok(Term {
            name,
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            rx,
            writer,
            child,
            _master: pair.master,
            pid,
            started,
            bytes: 0,
            chunks: Vec::new(),
            frames: Vec::new(),
            tail: Vec::new(),
            last: started,
            closed: false,
        })
    }

    /// Takes in one chunk of output if one arrives within `wait`; false if none did.
    pub(crate) fn pump(&mut self, wait: Duration) -> Result<bool, Error> {
        match self.rx.recv_timeout(wait) {
            Ok((at, bytes)) => {
                self.parser.process(&bytes);
                self.bytes += bytes.len();
                self.chunks.push((at, bytes.len()));
                self.count_frames(at, &bytes);
                self.last = at;
                Ok(true)
            }
            Err(RecvTimeoutError::Timeout) => Ok(false),
            Err(RecvTimeoutError::Disconnected) => {
                self.closed = true;
                Err(format!("{} closed the terminal", self.name).into())
            }
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

    /// Waits until the screen satisfies `done`.
    pub(crate) fn wait_for(
        &mut self,
        what: &str,
        done: impl Fn(&vt100::Screen) -> bool,
    ) -> Result<(), Error> {
        let deadline = Instant::now() + TIMEOUT;
        while !done(self.parser.screen()) {
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

    /// Writes `bytes` as typed keys; the time just before the write (taken after it, a busy
    /// machine could let the answer arrive before the bench reads the clock).
    pub(crate) fn send(&mut self, bytes: &[u8]) -> Result<Instant, Error> {
        let at = Instant::now();
        self.writer.write_all(bytes)?;
        self.writer.flush()?;
        Ok(at)
    }

    /// Sends a key and takes in its response: the first byte, then until the screen settles.
    pub(crate) fn respond(&mut self, key: &[u8], what: &str) -> Result<Response, Error> {
        let before = self.bytes;
        let sent = self.send(key)?;
        if !self.pump(TIMEOUT)? {
            return Err(format!("no response to {what}").into());
        }
        let first = self.last - sent;
        self.settle()?;
        Ok(Response {
            first,
            settled: self.last - sent,
            bytes: self.bytes - before,
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
            if !self.closed {
                return Err(e);
            }
            // The program left before its first frame: the screen holds its error message
            // (keywork's never quotes a client's details).
            let said = self.parser.screen().contents();
            return Err(format!("{e}; it said:\n{}", said.trim()).into());
        }
        let frame = (self.bytes, self.last - self.started);
        self.settle()?;
        Ok(StartUp {
            frame,
            settled: (self.bytes, self.last - self.started),
        })
    }

    /// Context switches of the process and all its threads so far.
    pub(crate) fn context_switches(&self) -> Result<u64, Error> {
        let mut total = 0;
        for task in std::fs::read_dir(format!("/proc/{}/task", self.pid))? {
            let status = std::fs::read_to_string(task?.path().join("status"))?;
            total += ["voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"]
                .iter()
                .filter_map(|name| status_field(&status, name))
                .sum::<u64>();
        }
        Ok(total)
    }

    /// Peak resident set size so far, in KiB.
    pub(crate) fn peak_rss(&self) -> Result<u64, Error> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        status_field(&status, "VmHWM:").ok_or_else(|| "no VmHWM in /proc status".into())
    }

    /// The row the caseload's selection marker is on, if it shows.
    pub(crate) fn selected_row(&self) -> Option<usize> {
        screen_rows(self.parser.screen())
            .position(|row| row.contains(POINTER) && row.contains("KW-"))
    }

    /// Whether the selection marker is on the row of the client with this reference.
    pub(crate) fn selected_is(&self, reference: &str) -> bool {
        screen_rows(self.parser.screen())
            .any(|row| row.contains(POINTER) && row.contains(reference))
    }

    /// Fails with `problem` unless the screen shows `text` (checked after it settles, so that
    /// the bench never times something other than what it says).
    pub(crate) fn expect(&self, text: &str, problem: &str) -> Result<(), Error> {
        if self.parser.screen().contents().contains(text) {
            Ok(())
        } else {
            Err(format!("{problem} (no {text:?} on screen)").into())
        }
    }

    /// Quits with `q` and waits for the program to exit.
    pub(crate) fn quit(mut self) -> Result<(), Error> {
        self.send(b"q")?;
        let deadline = Instant::now() + TIMEOUT;
        while self.child.try_wait()?.is_none() {
            if Instant::now() >= deadline {
                return Err(format!("{} did not quit on q", self.name).into());
            }
            let _ = self.pump(Duration::from_millis(20));
        }
        Ok(())
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
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

/// The environment every measured program gets: none of keywork's own variables or a size
/// that overrides the terminal's, xterm-256color, and a private home for any configuration.
pub(crate) fn clean_env(cmd: &mut CommandBuilder, home: &Path) {
    for name in [
        "KEYWORK_CONFIG",
        "KEYWORK_DB",
        "NO_COLOR",
        "COLUMNS",
        "LINES",
        "TMUX",
    ] {
        cmd.env_remove(name);
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("XDG_DATA_HOME", home.join("data"));
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN)
}

fn screen_rows(screen: &vt100::Screen) -> impl Iterator<Item = String> + '_ {
    let (_, cols) = screen.size();
    screen.rows(0, cols.get())
}

/// All four pane titles, and a footer on the bottom row.
pub(crate) fn panes_shown(screen: &vt100::Screen) -> bool {
    let text = screen.contents();
    let footer = screen_rows(screen).last().unwrap_or_default();
    PANE_TITLES.iter().all(|title| text.contains(title)) && !footer.trim().is_empty()
}

/// A number field (`Name:   123 kB`) of a /proc status file.
fn status_field(status: &str, name: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

/// The first frame and the start-up's settling: (bytes so far, time since spawn).
pub(crate) struct StartUp {
    pub(crate) frame: (usize, Duration),
    pub(crate) settled: (usize, Duration),
}
