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
    press(&mut form, KeyCode::Right);
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
    let at = crate::clock::Clock::fixed(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
        .timestamp();
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
fn dna_form_without_an_appointment_takes_the_time_typed() {
    let mut form = dna_form("DNA".into(), now());
    let earlier = now().now - chrono::Duration::hours(3);
    form.set("at", &crate::form::dates::show_date_time(earlier))
        .unwrap();
    assert_eq!(build_dna(&form, 1, 2).unwrap().started_at, earlier);
}

#[test]
fn dna_form_refuses_a_time_in_the_future() {
    let mut form = dna_form("DNA".into(), now());
    let later = now().now + chrono::Duration::hours(2);
    form.set("at", &crate::form::dates::show_date_time(later))
        .unwrap();
    let errors = build_dna(&form, 1, 2).unwrap_err();
    assert_eq!(errors[0].0, "at");
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
    let mut form = review_form("c".into(), now(), ReviewKind::CarePlan);
    form.focus_key("done");
    for _ in 0..10 {
        press(&mut form, KeyCode::Backspace);
    }
    type_text(&mut form, "+1d");
    assert!(build_review(&form, 1).is_err());
}

#[test]
fn form_kinds_round_trip_their_codes() {
    for kind in FormKind::ALL {
        assert_eq!(FormKind::from_code(kind.code()), Some(*kind));
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

// ---------------------------------------------------------------- TOP answers and the TOP form

fn answer_form() -> Form {
    let specs = vec![
        Spec::new(
            "days",
            "Days",
            Kind::Answer {
                measure: Measure::Days,
            },
        ),
        Spec::new(
            "amount",
            "Amount",
            Kind::Answer {
                measure: Measure::Amount,
            },
        ),
        Spec::new(
            "scale",
            "Scale",
            Kind::Answer {
                measure: Measure::Scale,
            },
        ),
        Spec::new(
            "yn",
            "Yes or no",
            Kind::Answer {
                measure: Measure::YesNo,
            },
        ),
    ];
    Form::new("Answers", specs, &[], now())
}

/// Types `text` into a fresh answer form's `key` field and validates it.
fn answer_of(key: &str, text: &str) -> (Option<Answer>, Option<String>) {
    let mut form = answer_form();
    form.focus_key(key);
    type_text(&mut form, text);
    form.validate();
    (form.answer(key), form.field(key).unwrap().error.clone())
}

#[test]
fn answer_field_takes_days_in_range_and_declined_in_any_case() {
    for (text, expected) in [
        ("0", Answer::Value(0.0)),
        ("28", Answer::Value(28.0)),
        (" 7 ", Answer::Value(7.0)),
        ("d", Answer::Declined),
        ("D", Answer::Declined),
        ("declined", Answer::Declined),
        ("Declined", Answer::Declined),
    ] {
        assert_eq!(answer_of("days", text), (Some(expected), None), "{text:?}");
    }
    assert_eq!(answer_of("days", ""), (None, None), "blank is not answered");
}

#[test]
fn answer_field_refuses_what_is_not_an_answer_and_says_what_it_takes() {
    for text in ["29", "-1", "abc", "1e1", "inf", "dec", "y"] {
        assert_eq!(
            answer_of("days", text),
            (None, Some("0 to 28 days, or d for declined".into())),
            "{text:?}"
        );
    }
    assert_eq!(
        answer_of("days", "2.5"),
        (
            None,
            Some("whole days only: 0 to 28, or d for declined".into())
        )
    );
    assert_eq!(
        answer_of("scale", "21"),
        (
            None,
            Some("0 (poor) to 20 (good), or d for declined".into())
        )
    );
    assert_eq!(
        answer_of("amount", "1.25"),
        (
            None,
            Some("tenths at most (such as 1.5): 0 to 999.9, or d for declined".into())
        )
    );
    assert_eq!(
        answer_of("amount", "1000"),
        (
            None,
            Some("an amount from 0 to 999.9, or d for declined".into())
        )
    );
    assert_eq!(
        answer_of("yn", "maybe"),
        (None, Some("y or n, or d for declined".into()))
    );
}

#[test]
fn amounts_take_tenths_and_yes_no_takes_y_and_n() {
    assert_eq!(answer_of("amount", "1.5"), (Some(Answer::Value(1.5)), None));
    assert_eq!(answer_of("amount", "12"), (Some(Answer::Value(12.0)), None));
    assert_eq!(answer_of("scale", "20"), (Some(Answer::Value(20.0)), None));
    for (text, value) in [
        ("y", 1.0),
        ("Yes", 1.0),
        ("n", 0.0),
        ("NO", 0.0),
        ("1", 1.0),
    ] {
        assert_eq!(answer_of("yn", text), (Some(Answer::Value(value)), None));
    }
    assert_eq!(answer_of("yn", "d"), (Some(Answer::Declined), None));
}

#[test]
fn answer_fields_show_a_hint() {
    let form = answer_form();
    assert_eq!(
        form.field("days").unwrap().spec.kind.hint(),
        Some("past 4 weeks: days 0-28, d declined")
    );
    assert_eq!(Kind::Date.hint(), None);
}

fn top_item_form() -> Form {
    super::top::top_form("TOP".into(), now(), TopStage::Review)
}

/// A TOP form with every item answered: no use of anything but opiates, the rest as given.
fn filled_top(overrides: &[(TopItem, &str)]) -> Form {
    let mut form = top_item_form();
    for item in TopItem::ALL {
        let text = match item.measure() {
            Measure::Amount => "",
            Measure::Scale => "10",
            Measure::Days | Measure::YesNo => "0",
        };
        form.set(item.code(), text).unwrap();
    }
    for (item, text) in overrides {
        form.set(item.code(), text).unwrap();
    }
    form
}

#[test]
fn top_form_starts_today_at_the_given_stage_with_every_item() {
    let form = top_item_form();
    assert_eq!(form.date("on"), Some(now().today));
    assert_eq!(form.text("stage"), "review");
    assert_eq!(form.focused().spec.key, "alcohol_days");
    let items: Vec<&str> = form.fields[3..]
        .iter()
        .map(|f| f.spec.key.as_str())
        .collect();
    let codes: Vec<&str> = TopItem::ALL.iter().map(|i| i.code()).collect();
    assert_eq!(items, codes, "every item, in the paper form's order");
    for field in &form.fields {
        assert!(
            field.spec.label.chars().count() <= 17,
            "{:?} fits the label column of an 80-column terminal",
            field.spec.label
        );
    }
}

#[test]
fn build_top_keeps_declined_apart_from_zero() {
    let mut form = filled_top(&[
        (TopItem::OpiatesDays, "20"),
        (TopItem::OpiatesGrams, "0.5"),
        (TopItem::CrackDays, "d"),
        (TopItem::SharedNeedles, "y"),
        (TopItem::QualityOfLife, "D"),
    ]);
    assert!(
        form.validate(),
        "{:?}",
        form.fields.iter().find(|f| f.error.is_some())
    );
    let top = super::top::build_top(&form, 7, 3).unwrap();
    assert_eq!((top.client_id, top.worker_id), (7, 3));
    assert_eq!(top.completed_on, now().today);
    assert_eq!(top.stage, TopStage::Review);
    assert_eq!(top.answer(TopItem::CrackDays), Some(Answer::Declined));
    assert_eq!(top.answer(TopItem::QualityOfLife), Some(Answer::Declined));
    assert_eq!(top.answer(TopItem::CocaineDays), Some(Answer::Value(0.0)));
    assert_ne!(
        top.answer(TopItem::CrackDays),
        top.answer(TopItem::CocaineDays)
    );
    assert_eq!(top.answer(TopItem::OpiatesGrams), Some(Answer::Value(0.5)));
    assert_eq!(top.answer(TopItem::SharedNeedles), Some(Answer::Value(1.0)));
    assert_eq!(top.answer(TopItem::CocaineGrams), None, "not asked");
    assert_eq!(
        top.answer(TopItem::CrackGrams),
        None,
        "days declined, amount left blank"
    );
    assert_eq!(top.opiate_days(), Some(20.0));
    // Every amount but the opiates' is unasked: no days of use, or days declined.
    let amounts = TopItem::ALL
        .iter()
        .filter(|i| i.measure() == Measure::Amount)
        .count();
    assert_eq!(top.answers.len(), TopItem::ALL.len() - (amounts - 1));
}

#[test]
fn build_top_refuses_an_amount_without_days_on_the_amount() {
    let form = filled_top(&[(TopItem::CrackGrams, "1")]);
    assert_eq!(
        super::top::build_top(&form, 1, 1).unwrap_err(),
        vec![(
            "crack_grams".to_owned(),
            "leave blank when the days used are 0".to_owned()
        )]
    );
}

#[test]
fn build_top_needs_an_amount_for_days_of_use() {
    let form = filled_top(&[(TopItem::AlcoholDays, "12")]);
    assert_eq!(
        super::top::build_top(&form, 1, 1).unwrap_err(),
        vec![(
            "alcohol_units".to_owned(),
            "required when the days used are above 0, or d for declined".to_owned()
        )]
    );
    let form = filled_top(&[(TopItem::AlcoholDays, "12"), (TopItem::AlcoholUnits, "d")]);
    assert!(
        super::top::build_top(&form, 1, 1).is_ok(),
        "declined will do"
    );
}

#[test]
fn a_required_item_left_blank_is_refused() {
    let mut form = filled_top(&[(TopItem::Assault, "")]);
    assert!(!form.validate());
    assert_eq!(form.focused().spec.key, "assault");
    assert_eq!(
        form.field("assault").unwrap().error.as_deref(),
        Some("required: an answer, or d for declined")
    );
    assert_eq!(form.error_count(), 1);
    assert_eq!(
        super::top::build_top(&form, 1, 1).unwrap_err(),
        vec![(
            "assault".to_owned(),
            "required: an answer, or d for declined".to_owned()
        )]
    );
}

#[test]
fn build_top_needs_the_other_substance_named_and_no_future_date() {
    let mut form = filled_top(&[(TopItem::OtherDays, "3"), (TopItem::OtherAmount, "2")]);
    assert!(form.validate());
    assert_eq!(
        super::top::build_top(&form, 1, 1).unwrap_err(),
        vec![(
            "other_substance".to_owned(),
            "name the other substance whose use is recorded".to_owned()
        )]
    );
    form.set("other_substance", "Pregabalin").unwrap();
    let top = super::top::build_top(&form, 1, 1).unwrap();
    assert_eq!(top.other_substance.unwrap().as_str(), "Pregabalin");
    form.set("on", "tomorrow").unwrap();
    assert_eq!(
        super::top::build_top(&form, 1, 1).unwrap_err(),
        vec![(
            "on".to_owned(),
            "a TOP cannot be completed in the future".to_owned()
        )]
    );
}

#[test]
fn a_declined_answer_survives_the_draft() {
    let mut form = top_item_form();
    form.focus_key("opiates_days");
    type_text(&mut form, "D");
    form.focus_key("opiates_grams");
    type_text(&mut form, "1.5");
    let snapshot = form.snapshot();
    assert_eq!(snapshot["opiates_days"], "D");
    let mut fresh = super::top::top_form("TOP".into(), now(), TopStage::Start);
    fresh.restore(&snapshot);
    assert_eq!(fresh.snapshot(), snapshot);
    assert_eq!(fresh.answer("opiates_days"), Some(Answer::Declined));
    assert_eq!(fresh.answer("opiates_grams"), Some(Answer::Value(1.5)));
    assert_eq!(fresh.answer("crack_days"), None);
    assert_eq!(
        fresh.text("stage"),
        "review",
        "the draft's stage comes back"
    );
}

/// A checklist of five, drawn in the engine's two columns:
/// `a b` / `c d` / `e`.
fn grid() -> Form {
    let options = ["a", "b", "c", "d", "e"]
        .map(|code| Opt::new(code, code.to_uppercase()))
        .to_vec();
    let specs = vec![Spec::new("grid", "Grid", Kind::Multi(options))];
    Form::new("Grid", specs, &[], now())
}

fn grid_cursor(form: &Form) -> usize {
    form.field("grid").unwrap().checklist().unwrap().1
}

#[test]
fn checklist_down_moves_a_row_and_right_moves_across() {
    assert_eq!(CHECKLIST_COLUMNS, 2, "the grid this test draws");
    let mut form = grid();
    press(&mut form, KeyCode::Down);
    assert_eq!(grid_cursor(&form), 2, "Down: from a to c, below it");
    press(&mut form, KeyCode::Right);
    assert_eq!(grid_cursor(&form), 3, "Right: from c to d, beside it");
    press(&mut form, KeyCode::Up);
    assert_eq!(grid_cursor(&form), 1, "Up: from d to b, above it");
    press(&mut form, KeyCode::Left);
    assert_eq!(grid_cursor(&form), 0, "Left: from b to a");
    press(&mut form, KeyCode::Down);
    press(&mut form, KeyCode::Down);
    assert_eq!(grid_cursor(&form), 4, "down to e on the last row");
    press(&mut form, KeyCode::Char(' '));
    assert_eq!(
        form.codes("grid"),
        vec!["e"],
        "Space ticks where the cursor is"
    );
}

#[test]
fn checklist_arrows_stop_at_the_edges_of_the_grid() {
    let mut form = grid();
    assert_eq!(press(&mut form, KeyCode::Up), Outcome::Ignored);
    assert_eq!(press(&mut form, KeyCode::Left), Outcome::Ignored);
    assert_eq!(grid_cursor(&form), 0);
    press(&mut form, KeyCode::Right);
    press(&mut form, KeyCode::Down);
    assert_eq!(grid_cursor(&form), 3);
    assert_eq!(
        press(&mut form, KeyCode::Down),
        Outcome::Ignored,
        "no option below d"
    );
    assert_eq!(grid_cursor(&form), 3);
}

/// The checks the client form declares on its birth date and NHS number, as [`Rule`]s.
fn birth_not_ahead(text: &str, now: Now) -> Result<(), String> {
    match dates::parse_date(text, now.today) {
        Ok(date) if date > now.today => Err("date of birth is in the future".into()),
        _ => Ok(()),
    }
}

fn nhs_checksum(text: &str, _: Now) -> Result<(), String> {
    NhsNumber::new(text).map(drop).map_err(|e| e.to_string())
}

/// A new-client form with a bad NHS number, a date of birth tomorrow and no primary substance;
/// its birth date and NHS number carry their rules.
fn client_with_three_faults() -> Form {
    let workers = [(1, "Alex".to_owned())];
    let ctx = ClientContext {
        existing: None,
        workers: &workers,
        default_worker: Some(1),
        suggested_reference: ServiceRef::from_number(41),
    };
    let mut form = client_form("c".into(), now(), &ctx);
    let rules = [
        (
            "dob",
            Rule {
                name: "birth date not ahead",
                check: birth_not_ahead,
            },
        ),
        (
            "nhs",
            Rule {
                name: "NHS checksum",
                check: nhs_checksum,
            },
        ),
    ];
    for (key, rule) in rules {
        let index = form.fields.iter().position(|f| f.spec.key == key).unwrap();
        form.fields[index].spec.rule = Some(rule);
    }
    for (key, text) in [
        ("given", "Sam"),
        ("family", "Wren"),
        ("dob", "+1d"),
        ("nhs", "9434765918"),
    ] {
        form.focus_key(key);
        type_text(&mut form, text);
    }
    form.focus_key("modality");
    press(&mut form, KeyCode::Char('p'));
    form
}

fn client_rules(form: &Form) -> Vec<(String, String)> {
    build_client(form).err().unwrap_or_default()
}

fn error_of<'a>(form: &'a Form, key: &str) -> Option<&'a str> {
    form.field(key).unwrap().error.as_deref()
}

#[test]
fn every_error_is_reported_in_one_round_with_field_rules() {
    let mut form = client_with_three_faults();
    assert!(!form.validate());
    assert_eq!(error_of(&form, "primary"), Some("required"));
    assert_eq!(
        error_of(&form, "dob"),
        Some("date of birth is in the future")
    );
    assert!(
        error_of(&form, "nhs").is_some(),
        "the NHS number's checksum"
    );
    assert_eq!(form.error_count(), 3, "all three at once, nothing else");
    assert_eq!(form.focused().spec.key, "dob", "the first in the form");
    assert!(
        !form.validate_with(client_rules),
        "building the record adds nothing new"
    );
    assert_eq!(form.error_count(), 3);
}

#[test]
fn form_rules_report_in_the_same_round_as_field_errors() {
    let mut form = all_kinds();
    form.focus_key("n");
    type_text(&mut form, "7");
    let valid = form.validate_with(|form| {
        (form.integer("n") == Some(7))
            .then(|| ("n".to_owned(), "not with an Apple".to_owned()))
            .into_iter()
            .collect()
    });
    assert!(!valid);
    assert_eq!(error_of(&form, "line"), Some("required"), "its own check");
    assert_eq!(
        error_of(&form, "n"),
        Some("not with an Apple"),
        "the form's rule"
    );
    assert_eq!(form.error_count(), 2);
}

#[test]
fn a_fields_own_error_wins_over_a_rule_about_the_same_field() {
    let mut form = client_with_three_faults();
    form.validate_with(|_| vec![("primary".into(), "choose one of the options".into())]);
    assert_eq!(error_of(&form, "primary"), Some("required"));
}

#[test]
fn rule_errors_for_hidden_or_unknown_fields_are_not_counted() {
    let mut form = all_kinds();
    type_text(&mut form, "ok");
    let valid = form.validate_with(|_| {
        vec![
            ("hidden".into(), "not while hidden".into()),
            ("nowhere".into(), "no such field".into()),
        ]
    });
    assert!(valid);
    assert_eq!(form.error_count(), 0);
}

#[test]
fn an_error_goes_as_soon_as_its_field_changes_and_parses() {
    let mut form = all_kinds();
    form.focus_key("date");
    type_text(&mut form, "31/02/2026");
    form.focus_key("n");
    type_text(&mut form, "11");
    assert!(!form.validate());
    form.focus_key("date");
    press(&mut form, KeyCode::Left);
    assert!(
        error_of(&form, "date").is_some(),
        "moving the cursor changes nothing"
    );
    press(&mut form, KeyCode::End);
    for _ in 0..4 {
        press(&mut form, KeyCode::Backspace);
    }
    assert!(
        error_of(&form, "date").is_some_and(|e| e.contains("'31/02/' is not a date")),
        "changed but not a date yet: the error says so of the new text"
    );
    press(&mut form, KeyCode::Home);
    press(&mut form, KeyCode::Delete);
    type_text(&mut form, "2");
    press(&mut form, KeyCode::End);
    type_text(&mut form, "202");
    assert!(error_of(&form, "date").is_some(), "21/02/202 is not a date");
    type_text(&mut form, "6");
    assert_eq!(form.text("date"), "21/02/2026");
    assert_eq!(error_of(&form, "date"), None, "fixed: the error is gone");
    assert!(error_of(&form, "n").is_some(), "other fields keep theirs");
    assert!(error_of(&form, "line").is_some(), "the required line too");
    form.focus_key("line");
    form.paste("ok");
    assert_eq!(error_of(&form, "line"), None, "a paste fixes it too");
}

#[test]
fn a_rule_error_stays_while_the_value_is_still_wrong_and_goes_once_it_is_right() {
    let mut form = client_with_three_faults();
    form.validate();
    form.focus_key("nhs");
    press(&mut form, KeyCode::Backspace);
    type_text(&mut form, "7");
    assert!(error_of(&form, "nhs").is_some(), "9434765917 fails too");
    press(&mut form, KeyCode::Backspace);
    type_text(&mut form, "9");
    assert_eq!(error_of(&form, "nhs"), None, "9434765919 is right");
    assert!(
        error_of(&form, "dob").is_some(),
        "the birth date is untouched"
    );
    form.focus_key("primary");
    press(&mut form, KeyCode::Char('c'));
    assert_eq!(error_of(&form, "primary"), None, "a choice made");
    assert!(!form.validate(), "the birth date is still ahead");
    assert_eq!(form.error_count(), 1);
}

#[test]
fn an_error_from_the_form_rules_goes_when_its_field_changes_and_parses() {
    let mut form = all_kinds();
    type_text(&mut form, "ok");
    form.validate_with(|_| vec![("line".into(), "taken".into())]);
    assert_eq!(error_of(&form, "line"), Some("taken"));
    press(&mut form, KeyCode::Backspace);
    assert_eq!(error_of(&form, "line"), None, "changed, and parses");
}
