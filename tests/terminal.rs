//! The screen as a worker meets it: the real binary in a pseudo-terminal the test creates, its
//! output fed through a terminal emulator (vt100), keys and signals sent from outside.
//!
//! Nothing here needs tmux or a terminal attached to the test run. Every wait polls for a result
//! with a generous timeout; no test asserts on timing.

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError, channel};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-11-23";
/// How long any one wait may take before the test fails: generous for a slow, busy CI machine.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long without output counts as "the screen has settled".
const QUIET: Duration = Duration::from_millis(500);
const PANE_TITLES: [&str; 4] = [
    "1 Caseload",
    "2 Next reviews",
    "3 Readiness for change",
    "4 Recovery plan",
];
/// The selection marker drawn before the selected row (Unicode glyphs).
const POINTER: &str = "▶";

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal dimension is not zero")
}

fn size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

fn panes_shown(screen: &vt100::Screen) -> bool {
    let text = screen.contents();
    PANE_TITLES.iter().all(|title| text.contains(title))
}

/// The row holding the selection marker in the caseload, if any.
fn selected_row(screen: &vt100::Screen) -> Option<usize> {
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .position(|row| row.contains(POINTER) && row.contains("KW-"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The local-mode, input and output flags of the pty's line discipline, as numbers: enough to
/// tell whether raw mode was left, without naming the termios types of portable-pty's `nix`.
fn line_discipline(master: &dyn MasterPty) -> Option<(u64, u64, u64)> {
    master.get_termios().map(|t| {
        (
            u64::from(t.local_flags.bits()),
            u64::from(t.input_flags.bits()),
            u64::from(t.output_flags.bits()),
        )
    })
}

/// One run of the binary in a pseudo-terminal of its own.
struct Session {
    parser: vt100::Parser,
    /// Every byte the program wrote to the terminal, in order.
    raw: Vec<u8>,
    rx: Receiver<Vec<u8>>,
    /// The reader thread has stopped: every byte the program wrote has arrived.
    closed: bool,
    last_output: Instant,
    started: Instant,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    status: Option<ExitStatus>,
    /// The line discipline before the program started, to compare with after it exits.
    termios_before: Option<(u64, u64, u64)>,
    _home: tempfile::TempDir,
}

impl Session {
    /// The demo service on the fixed day, in an 80x24 xterm.
    fn demo(extra_env: &[(&str, &str)]) -> Session {
        Session::spawn(&["--demo", "--today", TODAY], extra_env)
    }

    fn spawn(args: &[&str], extra_env: &[(&str, &str)]) -> Session {
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
            _home: home,
        }
    }

    fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    fn accept(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
        self.raw.extend_from_slice(bytes);
        self.last_output = Instant::now();
    }

    /// Takes in whatever output arrives within `wait`; true if any did.
    fn pump(&mut self, wait: Duration) -> bool {
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

    fn exited(&mut self) -> Option<&ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().expect("query the child");
        }
        self.status.as_ref()
    }

    fn fail(&self, what: &str) -> ! {
        panic!(
            "timed out after {TIMEOUT:?} waiting for {what}\nchild: {}\nscreen ({:?}, alternate: {}):\n{}\n---\nlast output bytes: {:?}",
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
    fn wait_for(&mut self, what: &str, done: impl Fn(&vt100::Screen) -> bool) {
        let deadline = Instant::now() + TIMEOUT;
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

    fn wait_for_text(&mut self, text: &str) {
        self.wait_for(&format!("{text:?} on screen"), |s| {
            s.contents().contains(text)
        });
    }

    fn wait_for_panes(&mut self) {
        self.wait_for("the four pane titles", panes_shown);
    }

    /// Waits until the program has written nothing for `QUIET`.
    fn wait_quiet(&mut self) {
        let deadline = Instant::now() + TIMEOUT;
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

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("the child has a process id")
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed: {status}");
    }

    /// Waits for the program to exit and for the last of its output to arrive.
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
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

    fn resize(&mut self, rows: u16, cols: u16) {
        self.parser.set_size(nz(rows), nz(cols));
        self.master
            .resize(size(rows, cols))
            .expect("resize the pty");
    }

    /// After exit: the terminal is as the program found it.
    fn assert_restored(&self) {
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

/// Where each SGR sequence (`ESC [ ... m`) sets a colour, the offending parameters.
fn colour_sequences(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] != 0x1b || bytes[i + 1] != b'[' {
            i += 1;
            continue;
        }
        let start = i + 2;
        let mut end = start;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit() || matches!(bytes[end], b';' | b':'))
        {
            end += 1;
        }
        if end < bytes.len() && bytes[end] == b'm' {
            let params = String::from_utf8_lossy(&bytes[start..end]).into_owned();
            let mut parts = params.split(';');
            while let Some(part) = parts.next() {
                let code = part.split(':').next().unwrap_or("");
                let colour = match code.parse::<u16>() {
                    // Foreground and background, the 8 and the bright 8; 39/49 are the defaults.
                    Ok(30..=37 | 40..=47 | 90..=97 | 100..=107) => true,
                    Ok(38 | 48 | 58) => {
                        // 5;n or 2;r;g;b follow: they are part of this colour, not codes.
                        match parts.next() {
                            Some("5") => {
                                parts.next();
                            }
                            Some("2") => {
                                parts.next();
                                parts.next();
                                parts.next();
                            }
                            _ => {}
                        }
                        true
                    }
                    _ => false,
                };
                if colour {
                    found.push(format!("ESC[{params}m"));
                    break;
                }
            }
        }
        i = end.max(i + 1);
    }
    found
}

#[test]
fn colour_scan_tells_real_colours_from_defaults() {
    assert!(colour_sequences(b"\x1b[39m\x1b[49m\x1b[0m\x1b[1m\x1b[7m\x1b[m\x1b[?2004l").is_empty());
    assert_eq!(
        colour_sequences(b"a\x1b[38;5;14mb\x1b[1;31mc\x1b[38;2;1;2;3m\x1b[100m"),
        ["ESC[38;5;14m", "ESC[1;31m", "ESC[38;2;1;2;3m", "ESC[100m"]
    );
    // The 5 of 38;5;n is not a blink code, and 38;5;31 is one colour, not two.
    assert_eq!(colour_sequences(b"\x1b[38;5;31m").len(), 1);
}

#[test]
fn real_binary_shows_four_panes_help_and_record_then_restores_the_terminal() {
    let mut s = Session::demo(&[]);
    s.wait_for_panes();
    assert!(
        s.screen().alternate_screen(),
        "the panes are drawn on the alternate screen"
    );
    // A frame ends by hiding the cursor; the titles can be on screen a moment before that.
    s.wait_for(
        "the cursor to be hidden while running",
        vt100::Screen::hide_cursor,
    );
    if let (Some(before), Some(now)) = (s.termios_before, line_discipline(&*s.master)) {
        assert_ne!(before, now, "raw mode is on while running");
    }
    // The scan the NO_COLOR test relies on does see the default theme's colours.
    assert!(
        !colour_sequences(&s.raw).is_empty(),
        "the default theme draws in colour"
    );

    s.send(b"?");
    s.wait_for_text("Help (Esc to close)");
    s.send(b"\x1b");
    s.wait_for("the panes after closing help", |screen| {
        panes_shown(screen) && !screen.contents().contains("Help (Esc to close)")
    });

    s.send(b"\r");
    s.wait_for_text("Client record");
    s.send(b"\x1b");
    s.wait_for("the panes after closing the record", |screen| {
        panes_shown(screen) && !screen.contents().contains("Client record")
    });

    s.send(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "q should exit successfully, got {status}");
    s.assert_restored();
}

/// A signal from outside ends the session cleanly and gives the terminal back.
fn signal_restores_the_terminal(signal: &str) {
    let mut s = Session::demo(&[]);
    s.wait_for_panes();
    s.signal(signal);
    let status = s.wait_exit();
    assert!(
        status.signal().is_none(),
        "SIG{signal} should be handled, not kill the program: {status}"
    );
    assert!(
        status.success(),
        "SIG{signal} ends the session without an error: {status}"
    );
    s.assert_restored();
}

#[test]
fn sighup_restores_the_terminal_and_exits() {
    signal_restores_the_terminal("HUP");
}

#[test]
fn sigterm_restores_the_terminal_and_exits() {
    signal_restores_the_terminal("TERM");
}

#[test]
fn sigint_from_outside_restores_the_terminal_and_exits() {
    signal_restores_the_terminal("INT");
}

#[test]
fn ctrl_c_quits_from_the_client_record() {
    let mut s = Session::demo(&[]);
    s.wait_for_panes();
    s.send(b"\r");
    s.wait_for_text("Client record");
    s.send(b"\x03");
    let status = s.wait_exit();
    assert!(
        status.success(),
        "Ctrl-C should quit successfully: {status}"
    );
    s.assert_restored();
}

#[test]
fn no_colour_keeps_the_selection_visible() {
    let mut s = Session::demo(&[("NO_COLOR", "1")]);
    s.wait_for_panes();
    s.wait_for("the caseload selection marker", |screen| {
        selected_row(screen).is_some()
    });
    s.wait_quiet();

    let colours = colour_sequences(&s.raw);
    assert!(
        colours.is_empty(),
        "NO_COLOR=1 but the program set colours: {:?}",
        &colours[..colours.len().min(10)]
    );

    let screen = s.screen();
    let row = selected_row(screen).expect("a selected row");
    let row = u16::try_from(row).expect("row fits");
    let (_, cols) = screen.size();
    let text: String = screen.rows(0, cols.get()).nth(usize::from(row)).unwrap();
    let inverse = (0..cols.get())
        .filter(|&col| screen.cell(row, col).is_some_and(vt100::Cell::inverse))
        .count();
    assert!(
        inverse > 0,
        "the selected row {text:?} has no reverse-video cell, so without colour it does not stand out:\n{}",
        screen.contents()
    );
    // The client's reference itself is highlighted, not just the marker.
    let reference = text.find("KW-").expect("reference on the row");
    let col = u16::try_from(text[..reference].chars().count()).unwrap();
    assert!(
        screen.cell(row, col).is_some_and(vt100::Cell::inverse),
        "the reference on the selected row {text:?} is not in reverse video"
    );
}

#[test]
fn piping_stdout_gives_a_clear_message_not_a_broken_screen() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--demo", "--today", TODAY])
        .env_remove("KEYWORK_CONFIG")
        .env_remove("KEYWORK_DB")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run keywork");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "piped stdout should fail, got {}",
        out.status
    );
    assert!(
        stderr.contains("needs an interactive terminal"),
        "unclear message: {stderr:?}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr:?}");
    assert!(
        out.stdout.is_empty(),
        "nothing, escape sequences included, on stdout: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );

    // A real terminal that cannot address the screen.
    let mut s = Session::demo(&[("TERM", "dumb")]);
    let status = s.wait_exit();
    let text = String::from_utf8_lossy(&s.raw).into_owned();
    assert!(
        !status.success(),
        "TERM=dumb should fail, got {status}: {text:?}"
    );
    assert!(
        text.contains("needs an interactive terminal") && text.contains("TERM=dumb"),
        "unclear message: {text:?}"
    );
    assert_eq!(text.trim_end().lines().count(), 1, "one line: {text:?}");
    assert!(
        !contains(&s.raw, b"\x1b["),
        "no escape sequences on a dumb terminal: {text:?}"
    );
    assert!(!s.screen().alternate_screen());
}

#[test]
fn resize_redraws_at_the_new_size() {
    let mut s = Session::demo(&[]);
    s.wait_for_panes();
    let wide_header = |screen: &vt100::Screen| {
        let (_, cols) = screen.size();
        screen
            .rows(0, cols.get())
            .any(|row| row.contains("Ref") && row.contains("Seen"))
    };
    assert!(
        !wide_header(s.screen()),
        "an 80-column caseload has no Seen column"
    );

    s.resize(40, 120);
    s.wait_for("the wide caseload (Seen column) at 120x40", |screen| {
        panes_shown(screen) && wide_header(screen)
    });
    // The header's long date only fits from 100 columns.
    s.wait_for_text("Mon 23 Nov 2026");

    s.resize(20, 60);
    s.wait_for_text("terminal too small: need 80x24, have 60x20");

    s.resize(24, 80);
    s.wait_for("the four panes again at 80x24", |screen| {
        panes_shown(screen) && !wide_header(screen) && !screen.contents().contains("too small")
    });

    s.send(b"q");
    assert!(s.wait_exit().success());
    s.assert_restored();
}

#[test]
fn one_j_press_writes_few_bytes() {
    let mut s = Session::demo(&[]);
    s.wait_for_panes();
    let first_frame = s.started.elapsed();
    eprintln!("time from spawn to the first frame with all four panes: {first_frame:?}");
    s.wait_quiet();
    let full_frame = s.raw.len();
    eprintln!("bytes from start to the settled first screen: {full_frame}");

    let before = selected_row(s.screen()).unwrap_or_else(|| s.fail("the selection marker"));
    let mark = s.raw.len();
    s.send(b"j");
    s.wait_for("the selection to move down", |screen| {
        selected_row(screen).is_some_and(|row| row != before)
    });
    s.wait_quiet();
    let written = s.raw.len() - mark;
    eprintln!("bytes written for one j: {written}");
    assert_eq!(selected_row(s.screen()), Some(before + 1));
    assert!(
        written < 2000,
        "one j press wrote {written} bytes (the first screen took {full_frame}): the screen is being redrawn whole"
    );
    assert!(s.screen().alternate_screen());

    s.send(b"q");
    assert!(s.wait_exit().success());
}
