//! The TOP as the NDTMS form has it (issue 20): each item worded with its period, the
//! injecting items as the past-four-weeks questions they are, and the substance labels true to
//! their codes.

#[path = "common/fixture.rs"]
mod fixture;

use chrono::NaiveDate;
use fixture::{Fixture, today};
use keywork::domain::top::{Answer, Measure, Top, TopItem, TopStage};
use keywork::domain::*;
use keywork::store::migrate;
use rusqlite::{Connection, params};
use std::collections::{BTreeMap, BTreeSet};

/// Every TOP question is about the past four weeks (28 days); an amount is for a typical day
/// of use within them. A label that drops its period reads as a lifetime question.
#[test]
fn every_item_names_its_period() {
    for item in TopItem::ALL {
        let label = item.label();
        let period = match item.measure() {
            Measure::Amount => "on a typical using day",
            _ => "in the past 4 weeks",
        };
        assert!(
            label.contains(period),
            "{} ({}) does not say \"{period}\"",
            item.code(),
            label
        );
    }
}

/// The TOP asks about sharing needles or syringes in the past four weeks; lifetime sharing is a
/// separate NDTMS item, not a TOP one. The stored code never said "ever", so it stays.
#[test]
fn sharing_is_the_past_four_weeks_item_not_a_lifetime_one() {
    let item = TopItem::from_code("shared_needles").expect("the stored code is kept");
    let label = item.label().to_lowercase();
    assert!(!label.contains("ever"), "{label}");
    assert!(label.contains("needles or syringes"), "{label}");
    assert!(label.contains("in the past 4 weeks"), "{label}");
    for item in TopItem::ALL {
        assert!(
            !item.label().to_lowercase().starts_with("ever "),
            "{} reads as a lifetime question",
            item.code()
        );
    }
}

/// `prescribed_opioids` is dependence on opioid medicines prescribed to the client; illicit and
/// non-prescribed opioids belong to heroin / illicit opiates.
#[test]
fn the_prescribed_opioids_code_is_labelled_prescribed() {
    let label = Substance::from_code("prescribed_opioids").unwrap().label();
    assert!(
        !label.to_lowercase().contains("non-prescribed"),
        "prescribed_opioids is labelled {label:?}"
    );
    assert!(
        label.to_lowercase().contains("prescribed opioid"),
        "{label}"
    );
}

fn item(code: &str) -> TopItem {
    TopItem::from_code(code).unwrap_or_else(|| panic!("no TOP item {code}"))
}

/// Tobacco has been in the TOP since 2015 (data set M): days used in the past four weeks and
/// cigarettes on a typical day, asked like every other substance.
#[test]
fn tobacco_is_asked_as_days_and_cigarettes_on_a_typical_day() {
    let days = item("tobacco_days");
    let amount = item("tobacco_cigarettes");
    assert_eq!(days.measure(), Measure::Days);
    assert_eq!(amount.measure(), Measure::Amount);
    assert_eq!(amount.days_item(), Some(days));
    assert!(amount.label().contains("cigarettes"), "{}", amount.label());
    let at = |answers: &[(TopItem, Answer)]| Top {
        client_id: 1,
        worker_id: 1,
        completed_on: today(),
        stage: TopStage::Review,
        other_substance: None,
        answers: answers.iter().copied().collect(),
    };
    assert!(
        at(&[(days, Answer::Value(28.0)), (amount, Answer::Value(15.0))])
            .validate()
            .is_ok()
    );
    let err = at(&[(days, Answer::Value(0.0)), (amount, Answer::Value(15.0))])
        .validate()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no amount when the days used are 0")
    );
    let err = at(&[(days, Answer::Value(29.0))]).validate().unwrap_err();
    assert!(err.to_string().contains("out of range"), "{err}");
}

/// The TOP's four stages: start, review, exit and post-treatment exit.
#[test]
fn a_post_treatment_exit_is_a_top_stage() {
    let stage = TopStage::from_code("post_treatment_exit").expect("a post-treatment stage");
    assert_eq!(stage.label(), "Post-treatment exit");
    assert_eq!(TopStage::ALL.len(), 4);
}

fn fixture() -> Fixture {
    Fixture::new(
        fixture::worker("sam.okoro", "Sam Okoro", Role::KeyWorker),
        |worker_id| Client {
            status: ClientStatus::Discharged,
            treatment_start: Some(fixture::date(2026, 2, 1)),
            ..fixture::client(1, worker_id)
        },
    )
}

/// Every item answered: days 3, amounts 2, scales 10, yes/no no.
fn every_item_answered() -> BTreeMap<TopItem, Answer> {
    TopItem::ALL
        .iter()
        .map(|item| {
            let value = match item.measure() {
                Measure::Days => 3.0,
                Measure::Amount => 2.5,
                Measure::Scale => 10.0,
                Measure::YesNo => 0.0,
            };
            (*item, Answer::Value(value))
        })
        .collect()
}

#[test]
fn a_post_treatment_top_with_tobacco_is_stored_and_read_back() {
    let mut f = fixture();
    let top = Top {
        client_id: f.client_id,
        worker_id: f.worker_id,
        completed_on: today(),
        stage: TopStage::from_code("post_treatment_exit").unwrap(),
        other_substance: Some(Name::new("Pregabalin").unwrap()),
        answers: every_item_answered(),
    };
    let id = f.store.write(|w| w.insert(&top)).unwrap();
    let read = f.store.get::<Top>(id).unwrap().record;
    assert_eq!(read, top);
    assert_eq!(
        read.answer(item("tobacco_cigarettes")),
        Some(Answer::Value(2.5))
    );
}

const STAMP: &str = "2026-11-01T09:00:00Z";

/// A file of the schema before this one, with one TOP (an exit, two answers and a declined
/// one), upgrades keeping it, and then takes tobacco answers and a post-treatment stage, which
/// the older schema's CHECKs refused.
#[test]
fn an_older_file_keeps_its_tops_and_then_takes_tobacco_and_the_post_treatment_stage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("older.db");
    let mut conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    // Schema 13: the last before migration 14 taught the TOP tobacco and post-treatment exit.
    migrate::run_up_to(&mut conn, 13).unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO workers (id, login, display_name, role, created_at, updated_at)
         VALUES (1, 'sam.okoro', 'Test Worker', 'key_worker', '{STAMP}', '{STAMP}');
         INSERT INTO clients (id, reference, given_name, family_name, date_of_birth, key_worker_id,
                              status, referral_date, modality, primary_substance, injecting, created_at, updated_at)
         VALUES (1, 'KW-00001', 'Test', 'Client', '1980-01-01', 1, 'discharged', '2026-01-05',
                 'psychosocial', 'alcohol', 'never', '{STAMP}', '{STAMP}');
         INSERT INTO tops (id, client_id, worker_id, completed_on, stage, created_at, updated_at)
         VALUES (7, 1, 1, '2026-10-01', 'exit', '{STAMP}', '{STAMP}');
         INSERT INTO top_answers (top_id, item, declined, value) VALUES
             (7, 'alcohol_days', 0, 12), (7, 'alcohol_units', 0, 8.5), (7, 'shared_needles', 1, NULL);
         INSERT INTO tops (id, client_id, worker_id, completed_on, stage, created_at, updated_at)
         VALUES (9, 1, 1, '2026-10-02', 'review', '{STAMP}', '{STAMP}');
         DELETE FROM tops WHERE id = 9;"
    ))
    .unwrap();
    let old_refuses = |sql: &str| {
        assert!(
            conn.execute(sql, []).is_err(),
            "the older schema took {sql}"
        );
    };
    old_refuses(
        "INSERT INTO top_answers (top_id, item, declined, value) VALUES (7, 'tobacco_days', 0, 20)",
    );
    old_refuses(&format!(
        "INSERT INTO tops (client_id, worker_id, completed_on, stage, created_at, updated_at)
         VALUES (1, 1, '2026-11-01', 'post_treatment_exit', '{STAMP}', '{STAMP}')"
    ));

    migrate::run(&mut conn).unwrap();
    let answers = |conn: &Connection, top: i64| -> Vec<(String, i64, Option<f64>)> {
        let mut stmt = conn
            .prepare(
                "SELECT item, declined, value FROM top_answers WHERE top_id = ?1 ORDER BY item",
            )
            .unwrap();
        stmt.query_map([top], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    assert_eq!(
        answers(&conn, 7),
        vec![
            ("alcohol_days".to_owned(), 0, Some(12.0)),
            ("alcohol_units".to_owned(), 0, Some(8.5)),
            ("shared_needles".to_owned(), 1, None),
        ]
    );
    let stage: String = conn
        .query_row("SELECT stage FROM tops WHERE id = 7", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stage, "exit");
    conn.execute(
        &format!(
            "INSERT INTO tops (client_id, worker_id, completed_on, stage, created_at, updated_at)
             VALUES (1, 1, '2026-11-01', 'post_treatment_exit', '{STAMP}', '{STAMP}')"
        ),
        [],
    )
    .unwrap();
    let id = conn.last_insert_rowid();
    assert_eq!(
        id, 10,
        "a new TOP never takes the id of one removed before the upgrade"
    );
    conn.execute(
        "INSERT INTO top_answers (top_id, item, declined, value) VALUES
             (?1, 'tobacco_days', 0, 20), (?1, 'tobacco_cigarettes', 0, 12.5)",
        params![id],
    )
    .unwrap();
    // The amount rule holds for tobacco as for every amount: up to 999.9, not a yes/no.
    assert!(
        conn.execute(
            "INSERT INTO top_answers (top_id, item, declined, value) VALUES (7, 'tobacco_cigarettes', 0, 1000)",
            []
        )
        .is_err()
    );
    let fk: Option<String> = conn
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .ok();
    assert_eq!(fk, None, "a row names a record that does not exist");
    // The rebuilt answers still go with their TOP (the cascade survived the rebuild).
    assert_eq!(answers(&conn, id).len(), 2);
    conn.execute("DELETE FROM tops WHERE id = ?1", [id])
        .unwrap();
    assert!(answers(&conn, id).is_empty());
}

/// The stage a new TOP form opens at for the fixture's client, who has left treatment.
fn opening_stage(f: &Fixture) -> String {
    use keywork::form::Now;
    use keywork::form::kinds::{self, FormKind, Opening};
    let intervals = ReviewIntervals::default();
    let opening = Opening {
        store: &f.store,
        now: Now {
            today: today(),
            now: today().and_hms_opt(11, 0, 0).unwrap(),
        },
        client_id: Some(f.client_id),
        draft: None,
        edit: false,
        selected_goal: None,
        selected_review: None,
        intervals: &intervals,
        default_worker: Some(f.worker_id),
        entry: None,
    };
    let opened = kinds::open(FormKind::Top, &opening)
        .unwrap()
        .unwrap_or_else(|why| panic!("the TOP form did not open: {why}"));
    opened.form.text("stage")
}

/// A client who has left owes the exit TOP first; once it is recorded, the next TOP taken is
/// the post-treatment exit.
#[test]
fn after_the_exit_top_a_new_top_opens_at_the_post_treatment_stage() {
    let mut f = fixture();
    assert_eq!(opening_stage(&f), "exit");
    let exit = Top {
        client_id: f.client_id,
        worker_id: f.worker_id,
        completed_on: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        stage: TopStage::Exit,
        other_substance: None,
        answers: BTreeMap::new(),
    };
    f.store.write(|w| w.insert(&exit)).unwrap();
    assert_eq!(opening_stage(&f), "post_treatment_exit");
}

/// The form fields that are not TOP items.
const NOT_ITEMS: &[&str] = &["on", "stage", "other_substance"];

/// Every place a TOP item is shown or exported names it as `ITEMS` does: the form (key and
/// label), the printed record (the question with its period), the JSON export (the key of each
/// answer) and the record's trend charts. No item missing, none extra, none worded otherwise.
#[test]
fn every_shown_label_and_exported_name_comes_from_the_one_list() {
    use keywork::domain::top::ITEMS;
    use keywork::export::{self, Format, Kind};
    let mut f = fixture();
    let top = Top {
        client_id: f.client_id,
        worker_id: f.worker_id,
        completed_on: today(),
        stage: TopStage::Review,
        other_substance: Some(Name::new("Pregabalin").unwrap()),
        answers: every_item_answered(),
    };
    f.store.write(|w| w.insert(&top)).unwrap();

    // The form: one field per item, keyed by its code and labelled with its short label.
    let form = keywork::form::kinds::top::top_form(
        "TOP".into(),
        keywork::form::Now {
            today: today(),
            now: today().and_hms_opt(11, 0, 0).unwrap(),
        },
        TopStage::Review,
    );
    let fields: Vec<(&str, &str)> = form
        .fields
        .iter()
        .filter(|field| !NOT_ITEMS.contains(&field.spec.key.as_str()))
        .map(|field| (field.spec.key.as_str(), field.spec.label.as_str()))
        .collect();
    let expected: Vec<(&str, &str)> = ITEMS.iter().map(|r| (r.code, r.short)).collect();
    assert_eq!(fields, expected, "the form's items");

    // The printed record: one line per answer, "label: value", in the TOP's section.
    let md = export::render(&f.store, f.client_id, Kind::Record(Format::Markdown)).unwrap();
    let section = md
        .split("\n## ")
        .find(|s| s.starts_with("Treatment Outcomes Profile"))
        .expect("a TOP section");
    let shown: Vec<&str> = section
        .lines()
        .map(|line| line.trim_end_matches('\\'))
        .filter(|line| line.contains(": ") && !line.starts_with('#'))
        .filter(|line| *line != "Other substance: Pregabalin")
        .map(|line| line.rsplit_once(": ").unwrap().0)
        .collect();
    let labels: Vec<&str> = ITEMS.iter().map(|r| r.label).collect();
    let mut shown_sorted = shown.clone();
    shown_sorted.sort_unstable();
    let mut labels_sorted = labels.clone();
    labels_sorted.sort_unstable();
    assert_eq!(shown_sorted, labels_sorted, "the printed record's items");

    // The JSON export: each answer keyed by its item's code.
    let json: serde_json::Value = serde_json::from_str(
        &export::render(&f.store, f.client_id, Kind::Record(Format::Json)).unwrap(),
    )
    .unwrap();
    let keys: BTreeSet<&str> = json["tops"][0]["answers"]
        .as_object()
        .expect("the TOP's answers as an object")
        .keys()
        .map(String::as_str)
        .collect();
    let codes: BTreeSet<&str> = ITEMS.iter().map(|r| r.code).collect();
    assert_eq!(keys, codes, "the JSON export's answer keys");

    // The whole-database export (`keywork export`): the same keys.
    let mut whole = Vec::new();
    f.store.export_json(&mut whole).unwrap();
    let whole: serde_json::Value = serde_json::from_slice(&whole).unwrap();
    let keys: BTreeSet<&str> = whole["tops"][0]["answers"]
        .as_object()
        .expect("the TOP's answers as an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, codes, "the whole export's answer keys");

    // The record's trend charts: every charted item used, each line named as ITEMS names it.
    let lines = keywork::app::trends::top_trend_lines(std::slice::from_ref(&top), true);
    let charted: Vec<&str> = lines.iter().map(|l| l.label).collect();
    let names: Vec<&str> = ITEMS.iter().filter_map(|r| r.chart).collect();
    assert_eq!(charted, names, "the trend chart lines");
}

/// The form's labels are short (17 characters), so the hint beside each answer says the period
/// the question covers: a worker reading "Shared needles" must not ask about a lifetime.
#[test]
fn the_form_says_the_period_beside_every_answer() {
    let form = keywork::form::kinds::top::top_form(
        "TOP".into(),
        keywork::form::Now {
            today: today(),
            now: today().and_hms_opt(11, 0, 0).unwrap(),
        },
        TopStage::Review,
    );
    for item in TopItem::ALL {
        let hint = form
            .field(item.code())
            .and_then(|field| field.spec.kind.hint())
            .unwrap_or_else(|| panic!("{} has no hint", item.code()));
        let period = match item.measure() {
            Measure::Amount => "typical using day",
            _ => "past 4 weeks",
        };
        assert!(hint.contains(period), "{}: {hint:?}", item.code());
        // Beside the 8-column input of an 80-column terminal's form the hint has 46 columns.
        assert!(hint.chars().count() <= 40, "{hint:?} fits beside the input");
    }
}

/// The printed record answers a yes/no item in words, as the form asks it: "0" beside "Shared
/// needles or syringes in the past 4 weeks" reads as a count.
#[test]
fn the_printed_record_answers_yes_no_items_in_words() {
    use keywork::export::{self, Format, Kind};
    let mut f = fixture();
    let mut answers = every_item_answered();
    answers.insert(TopItem::SharedNeedles, Answer::Value(1.0));
    answers.insert(TopItem::Fraud, Answer::Declined);
    let top = Top {
        client_id: f.client_id,
        worker_id: f.worker_id,
        completed_on: today(),
        stage: TopStage::Review,
        other_substance: Some(Name::new("Pregabalin").unwrap()),
        answers,
    };
    f.store.write(|w| w.insert(&top)).unwrap();
    let md = export::render(&f.store, f.client_id, Kind::Record(Format::Markdown)).unwrap();
    for item in TopItem::ALL {
        let expected = match (item.measure(), top.answer(*item).unwrap()) {
            (_, Answer::Declined) => "declined".to_owned(),
            (Measure::YesNo, Answer::Value(1.0)) => "yes".to_owned(),
            (Measure::YesNo, Answer::Value(_)) => "no".to_owned(),
            (_, Answer::Value(v)) => v.to_string(),
        };
        let line = format!("{}: {expected}", item.label());
        assert!(
            md.lines().any(|l| l.trim_end_matches('\\') == line),
            "{line:?} is not in the printed record"
        );
    }
}

/// A TOP recorded before tobacco was asked (schema 15) is amended without inventing a tobacco
/// answer: the item was never asked, so it is neither required nor recorded as declined.
#[test]
fn a_top_from_before_tobacco_is_amended_without_a_tobacco_answer() {
    use keywork::form::Now;
    use keywork::form::kinds::{self, FormKind, Opening, Saving};
    let mut f = fixture();
    let mut answers = every_item_answered();
    answers.remove(&item("tobacco_days"));
    answers.remove(&item("tobacco_cigarettes"));
    let top = Top {
        client_id: f.client_id,
        worker_id: f.worker_id,
        completed_on: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        stage: TopStage::Exit,
        other_substance: Some(Name::new("Pregabalin").unwrap()),
        answers,
    };
    let id = f.store.write(|w| w.insert(&top)).unwrap();
    let intervals = ReviewIntervals::default();
    let opening = Opening {
        store: &f.store,
        now: Now {
            today: today(),
            now: today().and_hms_opt(11, 0, 0).unwrap(),
        },
        client_id: Some(f.client_id),
        draft: None,
        edit: true,
        selected_goal: None,
        selected_review: None,
        intervals: &intervals,
        default_worker: Some(f.worker_id),
        entry: Some((RecordType::Top, id)),
    };
    let now = opening.now;
    let mut opened = kinds::open(FormKind::Top, &opening).unwrap().unwrap();
    opened.form.set("alcohol_days", "5").unwrap();
    assert!(
        opened.form.validate(),
        "{:?}",
        opened
            .form
            .fields
            .iter()
            .find(|field| field.error.is_some())
    );
    let saving = Saving {
        client_id: f.client_id,
        worker_id: f.worker_id,
        draft_id: None,
        intervals: &intervals,
    };
    opened
        .handler
        .save(&opened.form, &mut f.store, &saving)
        .unwrap()
        .unwrap_or_else(|errors| panic!("the amendment was refused: {errors:?}"));
    let amended = f.store.get::<Top>(id).unwrap().record;
    assert_eq!(
        amended.answer(item("alcohol_days")),
        Some(Answer::Value(5.0))
    );
    assert_eq!(amended.answer(item("tobacco_days")), None, "not asked then");

    // A new TOP still asks it.
    let mut fresh = keywork::form::kinds::top::top_form("TOP".into(), now, TopStage::Review);
    for item in TopItem::ALL {
        if item.measure() != Measure::Amount && item.code() != "tobacco_days" {
            fresh.set(item.code(), "0").unwrap();
        }
    }
    let errors =
        keywork::form::kinds::top::build_top(&fresh, f.client_id, f.worker_id).unwrap_err();
    assert!(
        errors.iter().any(|(key, _)| key == "tobacco_days"),
        "{errors:?}"
    );
}
