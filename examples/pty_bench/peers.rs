//! Peers measured in the same sitting (`--peers`): after keywork's runs, tig and htop are run in
//! the same pseudo-terminal harness, at the same size, for the same number of runs, so that
//! keywork's medians can be quoted as ratios against programs measured on the same machine, under
//! the same load, minutes apart.
//!
//! - tig browses a small git repository the bench makes in a temporary directory ([`COMMITS`]
//!   empty commits by a visibly fictional author); its first frame is the newest commit's subject
//!   on screen, and Down is `j`.
//! - htop runs with its default settings (no configuration file: a private, empty home), so it
//!   redraws on its own timer: its idle wake-ups and bytes are its real figures, not noise. Its
//!   first frame is the process list's header and the function-key bar; Down is the arrow key.
//!
//! Neither peer draws inside synchronized output, so a held key's bytes are attributed by time:
//! press n owns what arrived after it was sent and before press n+1 was.

use crate::pty::clean_env;
use crate::term::{StartUp, Term};
use crate::{Error, Idle, Measured, Options, Press, REPEAT, RunResult, idle, line, ms, spread};
use portable_pty::CommandBuilder;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Commits in the repository tig browses.
const COMMITS: u32 = 200;
/// The Down arrow in normal cursor mode (ESC O B in application cursor mode).
const DOWN_ARROW: &[u8] = b"\x1b[B";
/// The fictional author of every commit.
const AUTHOR: &str = "Bench Peer <bench.peer@example.invalid>";

/// One peer program: how to start it, how to tell its first frame, and its Down key.
struct Peer {
    name: &'static str,
    /// What the first frame is taken to be, for the table.
    first_frame: &'static str,
    /// The Down key, as typed and as named in the table.
    down: (&'static [u8], &'static str),
    command: CommandBuilder,
    shown: fn(&vt100::Screen) -> bool,
}

/// One Down of a held key: time from its write to the first byte after it (`None`: nothing
/// arrived before the next press), and the bytes that arrived before the next press.
struct PeerPress {
    first: Option<Duration>,
    bytes: usize,
}

struct PeerRun {
    start: StartUp,
    presses: Vec<PeerPress>,
    idle: Idle,
    rss: u64,
}

/// A peer's runs, for the table.
pub(crate) struct PeerResults {
    name: &'static str,
    first_frame: &'static str,
    down: &'static str,
    runs: Vec<PeerRun>,
}

/// Measures every peer `options.runs` times (after one warm-up start each), `presses` Downs a run.
pub(crate) fn measure(options: &Options, presses: usize) -> Result<Vec<PeerResults>, Error> {
    let dir = tempfile::Builder::new()
        .prefix("pty-bench-peers-")
        .tempdir()?;
    let home = dir.path().join("home");
    std::fs::create_dir(&home)?;
    let repo = make_repository(dir.path(), &home)?;
    let mut all = Vec::new();
    for peer in [tig(&repo, &home), htop(&home)] {
        let name = peer.name;
        require(name)?;
        let mut warm = Term::spawn_command(name, peer.command.clone(), options.size)?;
        let start = warm.start_up_when(peer.shown)?;
        warm.quit()?;
        eprintln!(
            "{name}: warm-up run: first frame {:.0} ms",
            ms(start.frame.1)
        );
        let mut runs = Vec::new();
        for run in 1..=options.runs {
            eprintln!("{name}: run {run} of {}", options.runs);
            runs.push(one_run(&peer, options, presses)?);
        }
        all.push(PeerResults {
            name,
            first_frame: peer.first_frame,
            down: peer.down.1,
            runs,
        });
    }
    Ok(all)
}

/// Fails with a clear message when a peer is not installed.
fn require(name: &str) -> Result<(), Error> {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()));
    if found {
        Ok(())
    } else {
        Err(format!("--peers: {name} is not installed (not on PATH)").into())
    }
}

fn tig(repo: &Path, home: &Path) -> Peer {
    let mut command = CommandBuilder::new("tig");
    command.cwd(repo);
    clean_env(&mut command, home);
    git_env(&mut command, home);
    Peer {
        name: "tig",
        first_frame: "newest commit shown",
        down: (b"j", "`j`"),
        command,
        shown: |screen| screen.contents().contains(&subject(COMMITS)),
    }
}

fn htop(home: &Path) -> Peer {
    let mut command = CommandBuilder::new("htop");
    command.cwd(home);
    clean_env(&mut command, home);
    Peer {
        name: "htop",
        first_frame: "process list and key bar shown",
        down: (DOWN_ARROW, "Down arrow"),
        command,
        shown: |screen| {
            let (_, cols) = screen.size();
            let footer = screen.rows(0, cols.get()).last().unwrap_or_default();
            screen.contents().contains("PID") && footer.contains("Quit")
        },
    }
}

/// The subject of the n-th commit (the newest is [`COMMITS`]).
fn subject(n: u32) -> String {
    format!("bench commit {n} of {COMMITS}")
}

/// Git without the machine's or the user's configuration.
fn git_env(command: &mut CommandBuilder, home: &Path) {
    command.env("GIT_CONFIG_NOSYSTEM", "1");
    command.env("HOME", home);
}

/// A repository of [`COMMITS`] empty commits an hour apart, made in one `git fast-import`, on a
/// branch `main` that HEAD points to.
fn make_repository(dir: &Path, home: &Path) -> Result<PathBuf, Error> {
    let repo = dir.join("repo");
    let git = |args: &[&str]| {
        let mut command = Command::new("git");
        command
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", home);
        command
    };
    let ok = |status: std::process::ExitStatus, what: &str| {
        if status.success() {
            Ok(())
        } else {
            Err(Error::from(format!("--peers: {what} failed ({status})")))
        }
    };
    ok(git(&["init", "-q", "repo"]).status()?, "git init")?;
    let mut import = git(&["-C", "repo", "fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()?;
    let mut stream = String::new();
    for n in 1..=COMMITS {
        let when = 1_700_000_000 + u64::from(n) * 3600;
        let message = subject(n);
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{n}\ncommitter {AUTHOR} {when} +0000\n\
             data {}\n{message}\n",
            message.len()
        ));
        if n > 1 {
            stream.push_str(&format!("from :{}\n", n - 1));
        }
        stream.push('\n');
    }
    import
        .stdin
        .take()
        .ok_or("git fast-import has no stdin")?
        .write_all(stream.as_bytes())?;
    ok(import.wait()?, "git fast-import")?;
    let head = ["-C", "repo", "symbolic-ref", "HEAD", "refs/heads/main"];
    ok(git(&head).status()?, "git symbolic-ref")?;
    Ok(repo)
}

/// One run of a peer: the first frame, the held Down, the idle period and the peak RSS.
fn one_run(peer: &Peer, options: &Options, presses: usize) -> Result<PeerRun, Error> {
    let mut term = Term::spawn_command(peer.name, peer.command.clone(), options.size)?;
    let start = term.start_up_when(peer.shown)?;
    let row = selection_row(term.screen());
    let key = match peer.down.0 {
        // A terminal sends the arrow as ESC O B once the program has asked for application
        // cursor keys (as htop does, through ncurses' keypad mode), and ncurses only then
        // reads ESC O B as Down.
        DOWN_ARROW if term.screen().application_cursor() => b"\x1bOB",
        key => key,
    };
    let presses = held(&mut term, key, presses)?;
    if peer.name == "tig" {
        let line = format!("commit {} of {COMMITS}", presses.len() + 1);
        term.expect(&line, "tig's held Down did not move down a commit a press")?;
    }
    if peer.name == "htop" {
        let after = selection_row(term.screen());
        if after.is_none() || after <= row {
            return Err("htop's selection bar did not move down on the Down arrow".into());
        }
    }
    let idle = idle(&mut term, Duration::from_secs(options.idle))?;
    let rss = term.peak_rss()?;
    term.quit()?;
    Ok(PeerRun {
        start,
        presses,
        idle,
        rss,
    })
}

/// Sends `key` `count` times, [`REPEAT`] apart, then takes in output until it settles. Press n
/// owns the output that arrived after it was sent and before press n+1 was (the last press,
/// until the output settled).
fn held(term: &mut Term, key: &[u8], count: usize) -> Result<Vec<PeerPress>, Error> {
    let from = term.pty.chunks.len();
    let start = Instant::now();
    let mut sent = Vec::with_capacity(count);
    for i in 0..count {
        term.pump_until(start + REPEAT * u32::try_from(i)?)?;
        sent.push(term.send(key)?);
    }
    term.settle()?;
    let chunks = term.pty.reads_since(from);
    let press = |(i, at): (usize, &Instant)| {
        let next = sent.get(i + 1);
        let mine: Vec<&(Instant, usize)> = chunks
            .iter()
            .filter(|(t, _)| t >= at && next.is_none_or(|next| t < next))
            .collect();
        PeerPress {
            first: mine.first().map(|(t, _)| t.saturating_duration_since(*at)),
            bytes: mine.iter().map(|(_, n)| n).sum(),
        }
    };
    Ok(sent.iter().enumerate().map(press).collect())
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/// The medians the ratios are taken of: first frame (ms), a press's first byte (ms) and bytes,
/// peak RSS (MiB).
struct Medians {
    frame: f64,
    press_ms: f64,
    press_bytes: f64,
    rss: f64,
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn median(values: Vec<f64>) -> f64 {
    spread(values).0
}

/// keywork's medians over every run's presses, marker moves and scrolls together; RSS on its
/// own caseload (before the team view).
fn keywork_medians(results: &[RunResult]) -> Medians {
    let presses: Vec<&Press> = results.iter().flat_map(|r| &r.presses).collect();
    Medians {
        frame: median(results.iter().map(|r| ms(r.start.frame.1)).collect()),
        press_ms: median(presses.iter().filter_map(|p| p.first).map(ms).collect()),
        press_bytes: median(presses.iter().map(|p| p.bytes as f64).collect()),
        rss: median(results.iter().map(|r| mib(r.rss_mine)).collect()),
    }
}

fn peer_medians(peer: &PeerResults) -> Medians {
    let presses: Vec<&PeerPress> = peer.runs.iter().flat_map(|r| &r.presses).collect();
    Medians {
        frame: median(peer.runs.iter().map(|r| ms(r.start.frame.1)).collect()),
        press_ms: median(presses.iter().filter_map(|p| p.first).map(ms).collect()),
        press_bytes: median(presses.iter().map(|p| p.bytes as f64).collect()),
        rss: median(peer.runs.iter().map(|r| mib(r.rss)).collect()),
    }
}

/// One peer's lines of the table, in the columns of keywork's.
fn peer_lines(peer: &PeerResults, options: &Options) -> Vec<String> {
    let runs = &peer.runs;
    let of = |f: &dyn Fn(&PeerRun) -> f64| runs.iter().map(f).collect::<Vec<_>>();
    let name = peer.name;
    let presses: Vec<&PeerPress> = runs.iter().flat_map(|r| &r.presses).collect();
    let answered: Vec<f64> = presses.iter().filter_map(|p| p.first).map(ms).collect();
    let silent = match presses.len() - answered.len() {
        0 => String::new(),
        n => format!(", {n} with no output of their own"),
    };
    vec![
        line(
            &format!("{name}: first frame: {} (ms from spawn)", peer.first_frame),
            of(&|r| ms(r.start.frame.1)),
            of(&|r| r.start.frame.0 as f64),
        ),
        line(
            &format!("{name}: start-up settled (ms from spawn)"),
            of(&|r| ms(r.start.settled.1)),
            of(&|r| r.start.settled.0 as f64),
        ),
        line(
            &format!(
                "{name}: held Down, {} ({} presses{silent}): first byte (ms)",
                peer.down,
                presses.len()
            ),
            answered,
            presses.iter().map(|p| p.bytes as f64).collect(),
        ),
        line(
            &format!("{name}: idle {} s: wake-ups per second", options.idle),
            of(&|r| r.idle.per_second),
            of(&|r| r.idle.bytes as f64),
        ),
        line(
            &format!("{name}: peak RSS (MiB)"),
            of(&|r| mib(r.rss)),
            Vec::new(),
        ),
    ]
}

/// The second table, "peers in the same sitting", and the ratios of keywork's medians to each
/// peer's.
pub(crate) fn table(peers: &[PeerResults], measured: &[Measured], options: &Options) -> String {
    let (cols, rows) = options.size;
    let mut lines = vec![
        format!(
            "peers in the same sitting: the same {cols}x{rows} pseudo-terminal, {} run{} each, \
             after keywork's:",
            options.runs,
            if options.runs == 1 { "" } else { "s" },
        ),
        String::new(),
        "| what | median | min | max | bytes |".to_owned(),
        "|---|---:|---:|---:|---:|".to_owned(),
    ];
    for peer in peers {
        lines.extend(peer_lines(peer, options));
    }
    for keywork in measured {
        lines.push(String::new());
        if let Some(clients) = keywork.clients {
            lines.push(format!("keywork on the service of {clients} clients:"));
            lines.push(String::new());
        }
        lines.extend(ratio_lines(peers, &keywork.runs));
    }
    lines.push(String::new());
    lines.push(format!(
        "- tig: {COMMITS} empty commits in a repository the bench made; htop: its default \
         settings (redraws every 1.5 s of its own accord),\n  showing every process on this \
         machine, so its list differs from run to run.\n\
         - held Down: the same presses a run as keywork's, {} ms apart (htop's Down arrow sent as \
         ESC O B, as a terminal does once a program\n  asks for application cursor keys); a press's bytes are all \
         that arrived after it and before the next\n  (a peer's timer redraw in that window \
         counts too); \"no output of their own\": nothing arrived before the next press\n  \
         (htop writes nothing for a Down on its last process; its list is this machine's processes).\n\
         - RSS: the peer's own process (tig's git child is not counted); keywork's on its own \
         caseload.\n\
         - ratios: keywork's median over the peer's; below 1, keywork is quicker, smaller or \
         writes less. keywork's press\n  figures are over all its presses, marker moves and \
         scrolls together.",
        REPEAT.as_millis(),
    ));
    lines.join("\n")
}

/// One of the [`Medians`].
type Of = fn(&Medians) -> f64;

/// The ratios table: a column a peer.
fn ratio_lines(peers: &[PeerResults], results: &[RunResult]) -> Vec<String> {
    let ours = keywork_medians(results);
    let theirs: Vec<Medians> = peers.iter().map(peer_medians).collect();
    let names: Vec<&str> = peers.iter().map(|p| p.name).collect();
    let mut lines = vec![
        format!("| keywork / peer (medians) | {} |", names.join(" | ")),
        format!("|---|{}", "---:|".repeat(peers.len())),
    ];
    let rows: [(&str, Of); 4] = [
        ("first frame (ms from spawn)", |m| m.frame),
        ("held Down: bytes a press", |m| m.press_bytes),
        ("held Down: first byte (ms)", |m| m.press_ms),
        ("peak RSS (MiB)", |m| m.rss),
    ];
    for (what, of) in rows {
        let cells: Vec<String> = theirs.iter().map(|m| ratio(of(&ours), of(m))).collect();
        lines.push(format!("| {what} | {} |", cells.join(" | ")));
    }
    lines
}

/// `ours / theirs` to two places, with both figures; a dash when the peer's is zero.
fn ratio(ours: f64, theirs: f64) -> String {
    let (a, b) = (figure(ours), figure(theirs));
    if theirs == 0.0 {
        format!("– ({a} / {b})")
    } else {
        format!("{:.2} ({a} / {b})", ours / theirs)
    }
}

/// A figure to enough places that the ratio beside it can be checked: two below 10, else one.
fn figure(value: f64) -> String {
    if value.abs() < 10.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.1}")
    }
}

/// The screen row whose first cell has a cyan background (htop's selection bar), if any.
fn selection_row(screen: &vt100::Screen) -> Option<u16> {
    let (rows, _) = screen.size();
    (0..rows.get()).find(|&row| {
        screen
            .cell(row, 0)
            .is_some_and(|cell| cell.bgcolor() == vt100::Color::Idx(6))
    })
}
