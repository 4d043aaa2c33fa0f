//! The screen as a worker meets it: the real binary in a pseudo-terminal the test creates, its
//! output fed through a terminal emulator (vt100), keys and signals sent from outside.
//!
//! Nothing here needs tmux or a terminal attached to the test run. Every wait polls for a result
//! with a generous timeout; no test asserts on timing. The harness lives in `common`.

mod common;

use common::{Session, TODAY, contains, line_discipline, panes_shown, selected_row};
use std::process::{Command, Stdio};

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
    s.wait_for_text("terminal too small: need 80x23, have 60x20");

    s.resize(24, 80);
    s.wait_for("the four panes again at 80x24", |screen| {
        panes_shown(screen) && !wide_header(screen) && !screen.contents().contains("too small")
    });

    // tmux in an 80x24 window: its status line leaves 80x23.
    s.resize(23, 80);
    s.wait_for("the four panes at 80x23", |screen| {
        panes_shown(screen) && !screen.contents().contains("too small")
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

/// The frames written after `from`, split at synchronized-output ends (each frame is one).
fn frames_after(raw: &[u8], from: usize) -> Vec<&[u8]> {
    const END: &[u8] = b"\x1b[?2026l";
    let mut frames = Vec::new();
    let mut rest = &raw[from..];
    while let Some(at) = rest.windows(END.len()).position(|w| w == END) {
        frames.push(&rest[..at + END.len()]);
        rest = &rest[at + END.len()..];
    }
    frames
}

#[test]
fn a_held_down_key_rewrites_two_caseload_rows_not_the_lower_panes() {
    let mut screen = Session::demo(&[]);
    screen.wait_for_panes();
    screen.wait_quiet();
    let first = selected_row(screen.screen()).expect("a selected row");
    let start = screen.raw.len();
    // Five presses in one write, as auto-repeat delivers them faster than a frame: the lower
    // panes follow once, after the last.
    screen.send(b"jjjjj");
    screen.wait_for("five rows down", |s| selected_row(s) == Some(first + 5));
    screen.wait_quiet();
    let frames = frames_after(&screen.raw, start);
    assert!(
        frames.len() >= 6,
        "five steps and the pause: {}",
        frames.len()
    );
    for (i, frame) in frames[..5].iter().enumerate() {
        assert!(
            frame.len() <= 400,
            "step {} wrote {} bytes, more than two list rows need",
            i + 1,
            frame.len()
        );
    }
    let settle = frames.last().unwrap().len();
    assert!(
        settle > 400,
        "the pause then fills the lower panes: {settle} bytes"
    );
    screen.send(b"q");
    assert!(screen.wait_exit().success());
}
