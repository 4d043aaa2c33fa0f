//! The demo's words fit the event and the client (issue 21): a first session is an assessment,
//! slang belongs to those who use the substance, no stigmatising words, no talk of coming off a
//! script before the client is stable, readiness notes that move, goals worded for their domain
//! with natural owners for their steps, and a hep C treatment goal only after a current
//! infection is on record.
//!
//! Each check runs over every seed and size of `demo_support::each_demo`. Failures print
//! references, dates and codes, and the demo's own (fictional) phrases.

#[path = "common/demo.rs"]
mod demo_support;

use demo_support::{each_demo, rows};
use rusqlite::Connection;

/// Every text of one kind a client's record holds, with the client, the day and a code:
/// (reference, day, kind, text).
fn texts(conn: &Connection, sql: &str) -> Vec<(String, String, String, String)> {
    let mut stmt = conn.prepare(sql).expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// The notes, readiness notes, goals and actions of clients whom `who` (a condition on `c`)
/// selects: (reference, day, kind, text).
fn words_of(conn: &Connection, who: &str) -> Vec<(String, String, String, String)> {
    texts(
        conn,
        &format!(
            "SELECT c.reference, substr(s.started_at, 1, 10), 'session', s.note
               FROM sessions s JOIN clients c ON c.id = s.client_id WHERE {who}
             UNION ALL
             SELECT c.reference, r.noted_on, 'readiness', r.note
               FROM readiness_notes r JOIN clients c ON c.id = r.client_id WHERE {who}
             UNION ALL
             SELECT c.reference, g.set_on, 'goal', g.in_own_words
               FROM goals g JOIN clients c ON c.id = g.client_id WHERE {who}
             UNION ALL
             SELECT c.reference, g.set_on, 'action', a.step
               FROM goal_actions a JOIN goals g ON g.id = a.goal_id
               JOIN clients c ON c.id = g.client_id WHERE {who}"
        ),
    )
}

/// Uses heroin or another opioid, or is on a prescription for one.
const OPIOID_OR_OST: &str = "(c.primary_substance IN ('heroin', 'prescribed_opioids')
    OR c.modality IN ('ost_methadone', 'ost_buprenorphine', 'lai_buprenorphine', 'heroin_assisted')
    OR EXISTS (SELECT 1 FROM client_substances o WHERE o.client_id = c.id
               AND o.substance IN ('heroin', 'prescribed_opioids')))";

/// Drinks.
const DRINKS: &str = "(c.primary_substance = 'alcohol'
    OR EXISTS (SELECT 1 FROM client_substances o WHERE o.client_id = c.id AND o.substance = 'alcohol'))";

/// Whether `text` holds any of `words` (lower case; a word ending in `*` matches as a prefix,
/// others as whole words or phrases).
fn holds(text: &str, words: &[&str]) -> Option<String> {
    let lower = text.to_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|t| !t.is_empty())
        .collect();
    let joined = format!(" {} ", tokens.join(" "));
    words
        .iter()
        .find(|w| match w.strip_suffix('*') {
            Some(prefix) => joined.contains(&format!(" {prefix}")),
            None => joined.contains(&format!(" {w} ")),
        })
        .map(|w| (*w).to_owned())
}

fn report(
    found: &[(String, String, String, String)],
    word: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    found
        .iter()
        .filter_map(|(reference, day, kind, text)| {
            word(text).map(|w| format!("{reference} {day} {kind} ({w}): {text:?}"))
        })
        .collect()
}

#[test]
fn a_first_session_is_an_assessment_never_a_since_last_session() {
    each_demo(|label, _, conn| {
        let first = texts(
            conn,
            "SELECT c.reference, substr(s.started_at, 1, 10), 'session', s.note
             FROM sessions s JOIN clients c ON c.id = s.client_id
             WHERE s.attendance = 'attended' AND s.started_at = (
               SELECT min(f.started_at) FROM sessions f
               WHERE f.client_id = s.client_id AND f.attendance = 'attended')",
        );
        assert!(!first.is_empty(), "{label}: no first sessions");
        let wrong: Vec<String> = report(&first, |text| {
            holds(
                text,
                &["since last session", "no use on top", "last session"],
            )
            .or_else(|| (!text.to_lowercase().contains("assess")).then(|| "no assessment".into()))
        });
        assert!(
            wrong.is_empty(),
            "{label}: first session notes that read as a later session's:\n{}",
            wrong.join("\n")
        );
    });
}

/// Heroin and script slang: the words of someone who uses opioids or is on OST.
const OPIOID_WORDS: &[&str] = &[
    "chasing",
    "gear",
    "on top",
    "on-top",
    "script*",
    "dose*",
    "pharmacy",
    "heroin",
    "methadone",
    "buprenorphine",
    "naloxone",
    "pick-up",
    "take-home",
];

/// Drinking talk.
const ALCOHOL_WORDS: &[&str] = &[
    "drink*",
    "drank",
    "units",
    "dry",
    "alcohol",
    "cans",
    "pub",
    "sober*",
    "hangover*",
];

#[test]
fn slang_and_substance_talk_only_for_those_who_use_the_substance() {
    each_demo(|label, _, conn| {
        let not_opioid = words_of(conn, &format!("NOT {OPIOID_OR_OST}"));
        let mut wrong = report(&not_opioid, |t| holds(t, OPIOID_WORDS));
        let not_drinking = words_of(conn, &format!("NOT {DRINKS}"));
        wrong.extend(report(&not_drinking, |t| holds(t, ALCOHOL_WORDS)));
        assert!(
            wrong.is_empty(),
            "{label}: words for a substance the client does not use:\n{}",
            wrong.join("\n")
        );
    });
}

/// Words the field's language guidance retires: they label a person by their use, or call use
/// or a test result dirty (person-first language: "client", never "addict").
const STIGMATISING: &[&str] = &[
    "clean",
    "dirty",
    "addict",
    "addicts",
    "abuser*",
    "junkie*",
    "druggie*",
    "alcoholic*",
    "substance abuse",
    "drug abuse",
    "alcohol abuse",
    "smackhead*",
    "crackhead*",
    "clean time",
];

#[test]
fn no_stigmatising_words_anywhere_in_the_demo() {
    each_demo(|label, _, conn| {
        let mut all = words_of(conn, "1");
        all.extend(texts(
            conn,
            "SELECT c.reference, r.completed_on, 'review', r.outcome
             FROM reviews r JOIN clients c ON c.id = r.client_id WHERE r.outcome IS NOT NULL
             UNION ALL
             SELECT c.reference, g.set_on, 'why', g.why_it_matters
             FROM goals g JOIN clients c ON c.id = g.client_id WHERE g.why_it_matters IS NOT NULL",
        ));
        let wrong = report(&all, |t| holds(t, STIGMATISING));
        assert!(
            wrong.is_empty(),
            "{label}: stigmatising words:\n{}",
            wrong.join("\n")
        );
    });
}

/// Talk of reducing or coming off a script.
const REDUCTION_WORDS: &[&str] = &[
    "reduc*",
    "cutting down",
    "cut down",
    "come off",
    "coming off",
    "taper*",
    "detox*",
    "drug free",
    "drug-free",
];

#[test]
fn no_talk_of_reducing_a_script_before_the_client_is_stable() {
    // The Orange Book 2017 (4.5): stabilise first; reduction is discussed once stable, not in
    // the first three months and not on the day someone leaves prison.
    each_demo(|label, _, conn| {
        let early = words_of(
            conn,
            "c.modality IN ('ost_methadone', 'ost_buprenorphine', 'lai_buprenorphine', 'heroin_assisted')",
        );
        let days: std::collections::HashMap<String, (String, Option<String>)> = texts(
            conn,
            "SELECT reference, treatment_start, coalesce(prison_release_on, ''), '' FROM clients",
        )
        .into_iter()
        .map(|(r, start, release, _)| (r, (start, (!release.is_empty()).then_some(release))))
        .collect();
        let early: Vec<_> = early
            .into_iter()
            .filter(|(reference, day, _, _)| {
                let (start, release) = &days[reference];
                let start: chrono::NaiveDate = start.parse().expect("a date");
                let on: chrono::NaiveDate = day.parse().expect("a date");
                (on - start).num_days() < 90 || release.as_deref() == Some(day.as_str())
            })
            .collect();
        let wrong = report(&early, |t| holds(t, REDUCTION_WORDS));
        assert!(
            wrong.is_empty(),
            "{label}: reduction talk in the first 90 days of OST or on a release day:\n{}",
            wrong.join("\n")
        );
    });
}

#[test]
fn readiness_notes_never_repeat_the_last_one() {
    each_demo(|label, _, conn| {
        let repeated = rows(
            conn,
            "SELECT c.reference || ' ' || r.noted_on || ': ' || r.note
             FROM readiness_notes r JOIN clients c ON c.id = r.client_id
             WHERE r.note <> '' AND r.note = (
               SELECT p.note FROM readiness_notes p
               WHERE p.client_id = r.client_id AND (p.noted_on, p.id) < (r.noted_on, r.id)
               ORDER BY p.noted_on DESC, p.id DESC LIMIT 1)",
        );
        assert!(
            repeated.is_empty(),
            "{label}: readiness notes the same as the one before:\n{}",
            repeated.join("\n")
        );
    });
}

/// Words that belong to one life domain: a goal holding them belongs there.
const DOMAIN_WORDS: &[(&str, &[&str])] = &[
    (
        "physical_health",
        &["teeth", "dentist", "gp", "hep", "walk"],
    ),
    ("housing", &["flat", "hostel", "rent", "tenancy", "housing"]),
    ("money_debt", &["debt*", "universal credit", "benefits"]),
    ("offending_legal", &["probation", "court", "solicitor"]),
    (
        "family",
        &["daughter", "son", "kids", "brother", "sister", "mum"],
    ),
];

#[test]
fn goals_are_worded_for_their_domain() {
    each_demo(|label, _, conn| {
        let goals = texts(
            conn,
            "SELECT c.reference, g.set_on, g.domain, g.in_own_words
             FROM goals g JOIN clients c ON c.id = g.client_id",
        );
        let wrong: Vec<String> = goals
            .iter()
            .filter_map(|(reference, day, domain, text)| {
                DOMAIN_WORDS
                    .iter()
                    .filter(|(home, _)| home != domain)
                    .find_map(|(home, words)| holds(text, words).map(|w| (home, w)))
                    .map(|(home, w)| {
                        format!("{reference} {day} {domain} goal speaks of {w} ({home}): {text:?}")
                    })
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "{label}: goals in the wrong domain:\n{}",
            wrong.join("\n")
        );
    });
}

#[test]
fn a_hep_c_treatment_goal_rests_on_a_positive_rna_result_before_it() {
    each_demo(|label, _, conn| {
        let unfounded = rows(
            conn,
            "SELECT c.reference || ' goal set ' || g.set_on
             FROM goals g JOIN clients c ON c.id = g.client_id
             WHERE lower(g.in_own_words) LIKE '%hep c%'
               AND NOT EXISTS (SELECT 1 FROM bbv_results b
                 WHERE b.client_id = g.client_id AND b.test = 'hep_c_rna'
                   AND b.result = 'positive' AND b.in_error_at IS NULL AND b.taken_on < g.set_on)",
        );
        assert!(
            unfounded.is_empty(),
            "{label}: hep C goals with no positive RNA result before them:\n{}",
            unfounded.join("\n")
        );
    });
}

#[test]
fn a_hep_c_treatment_referral_follows_a_positive_rna_and_every_one_is_referred() {
    // The alert rules' pathway (the Orange Book 2017, 2.5; NICE PH43): a positive RNA result is
    // referred for treatment at a session after it, and nobody is referred without one.
    each_demo(|label, _, conn| {
        let unreferred = rows(
            conn,
            "SELECT c.reference || ' RNA positive ' || b.taken_on
             FROM bbv_results b JOIN clients c ON c.id = b.client_id
             WHERE b.test = 'hep_c_rna' AND b.result = 'positive' AND NOT EXISTS (
               SELECT 1 FROM sessions s JOIN session_interventions i ON i.session_id = s.id
               WHERE s.client_id = b.client_id AND s.attendance = 'attended'
                 AND i.intervention = 'hep_c_treatment_referral'
                 AND substr(s.started_at, 1, 10) > b.taken_on)",
        );
        assert!(
            unreferred.is_empty(),
            "{label}: positive RNA results never referred:\n{}",
            unreferred.join("\n")
        );
        let unfounded = rows(
            conn,
            "SELECT c.reference || ' referred ' || s.started_at
             FROM sessions s JOIN session_interventions i ON i.session_id = s.id
             JOIN clients c ON c.id = s.client_id
             WHERE i.intervention = 'hep_c_treatment_referral' AND NOT EXISTS (
               SELECT 1 FROM bbv_results b WHERE b.client_id = s.client_id
                 AND b.test = 'hep_c_rna' AND b.result = 'positive'
                 AND b.taken_on < substr(s.started_at, 1, 10))",
        );
        assert!(
            unfounded.is_empty(),
            "{label}: hep C treatment referrals with no positive RNA before them:\n{}",
            unfounded.join("\n")
        );
        let tested = demo_support::count(conn, "SELECT count(*) FROM bbv_results");
        assert!(tested > 0, "{label}: no BBV results at all");
    });
}

#[test]
fn each_step_has_one_natural_owner() {
    each_demo(|label, _, conn| {
        let twice = rows(
            conn,
            "SELECT c.reference || ' goal ' || a.goal_id || ': ' || a.step
             FROM goal_actions a JOIN goals g ON g.id = a.goal_id JOIN clients c ON c.id = g.client_id
             GROUP BY a.goal_id, a.step HAVING count(DISTINCT a.owner) > 1",
        );
        assert!(
            twice.is_empty(),
            "{label}: one step under two owners on one goal:\n{}",
            twice.join("\n")
        );
        // Who does a step follows from the step (the client's own steps, the worker's
        // referrals and calls, another agency's appointments), never from chance.
        let owners = rows(
            conn,
            "SELECT step || ': ' || group_concat(DISTINCT owner) FROM goal_actions
             GROUP BY step HAVING count(DISTINCT owner) > 1",
        );
        assert!(
            owners.is_empty(),
            "{label}: steps whose owner is drawn at random:\n{}",
            owners.join("\n")
        );
    });
}

#[test]
fn a_scenario_clients_surname_is_theirs_alone() {
    // A trainer finds a scenario client by surname ("/hawth"): no ordinary client shares it,
    // whatever the seed draws.
    each_demo(|label, _, conn| {
        let shared = rows(
            conn,
            "SELECT family_name || ': ' || group_concat(reference) FROM clients
             WHERE family_name IN ('Fieldfare', 'Lapwing', 'Hawthorn', 'Bramble', 'Gorse',
                                   'Dunnock', 'Clover')
             GROUP BY family_name HAVING count(*) > 1",
        );
        assert!(
            shared.is_empty(),
            "{label}: scenario surnames shared:\n{}",
            shared.join("\n")
        );
    });
}
