//! Speed and memory on a service-sized database: `cargo bench`.
//!
//! Uses the file `keywork generate --clients 10000 --years 5 --seed 42` makes (generated once and
//! kept under `target/tmp/`, keyed by the schema version; delete it to regenerate), copied afresh
//! for each run. Times what a worker waits for, in-process: the first frame on their caseload and
//! on the team view, `T`, a held Down, a colleague's save reaching an open team view, opening the
//! largest record, a Find keystroke, a durable session save, the team's reviews report. Reports
//! the median and the slowest of repeated runs beside a floor measured in the same run (the same
//! facts computed afresh, SQLite counting the clients), and the peak resident memory. Nothing
//! here asserts a time: the figures go in BENCHMARKS.md, with the terminal measured end to end by
//! `cargo run --release --example pty_bench`.

use chrono::{Duration, NaiveDate};
use keywork::app::{Action, App, Identity};
use keywork::clock::Clock;
use keywork::config::Settings;
use keywork::demo::{self, Plan};
use keywork::domain::{Attendance, Login, Minutes, NoteText, Session, SessionKind};
use keywork::store::{Access, FactsSource, Scope, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use std::path::{Path, PathBuf};
use std::time::{Duration as Elapsed, Instant};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
}

/// Runs `f` `runs` times; returns (median, slowest).
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Elapsed, Elapsed) {
    let mut times: Vec<Elapsed> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[runs / 2], times[runs - 1])
}

fn report(name: &str, (median, slowest): (Elapsed, Elapsed)) {
    println!(
        "| {name} | {:.2} ms | {:.2} ms |",
        median.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3
    );
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The generated service, made once per schema version and kept under `target/tmp/`.
fn cached_service() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!(
        "service-10000x5-seed42-schema{}.db",
        keywork::store::migrate::LATEST
    ));
    if path.exists() {
        return path;
    }
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let started = Instant::now();
    let mut store = Store::open_unchecked(&partial, Access::Create, Clock::fixed(today()), login())
        .expect("new database");
    demo::generate(
        &mut store,
        Plan {
            clients: 10_000,
            years: 5,
            seed: 42,
        },
    )
    .expect("generated");
    drop(store);
    std::fs::rename(&partial, &path).expect("kept");
    println!(
        "(generated the service in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    path
}

fn login() -> Login {
    Login::new("bench").expect("valid login")
}

fn identity(worker: Option<keywork::domain::Stored<keywork::domain::Worker>>) -> Identity {
    Identity {
        login: "bench".into(),
        worker,
        demo_persona: false,
    }
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal
        .draw(|f| keywork::ui::view(f, app))
        .map(drop)
        .expect("drawn");
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("service.db");
    std::fs::copy(cached_service(), &path).expect("copied");
    let mut store = Store::open_unchecked(&path, Access::Write, Clock::fixed(today()), login())
        .expect("opened");
    println!(
        "Service-scale database: {} rows\n",
        store.counts().expect("counts").total()
    );
    println!("| What | Median | Slowest |\n| --- | --- | --- |");
    let worker = store
        .worker_by_login(&Login::new(demo::FIRST_KEY_WORKER).unwrap())
        .unwrap()
        .unwrap();
    let intervals = store.review_intervals().unwrap();
    let until = today() + Duration::days(28);
    let mine = Scope::Worker(worker.id);
    queries(&store, mine, &intervals, until);

    let size = Size::new(80, 24);
    let viewport = keywork::ui::viewport(size);
    let mut terminal = Terminal::new(TestBackend::new(size.width, size.height)).unwrap();
    report(
        "first frame, my caseload (open + draw, 80x24)",
        time(21, || {
            let app = App::new(
                &store,
                Settings::default(),
                identity(Some(worker.clone())),
                viewport,
            )
            .unwrap();
            draw(&mut terminal, &app);
        }),
    );
    report(
        "first frame, team view (open + draw, 80x24)",
        time(11, || {
            let app = App::new(&store, Settings::default(), identity(None), viewport).unwrap();
            draw(&mut terminal, &app);
        }),
    );
    find(&store, &intervals);

    let mut app = App::new(
        &store,
        Settings::default(),
        identity(Some(worker.clone())),
        viewport,
    )
    .unwrap();
    keys(&mut app, &mut store, &mut terminal);
    records(&mut app, &mut store, &mut terminal);
    team_refresh(&path, &mut store, viewport);
    durable_save(&mut store, &worker);
    if let Some(mib) = peak_rss_mib() {
        println!("\nPeak resident memory of the whole run: {mib:.0} MiB");
    }
}

fn queries(
    store: &Store,
    mine: Scope,
    intervals: &keywork::domain::ReviewIntervals,
    until: NaiveDate,
) {
    report(
        "floor: SQLite counting the clients",
        time(51, || {
            store.active_client_count(Scope::Team).unwrap();
            store.client_count_of_status(Scope::Team, None).unwrap()
        }),
    );
    report(
        "my caseload query",
        time(51, || store.caseload(mine, intervals).unwrap()),
    );
    report(
        "team caseload query (8,000+ active clients)",
        time(11, || store.caseload(Scope::Team, intervals).unwrap()),
    );
    report(
        "team caseload, facts computed afresh (before schema 9)",
        time(5, || {
            store
                .caseload_from(
                    FactsSource::Computed,
                    Scope::Team,
                    Some(keywork::domain::ClientStatus::Active),
                    intervals,
                )
                .unwrap()
        }),
    );
    report(
        "my next reviews query",
        time(51, || store.reviews_due(mine, intervals, until).unwrap()),
    );
    report(
        "report reviews --team: the team's reviews due",
        time(11, || {
            store.reviews_due(Scope::Team, intervals, until).unwrap()
        }),
    );
}

fn find(store: &Store, intervals: &keywork::domain::ReviewIntervals) {
    let team_rows = store.caseload(Scope::Team, intervals).unwrap();
    report(
        "find: open over the team caseload (texts made once)",
        time(21, || keywork::app::find::haystacks(&team_rows)),
    );
    let haystacks = keywork::app::find::haystacks(&team_rows);
    for query in ["p", "plov", "943 476"] {
        report(
            &format!(
                "find: a keystroke, query {query:?}, over {} clients",
                team_rows.len()
            ),
            time(21, || keywork::app::find::matches_in(query, &haystacks)),
        );
    }
}

fn keys(app: &mut App, store: &mut Store, terminal: &mut Terminal<TestBackend>) {
    draw(terminal, app);
    for (defer, name) in [
        (false, "one Down, lower panes loaded at once, with redraw"),
        (
            true,
            "one Down while a key is held (lower panes wait), with redraw",
        ),
    ] {
        app.details.defer = defer;
        let mut down = true;
        report(
            name,
            time(201, || {
                down = !down;
                let step = if down { Action::Down } else { Action::Up };
                app.update(step, store).unwrap();
                draw(terminal, app);
            }),
        );
        app.settle(store).unwrap();
    }
    app.details.defer = false;
    let mut to_team = Vec::new();
    let mut to_mine = Vec::new();
    for _ in 0..7 {
        for times in [&mut to_team, &mut to_mine] {
            let start = Instant::now();
            app.update(Action::ToggleScope, store).unwrap();
            draw(terminal, app);
            times.push(start.elapsed());
        }
    }
    for (name, mut times) in [
        ("T: my caseload -> team view, with redraw", to_team),
        ("T: team view -> my caseload, with redraw", to_mine),
    ] {
        times.sort();
        report(name, (times[times.len() / 2], times[times.len() - 1]));
    }
}

fn records(app: &mut App, store: &mut Store, terminal: &mut Terminal<TestBackend>) {
    report(
        "Enter/Esc: open and close a client record",
        time(51, || {
            app.update(Action::Open, store).unwrap();
            draw(terminal, app);
            app.update(Action::Back, store).unwrap();
        }),
    );
    let (largest, had) = store.client_with_most_sessions().unwrap().unwrap();
    // The yardstick is a 500-session record: the generated service's longest is shorter,
    // so it is topped up (sessions a minute apart, years ago) before the timing.
    let worker = store
        .get::<keywork::domain::Client>(largest)
        .unwrap()
        .record
        .key_worker_id;
    let long_ago = NaiveDate::from_ymd_opt(2020, 1, 6)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    store
        .write(|w| {
            for n in had..500 {
                w.record_session(&session(largest, worker, long_ago, n), None)?;
            }
            Ok(())
        })
        .unwrap();
    let sessions = had.max(500);
    let mut team = App::new(store, Settings::default(), identity(None), app.viewport).unwrap();
    report(
        &format!("Enter on the largest record ({sessions} sessions), with redraw"),
        time(21, || {
            team.open_client(largest, store).unwrap();
            draw(terminal, &team);
            team.update(Action::Back, store).unwrap();
        }),
    );
}

/// A colleague saves a session while a team view is open: the view reads that client again.
fn team_refresh(path: &Path, store: &mut Store, viewport: keywork::app::Viewport) {
    let mut app = App::new(store, Settings::default(), identity(None), viewport).unwrap();
    let colleague = rusqlite::Connection::open(path).unwrap();
    let client: i64 = colleague
        .query_row(
            "SELECT id FROM clients WHERE status = 'active' LIMIT 1 OFFSET 500",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut seen = store.change_seq().unwrap();
    let mut times = Vec::new();
    for flip in (0..21).map(|n| n % 2 == 0) {
        colleague
            .execute(
                "UPDATE clients SET naloxone_held = ?2 WHERE id = ?1",
                (client, flip),
            )
            .unwrap();
        // Timed: what the open screen does about it, not the colleague's own save.
        let start = Instant::now();
        let (changes, latest) = store.changes_since(seen).unwrap();
        seen = latest;
        let keywork::store::Changes::Clients(changed) = changes else {
            panic!("one client changed");
        };
        app.reload_clients(store, &changed).unwrap();
        times.push(start.elapsed());
    }
    times.sort();
    report(
        "a colleague's save reaches an open team view (one client read again)",
        (times[times.len() / 2], times[times.len() - 1]),
    );
    report(
        "the same by reloading the whole team view (before schema 9's change sequence)",
        time(5, || app.reload(store).unwrap()),
    );
}

/// A plain attended session `minutes` after `start`.
fn session(client_id: i64, worker_id: i64, start: chrono::NaiveDateTime, minutes: i64) -> Session {
    Session {
        client_id,
        worker_id,
        started_at: start + Duration::minutes(minutes),
        duration: Minutes::new(30).unwrap(),
        kind: SessionKind::KeyWork,
        attendance: Attendance::Attended,
        note: NoteText::new("Bench session.").unwrap(),
        interventions: Default::default(),
        next_appointment: None,
    }
}

fn durable_save(store: &mut Store, worker: &keywork::domain::Stored<keywork::domain::Worker>) {
    let client = store
        .caseload(Scope::Worker(worker.id), &store.review_intervals().unwrap())
        .unwrap()[0]
        .client_id;
    let mut minute = 0;
    report(
        "a durable session save (one transaction, fsync)",
        time(21, || {
            minute += 1;
            let at = today().and_hms_opt(8, 0, 0).unwrap();
            let session = session(client, worker.id, at, minute);
            store.write(|w| w.record_session(&session, None)).unwrap()
        }),
    );
}
