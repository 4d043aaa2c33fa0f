//! The pseudo-terminal harness the end-to-end tests share: the real binary in a pseudo-terminal
//! the test creates, its output fed through a terminal emulator (vt100), keys and signals sent
//! from outside. The terminal itself is `pty.rs`, which `examples/pty_bench` includes too; this
//! module adds the keywork session a test starts and waits that fail with the screen shown.
//!
//! Nothing here needs tmux or a terminal attached to the test run. Every wait polls for a result
//! with a generous timeout; no test asserts on timing.
//!
//! Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

mod pty;

pub use pty::*;
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub const TODAY: &str = "2026-11-23";
/// How long any one wait may take before the test fails: generous for a slow, busy CI machine.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long without output counts as "the screen has settled".
pub const QUIET: Duration = Duration::from_millis(500);
/// One run of the binary in a pseudo-terminal of its own (the shared [`Pty`], which it derefs
/// to for the screen, the bytes written and the terminal), with a private home, and waits that
/// fail the test with the screen in the message.
pub struct Session {
    pty: Pty,
    /// How long any one wait may take.
    pub timeout: Duration,
    _home: tempfile::TempDir,
}

impl Deref for Session {
    type Target = Pty;
    fn deref(&self) -> &Pty {
        &self.pty
    }
}

impl DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Pty {
        &mut self.pty
    }
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
        let mut cmd = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_keywork"));
        cmd.args(args);
        cmd.cwd(home.path());
        // A clean slate: no user config or database, no colour preference from the test runner.
        clean_env(&mut cmd, home.path());
        for (name, value) in extra_env {
            cmd.env(name, value);
        }
        let pty = Pty::spawn(cmd, 24, 80).expect("spawn keywork in a pty");
        Session {
            pty,
            timeout: TIMEOUT,
            _home: home,
        }
    }

    /// Takes in whatever output arrives within `wait`; true if any did.
    pub fn pump(&mut self, wait: Duration) -> bool {
        self.pty.pump(wait)
    }

    pub fn exited(&mut self) -> Option<&portable_pty::ExitStatus> {
        let _ = self.pty.try_wait().expect("query the child");
        self.pty.status.as_ref()
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
        match self.pty.wait_for(self.timeout, done) {
            Ok(()) => {}
            Err(Waited::TimedOut) => self.fail(what),
            // The program has gone and nothing more can arrive.
            Err(Waited::Closed) => self.fail(&format!("{what} (the program closed the terminal)")),
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
        if self.pty.settle(QUIET, self.timeout).is_err() {
            self.fail("the output to settle");
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.pty.send(bytes).expect("write to the pty");
    }

    /// The program's home and working directory.
    pub fn home(&self) -> &Path {
        self._home.path()
    }

    pub fn pid(&self) -> u32 {
        self.pty.pid
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed: {status}");
    }

    /// Waits for the program to exit and for the last of its output to arrive.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        match self.pty.wait_exit(self.timeout) {
            Ok(status) => status,
            Err(_) if self.status.is_none() => self.fail("the program to exit"),
            Err(_) => self.fail("the last output after exit"),
        }
    }

    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.pty.resize(rows, cols).expect("resize the pty");
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
