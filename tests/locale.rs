//! The real binary in a terminal whose locale is not UTF-8 (`LANG=C`, as over SSH from a client
//! that sends no locale) or whose type is a DEC VT: it draws in plain ASCII, where line-drawing
//! characters would arrive as bytes the terminal does not decode and break the layout.

mod common;

use common::Session;

/// Whether anything on the screen is outside ASCII.
fn any_unicode(s: &Session) -> bool {
    !s.screen().contents().is_ascii()
}

fn ascii_panes(env: &[(&str, &str)]) {
    let mut s = Session::demo(env);
    s.wait_for("the caseload drawn", |screen| {
        screen.contents().contains("1 Caseload")
    });
    s.wait_quiet();
    assert!(!any_unicode(&s), "{env:?}:\n{}", s.text());
    assert!(s.text().contains("+-"), "ASCII borders:\n{}", s.text());
    s.send(b"q");
    assert!(s.wait_exit().success());
    s.assert_restored();
}

#[test]
fn lang_c_draws_ascii() {
    ascii_panes(&[("LANG", "C"), ("LC_ALL", ""), ("LC_CTYPE", "")]);
}

#[test]
fn a_vt100_draws_ascii() {
    ascii_panes(&[("LANG", "C.UTF-8"), ("LC_ALL", ""), ("TERM", "vt100")]);
}

#[test]
fn a_utf8_locale_draws_boxes() {
    let mut s = Session::demo(&[("LANG", "en_GB.UTF-8"), ("LC_ALL", "")]);
    s.wait_for_panes();
    assert!(s.text().contains('┌'), "{}", s.text());
    s.send(b"q");
    assert!(s.wait_exit().success());
}
