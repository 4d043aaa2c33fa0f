//! Speed and memory on a service-sized database: `cargo bench`.
//!
//! Builds (once, in a temporary directory) the file `keywork generate --clients 10000 --years 5`
//! makes, then times what a worker waits for: the caseload and review queries, opening the screen
//! on the team view, drawing a frame, a key press, opening a client record. Reports the median and
//! the slowest of repeated runs, and the peak resident memory. Nothing here asserts a time: the
//! figures go in BENCHMARKS.md.

use chrono::{Duration, NaiveDate};
use keywork::app::{Action, App, Identity};
use keywork::clock::Clock;
use keywork::config::Settings;
use keywork::demo::{self, Plan};
use keywork::domain::Login;
use keywork::store::{Access, Scope, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
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
        "| {name} | {:.1} ms | {:.1} ms |",
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

fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("service.db");
    let login = Login::new("bench").expect("valid login");
    let clock = Clock::fixed(today());
    let started = Instant::now();
    let mut store =
        Store::open_unchecked(&path, Access::Create, clock, login.clone()).expect("new database");
    demo::generate(
        &mut store,
        Plan {
            clients: 10_000,
            years: 5,
            seed: 42,
        },
    )
    .expect("generated");
    let generated = started.elapsed();
    let rows = store.counts().expect("counts").total();
    drop(store);
    let mut store = Store::open_unchecked(&path, Access::Write, clock, login).expect("reopened");

    println!(
        "Service-scale database: {rows} rows generated in {:.1} s\n",
        generated.as_secs_f64()
    );
    println!("| What | Median | Slowest |\n| --- | --- | --- |");
    let worker = store
        .worker_by_login(&Login::new(demo::FIRST_KEY_WORKER).unwrap())
        .unwrap()
        .unwrap();
    let until = today() + Duration::days(28);
    let intervals = keywork::domain::ReviewIntervals::default();
    report(
        "my caseload query (50 clients)",
        time(50, || {
            store
                .caseload(Scope::Worker(worker.id), &intervals)
                .unwrap()
        }),
    );
    report(
        "team caseload query (8,000+ active clients)",
        time(10, || store.caseload(Scope::Team, &intervals).unwrap()),
    );
    report(
        "my next reviews query",
        time(50, || {
            store
                .reviews_due(Scope::Worker(worker.id), &intervals, until)
                .unwrap()
        }),
    );
    report(
        "team next reviews query",
        time(10, || {
            store.reviews_due(Scope::Team, &intervals, until).unwrap()
        }),
    );
    report(
        "one client's whole record",
        time(50, || store.client_record(5, &intervals).unwrap()),
    );

    let identity = |worker| Identity {
        login: "bench".into(),
        worker,
        demo_persona: false,
    };
    let size = Size::new(120, 40);
    let viewport = keywork::ui::viewport(size);
    report(
        "open the screen on my caseload",
        time(20, || {
            App::new(
                &store,
                Settings::default(),
                identity(Some(worker.clone())),
                viewport,
            )
            .unwrap()
        }),
    );
    report(
        "open the screen on the team view",
        time(5, || {
            App::new(&store, Settings::default(), identity(None), viewport).unwrap()
        }),
    );
    // Find (`/`): each keystroke matches the query afresh over the whole team caseload.
    let intervals = store.review_intervals().unwrap();
    let team_rows = store.caseload(Scope::Team, &intervals).unwrap();
    report(
        "find: open over the team caseload (texts made once)",
        time(21, || keywork::app::find::haystacks(&team_rows)),
    );
    let haystacks = keywork::app::find::haystacks(&team_rows);
    for query in ["p", "plo", "plov", "943 476"] {
        report(
            &format!(
                "find: a keystroke, query {query:?}, over {} clients",
                team_rows.len()
            ),
            time(21, || keywork::app::find::matches_in(query, &haystacks)),
        );
    }

    let mut app = App::new(
        &store,
        Settings::default(),
        identity(Some(worker.clone())),
        viewport,
    )
    .unwrap();
    let mut terminal = Terminal::new(TestBackend::new(size.width, size.height)).unwrap();
    report(
        "draw one 120x40 frame",
        time(200, || {
            terminal
                .draw(|f| keywork::ui::view(f, &app))
                .map(drop)
                .unwrap()
        }),
    );
    let mut down = true;
    report(
        "key press j/k in the caseload, with redraw",
        time(200, || {
            down = !down;
            app.update(if down { Action::Down } else { Action::Up }, &mut store)
                .unwrap();
            terminal
                .draw(|f| keywork::ui::view(f, &app))
                .map(drop)
                .unwrap();
        }),
    );
    report(
        "T: switch to the team view and back, with redraw",
        time(5, || {
            app.update(Action::ToggleScope, &mut store).unwrap();
            terminal
                .draw(|f| keywork::ui::view(f, &app))
                .map(drop)
                .unwrap();
        }),
    );
    report(
        "Enter/Esc: open and close a client record",
        time(50, || {
            app.update(Action::Open, &mut store).unwrap();
            terminal
                .draw(|f| keywork::ui::view(f, &app))
                .map(drop)
                .unwrap();
            app.update(Action::Back, &mut store).unwrap();
        }),
    );
    if let Some(mib) = peak_rss_mib() {
        println!("\nPeak resident memory of the whole run: {mib:.0} MiB");
    }
}
