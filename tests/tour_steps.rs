//! The guided tour driven through the app's own update loop: every stop a script can name takes
//! the app where it says, the caption's box never covers the pane it describes at 80x23 (the smallest), nothing
//! is saved on the way, and the tour key outside the demo says why it does nothing.

use chrono::NaiveDate;
use keywork::app::tour::{Script, Stop};
use keywork::app::{Action, App, Identity, Overlay, Pane, Situation};
use keywork::clock::Clock;
use keywork::config::Settings;
use keywork::demo::{self, Plan};
use keywork::domain::Login;
use keywork::store::{Access, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use tempfile::TempDir;

/// The smallest screen keywork draws: an 80x24 window less tmux's status line.
const SMALL: (u16, u16) = (80, 23);

fn store(demo_data: bool) -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_unchecked(
        &dir.path().join("tour.db"),
        Access::Create,
        Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")),
        Login::new("tester").expect("valid login"),
    )
    .expect("create store");
    if demo_data {
        demo::generate(&mut store, Plan::default()).expect("generate demo");
        store.act_as(Login::new(demo::FIRST_KEY_WORKER).expect("valid login"));
    }
    (dir, store)
}

fn app(store: &Store) -> App {
    let login = store.actor().clone();
    let identity = Identity {
        login: login.to_string(),
        worker: store.worker_by_login(&login).expect("look up worker"),
        demo_persona: true,
    };
    let viewport = keywork::ui::viewport(Size::new(SMALL.0, SMALL.1));
    App::new(store, Settings::default(), identity, viewport).expect("app")
}

fn screen(app: &App) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(SMALL.0, SMALL.1)).expect("terminal");
    terminal
        .draw(|frame| keywork::ui::view(frame, app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..SMALL.1)
        .map(|y| (0..SMALL.0).map(|x| buffer[(x, y)].symbol()).collect())
        .collect()
}

/// Whether the app shows what the stop names, under the caption.
fn at_stop(app: &App, stop: Stop) -> bool {
    let panes = |pane: Pane| app.focus == pane && app.overlay().is_none() && app.editor().is_none();
    match stop {
        Stop::Caseload => panes(Pane::Caseload),
        Stop::Reviews => panes(Pane::Reviews),
        Stop::Readiness => panes(Pane::Readiness),
        Stop::Plan => panes(Pane::Plan),
        Stop::Record => matches!(app.overlay(), Some(Overlay::Record { .. })),
        Stop::Structure => app.modal.structure().is_some_and(|v| !v.explain),
        Stop::StructureExplained => app.modal.structure().is_some_and(|v| v.explain),
        Stop::SessionForm | Stop::ReadinessForm | Stop::GoalForm | Stop::ReviewForm => {
            app.editor().is_some()
        }
        Stop::Help => app.help().is_some(),
    }
}

#[test]
fn every_stop_takes_the_app_there_and_the_tour_saves_nothing() {
    let (_dir, mut store) = store(true);
    let mut app = app(&store);
    let text: String = Stop::ALL
        .iter()
        .map(|(name, _)| format!("[{name}]\nThe {name} stop.\n\n"))
        .collect();
    let script = Script::parse(&text).expect("every stop parses");
    let changes = store.record_changes().expect("count");
    app.start_tour(script, &mut store).expect("start");
    for (index, (name, stop)) in Stop::ALL.iter().enumerate() {
        assert_eq!(
            app.situation(),
            Situation::Tour,
            "{name}: keys go to the tour"
        );
        assert!(at_stop(&app, *stop), "step {index} shows {name}");
        let rows = screen(&app);
        let caption = format!("The {name} stop.");
        assert!(
            rows.iter().any(|r| r.contains(&caption)),
            "{name}: caption drawn:\n{}",
            rows.join("\n")
        );
        // The lower panes' captions go above them, the rest below the top panes: a pane's own
        // title row stays in sight.
        let title = match stop {
            Stop::Caseload => Some("1 Caseload"),
            Stop::Reviews => Some("2 Next reviews"),
            Stop::Readiness => Some("3 Readiness for change"),
            Stop::Plan => Some("4 Recovery plan"),
            _ => None,
        };
        if let Some(title) = title {
            assert!(
                rows.iter().any(|r| r.contains(title)),
                "{name}: the pane described stays in sight:\n{}",
                rows.join("\n")
            );
        }
        app.update(Action::TourNext, &mut store).expect("next");
    }
    assert!(matches!(app.situation(), Situation::Panes(Pane::Caseload)));
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("end of the tour")),
        "{:?}",
        app.message
    );
    assert!(app.editor().is_none() && app.overlay().is_none());
    assert_eq!(
        store.record_changes().expect("count"),
        changes,
        "the tour saved nothing"
    );
}

#[test]
fn backspace_on_the_first_step_stays_and_says_so() {
    let (_dir, mut store) = store(true);
    let mut app = app(&store);
    let script = Script::parse("[plan]\nOne.\n[record]\nTwo.\n").expect("valid");
    app.start_tour(script, &mut store).expect("start");
    app.update(Action::TourBack, &mut store).expect("back");
    assert_eq!(app.modal.tour().map(|t| t.step), Some(0));
    assert!(at_stop(&app, Stop::Plan));
    app.update(Action::TourNext, &mut store).expect("next");
    assert!(at_stop(&app, Stop::Record));
    app.update(Action::TourBack, &mut store).expect("back");
    assert!(
        at_stop(&app, Stop::Plan),
        "back closes the record it opened"
    );
}

#[test]
fn the_tour_key_outside_the_demo_says_the_tour_is_for_the_demo() {
    let (_dir, mut store) = store(false);
    let mut app = app(&store);
    app.update(Action::StartTour, &mut store).expect("w");
    assert!(matches!(app.situation(), Situation::Panes(_)));
    assert!(
        app.message.as_deref().is_some_and(|m| m.contains("demo")),
        "{:?}",
        app.message
    );
}
