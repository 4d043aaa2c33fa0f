//! Measures the release binary as a key worker meets it: in a pseudo-terminal, through a terminal
//! emulator (vt100), on a copy of a big database (issue 13).
//!
//! ```text
//! cargo build --release
//! cargo run --release --example pty_bench -- --db FILE [--runs 5] [--size 80x24] [--as LOGIN]
//! ```
//!
//! Each run starts the program, times the first frame, holds Down (`j` every 30 ms, as a key's
//! auto-repeat does), opens the record with the most sessions, sits idle counting wake-ups, and
//! switches to the team view and back. It prints a Markdown table of medians for BENCHMARKS.md.
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

use clap::Parser as _;
use nix::unistd::{Gid, Uid, User, chown};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// The longest any one response may take before the bench gives up.
const TIMEOUT: Duration = Duration::from_secs(30);
/// No output for this long counts as "the screen has settled".
const QUIET: Duration = Duration::from_millis(50);
/// Between presses of a held key (a typical auto-repeat rate).
const REPEAT: Duration = Duration::from_millis(30);
/// Titles of the four panes: all four on screen means the first frame is there.
const PANE_TITLES: [&str; 4] = [
    "1 Caseload",
    "2 Next reviews",
    "3 Readiness for change",
    "4 Recovery plan",
];
/// The selection marker before the selected caseload row.
const POINTER: &str = "▶";

type Error = Box<dyn std::error::Error>;

#[derive(Debug, clap::Parser)]
#[command(about = "Time keywork in a pseudo-terminal on a copy of a database")]
struct Options {
    /// The database to measure against (copied first; never written).
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    /// The keywork binary [default: target/release/keywork beside this example].
    #[arg(long = "bin", value_name = "PATH")]
    bin: Option<PathBuf>,
    /// Runs to take medians over.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Terminal size, COLSxROWS.
    #[arg(long, default_value = "80x24", value_parser = parse_size)]
    size: (u16, u16),
    /// Run keywork as this existing OS login (root only, through setpriv).
    #[arg(long = "as", value_name = "LOGIN")]
    run_as: Option<String>,
    /// Down presses in the held-key burst (at most the caseload's length less one).
    #[arg(long, default_value_t = 40)]
    presses: usize,
    /// Seconds without input for counting wake-ups.
    #[arg(long, default_value_t = 10)]
    idle: u64,
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
    let target = Target::prepare(&options.db, options.run_as.as_deref())?;
    let presses = options.presses.min(target.caseload.saturating_sub(1));
    let (cols, rows) = options.size;
    eprintln!(
        "keywork {}, {cols}x{rows}, {} runs; as {} on a caseload of {} active clients; \
         the largest record has {} sessions; {presses} Down presses per run",
        bin.display(),
        options.runs,
        target.login,
        target.caseload,
        target.largest_sessions,
    );
    let mut warm = Term::spawn(&bin, &target, options.size)?;
    let warm_start = warm.start_up()?;
    warm.quit()?;
    eprintln!(
        "warm-up run (upgrades the copy's schema if needed, fills the page cache): first frame {:.0} ms",
        ms(warm_start.frame.1)
    );
    let mut results = Vec::new();
    for run in 1..=options.runs {
        eprintln!("run {run} of {}", options.runs);
        results.push(one_run(&bin, &target, options, presses)?);
    }
    println!("{}", table(&results, options, presses));
    Ok(())
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
// The copy of the database, and who the program acts as
// ---------------------------------------------------------------------------------------------

/// A private copy of the database set up so that keywork opens on a key worker's caseload.
struct Target {
    dir: tempfile::TempDir,
    db: PathBuf,
    /// The login keywork runs as (and, on the copy, the key worker's login).
    login: String,
    /// `--as`: the user and group to switch to before running keywork.
    switch_to: Option<(Uid, Gid)>,
    /// Active clients on the caseload it opens on.
    caseload: usize,
    /// The reference of the active client with the most sessions (never printed).
    largest: String,
    largest_sessions: i64,
}

impl Target {
    fn prepare(original: &Path, run_as: Option<&str>) -> Result<Target, Error> {
        let (login, switch_to) = match run_as {
            Some(login) => (login.to_owned(), Some(os_user(login)?)),
            None => (current_login()?, None),
        };
        let dir = tempfile::Builder::new().prefix("pty-bench-").tempdir()?;
        let db = dir.path().join("keywork.db");
        copy_database(original, &db)?;
        let (largest, largest_sessions, worker) = largest_record(&db)?;
        give_login(&db, worker, &login)?;
        let caseload = caseload(&db, worker)?;
        std::fs::create_dir(dir.path().join("home"))?;
        if let Some((uid, gid)) = switch_to {
            for path in [dir.path(), &db, &dir.path().join("home")] {
                chown(path, Some(uid), Some(gid))?;
            }
        }
        Ok(Target {
            dir,
            db,
            login,
            switch_to,
            caseload,
            largest,
            largest_sessions,
        })
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
}

fn current_login() -> Result<String, Error> {
    let user = User::from_uid(Uid::current())?.ok_or("this user id has no login name")?;
    Ok(user.name)
}

/// The user and group ids of `--as LOGIN`, which needs root and an existing OS user.
fn os_user(login: &str) -> Result<(Uid, Gid), Error> {
    if !Uid::effective().is_root() {
        return Err(
            "--as needs root (it switches user with setpriv); leave it out to run \
                    keywork as yourself"
                .into(),
        );
    }
    let user = User::from_name(login)?.ok_or_else(|| {
        format!("there is no OS user {login:?}: create one (useradd --no-create-home {login}) or leave --as out")
    })?;
    Ok((user.uid, user.gid))
}

/// Copies the database file and any write-ahead log beside it (take the copy while nobody is
/// writing). The copy keeps the original's permissions.
fn copy_database(original: &Path, copy: &Path) -> Result<(), Error> {
    if !original.is_file() {
        return Err(format!("no database file at {}", original.display()).into());
    }
    std::fs::copy(original, copy)?;
    let wal = |p: &Path| PathBuf::from(format!("{}-wal", p.display()));
    if wal(original).is_file() {
        std::fs::copy(wal(original), wal(copy))?;
    }
    Ok(())
}

/// The active client with the most sessions: reference, session count and key worker's id.
fn largest_record(db: &Path) -> Result<(String, i64, i64), Error> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let found = conn
        .query_row(
            "SELECT c.reference, count(s.id), c.key_worker_id
             FROM clients c JOIN sessions s ON s.client_id = c.id
             WHERE c.status = 'active'
             GROUP BY c.id ORDER BY count(s.id) DESC, c.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    found.ok_or_else(|| "the database has no active client with a session to open".into())
}

/// Active clients on a worker's caseload.
fn caseload(db: &Path, worker: i64) -> Result<usize, Error> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let count: i64 = conn.query_row(
        "SELECT count(*) FROM clients WHERE status = 'active' AND key_worker_id = ?1",
        [worker],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(count)?)
}

/// On the copy: the worker `id` gets `login` (any other worker holding it is renamed out of the
/// way), so that keywork, run as `login`, opens on that worker's caseload.
fn give_login(db: &Path, id: i64, login: &str) -> Result<(), Error> {
    let conn = Connection::open(db)?;
    let current: String = conn.query_row("SELECT login FROM workers WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    if current == login {
        return Ok(());
    }
    conn.execute(
        "UPDATE workers SET login = 'bench-moved-' || id WHERE login = ?1",
        [login],
    )?;
    conn.execute(
        "UPDATE workers SET login = ?1 WHERE id = ?2",
        params![login, id],
    )?;
    eprintln!("on the copy only, worker {current} now has the login {login}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The program in a pseudo-terminal
// ---------------------------------------------------------------------------------------------

/// Output that arrived, with when the reader thread read it.
type Chunk = (Instant, Vec<u8>);

/// keywork running in a pseudo-terminal, its output fed through a terminal emulator.
struct Term {
    parser: vt100::Parser,
    rx: Receiver<Chunk>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    /// Kept open: dropping the master side would hang up the terminal.
    _master: Box<dyn MasterPty + Send>,
    pid: u32,
    started: Instant,
    /// Bytes the program has written so far.
    bytes: usize,
    /// When the last output arrived.
    last: Instant,
}

/// What one input brought: when its first and last output arrived, and how many bytes.
#[derive(Debug, Clone, Copy)]
struct Response {
    first: Duration,
    settled: Duration,
    bytes: usize,
}

impl Term {
    fn spawn(bin: &Path, target: &Target, (cols, rows): (u16, u16)) -> Result<Term, Error> {
        let size = PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        let pair = native_pty_system().openpty(size)?;
        let cmd = command(bin, target);
        let started = Instant::now();
        let child = pair.slave.spawn_command(cmd)?;
        // Only the child holds the slave side, so reading ends when it exits.
        drop(pair.slave);
        let pid = child.process_id().ok_or("the child has no process id")?;
        let mut reader = pair.master.try_clone_reader()?;
        let writer = pair.master.take_writer()?;
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 64 * 1024];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                if tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        Ok(Term {
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            rx,
            writer,
            child,
            _master: pair.master,
            pid,
            started,
            bytes: 0,
            last: started,
        })
    }

    /// Takes in one chunk of output if one arrives within `wait`; false if none did.
    fn pump(&mut self, wait: Duration) -> Result<bool, Error> {
        match self.rx.recv_timeout(wait) {
            Ok((at, bytes)) => {
                self.parser.process(&bytes);
                self.bytes += bytes.len();
                self.last = at;
                Ok(true)
            }
            Err(RecvTimeoutError::Timeout) => Ok(false),
            Err(RecvTimeoutError::Disconnected) => Err("keywork closed the terminal".into()),
        }
    }

    /// Takes in output until `until`.
    fn pump_until(&mut self, until: Instant) -> Result<(), Error> {
        while let Some(wait) = until.checked_duration_since(Instant::now()) {
            self.pump(wait)?;
        }
        Ok(())
    }

    /// Waits until the screen satisfies `done`.
    fn wait_for(&mut self, what: &str, done: impl Fn(&vt100::Screen) -> bool) -> Result<(), Error> {
        let deadline = Instant::now() + TIMEOUT;
        while !done(self.parser.screen()) {
            if Instant::now() >= deadline {
                return Err(format!("timed out waiting for {what}").into());
            }
            self.pump(Duration::from_millis(100))?;
        }
        Ok(())
    }

    /// Takes in output until none has come for [`QUIET`].
    fn settle(&mut self) -> Result<(), Error> {
        let deadline = Instant::now() + TIMEOUT;
        while self.pump(QUIET)? {
            if Instant::now() >= deadline {
                return Err("the output never settled".into());
            }
        }
        Ok(())
    }

    fn send(&mut self, bytes: &[u8]) -> Result<Instant, Error> {
        self.writer.write_all(bytes)?;
        self.writer.flush()?;
        Ok(Instant::now())
    }

    /// Sends a key and takes in its response: the first byte, then until the screen settles.
    fn respond(&mut self, key: &[u8], what: &str) -> Result<Response, Error> {
        let before = self.bytes;
        let sent = self.send(key)?;
        if !self.pump(TIMEOUT)? {
            return Err(format!("no response to {what}").into());
        }
        let first = self.last - sent;
        self.settle()?;
        Ok(Response {
            first,
            settled: self.last - sent,
            bytes: self.bytes - before,
        })
    }

    /// Waits for the first frame (all four panes and a footer) and then for the output to settle.
    fn start_up(&mut self) -> Result<StartUp, Error> {
        self.wait_for("the first frame", panes_shown)?;
        let frame = (self.bytes, self.last - self.started);
        self.settle()?;
        Ok(StartUp {
            frame,
            settled: (self.bytes, self.last - self.started),
        })
    }

    /// Context switches of the process and all its threads so far.
    fn context_switches(&self) -> Result<u64, Error> {
        let mut total = 0;
        for task in std::fs::read_dir(format!("/proc/{}/task", self.pid))? {
            let status = std::fs::read_to_string(task?.path().join("status"))?;
            total += ["voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"]
                .iter()
                .filter_map(|name| status_field(&status, name))
                .sum::<u64>();
        }
        Ok(total)
    }

    /// Peak resident set size so far, in KiB.
    fn peak_rss(&self) -> Result<u64, Error> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        status_field(&status, "VmHWM:").ok_or_else(|| "no VmHWM in /proc status".into())
    }

    /// The row the caseload's selection marker is on, if it shows.
    fn selected_row(&self) -> Option<usize> {
        screen_rows(self.parser.screen())
            .position(|row| row.contains(POINTER) && row.contains("KW-"))
    }

    fn selected_is(&self, reference: &str) -> bool {
        screen_rows(self.parser.screen())
            .any(|row| row.contains(POINTER) && row.contains(reference))
    }

    /// Fails with `problem` unless the screen shows `text` (checked after it settles, so that
    /// the bench never times something other than what it says).
    fn expect(&self, text: &str, problem: &str) -> Result<(), Error> {
        if self.parser.screen().contents().contains(text) {
            Ok(())
        } else {
            Err(format!("{problem} (no {text:?} on screen)").into())
        }
    }

    /// Quits with `q` and waits for the program to exit.
    fn quit(mut self) -> Result<(), Error> {
        self.send(b"q")?;
        let deadline = Instant::now() + TIMEOUT;
        while self.child.try_wait()?.is_none() {
            if Instant::now() >= deadline {
                return Err("keywork did not quit on q".into());
            }
            let _ = self.pump(Duration::from_millis(20));
        }
        Ok(())
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `keywork --db COPY`, with a clean environment of its own, switching user first for `--as`.
fn command(bin: &Path, target: &Target) -> CommandBuilder {
    let mut cmd = match target.switch_to {
        Some((uid, gid)) => {
            let mut cmd = CommandBuilder::new("setpriv");
            cmd.args([
                format!("--reuid={uid}"),
                format!("--regid={gid}"),
                "--init-groups".to_owned(),
                "--".to_owned(),
            ]);
            cmd.arg(bin);
            cmd
        }
        None => CommandBuilder::new(bin),
    };
    cmd.arg("--db");
    cmd.arg(&target.db);
    let home = target.home();
    cmd.cwd(&home);
    for name in [
        "KEYWORK_CONFIG",
        "KEYWORK_DB",
        "NO_COLOR",
        "COLUMNS",
        "LINES",
        "TMUX",
    ] {
        cmd.env_remove(name);
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", &home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("XDG_DATA_HOME", home.join("data"));
    cmd
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN)
}

fn screen_rows(screen: &vt100::Screen) -> impl Iterator<Item = String> + '_ {
    let (_, cols) = screen.size();
    screen.rows(0, cols.get())
}

/// All four pane titles, and a footer on the bottom row.
fn panes_shown(screen: &vt100::Screen) -> bool {
    let text = screen.contents();
    let footer = screen_rows(screen).last().unwrap_or_default();
    PANE_TITLES.iter().all(|title| text.contains(title)) && !footer.trim().is_empty()
}

/// A number field (`Name:   123 kB`) of a /proc status file.
fn status_field(status: &str, name: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// One run
// ---------------------------------------------------------------------------------------------

/// The first frame and the start-up's settling: (bytes so far, time since spawn).
struct StartUp {
    frame: (usize, Duration),
    settled: (usize, Duration),
}

/// One Down of the held key: time to its first output (none before the next press: `None`),
/// bytes until the next press, and whether the list scrolled rather than the marker moving.
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
    let enter = open_largest(&mut term, &target.largest, !presses.is_empty())?;
    let idle = idle(&mut term, Duration::from_secs(options.idle))?;
    let rss_mine = term.peak_rss()?;
    let to_team = term.respond(b"T", "T (to the team view)")?;
    term.expect("team caseload", "T did not switch to the team view")?;
    let rss_team = term.peak_rss()?;
    let to_mine = term.respond(b"T", "T (back to my caseload)")?;
    term.quit()?;
    Ok(RunResult {
        start,
        presses,
        enter,
        idle,
        to_team,
        to_mine,
        rss_mine,
        rss_team,
    })
}

/// Sends `j` `count` times, [`REPEAT`] apart, as a held key does, without waiting for the
/// screen; output is counted against the latest press before it arrived.
fn held_down(term: &mut Term, count: usize) -> Result<Vec<Press>, Error> {
    let start = Instant::now();
    let mut presses = Vec::with_capacity(count);
    let mut row = term.selected_row();
    for i in 0..count {
        let before = term.bytes;
        let sent = term.send(b"j")?;
        let next = start + REPEAT * u32::try_from(i + 1)?;
        let mut first = None;
        while let Some(wait) = next.checked_duration_since(Instant::now()) {
            if term.pump(wait)? && first.is_none() {
                first = Some(term.last - sent);
            }
        }
        if i + 1 == count {
            if first.is_none() && term.pump(TIMEOUT)? {
                first = Some(term.last - sent);
            }
            term.settle()?;
        }
        let now = term.selected_row();
        presses.push(Press {
            first,
            bytes: term.bytes - before,
            scrolled: now.is_some() && now == row,
        });
        row = now;
    }
    Ok(presses)
}

/// Goes to the largest record's row (from the top, one Down at a time) and times Enter on it;
/// then Esc back to the panes.
fn open_largest(term: &mut Term, reference: &str, moved: bool) -> Result<Response, Error> {
    if moved {
        term.respond(b"g", "g (to the first line)")?;
    }
    let mut steps = 0;
    while !term.selected_is(reference) {
        if steps > 10_000 {
            return Err("the largest record is not on the caseload".into());
        }
        term.respond(b"j", "Down")?;
        steps += 1;
    }
    let enter = term.respond(b"\r", "Enter on the largest record")?;
    if panes_shown(term.parser.screen()) {
        return Err("Enter did not open the record".into());
    }
    term.respond(b"\x1b", "Esc from the record")?;
    Ok(enter)
}

/// Sends nothing for `span`, counting the program's context switches and output meanwhile.
fn idle(term: &mut Term, span: Duration) -> Result<Idle, Error> {
    let before = (term.context_switches()?, term.bytes);
    let start = Instant::now();
    term.pump_until(start + span)?;
    let switches = term.context_switches()? - before.0;
    Ok(Idle {
        per_second: switches as f64 / start.elapsed().as_secs_f64(),
        bytes: term.bytes - before.1,
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

/// One line of the table: a label, values (median, min, max) and the median bytes.
fn line(what: &str, values: Vec<f64>, bytes: Vec<f64>, unit_digits: usize) -> String {
    let (median, min, max) = spread(values);
    let bytes = if bytes.is_empty() {
        "–".to_owned()
    } else {
        format!("{:.0}", spread(bytes).0)
    };
    let d = unit_digits;
    format!("| {what} | {median:.d$} | {min:.d$} | {max:.d$} | {bytes} |")
}

/// Lines for one kind of keyed response: first byte and settled times, median bytes.
fn response_lines(what: &str, responses: Vec<Response>) -> [String; 2] {
    let of = |f: fn(&Response) -> f64| responses.iter().map(f).collect::<Vec<_>>();
    let bytes = of(|r| r.bytes as f64);
    [
        line(
            &format!("{what}: first byte (ms)"),
            of(|r| ms(r.first)),
            bytes.clone(),
            1,
        ),
        line(
            &format!("{what}: settled (ms)"),
            of(|r| ms(r.settled)),
            bytes,
            1,
        ),
    ]
}

/// Held-Down lines: presses that moved the marker, and those that scrolled the list.
fn press_lines(results: &[RunResult]) -> Vec<String> {
    let all: Vec<&Press> = results.iter().flat_map(|r| &r.presses).collect();
    let mut lines = Vec::new();
    for (scrolled, what) in [(false, "marker moves"), (true, "list scrolls")] {
        let kind: Vec<&&Press> = all.iter().filter(|p| p.scrolled == scrolled).collect();
        let answered: Vec<f64> = kind.iter().filter_map(|p| p.first).map(ms).collect();
        let late = kind.len() - answered.len();
        let label = format!(
            "held Down, {what} ({} presses{}): first byte (ms)",
            kind.len(),
            if late > 0 {
                format!(", {late} answered after the next")
            } else {
                String::new()
            },
        );
        lines.push(line(
            &label,
            answered,
            kind.iter().map(|p| p.bytes as f64).collect(),
            1,
        ));
    }
    lines
}

fn table(results: &[RunResult], options: &Options, presses: usize) -> String {
    let of = |f: &dyn Fn(&RunResult) -> f64| results.iter().map(f).collect::<Vec<_>>();
    let (cols, rows) = options.size;
    let mut lines = vec![
        format!(
            "{cols}x{rows}, medians of {} runs ({presses} Down presses per run, {} ms apart; idle {} s):",
            results.len(),
            REPEAT.as_millis(),
            options.idle
        ),
        String::new(),
        "| what | median | min | max | bytes |".to_owned(),
        "|---|---:|---:|---:|---:|".to_owned(),
        line(
            "first frame: panes shown (ms since spawn)",
            of(&|r| ms(r.start.frame.1)),
            of(&|r| r.start.frame.0 as f64),
            1,
        ),
        line(
            "start-up settled (ms since spawn)",
            of(&|r| ms(r.start.settled.1)),
            of(&|r| r.start.settled.0 as f64),
            1,
        ),
    ];
    lines.extend(press_lines(results));
    lines.extend(response_lines(
        "Enter on the largest record",
        results.iter().map(|r| r.enter).collect(),
    ));
    lines.extend(response_lines(
        "T, my caseload → team",
        results.iter().map(|r| r.to_team).collect(),
    ));
    lines.extend(response_lines(
        "T, team → my caseload",
        results.iter().map(|r| r.to_mine).collect(),
    ));
    lines.push(line(
        "idle: wake-ups per second",
        of(&|r| r.idle.per_second),
        of(&|r| r.idle.bytes as f64),
        1,
    ));
    let mib = |kib: u64| kib as f64 / 1024.0;
    lines.push(line(
        "peak RSS, my caseload (MiB)",
        of(&|r| mib(r.rss_mine)),
        Vec::new(),
        1,
    ));
    lines.push(line(
        "peak RSS, after T to the team (MiB)",
        of(&|r| mib(r.rss_team)),
        Vec::new(),
        1,
    ));
    lines.join("\n")
}
