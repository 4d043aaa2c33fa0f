//! The pseudo-terminal harness the end-to-end tests share: the real binary in a pseudo-terminal
//! the test creates, its output fed through a terminal emulator (vt100), keys and signals sent
//! from outside.
//!
//! Nothing here needs tmux or a terminal attached to the test run. Every wait polls for a result
//! with a generous timeout; no test asserts on timing.
//!
//! Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError, channel};
use std::time::{Duration, Instant};

pub const TODAY: &str = "2026-11-23";
/// How long any one wait may take before the test fails: generous for a slow, busy CI machine.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long without output counts as "the screen has settled".
pub const QUIET: Duration = Duration::from_millis(500);
pub const PANE_TITLES: [&str; 4] = [
    "1 Caseload",
    "2 Next reviews",
    "3 Readiness for change",
    "4 Recovery plan",
];
/// The selection marker drawn before the selected row (Unicode glyphs).
pub const POINTER: &str = "▶";

pub fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal dimension is not zero")
}

pub fn size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

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

/// One run of the binary in a pseudo-terminal of its own.
pub struct Session {
    pub parser: vt100::Parser,
    /// Every byte the program wrote to the terminal, in order.
    pub raw: Vec<u8>,
    rx: Receiver<Vec<u8>>,
    /// The reader thread has stopped: every byte the program wrote has arrived.
    pub closed: bool,
    pub last_output: Instant,
    pub started: Instant,
    writer: Box<dyn Write + Send>,
    pub master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    pub status: Option<ExitStatus>,
    /// The line discipline before the program started, to compare with after it exits.
    pub termios_before: Option<(u64, u64, u64)>,
    /// How long any one wait may take.
    pub timeout: Duration,
    _home: tempfile::TempDir,
}

impl Session {
    /// The demo service on the fixed day, in an 80x24 xterm.
    pub fn demo(extra_env: &[(&str, &str)]) -> Session {
        Session::spawn(&["--demo", "--today", TODAY], extra_env)
    }

    /// The database at `db` on the fixed day, in an 80x24 xterm.
    pub fn on_db(db: &Path) -> Session {
        let db = db.to_str().expect("a UTF-8 path");
        Session::spawn(&["--db", db, "--today", TODAY], &[])
    }

    pub fn spawn(args: &[&str], extra_env: &[(&str, &str)]) -> Session {
        let home = tempfile::tempdir().expect("temporary home directory");
        let pair = native_pty_system()
            .openpty(size(24, 80))
            .expect("open a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_keywork"));
        cmd.args(args);
        cmd.cwd(home.path());
        // A clean slate: no user config or database, no colour preference from the test runner.
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
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        for (name, value) in extra_env {
            cmd.env(name, value);
        }
        let termios_before = line_discipline(&*pair.master);
        let child = pair
            .slave
            .spawn_command(cmd)
            .expect("spawn keywork in the pty");
        // Only the child may hold the terminal's slave side, so reading ends when it exits.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let now = Instant::now();
        Session {
            parser: vt100::Parser::new(nz(24), nz(80), 0),
            raw: Vec::new(),
            rx,
            closed: false,
            last_output: now,
            started: now,
            writer,
            master: pair.master,
            child,
            status: None,
            termios_before,
            timeout: TIMEOUT,
            _home: home,
        }
    }

    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    /// The screen's text, row by row.
    pub fn text(&self) -> String {
        self.screen().contents()
    }

    fn accept(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
        self.raw.extend_from_slice(bytes);
        self.last_output = Instant::now();
    }

    /// Takes in whatever output arrives within `wait`; true if any did.
    pub fn pump(&mut self, wait: Duration) -> bool {
        if self.closed {
            std::thread::sleep(wait.min(Duration::from_millis(20)));
            return false;
        }
        let first = match self.rx.recv_timeout(wait) {
            Ok(bytes) => bytes,
            Err(RecvTimeoutError::Timeout) => return false,
            Err(RecvTimeoutError::Disconnected) => {
                self.closed = true;
                return false;
            }
        };
        self.accept(&first);
        loop {
            match self.rx.try_recv() {
                Ok(bytes) => self.accept(&bytes),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.closed = true;
                    break;
                }
            }
        }
        true
    }

    pub fn exited(&mut self) -> Option<&ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().expect("query the child");
        }
        self.status.as_ref()
    }

    pub fn fail(&self, what: &str) -> ! {
        panic!(
            "timed out after {:?} waiting for {what}\nchild: {}\nscreen ({:?}, alternate: {}):\n{}\n---\nlast output bytes: {:?}",
            self.timeout,
            match &self.status {
                Some(status) => format!("exited with {status}"),
                None => "still running".to_owned(),
            },
            self.screen().size(),
            self.screen().alternate_screen(),
            self.screen().contents(),
            String::from_utf8_lossy(&self.raw[self.raw.len().saturating_sub(400)..]),
        )
    }

    /// Waits until the emulated screen satisfies `done`.
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&vt100::Screen) -> bool) {
        let deadline = Instant::now() + self.timeout;
        while !done(self.screen()) {
            if Instant::now() >= deadline {
                self.fail(what);
            }
            if !self.pump(Duration::from_millis(50)) && self.closed {
                // The program has gone and nothing more can arrive.
                let _ = self.exited();
                self.fail(&format!("{what} (the program closed the terminal)"));
            }
        }
    }

    pub fn wait_for_text(&mut self, text: &str) {
        self.wait_for(&format!("{text:?} on screen"), |s| {
            s.contents().contains(text)
        });
    }

    pub fn wait_for_panes(&mut self) {
        self.wait_for("the four pane titles", panes_shown);
    }

    /// Waits until the program has written nothing for `QUIET`.
    pub fn wait_quiet(&mut self) {
        let deadline = Instant::now() + self.timeout;
        loop {
            let since = self.last_output.elapsed();
            if since >= QUIET {
                return;
            }
            if Instant::now() >= deadline {
                self.fail("the output to settle");
            }
            self.pump(QUIET - since);
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// The program's home and working directory.
    pub fn home(&self) -> &Path {
        self._home.path()
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the child has a process id")
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed: {status}");
    }

    /// Waits for the program to exit and for the last of its output to arrive.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + self.timeout;
        while self.exited().is_none() {
            if Instant::now() >= deadline {
                self.fail("the program to exit");
            }
            self.pump(Duration::from_millis(50));
        }
        // Reading ends (EIO) once the program's side of the terminal is closed.
        while !self.closed {
            if Instant::now() >= deadline {
                self.fail("the last output after exit");
            }
            self.pump(Duration::from_millis(50));
        }
        self.status.clone().expect("exited")
    }

    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.parser.set_size(nz(rows), nz(cols));
        self.master
            .resize(size(rows, cols))
            .expect("resize the pty");
    }

    /// After exit: the terminal is as the program found it.
    pub fn assert_restored(&self) {
        let screen = self.screen();
        assert!(
            !screen.alternate_screen(),
            "still on the alternate screen after exit:\n{}",
            screen.contents()
        );
        assert!(!screen.hide_cursor(), "cursor still hidden after exit");
        assert!(
            contains(&self.raw, b"\x1b[?2004l"),
            "bracketed paste was never turned off"
        );
        if let (Some(before), Some(after)) = (self.termios_before, line_discipline(&*self.master)) {
            assert_eq!(
                before, after,
                "raw mode left on: line discipline (lflag, iflag, oflag) differs from before the start"
            );
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.exited().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
