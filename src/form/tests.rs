use super::forms::*;
use super::*;
use crate::domain::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn now() -> Now {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    Now {
        today,
        now: today.and_hms_opt(14, 32, 0).unwrap(),
    }
}

fn press(form: &mut Form, code: KeyCode) -> Outcome {
    form.key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(form: &mut Form, text: &str) {
    for c in text.chars() {
        press(form, KeyCode::Char(c));
    }
}

fn all_kinds() -> Form {
    let specs = vec![
        Spec::new("line", "Line", Kind::Line { max: 5 }).required(),
        Spec::new("note", "Note", Kind::Note { max: 50, rows: 3 }),
        Spec::new("date", "Date", Kind::Date),
        Spec::new("when", "When", Kind::DateTime),
        Spec::new(
            "pick",
            "Pick",
            Kind::Choice(vec![Opt::new("a", "Apple"), Opt::new("b", "Banana")]),
        )
        .required(),
        Spec::new(
            "many",
            "Many",
            Kind::Multi(vec![Opt::new("x", "Ex"), Opt::new("y", "Why")]),
        ),
        Spec::new("n", "Number", Kind::Integer { min: 0, max: 10 }),
        Spec::new("ok", "Ok", Kind::YesNo),
        Spec::new("hidden", "Hidden", Kind::Line { max: 5 })
            .required()
            .shown_when("pick", "b"),
    ];
    Form::new("All kinds", specs, &[("pick", "a".into())], now())
}

#[test]
fn text_line_takes_typing_and_enter_moves_on() {
    let mut form = all_kinds();
    type_text(&mut form, "abc");
    assert_eq!(form.text("line"), "abc");
    assert!(form.dirty);
    press(&mut form, KeyCode::Enter);
    assert_eq!(form.focused().spec.key, "note");
}

#[test]
fn enter_in_a_note_is_a_new_line() {
    let mut form = all_kinds();
    form.focus_key("note");
    type_text(&mut form, "one");
    press(&mut form, KeyCode::Enter);
    type_text(&mut form, "two");
    assert_eq!(form.text("note"), "one\ntwo");
    assert_eq!(form.focused().spec.key, "note");
}

#[test]
fn space_and_arrows_cycle_a_choice_and_letters_jump() {
    let mut form = all_kinds();
    form.focus_key("pick");
    press(&mut form, KeyCode::Char(' '));
    assert_eq!(form.text("pick"), "b");
    press(&mut form, KeyCode::Right);
    assert_eq!(form.text("pick"), "a");
    press(&mut form, KeyCode::Char('b'));
    assert_eq!(form.text("pick"), "b");
}

#[test]
fn checklist_toggles_with_space_and_moves_with_arrows() {
    let mut form = all_kinds();
    form.focus_key("many");
    press(&mut form, KeyCode::Char(' '));
    press(&mut form, KeyCode::Down);
    press(&mut form, KeyCode::Char(' '));
    assert_eq!(form.codes("many"), vec!["x", "y"]);
    press(&mut form, KeyCode::Char(' '));
    assert_eq!(form.codes("many"), vec!["x"]);
}

#[test]
fn yes_no_toggles_and_takes_y_and_n() {
    let mut form = all_kinds();
    form.focus_key("ok");
    press(&mut form, KeyCode::Char(' '));
    assert!(form.yes("ok"));
    press(&mut form, KeyCode::Char('n'));
    assert!(!form.yes("ok"));
}

#[test]
fn validation_marks_each_bad_field_and_focuses_the_first() {
    let mut form = all_kinds();
    for (key, text) in [("date", "31/02/2026"), ("when", "today 25:00"), ("n", "11")] {
        form.focus_key(key);
        type_text(&mut form, text);
    }
    assert!(!form.validate());
    assert_eq!(
        form.focused().spec.key,
        "line",
        "the empty required line comes first"
    );
    assert_eq!(
        form.field("line").unwrap().error.as_deref(),
        Some("required")
    );
    assert!(
        form.field("date")
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("not a date")
    );
    assert!(
        form.field("when")
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("not a date and time")
    );
    assert_eq!(
        form.field("n").unwrap().error.as_deref(),
        Some("a whole number from 0 to 10")
    );
    assert_eq!(form.error_count(), 4);
}

#[test]
fn too_long_text_is_refused_with_its_count_and_kept() {
    let mut form = all_kinds();
    type_text(&mut form, "abcdefg");
    assert!(!form.validate());
    assert_eq!(
        form.field("line").unwrap().error.as_deref(),
        Some("too long: 7 characters, the limit is 5; nothing was cut")
    );
    assert_eq!(form.text("line"), "abcdefg");
}

#[test]
fn hidden_fields_are_skipped_and_not_validated() {
    let mut form = all_kinds();
    type_text(&mut form, "ok");
    assert!(
        form.validate(),
        "the hidden required field does not count while hidden"
    );
    form.focus_key("ok");
    form.step(true);
    assert_eq!(
        form.focused().spec.key,
        "line",
        "tab skips the hidden field and wraps"
    );
    form.focus_key("pick");
    press(&mut form, KeyCode::Char(' '));
    assert!(!form.validate(), "shown now, and required");
}

#[test]
fn valid_values_read_back_typed() {
    let mut form = all_kinds();
    type_text(&mut form, "ok");
    for (key, text) in [("date", "+2w"), ("when", "yesterday 09:30"), ("n", "7")] {
        form.focus_key(key);
        type_text(&mut form, text);
    }
    assert!(form.validate());
    assert_eq!(form.date("date"), NaiveDate::from_ymd_opt(2026, 12, 7));
    assert_eq!(
        form.date_time("when"),
        NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(9, 30, 0)
    );
    assert_eq!(form.integer("n"), Some(7));
}

#[test]
fn paste_arrives_whole_and_one_line_fields_flatten_it() {
    let mut form = all_kinds();
    form.focus_key("note");
    form.paste("first\r\nsecond");
    assert_eq!(form.text("note"), "first\nsecond");
    form.focus_key("line");
    form.paste("a\nb");
    assert_eq!(form.text("line"), "a b");
}

#[test]
fn snapshot_and_restore_bring_back_every_kind() {
    let mut form = all_kinds();
    type_text(&mut form, "abc");
    form.focus_key("many");
    press(&mut form, KeyCode::Char(' '));
    form.focus_key("ok");
    press(&mut form, KeyCode::Char('y'));
    let snapshot = form.snapshot();
    let mut fresh = all_kinds();
    fresh.restore(&snapshot);
    assert_eq!(fresh.snapshot(), snapshot);
    assert_eq!(fresh.text("line"), "abc");
    assert!(fresh.yes("ok"));
}

fn goal(id: i64, progress: u8) -> GoalOnPlan {
    let at = chrono::Utc::now();
    GoalOnPlan {
        goal: Stored {
            id,
            record: Goal {
                client_id: 1,
                area: GoalArea::substance_use(HierarchyLevel::RiskyBehaviour),
                in_own_words: ShortText::new("Never share works").unwrap(),
                why_it_matters: None,
                set_on: now().today,
                target_date: None,
                status: GoalStatus::Active,
                progress: Score::new(progress).unwrap(),
            },
            created_at: at,
            updated_at: at,
            row_version: 3,
        },
    }
}

#[test]
fn session_form_opens_in_the_note_with_likely_values() {
    let goals = [goal(7, 4)];
    let ctx = SessionContext {
        client_id: 1,
        worker_id: 2,
        now: now(),
        usual_minutes: 50,
        goals: &goals,
    };
    let form = session_form("Record session".into(), &ctx);
    assert_eq!(form.focused().spec.key, "note");
    assert_eq!(form.text("at"), "23/11/2026 14:32");
    assert_eq!(form.text("kind"), "key_work");
    assert_eq!(form.text("attendance"), "attended");
    assert_eq!(form.text("minutes"), "50");
    assert!(form.field("goal:7").is_some());
}

#[test]
fn session_form_builds_session_readiness_and_goal_change() {
    let goals = [goal(7, 4)];
    let ctx = SessionContext {
        client_id: 1,
        worker_id: 2,
        now: now(),
        usual_minutes: 45,
        goals: &goals,
    };
    let mut form = session_form("Record session".into(), &ctx);
    type_text(&mut form, "Talked about the weekend.");
    form.focus_key("interventions");
    press(&mut form, KeyCode::Char(' '));
    form.focus_key("stage");
    press(&mut form, KeyCode::Char('a'));
    form.focus_key("readiness");
    type_text(&mut form, "8");
    form.focus_key("goal:7");
    type_text(&mut form, "6");
    assert!(form.validate());
    let record = build_session(&form, &ctx).unwrap();
    assert_eq!(record.session.note.as_str(), "Talked about the weekend.");
    assert!(
        record
            .session
            .interventions
            .contains(&Intervention::MotivationalInterviewing)
    );
    let readiness = record.readiness.unwrap();
    assert_eq!(
        (readiness.stage, readiness.readiness.map(Score::get)),
        (Stage::Action, Some(8))
    );
    assert_eq!(record.goal_changes.len(), 1);
    assert_eq!(
        (
            record.goal_changes[0].read_version,
            record.goal_changes[0].goal.progress.get()
        ),
        (3, 6)
    );
}

#[test]
fn session_form_marks_a_goal_achieved_with_a() {
    let goals = [goal(7, 4)];
    let ctx = SessionContext {
        client_id: 1,
        worker_id: 2,
        now: now(),
        usual_minutes: 45,
        goals: &goals,
    };
    let mut form = session_form("s".into(), &ctx);
    form.focus_key("goal:7");
    type_text(&mut form, "a");
    let change = &build_session(&form, &ctx).unwrap().goal_changes[0];
    assert_eq!(
        (change.goal.status, change.goal.progress.get()),
        (GoalStatus::Achieved, 10)
    );
}

#[test]
fn session_form_refuses_scores_without_a_stage_and_bad_progress() {
    let goals = [goal(7, 4)];
    let ctx = SessionContext {
        client_id: 1,
        worker_id: 2,
        now: now(),
        usual_minutes: 45,
        goals: &goals,
    };
    let mut form = session_form("s".into(), &ctx);
    form.focus_key("importance");
    type_text(&mut form, "5");
    form.focus_key("goal:7");
    type_text(&mut form, "twelve");
    let errors = build_session(&form, &ctx).unwrap_err();
    let keys: Vec<_> = errors.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, vec!["stage", "goal:7"]);
}

#[test]
fn session_form_refuses_interventions_for_a_dna() {
    let ctx = SessionContext {
        client_id: 1,
        worker_id: 2,
        now: now(),
        usual_minutes: 45,
        goals: &[],
    };
    let mut form = session_form("s".into(), &ctx);
    form.focus_key("attendance");
    press(&mut form, KeyCode::Char(' '));
    form.focus_key("interventions");
    press(&mut form, KeyCode::Char(' '));
    let errors = build_session(&form, &ctx).unwrap_err();
    assert_eq!(errors[0].0, "interventions");
}

#[test]
fn dna_form_records_a_missed_appointment_now() {
    let mut form = dna_form("DNA".into(), now());
    type_text(&mut form, "No answer on the phone");
    let session = build_dna(&form, 1, 2).unwrap();
    assert_eq!(session.attendance, Attendance::DidNotAttend);
    assert_eq!(session.started_at, now().now);
    assert_eq!(session.duration.get(), 0);
}

#[test]
fn readiness_form_starts_at_the_latest_stage_and_needs_one() {
    let form = readiness_form("r".into(), now(), Some(Stage::Preparation));
    assert_eq!(form.text("stage"), "preparation");
    assert_eq!(form.focused().spec.key, "importance");
    let mut blank = readiness_form("r".into(), now(), None);
    assert!(!blank.validate());
    assert_eq!(blank.focused().spec.key, "stage");
}

#[test]
fn goal_form_asks_for_a_level_only_for_substance_use() {
    let ctx = GoalContext {
        client_id: 1,
        existing: None,
        actions: &[],
    };
    let mut form = goal_form("g".into(), now(), &ctx);
    assert_eq!(form.focused().spec.key, "domain");
    press(&mut form, KeyCode::Char('h'));
    assert_eq!(form.text("domain"), "housing");
    let level_index = form
        .fields
        .iter()
        .position(|f| f.spec.key == "level")
        .unwrap();
    assert!(!form.is_shown(level_index));
    form.focus_key("words");
    type_text(&mut form, "My own flat");
    let record = build_goal(&form, &ctx).unwrap();
    assert_eq!(record.goal.area.domain(), GoalDomain::Housing);
    form.focus_key("domain");
    press(&mut form, KeyCode::Char('s'));
    assert_eq!(form.text("domain"), "substance_use");
    assert!(form.is_shown(level_index));
    let errors = build_goal(&form, &ctx).unwrap_err();
    assert_eq!(errors[0].0, "level");
}

#[test]
fn client_form_suggests_a_reference_and_checks_the_nhs_number_and_birth_date() {
    let workers = [(1, "Alex".to_owned())];
    let ctx = ClientContext {
        existing: None,
        workers: &workers,
        default_worker: Some(1),
        suggested_reference: ServiceRef::from_number(41),
    };
    let mut form = client_form("c".into(), now(), &ctx);
    assert_eq!(form.text("reference"), "KW-00041");
    assert_eq!(form.focused().spec.key, "given");
    for (key, text) in [
        ("given", "Sam"),
        ("family", "Wren"),
        ("dob", "+1d"),
        ("nhs", "9434765918"),
    ] {
        form.focus_key(key);
        type_text(&mut form, text);
    }
    for (key, letter) in [("modality", 'p'), ("primary", 'c')] {
        form.focus_key(key);
        press(&mut form, KeyCode::Char(letter));
    }
    let errors = build_client(&form).unwrap_err();
    let keys: Vec<_> = errors.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, vec!["nhs", "dob"], "every error at once: {errors:?}");
    form.focus_key("nhs");
    for _ in 0..10 {
        press(&mut form, KeyCode::Backspace);
    }
    type_text(&mut form, "9434765919");
    let errors = build_client(&form).unwrap_err();
    assert_eq!(
        errors,
        vec![(
            "dob".to_owned(),
            "date of birth is in the future".to_owned()
        )]
    );
    form.focus_key("dob");
    for _ in 0..3 {
        press(&mut form, KeyCode::Backspace);
    }
    type_text(&mut form, "01/02/1990");
    let client = build_client(&form).unwrap();
    assert_eq!(client.nhs_number.unwrap().as_str(), "9434765919");
}

#[test]
fn review_form_refuses_a_future_date() {
    let mut form = review_form("c".into(), now());
    form.focus_key("done");
    for _ in 0..10 {
        press(&mut form, KeyCode::Backspace);
    }
    type_text(&mut form, "+1d");
    assert!(build_review(&form, 1).is_err());
}

#[test]
fn form_kinds_round_trip_their_codes() {
    for kind in [
        FormKind::Session,
        FormKind::Dna,
        FormKind::Readiness,
        FormKind::Goal,
        FormKind::Client,
        FormKind::Review,
    ] {
        assert_eq!(FormKind::from_code(kind.code()), Some(kind));
    }
}

#[test]
fn ctrl_j_in_a_note_is_a_new_line_not_a_deletion() {
    let mut form = all_kinds();
    form.focus_key("note");
    type_text(&mut form, "keep me");
    form.key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL));
    type_text(&mut form, "too");
    assert_eq!(form.text("note"), "keep me\ntoo");
}

#[test]
fn a_session_in_the_future_is_refused_on_its_date() {
    let ctx = SessionContext {
        client_id: 1,
        worker_id: 2,
        now: now(),
        usual_minutes: 45,
        goals: &[],
    };
    let mut form = session_form("s".into(), &ctx);
    form.focus_key("at");
    for _ in 0..16 {
        press(&mut form, KeyCode::Backspace);
    }
    type_text(&mut form, "+1d");
    let errors = build_session(&form, &ctx).unwrap_err();
    assert_eq!(errors[0].0, "at", "{errors:?}");
    assert!(errors[0].1.contains("cannot be in the future"));
}
