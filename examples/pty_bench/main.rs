//! Measures the release binary as a key worker meets it: in a pseudo-terminal, through a terminal
//! emulator (vt100), on a copy of a big database (issue 13).
//!
//! ```text
//! cargo build --release
//! cargo run --release --example pty_bench -- --db FILE [--runs 5] [--size 80x24] [--as LOGIN] [--peers]
//! cargo run --release --example pty_bench -- --sizes 1000,10000,30000 [--cache DIR] [--peers]
//! ```
//!
//! Each run starts the program, times the first frame, holds Down (`j` every 30 ms, as a key's
//! auto-repeat does), opens the record with the most sessions, sits idle counting wake-ups, and
//! switches to the team view (timed to the frame whose title counts the whole team) and back;
//! then it starts the program again as a team lead, which opens on the team, and times that
//! first frame. It prints a Markdown table of medians for BENCHMARKS.md. With `--peers` it then
//! measures tig and htop in the same harness and prints a second table, with keywork's ratios to
//! them (see `peers.rs`). With `--sizes` it does all this on generated services of each size and
//! adds the growth table (see `sizes.rs`).
//!
//! FILE is never written: it is copied into a private temporary directory first. keywork acts as
//! the OS login that runs it, and opens on that worker's caseload; so that it opens on a real
//! caseload, the bench picks the key worker of the active client with the most sessions (the
//! "largest record") and, on the copy only, gives that worker the login the program will run as.
//! As root, `--as LOGIN` runs the program as an existing OS user instead, through `setpriv`
//! (no PAM session, no fork, so the process measured is keywork itself); with `--as alex.demo` on
//! a generated database no login is changed at all.
//!
//! Nothing here prints a client's details: the largest record is named by its session count.

mod peers;
/// The pseudo-terminal harness the end-to-end tests use.
#[path = "../../tests/common/pty.rs"]
mod pty;
mod sizes;
mod target;
mod term;

use clap::Parser as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use target::{Opens, Target};
use term::{Response, StartUp, Term, panes_shown};

/// The longest any one response may take before the bench gives up.
const TIMEOUT: Duration = Duration::from_secs(30);
/// No output for this long counts as "the screen has settled".
const QUIET: Duration = Duration::from_millis(50);
/// Between presses of a held key (a typical auto-repeat rate).
const REPEAT: Duration = Duration::from_millis(30);
type Error = Box<dyn std::error::Error>;

#[derive(Debug, clap::Parser)]
#[command(about = "Time keywork in a pseudo-terminal on a copy of a database")]
struct Options {
    /// The database to measure against (copied first; never written).
    #[arg(long, value_name = "FILE", required_unless_present = "sizes")]
    db: Option<PathBuf>,
    /// Instead of --db: measure generated services of these sizes (clients, comma-separated),
    /// and print how each figure grows with the service.
    #[arg(long, value_name = "N,N,...", value_delimiter = ',', conflicts_with = "db",
          value_parser = clap::value_parser!(u32).range(1..=99_999))]
    sizes: Vec<u32>,
    /// Where --sizes keeps the generated services, made with `keywork generate` when missing.
    #[arg(long, value_name = "DIR", default_value = "target/pty-bench-cache")]
    cache: PathBuf,
    /// The keywork binary [default: target/release/keywork beside this example].
    #[arg(long = "bin", value_name = "PATH")]
    bin: Option<PathBuf>,
    /// Runs to take medians over.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    runs: u16,
    /// Terminal size, COLSxROWS.
    #[arg(long, default_value = "80x24", value_parser = parse_size)]
    size: (u16, u16),
    /// Run keywork as this existing OS login (root only, through setpriv) [default: as you].
    /// Whoever it runs as, on the copy the largest record's key worker gets that login.
    #[arg(long = "as", value_name = "LOGIN")]
    run_as: Option<String>,
    /// Down presses in the held-key burst (at most the caseload's length less one).
    #[arg(long, default_value_t = 40)]
    presses: usize,
    /// Seconds without input for counting wake-ups.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    idle: u64,
    /// Then measure tig and htop the same way, in the same sitting, and print a second table
    /// with keywork's ratios to them.
    #[arg(long)]
    peers: bool,
}

fn parse_size(text: &str) -> Result<(u16, u16), String> {
    let bad = || format!("{text:?} is not COLSxROWS, e.g. 80x24");
    let (cols, rows) = text.split_once('x').ok_or_else(bad)?;
    let cols: u16 = cols.parse().map_err(|_| bad())?;
    let rows: u16 = rows.parse().map_err(|_| bad())?;
    if cols < 20 || rows < 10 {
        return Err(format!("{text} is too small to measure (at least 20x10)"));
    }
    Ok((cols, rows))
}

fn main() {
    let options = Options::parse();
    if let Err(e) = bench(&options) {
        eprintln!("pty_bench: {e}");
        std::process::exit(1);
    }
}

fn bench(options: &Options) -> Result<(), Error> {
    let bin = binary(options.bin.clone())?;
    let measured = match &options.db {
        Some(db) => vec![measure(&bin, db, options)?],
        None => sizes::measure_sizes(&bin, options)?,
    };
    if !options.sizes.is_empty() {
        println!("\n{}", sizes::table(&measured, options));
    }
    if options.peers {
        let peers = peers::measure(options, measured[0].presses)?;
        println!("\n{}", peers::table(&peers, &measured, options));
    }
    Ok(())
}

/// keywork's runs on one database, and what they ran on.
struct Measured {
    /// The generated service's size (`--sizes`), if it was one.
    clients: Option<u32>,
    /// Active clients of the whole team.
    team: usize,
    /// Down presses in each run's held key.
    presses: usize,
    runs: Vec<RunResult>,
}

/// keywork's warm-up and runs on a copy of `db`; prints their table.
fn measure(bin: &Path, db: &Path, options: &Options) -> Result<Measured, Error> {
    let target = Target::prepare(db, options.run_as.as_deref())?;
    let presses = options.presses.min(target.caseload.saturating_sub(1));
    eprintln!(
        "{}: as {}, the largest record has {} sessions; {presses} Down presses a run",
        bin.display(),
        target.login,
        target.largest_sessions,
    );
    let mut warm = Term::spawn(bin, &target, options.size)?;
    let warm_start = warm.start_up()?;
    warm.quit()?;
    eprintln!(
        "warm-up run (upgrades the copy's schema if needed, fills the page cache): first frame {:.0} ms",
        ms(warm_start.frame.1)
    );
    let (team_start, _) = start_on_team(bin, &target, options)?;
    eprintln!(
        "warm-up run opening on the team: first frame {:.0} ms",
        ms(team_start.frame.1)
    );
    let mut results = Vec::new();
    for run in 1..=options.runs {
        eprintln!("run {run} of {}", options.runs);
        results.push(one_run(bin, &target, options, presses)?);
    }
    println!("{}", table(&results, options, &target, presses));
    Ok(Measured {
        clients: None,
        team: target.team,
        presses,
        runs: results,
    })
}

/// The binary to measure: `--bin`, or `keywork` in the target directory this example was built
/// into (`target/release/examples/pty_bench` → `target/release/keywork`).
fn binary(given: Option<PathBuf>) -> Result<PathBuf, Error> {
    let path = match given {
        Some(path) => path,
        None => std::env::current_exe()?
            .parent()
            .and_then(Path::parent)
            .ok_or("cannot tell the target directory from this example's path")?
            .join("keywork"),
    };
    if !path.is_file() {
        return Err(format!(
            "no keywork binary at {}: build it first (cargo build --release) or give --bin PATH",
            path.display()
        )
        .into());
    }
    Ok(path)
}

// ---------------------------------------------------------------------------------------------
// One run
// ---------------------------------------------------------------------------------------------

/// One Down of the held key: time to the first byte of its frame (`None`: no frame answered
/// it), the frame's bytes, and whether the list scrolled rather than the marker moving.
struct Press {
    first: Option<Duration>,
    bytes: usize,
    scrolled: bool,
}

/// Idle wake-ups per second and bytes written while idle.
struct Idle {
    per_second: f64,
    bytes: usize,
}

struct RunResult {
    start: StartUp,
    presses: Vec<Press>,
    enter: Response,
    idle: Idle,
    to_team: Response,
    to_mine: Response,
    rss_mine: u64,
    rss_team: u64,
    /// keywork started again as a team lead: its first frame, the whole team counted.
    team_start: StartUp,
    /// Peak RSS of that start, once settled.
    rss_team_start: u64,
}

fn one_run(
    bin: &Path,
    target: &Target,
    options: &Options,
    presses: usize,
) -> Result<RunResult, Error> {
    let mut term = Term::spawn(bin, target, options.size)?;
    let start = term.start_up()?;
    term.expect(
        "my caseload",
        "keywork did not open on a caseload of its own",
    )?;
    let presses = held_down(&mut term, presses)?;
    let enter = open_largest(&mut term, target, !presses.is_empty())?;
    let idle = idle(&mut term, Duration::from_secs(options.idle))?;
    let rss_mine = term.peak_rss()?;
    let to_team = term.respond_until(
        b"T",
        "T to show the whole team view",
        team_complete(target.team),
    )?;
    term.expect("team caseload", "T did not switch to the team view")?;
    let rss_team = term.peak_rss()?;
    let to_mine = term.respond(b"T", "T (back to my caseload)")?;
    term.quit()?;
    let (team_start, rss_team_start) = start_on_team(bin, target, options)?;
    Ok(RunResult {
        start,
        presses,
        enter,
        idle,
        to_team,
        to_mine,
        rss_mine,
        rss_team,
        team_start,
        rss_team_start,
    })
}

/// The team view is complete: its caseload pane's title counts every active client
/// (`1 Caseload: 8157 team, by due`), and the panes and footer are drawn.
fn team_complete(team: usize) -> impl Fn(&vt100::Screen) -> bool {
    let title = format!(": {team} team");
    move |screen| panes_shown(screen) && screen.contents().contains(&title)
}

/// keywork started as a team lead, so that it opens on the team (`App::new`: a role that opens on
/// the team); its first frame is the complete team view. The copy's login goes back to the key
/// worker afterwards. Returns the start and the peak RSS once settled.
fn start_on_team(bin: &Path, target: &Target, options: &Options) -> Result<(StartUp, u64), Error> {
    target.open_on(Opens::Team)?;
    let run = || -> Result<(StartUp, u64), Error> {
        let mut term = Term::spawn(bin, target, options.size)?;
        let start = term.start_up_when(team_complete(target.team))?;
        term.expect("team caseload", "keywork did not open on the team")?;
        let rss = term.peak_rss()?;
        term.quit()?;
        Ok((start, rss))
    };
    let result = run();
    target.open_on(Opens::Mine)?;
    result
}

/// Sends `j` `count` times, [`REPEAT`] apart, as a held key does, without waiting for the
/// screen. keywork draws one frame for each key, in order, so the n-th frame after the first
/// press answers the n-th press, however late. The marker moves down until the list has to
/// scroll, then stays: the presses before it stopped moved it, the rest scrolled the list.
fn held_down(term: &mut Term, count: usize) -> Result<Vec<Press>, Error> {
    let row = term.selected_row();
    let before = term.frames.len();
    let start = Instant::now();
    let mut sent = Vec::with_capacity(count);
    for i in 0..count {
        term.pump_until(start + REPEAT * u32::try_from(i)?)?;
        sent.push(term.send(b"j")?);
    }
    term.wait_frames(before + count)?;
    term.settle()?;
    let moved = match (row, term.selected_row()) {
        (Some(from), Some(to)) => to.saturating_sub(from),
        _ => 0,
    };
    let frames = &term.frames[before..];
    let press = |(i, sent): (usize, &Instant)| Press {
        first: frames.get(i).map(|f| f.at.saturating_duration_since(*sent)),
        bytes: frames.get(i).map_or(0, |f| f.bytes),
        scrolled: i >= moved,
    };
    Ok(sent.iter().enumerate().map(press).collect())
}

/// Goes to the largest record's row (from the top, one Down at a time) and times Enter on it;
/// then Esc back to the panes.
fn open_largest(term: &mut Term, target: &Target, moved: bool) -> Result<Response, Error> {
    if moved {
        term.respond(b"g", "g (to the first line)")?;
    }
    for _ in 0..target.caseload {
        if term.selected_is(&target.largest) {
            break;
        }
        term.respond(b"j", "Down")?;
    }
    if !term.selected_is(&target.largest) {
        return Err("the largest record is not on the caseload".into());
    }
    let enter = term.respond(b"\r", "Enter on the largest record")?;
    if panes_shown(term.screen()) {
        return Err("Enter did not open the record".into());
    }
    term.respond(b"\x1b", "Esc from the record")?;
    Ok(enter)
}

/// Sends nothing for `span`, counting the program's context switches and output meanwhile.
fn idle(term: &mut Term, span: Duration) -> Result<Idle, Error> {
    let before = (term.context_switches()?, term.bytes());
    let start = Instant::now();
    term.pump_until(start + span)?;
    let switches = term.context_switches()? - before.0;
    Ok(Idle {
        per_second: switches as f64 / start.elapsed().as_secs_f64(),
        bytes: term.bytes() - before.1,
    })
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The median, least and greatest of some values (all 0 when there are none).
fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    (median, values[0], values[n - 1])
}

/// One line of the table: a label, values (median, min, max) and the median of `bytes`.
fn line(what: &str, values: Vec<f64>, bytes: Vec<f64>) -> String {
    let (median, min, max) = spread(values);
    let bytes = if bytes.is_empty() {
        "–".to_owned()
    } else {
        format!("{:.0}", spread(bytes).0)
    };
    format!("| {what} | {median:.1} | {min:.1} | {max:.1} | {bytes} |")
}

/// Lines for one kind of keyed response: first byte and settled times, median bytes.
fn response_lines(what: &str, responses: &[Response]) -> [String; 2] {
    let of = |f: fn(&Response) -> f64| responses.iter().map(f).collect::<Vec<_>>();
    let bytes = of(|r| r.bytes as f64);
    [
        line(
            &format!("{what}: first byte (ms)"),
            of(|r| ms(r.first)),
            bytes.clone(),
        ),
        line(
            &format!("{what}: settled (ms)"),
            of(|r| ms(r.settled)),
            bytes,
        ),
    ]
}

/// Held-Down lines, over the presses of every run: those that moved the marker, and those that
/// scrolled the list.
fn press_lines(results: &[RunResult]) -> Vec<String> {
    let all: Vec<&Press> = results.iter().flat_map(|r| &r.presses).collect();
    let mut lines = Vec::new();
    for (scrolled, what) in [(false, "marker moves"), (true, "list scrolls")] {
        let kind: Vec<&&Press> = all.iter().filter(|p| p.scrolled == scrolled).collect();
        let answered: Vec<f64> = kind.iter().filter_map(|p| p.first).map(ms).collect();
        let late = match kind.len() - answered.len() {
            0 => String::new(),
            late => format!(", {late} with no frame of their own"),
        };
        let label = format!(
            "held Down, {what} ({} presses{late}): first byte (ms)",
            kind.len()
        );
        let bytes = kind.iter().map(|p| p.bytes as f64).collect();
        lines.push(line(&label, answered, bytes));
    }
    lines
}

/// The Markdown table, with a line before it saying what was measured and notes after it.
fn table(results: &[RunResult], options: &Options, target: &Target, presses: usize) -> String {
    let of = |f: &dyn Fn(&RunResult) -> f64| results.iter().map(f).collect::<Vec<_>>();
    let responses = |f: fn(&RunResult) -> Response| results.iter().map(f).collect::<Vec<_>>();
    let mib = |kib: u64| kib as f64 / 1024.0;
    let (cols, rows) = options.size;
    let mut lines = vec![
        format!(
            "keywork in a {cols}x{rows} pseudo-terminal, on a caseload of {} of the team's {} \
             active clients; medians of {} run{}:",
            target.caseload,
            target.team,
            results.len(),
            if results.len() == 1 { "" } else { "s" },
        ),
        String::new(),
        "| what | median | min | max | bytes |".to_owned(),
        "|---|---:|---:|---:|---:|".to_owned(),
    ];
    let start = |f: fn(&StartUp) -> (usize, Duration)| {
        let times = of(&|r| ms(f(&r.start).1));
        (times, of(&|r| f(&r.start).0 as f64))
    };
    let (times, bytes) = start(|s| s.frame);
    lines.push(line(
        "first frame: panes shown (ms from spawn)",
        times,
        bytes,
    ));
    let (times, bytes) = start(|s| s.settled);
    lines.push(line("start-up settled (ms from spawn)", times, bytes));
    lines.extend(press_lines(results));
    lines.extend(response_lines(
        "Enter on the largest record",
        &responses(|r| r.enter),
    ));
    lines.extend(response_lines(
        "T, my caseload → team",
        &responses(|r| r.to_team),
    ));
    lines.push(line(
        &format!(
            "T, my caseload → team: all {} counted in the title (ms)",
            target.team
        ),
        of(&|r| ms(r.to_team.shown)),
        of(&|r| r.to_team.bytes as f64),
    ));
    lines.extend(response_lines(
        "T, team → my caseload",
        &responses(|r| r.to_mine),
    ));
    let idle = format!("idle {} s: wake-ups per second", options.idle);
    lines.push(line(
        &idle,
        of(&|r| r.idle.per_second),
        of(&|r| r.idle.bytes as f64),
    ));
    lines.push(line(
        "peak RSS, my caseload (MiB)",
        of(&|r| mib(r.rss_mine)),
        Vec::new(),
    ));
    lines.push(line(
        "peak RSS, after T to the team (MiB)",
        of(&|r| mib(r.rss_team)),
        Vec::new(),
    ));
    let (times, bytes) = (
        of(&|r| ms(r.team_start.frame.1)),
        of(&|r| r.team_start.frame.0 as f64),
    );
    lines.push(line(
        "opening on the team: first frame, whole team counted (ms from spawn)",
        times,
        bytes,
    ));
    lines.push(line(
        "opening on the team: peak RSS (MiB)",
        of(&|r| mib(r.rss_team_start)),
        Vec::new(),
    ));
    lines.push(String::new());
    lines.push(format!(
        "- bytes: the median of what keywork wrote to the terminal: up to the first frame; for a\n  \
         held Down, each press's own frame; for idle, the whole idle period.\n\
         - held Down: {presses} presses a run, {} ms apart; its rows are over every run's presses.\n\
         - settled: the last output before {} ms without any; T's \"counted\" row: the read that\n  \
         completed the frame whose title counts the whole team (its bytes: up to settling).\n\
         - opening on the team: keywork started again with the copy's login given to a team lead\n  \
         (whose role opens on the team), timed to the frame whose title counts the whole team.",
        REPEAT.as_millis(),
        QUIET.as_millis(),
    ));
    lines.join("\n")
}
