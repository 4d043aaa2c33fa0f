//! Caseload filters (`f`) at the app level, on the demo service (seed 42, 2026-11-23): each
//! filter keeps only the clients it names, the title counts them, `F` clears them all.

#[path = "common/fixture.rs"]
mod fixture;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use fixture::today;
use keywork::app::filter::{AlertFilter, Filters, Statuses};
use keywork::app::{Action, App, Identity};
use keywork::clock::Clock;
use keywork::config::Settings;
use keywork::demo::{self, Plan};
use keywork::domain::{AlertKind, ClientStatus, Login, Modality, Name};
use keywork::store::{Access, CaseloadRow, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use tempfile::TempDir;

struct Demo {
    _dir: TempDir,
    store: Store,
    app: App,
}

/// The demo team's caseload, as its first key worker sees it in team view.
fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_unchecked(
        &dir.path().join("demo.db"),
        Access::Create,
        Clock::fixed(today()),
        Login::new("tester").unwrap(),
    )
    .unwrap();
    demo::generate(&mut store, Plan::default()).unwrap();
    let login = Login::new(demo::FIRST_KEY_WORKER).unwrap();
    let identity = Identity {
        login: demo::FIRST_KEY_WORKER.into(),
        worker: store.worker_by_login(&login).unwrap(),
        demo_persona: true,
    };
    let viewport = keywork::ui::viewport(Size::new(120, 40));
    let mut app = App::new(&store, Settings::default(), identity, viewport).unwrap();
    app.update(Action::ToggleScope, &mut store).unwrap();
    Demo {
        _dir: dir,
        store,
        app,
    }
}

impl Demo {
    fn filter(&mut self, filters: Filters) -> &[CaseloadRow] {
        self.app.set_filters(filters, &self.store).unwrap();
        &self.app.caseload.rows
    }

    fn press(&mut self, code: KeyCode) {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        self.app.key(key, &mut self.store).unwrap();
    }

    fn screen(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        terminal
            .draw(|frame| keywork::ui::view(frame, &self.app))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..40)
            .map(|y| {
                (0..120)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
                    + "\n"
            })
            .collect()
    }

    fn title(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        terminal
            .draw(|frame| keywork::ui::view(frame, &self.app))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..120).map(|x| buffer[(x, 1)].symbol()).collect()
    }
}

/// Asserts the filter kept some clients, fewer than all, each passing `keeps`.
fn assert_narrows(d: &mut Demo, filters: Filters, keeps: impl Fn(&CaseloadRow) -> bool) {
    let all = d.filter(Filters::default()).len();
    let what = format!("{filters:?}");
    let rows = d.filter(filters);
    assert!(
        !rows.is_empty() && rows.len() < all,
        "{what}: {} of {all}",
        rows.len()
    );
    assert!(rows.iter().all(keeps), "{what}");
}

#[test]
fn status_discharged_lists_past_clients_only() {
    let mut d = demo();
    let filters = Filters {
        status: Statuses::Only(ClientStatus::Discharged),
        ..Filters::default()
    };
    let rows = d.filter(filters);
    assert!(!rows.is_empty(), "the demo has past clients");
    assert!(rows.iter().all(|r| r.status == ClientStatus::Discharged));
    assert_eq!(d.app.caseload_total, d.app.caseload.rows.len());
}

#[test]
fn any_status_lists_more_than_the_active_caseload() {
    let mut d = demo();
    let active = d.filter(Filters::default()).len();
    let any = Filters {
        status: Statuses::Any,
        ..Filters::default()
    };
    assert!(d.filter(any).len() > active);
}

#[test]
fn modality_keeps_that_modality() {
    let mut d = demo();
    let filters = Filters {
        modality: Some(Modality::OstMethadone),
        ..Filters::default()
    };
    assert_narrows(&mut d, filters, |r| r.modality == Modality::OstMethadone);
}

#[test]
fn stage_keeps_that_stage_of_change() {
    let mut d = demo();
    let stage = d.app.caseload.rows.iter().find_map(|r| r.stage).unwrap();
    let filters = Filters {
        stage: Some(stage),
        ..Filters::default()
    };
    assert_narrows(&mut d, filters, |r| r.stage == Some(stage));
}

#[test]
fn any_alert_and_one_alert_kind() {
    let mut d = demo();
    let any = Filters {
        alert: Some(AlertFilter::Any),
        ..Filters::default()
    };
    assert_narrows(&mut d, any, |r| !r.assessment.open.is_empty());
    let kind = AlertKind::Naloxone;
    let one = Filters {
        alert: Some(AlertFilter::Kind(kind)),
        ..Filters::default()
    };
    assert_narrows(&mut d, one, |r| r.assessment.has(kind));
}

#[test]
fn overdue_keeps_clients_with_a_review_past_due() {
    let mut d = demo();
    let filters = Filters {
        overdue: true,
        ..Filters::default()
    };
    assert_narrows(&mut d, filters, |r| {
        r.next_due().is_some_and(|due| due.due_on < today())
    });
}

#[test]
fn key_worker_keeps_their_clients() {
    let mut d = demo();
    let worker = d.app.identity.worker.clone().unwrap();
    let filters = Filters {
        key_worker: Some((worker.id, worker.record.display_name.clone())),
        ..Filters::default()
    };
    assert_narrows(&mut d, filters, |r| r.key_worker_id == worker.id);
}

#[test]
fn no_contact_keeps_clients_not_seen_in_that_many_days() {
    let mut d = demo();
    let filters = Filters {
        no_contact_days: Some(14),
        ..Filters::default()
    };
    assert_narrows(&mut d, filters, |r| {
        r.last_seen
            .is_none_or(|at| (today() - at.date()).num_days() >= 14)
    });
}

#[test]
fn overdue_and_methadone_together_keep_both_and_the_title_counts_them() {
    let mut d = demo();
    let filters = Filters {
        overdue: true,
        modality: Some(Modality::OstMethadone),
        ..Filters::default()
    };
    assert_narrows(&mut d, filters, |r| {
        r.modality == Modality::OstMethadone && r.next_due().is_some_and(|due| due.due_on < today())
    });
    let shown = d.app.caseload.rows.len();
    let total = d.app.caseload_total;
    let title = d.title();
    assert!(
        title.contains(&format!(
            "{shown} of {total} team · filter: Methadone, overdue"
        )),
        "{title}"
    );
}

#[test]
fn keys_f_then_change_and_enter_apply_and_capital_f_clears() {
    let mut d = demo();
    let all = d.app.caseload.rows.len();
    d.press(KeyCode::Char('f'));
    // Down to "Review overdue" (the fifth line), Space to turn it on, Enter to apply.
    for _ in 0..4 {
        d.press(KeyCode::Down);
    }
    d.press(KeyCode::Char(' '));
    d.press(KeyCode::Enter);
    assert!(d.app.filters.overdue);
    assert!(d.app.caseload.rows.len() < all);
    d.press(KeyCode::Char('F'));
    assert!(d.app.filters.is_empty());
    assert_eq!(d.app.caseload.rows.len(), all);
}

#[test]
fn esc_in_the_chooser_leaves_the_filters_as_they_were() {
    let mut d = demo();
    d.press(KeyCode::Char('f'));
    d.press(KeyCode::Char(' '));
    d.press(KeyCode::Esc);
    assert!(d.app.filters.is_empty());
    assert!(d.app.modal.filters_mut().is_none());
}

/// Filters that keep nobody say so and how to undo them, never that there are no clients or
/// that nothing is overdue.
#[test]
fn filters_matching_nobody_say_so_and_how_to_clear_them() {
    let mut d = demo();
    let nobody = Filters {
        key_worker: Some((i64::MAX, Name::new("Nobody Here").unwrap())),
        ..Filters::default()
    };
    assert!(d.filter(nobody).is_empty());
    let screen = d.screen();
    assert!(
        screen.contains("No client matches the filters."),
        "{screen}"
    );
    assert!(screen.contains("F clears them all."), "{screen}");
    assert!(
        screen.contains("for the clients the filters keep"),
        "{screen}"
    );
    for wrong in ["No clients yet", "no active clients", "Nothing is overdue"] {
        assert!(!screen.contains(wrong), "{wrong}:\n{screen}");
    }
    d.press(KeyCode::Char('F'));
    assert!(!d.app.caseload.rows.is_empty(), "F brings them back");
}
