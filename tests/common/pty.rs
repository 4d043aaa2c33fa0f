//! One program in a pseudo-terminal of our own, its output fed through a terminal emulator
//! (vt100) as it arrives: the harness the end-to-end tests (through `tests/common/mod.rs`) and
//! `examples/pty_bench` (through a `#[path]` module) share, so that what the tests check and what
//! the bench times are the same program run the same way.
//!
//! The reader thread stamps every read with the time it happened, so a caller that waits for the
//! screen can tell when the output that completed it arrived, not when it got round to looking.
//! Waits take in one read at a time and check after each, so the bench's times belong to the read
//! that made the screen what it waited for. Nothing here asserts or panics: tests panic with the
//! screen on a [`Waited`] error, the bench reports it.
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// Output that arrived: when the reader thread read it, and the bytes.
type Chunk = (Instant, Vec<u8>);

/// Why a wait ended without what it waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// The time allowed ran out.
    TimedOut,
    /// The program closed its side of the terminal: nothing more can arrive.
    Closed,
}

impl std::fmt::Display for Waited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Waited::TimedOut => "timed out",
            Waited::Closed => "the program closed the terminal",
        })
    }
}

impl std::error::Error for Waited {}

pub fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN)
}

pub fn size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

/// The environment every program run here gets: none of keywork's own variables, no colour
/// preference or size from whoever runs the tests, xterm-256color, and a private home for any
/// configuration.
pub fn clean_env(cmd: &mut CommandBuilder, home: &Path) {
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

/// The local-mode, input and output flags of the pty's line discipline, as numbers: enough to
/// tell whether raw mode was left, without naming the termios types of portable-pty's `nix`.
pub fn line_discipline(master: &dyn MasterPty) -> Option<(u64, u64, u64)> {
    master.get_termios().map(|t| {
        (
            u64::from(t.local_flags.bits()),
            u64::from(t.input_flags.bits()),
            u64::from(t.output_flags.bits()),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Reading keywork's screen
// ---------------------------------------------------------------------------------------------

/// The titles of keywork's four panes: all four on screen means the panes are drawn.
pub const PANE_TITLES: [&str; 4] = [
    "1 Caseload",
    "2 Next reviews",
    "3 Readiness for change",
    "4 Recovery plan",
];
/// The selection marker drawn before the selected row (Unicode glyphs).
pub const POINTER: &str = "▶";

/// All four pane titles are on screen.
pub fn panes_shown(screen: &vt100::Screen) -> bool {
    let text = screen.contents();
    PANE_TITLES.iter().all(|title| text.contains(title))
}

/// The row holding the selection marker in the caseload, if any.
pub fn selected_row(screen: &vt100::Screen) -> Option<usize> {
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .position(|row| row.contains(POINTER) && row.contains("KW-"))
}

/// The screen's rows as text.
pub fn rows(screen: &vt100::Screen) -> Vec<String> {
    let (_, cols) = screen.size();
    screen.rows(0, cols.get()).collect()
}

/// The bottom row: the footer with its hints or message.
pub fn footer(screen: &vt100::Screen) -> String {
    rows(screen).pop().unwrap_or_default()
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A number field (`Name:   123 kB`) of a /proc status file.
pub fn status_field(status: &str, name: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

/// A program running in a pseudo-terminal, its output fed through a terminal emulator.
pub struct Pty {
    pub parser: vt100::Parser,
    /// Every byte the program wrote to the terminal, in order.
    pub raw: Vec<u8>,
    /// Every read of output: when it arrived and where it ends in `raw`.
    pub chunks: Vec<(Instant, usize)>,
    rx: Receiver<Chunk>,
    /// The reader thread has stopped: every byte the program wrote has arrived.
    pub closed: bool,
    /// When the program was started.
    pub started: Instant,
    /// When the last output arrived (`started` until any does).
    pub last_output: Instant,
    writer: Box<dyn Write + Send>,
    pub master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    pub pid: u32,
    /// How it exited, once it has.
    pub status: Option<ExitStatus>,
    /// The line discipline before the program started, to compare with after it exits.
    pub termios_before: Option<(u64, u64, u64)>,
}

impl Pty {
    /// Starts `cmd` in a pseudo-terminal of `rows` x `cols`.
    pub fn spawn(cmd: CommandBuilder, rows: u16, cols: u16) -> std::io::Result<Pty> {
        let pair = native_pty_system()
            .openpty(size(rows, cols))
            .map_err(|e| std::io::Error::other(format!("open a pseudo-terminal: {e}")))?;
        let termios_before = line_discipline(&*pair.master);
        let started = Instant::now();
        let child = pair
            .slave
            .spawn_command(cmd)
            .map_err(|e| std::io::Error::other(format!("start the program: {e}")))?;
        // Only the child may hold the terminal's slave side, so reading ends when it exits.
        drop(pair.slave);
        let pid = child
            .process_id()
            .ok_or_else(|| std::io::Error::other("the child has no process id"))?;
        let mut reader = pair
            .master
            .try_clone_reader()
            .map_err(|e| std::io::Error::other(format!("pty reader: {e}")))?;
        let writer = pair
            .master
            .take_writer()
            .map_err(|e| std::io::Error::other(format!("pty writer: {e}")))?;
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 64 * 1024];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                if tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        Ok(Pty {
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            raw: Vec::new(),
            chunks: Vec::new(),
            rx,
            closed: false,
            started,
            last_output: started,
            writer,
            master: pair.master,
            child,
            pid,
            status: None,
            termios_before,
        })
    }

    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    /// The screen's text, row by row.
    pub fn text(&self) -> String {
        self.screen().contents()
    }

    /// Bytes the program has written so far.
    pub fn bytes(&self) -> usize {
        self.raw.len()
    }

    /// The reads from the `from`-th on: when each arrived and how many bytes it brought.
    pub fn reads_since(&self, from: usize) -> Vec<(Instant, usize)> {
        let mut end = from
            .checked_sub(1)
            .and_then(|i| self.chunks.get(i))
            .map_or(0, |c| c.1);
        let mut reads = Vec::new();
        for &(at, to) in self.chunks.iter().skip(from) {
            reads.push((at, to - end));
            end = to;
        }
        reads
    }

    /// Takes in one read of output if one arrives within `wait`; true if one did.
    pub fn read_one(&mut self, wait: Duration) -> bool {
        if self.closed {
            return false;
        }
        match self.rx.recv_timeout(wait) {
            Ok((at, bytes)) => {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
                self.chunks.push((at, self.raw.len()));
                self.last_output = at;
                true
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => {
                self.closed = true;
                false
            }
        }
    }

    /// Takes in whatever output arrives within `wait`, and all that has arrived with it; true if
    /// any did. Once the program has closed the terminal, sleeps a little and says false.
    pub fn pump(&mut self, wait: Duration) -> bool {
        if self.closed {
            std::thread::sleep(wait.min(Duration::from_millis(20)));
            return false;
        }
        if !self.read_one(wait) {
            return false;
        }
        while self.read_one(Duration::ZERO) {}
        true
    }

    /// Takes in output, one read at a time, until the screen satisfies `done` (checked after
    /// each read); then whatever else has already arrived.
    pub fn wait_for(
        &mut self,
        timeout: Duration,
        done: impl Fn(&vt100::Screen) -> bool,
    ) -> Result<(), Waited> {
        let deadline = Instant::now() + timeout;
        while !done(self.screen()) {
            if Instant::now() >= deadline {
                return Err(Waited::TimedOut);
            }
            if !self.read_one(Duration::from_millis(50)) && self.closed {
                let _ = self.try_wait();
                return Err(Waited::Closed);
            }
        }
        while self.read_one(Duration::ZERO) {}
        Ok(())
    }

    /// Takes in output until none has come for `quiet`.
    pub fn settle(&mut self, quiet: Duration, timeout: Duration) -> Result<(), Waited> {
        let deadline = Instant::now() + timeout;
        loop {
            let since = self.last_output.elapsed();
            if since >= quiet {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(Waited::TimedOut);
            }
            self.pump(quiet - since);
        }
    }

    /// Writes `bytes` as typed keys; the time just before the write (taken before it: a busy
    /// machine could let the answer arrive before the clock is read after).
    pub fn send(&mut self, bytes: &[u8]) -> std::io::Result<Instant> {
        let at = Instant::now();
        self.writer.write_all(bytes)?;
        self.writer.flush()?;
        Ok(at)
    }

    /// Gives the terminal (and the emulated screen) a new size; the program gets SIGWINCH.
    pub fn resize(&mut self, rows: u16, cols: u16) -> std::io::Result<()> {
        self.parser.set_size(nz(rows), nz(cols));
        self.master
            .resize(size(rows, cols))
            .map_err(|e| std::io::Error::other(format!("resize the pty: {e}")))
    }

    /// How the program exited, if it has.
    pub fn try_wait(&mut self) -> std::io::Result<Option<ExitStatus>> {
        if self.status.is_none() {
            self.status = self.child.try_wait()?;
        }
        Ok(self.status.clone())
    }

    /// Waits up to `timeout` for the program to exit and for the last of its output to arrive.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus, Waited> {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Ok(Some(status)) = self.try_wait() {
                break status;
            }
            if Instant::now() >= deadline {
                return Err(Waited::TimedOut);
            }
            self.pump(Duration::from_millis(20));
        };
        // Reading ends (EIO) once the program's side of the terminal is closed.
        while !self.closed {
            if Instant::now() >= deadline {
                return Err(Waited::TimedOut);
            }
            self.pump(Duration::from_millis(20));
        }
        Ok(status)
    }

    /// Peak resident set size so far, in KiB.
    pub fn peak_rss(&self) -> std::io::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        status_field(&status, "VmHWM:")
            .ok_or_else(|| std::io::Error::other("no VmHWM in /proc status"))
    }

    /// Context switches of the process and all its threads so far.
    pub fn context_switches(&self) -> std::io::Result<u64> {
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
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
