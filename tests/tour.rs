//! The guided tour in the real binary, in a pseudo-terminal at 80x24: the built-in tour from start
//! to end (every caption in order, Backspace back, Esc out to a working screen), an adapted
//! caption file, and a broken one refused with its line before anything starts.

mod common;

use common::{Session, TODAY, panes_shown};
use keywork::app::tour::{BUILT_IN, Script, Stop};
use keywork::display::wrap;

/// The caption's first line as the 80-column box draws it (76 columns inside).
fn first_line(caption: &str) -> String {
    wrap(caption, 76).into_iter().next().expect("a caption")
}

/// Words only the stop's own screen shows.
fn screen_of(stop: Stop) -> &'static str {
    match stop {
        Stop::Caseload => "1 Caseload",
        Stop::Reviews => "2 Next reviews",
        Stop::Readiness => "3 Readiness for change",
        Stop::Plan => "4 Recovery plan",
        Stop::Record => "Client record (Esc to go back)",
        Stop::Structure => "(? explains, Esc back)",
        Stop::StructureExplained => "(? hides the notes, Esc back)",
        Stop::SessionForm => "Record session",
        Stop::ReadinessForm => "Readiness",
        Stop::GoalForm => "Goal",
        Stop::ReviewForm => "Review",
        Stop::Help => "Help (Esc to close)",
    }
}

fn wait_for_step(s: &mut Session, script: &Script, index: usize) {
    let step = &script.steps[index];
    let title = format!("Tour {} of {}", index + 1, script.steps.len());
    let caption = first_line(&step.caption);
    let screen = screen_of(step.stop);
    s.wait_for(
        &format!("step {} ({title}: {caption:?} over {screen:?})", index + 1),
        |shown| {
            let text = shown.contents();
            text.contains(&title) && text.contains(&caption) && text.contains(screen)
        },
    );
}

#[test]
fn the_built_in_tour_runs_start_to_end_backspace_goes_back_and_esc_leaves_a_working_screen() {
    let script = Script::parse(BUILT_IN).expect("the built-in tour");
    assert!(script.steps.len() >= 7, "the tour visits the screens");
    let mut s = Session::spawn(&["--demo", "--tour", "--today", TODAY], &[]);
    for index in 0..script.steps.len() {
        wait_for_step(&mut s, &script, index);
        if index == 2 {
            // Back one, then on again: the same step comes back.
            s.send(b"\x7f");
            wait_for_step(&mut s, &script, 1);
            s.send(b"\r");
            wait_for_step(&mut s, &script, 2);
        }
        if index + 1 < script.steps.len() {
            s.send(if index % 2 == 0 { b" " } else { b"\r" });
        }
    }
    s.send(b"\x1b");
    s.wait_for("the panes after leaving the tour", |screen| {
        panes_shown(screen) && !screen.contents().contains("Tour ")
    });
    s.wait_for_text("Left the tour");
    // The screen is the worker's again: keys move and open as usual.
    s.send(b"j");
    s.wait_for("the selection to move", |screen| {
        common::selected_row(screen).is_some_and(|row| row > 3)
    });
    s.send(b"p");
    s.wait_for_text("Plan structure:");
    s.send(b"\x1b");
    s.wait_for_panes();
    s.send(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "q exits cleanly after the tour: {status}");
    s.assert_restored();
}

fn tour_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("my-tour.txt");
    std::fs::write(&path, text).expect("write the tour file");
    let path = path.to_str().expect("UTF-8 path").to_owned();
    (dir, path)
}

#[test]
fn an_adapted_tour_file_shows_its_own_captions_and_space_after_the_last_ends_it() {
    let (_dir, path) = tour_file(
        "# Our team's version\n\n[plan]\nOur words about the plan, for Tuesday's trainees.\n\n\
         [structure]\nAnd the ladder, in the words our trainer chose.\n",
    );
    let mut s = Session::spawn(&["--demo", "--tour", &path, "--today", TODAY], &[]);
    s.wait_for_text("Tour 1 of 2: Recovery plan");
    s.wait_for_text("Our words about the plan, for Tuesday's trainees.");
    assert!(
        !s.text().contains("This is the caseload"),
        "the built-in captions are not shown"
    );
    s.send(b" ");
    s.wait_for_text("And the ladder, in the words our trainer chose.");
    s.wait_for_text("Plan structure:");
    s.send(b" ");
    s.wait_for_text("That was the end of the tour");
    s.wait_for_panes();
    // w takes the same adapted tour again.
    s.send(b"w");
    s.wait_for_text("Our words about the plan, for Tuesday's trainees.");
    s.send(b"\x1b");
    s.wait_for_text("Left the tour");
    s.send(b"q");
    assert!(s.wait_exit().success());
    s.assert_restored();
}

#[test]
fn a_broken_tour_file_is_refused_with_its_line_and_nothing_starts() {
    let (_dir, path) = tour_file("[caseload]\nThe caseload.\n\n[caseloda]\nA typo above.\n");
    let mut s = Session::spawn(&["--demo", "--tour", &path, "--today", TODAY], &[]);
    let status = s.wait_exit();
    assert!(!status.success(), "a broken tour file fails the run");
    let text = s.text();
    assert!(
        text.contains("line 4: unknown stop [caseloda]"),
        "the message names the line and the stop:\n{text}"
    );
    assert!(text.contains("the tour was not started"), "{text}");
    assert!(
        !s.screen().alternate_screen() && !common::contains(&s.raw, b"\x1b[?1049h"),
        "the screen never took over the terminal"
    );
}

#[test]
fn the_tour_needs_the_demo() {
    let (_dir, path) = tour_file("[caseload]\nHello.\n");
    let mut s = Session::spawn(&["--tour", &path, "--today", TODAY], &[]);
    let status = s.wait_exit();
    assert!(!status.success());
    assert!(s.text().contains("--demo"), "{}", s.text());
}

#[test]
fn print_tour_gives_the_built_in_captions_to_adapt() {
    let home = tempfile::tempdir().expect("temp dir");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_keywork"))
        .arg("--print-tour")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env_remove("KEYWORK_CONFIG")
        .env_remove("KEYWORK_DB")
        .output()
        .expect("run keywork");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(text, BUILT_IN);
    assert!(Script::parse(&text).is_ok());
}
