//! For trainers and newcomers: the demo run, scenario clients listed, `generate` (with `--as`
//! and `--reset`) and its progress, and the manual page.

use super::{Cli, CliError, GenerateArgs, progress};
use crate::clock::Clock;
use crate::demo::{self, Plan, Trainer};
use crate::display::clean;
use crate::domain::{Login, Name};
use crate::store::{Access, Store, StoreError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `keywork generate`: a new service, or with `--reset` the old one made again.
pub(super) fn generate(
    path: &Path,
    args: &GenerateArgs,
    clock: Clock,
    actor: Login,
) -> Result<(), CliError> {
    let key_worker = args
        .as_login
        .as_deref()
        .map(|login| demo_trainer(login, args.as_name.as_deref()))
        .transpose()?;
    survive_file_size_limit();
    let plan = Plan {
        clients: args.clients,
        years: args.years,
        seed: args.seed,
    };
    if args.reset {
        reset(path, clock, actor, plan)
    } else {
        generate_new(path, clock, actor, plan, key_worker.as_ref())
    }
}

/// Runs `f` on a freshly generated demo service in a private directory that disappears
/// afterwards, with the database's -wal and -shm: every `--demo` starts from the scenario data.
pub(super) fn with_demo(
    clock: Clock,
    actor: Login,
    f: impl FnOnce(&mut Store) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let dir = tempfile::Builder::new()
        .prefix("keywork-demo-")
        .tempdir()
        .map_err(|source| CliError::Io {
            path: std::env::temp_dir(),
            source,
        })?;
    let mut store = Store::open(&dir.path().join("demo.db"), Access::Create, clock, actor)?;
    demo::generate(&mut store, Plan::default())?;
    f(&mut store)
}

/// The scenario clients of a generated database, one a line, to standard output.
pub(super) fn list_scenarios(store: &Store) -> Result<(), CliError> {
    let scenarios = store.scenarios()?;
    if scenarios.is_empty() || !store.is_demo()? {
        return Err(CliError::Usage(format!(
            "{} has no scenario clients: only `keywork generate` and --demo make them",
            store.path().display()
        )));
    }
    let mut out =
        String::from("Scenario clients (fictional), on the demo key worker's caseload:\n");
    for s in scenarios {
        // Stored text, which anyone with sqlite3 can change: through the one filter.
        let (name, story) = (clean(&s.name), clean(&s.story));
        let who = format!("{:>2}  {}  {:<16}", s.number, s.reference, name);
        // At 80 columns a long story goes under the name rather than off the edge.
        if who.chars().count() + 2 + story.chars().count() <= 80 {
            out.push_str(&format!("{who}  {story}\n"));
        } else {
            out.push_str(&format!("{}\n      {story}\n", who.trim_end()));
        }
    }
    print_out(&out)
}

/// Writes `text` to standard output; a reader that stops early (`| head`) is no error
/// (`cli::main` decides that for every command).
pub(super) fn print_out(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| CliError::Io {
            path: PathBuf::from("stdout"),
            source,
        })
}

/// The manual page, from the same clap definition as `--help`, for any machine: the closing
/// lines name the default paths in general terms rather than this machine's.
pub(super) fn man() -> Result<(), CliError> {
    let command = <Cli as clap::CommandFactory>::command().after_help(format!(
        "Database: --db, else KEYWORK_DB, else the platform data directory \
         (e.g. ~/.local/share/keywork/keywork.db). Settings: --config, else KEYWORK_CONFIG, else \
         the platform config directory (e.g. ~/.config/keywork/config.toml). `keywork --help` \
         shows the paths resolved on this machine.\n\n{}",
        demo::scenario::help_lines().trim_end()
    ));
    // `-h` leaves some options out for brevity; the manual describes every one.
    let command = every_help_shown(command);
    let mut page = Vec::new();
    let rendered = clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .and_then(|()| render_subcommands(&command, &mut page));
    rendered.map_err(|source| CliError::Io {
        path: PathBuf::from("stdout"),
        source,
    })?;
    print_out(&String::from_utf8_lossy(&page))
}

/// The command with every option's help shown, its subcommands' too: clap_mangen leaves an
/// option hidden from `-h` (`hide_short_help`) without its description.
fn every_help_shown(command: clap::Command) -> clap::Command {
    command
        .mut_args(|arg| arg.hide_short_help(false))
        .mut_subcommands(every_help_shown)
}

/// One section per subcommand, and one per subcommand of those (`keywork session add`,
/// `keywork report reviews`), each with its own options, after the main page.
fn render_subcommands(command: &clap::Command, page: &mut Vec<u8>) -> std::io::Result<()> {
    render_subcommands_of(command, "keywork", page)
}

fn render_subcommands_of(
    command: &clap::Command,
    parent: &str,
    page: &mut Vec<u8>,
) -> std::io::Result<()> {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("{parent} {}", sub.get_name());
        writeln!(page, ".SH \"{}\"", name.to_uppercase())?;
        let man = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
        man.render_description_section(page)?;
        man.render_synopsis_section(page)?;
        man.render_options_section(page)?;
        render_subcommands_of(sub, &name, page)?;
    }
    Ok(())
}

/// The trainer `generate --as` makes the demo key worker: any valid login but the other demo
/// team members', with the name `--as-name` gives.
fn demo_trainer(login: &str, name: Option<&str>) -> Result<Trainer, CliError> {
    let login = Login::new(login).map_err(|e| CliError::Usage(format!("--as: {e}")))?;
    if demo::is_team_login(&login) {
        return Err(CliError::Usage(format!(
            "--as: {login} is another member of the demo team; give your own login"
        )));
    }
    let name = name
        .map(|name| Name::new(name).map_err(|e| CliError::Usage(format!("--as-name: {e}"))))
        .transpose()?;
    Ok(Trainer { login, name })
}

fn generate_new(
    path: &Path,
    clock: Clock,
    actor: Login,
    plan: Plan,
    key_worker: Option<&Trainer>,
) -> Result<(), CliError> {
    if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0) {
        return Err(StoreError::NotEmpty(path.to_owned()).into());
    }
    // Generated beside the target: its directory must be there, and is never made.
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(StoreError::MissingDirectory {
            path: path.to_owned(),
            dir: dir.to_owned(),
        }
        .into());
    }
    refuse_stale_wal(path)?;
    let started = Instant::now();
    let (counts, placed) = generate_beside(path, clock, actor, plan, key_worker)?;
    println!(
        "Generated a fictional service in {}: {} clients over {} years (seed {}), {} rows in {:.1} s",
        path.display(),
        plan.clients,
        plan.years,
        plan.seed,
        counts.total(),
        started.elapsed().as_secs_f64()
    );
    if placed < demo::scenario::SCENARIOS.len() {
        println!(
            "Only {placed} of the {} scenario clients fit in {} clients: use --clients 13 or more for all.",
            demo::scenario::SCENARIOS.len(),
            plan.clients
        );
    }
    let worker = key_worker.map_or(demo::FIRST_KEY_WORKER, |t| t.login.as_str());
    println!("The scenario clients are on {worker}'s caseload (keywork --db PATH --scenarios).");
    if key_worker.is_none() {
        println!("To record in it as yourself, generate it with --as YOUR-LOGIN.");
    }
    Ok(())
}

/// Generates the service into a new file in a private directory beside `path` and renames it
/// into place only when whole, so a failure part way (a full disk) leaves nothing: a half-made
/// file would pass `check` as real records and make `generate` refuse the path. Returns the
/// counts and the number of scenario clients placed.
fn generate_beside(
    path: &Path,
    clock: Clock,
    actor: Login,
    plan: Plan,
    key_worker: Option<&Trainer>,
) -> Result<(crate::store::Counts, usize), CliError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    let scratch = tempfile::Builder::new()
        .prefix(".keywork-generate-")
        .tempdir_in(dir)
        .map_err(|source| CliError::Io {
            path: dir.to_owned(),
            source,
        })?;
    let fresh = scratch.path().join("fresh.db");
    let failed = |e: CliError| nothing_left(path, e);
    // The store is dropped at the end of this block: closing the only connection folds the WAL
    // into the file and deletes it (SQLite does so on the last close). A -wal left in the
    // private directory would not follow the file, so its absence is checked before the rename.
    let made = {
        let mut store =
            Store::open(&fresh, Access::Create, clock, actor).map_err(|e| failed(e.into()))?;
        fill(&mut store, plan, key_worker).map_err(failed)?;
        (
            store.counts().map_err(|e| failed(e.into()))?,
            store.scenarios().map_err(|e| failed(e.into()))?.len(),
        )
    };
    let wal = crate::store::team_files::sibling(&fresh, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(failed(CliError::Usage(
            "its write-ahead log could not be folded into the file".into(),
        )));
    }
    // Checked again just before: someone may have made the file meanwhile.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() || m.len() > 0) {
        return Err(StoreError::NotEmpty(path.to_owned()).into());
    }
    std::fs::rename(&fresh, path).map_err(|source| {
        failed(CliError::Io {
            path: path.to_owned(),
            source,
        })
    })?;
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(made)
}

/// A write past `ulimit -f` raises SIGXFSZ, which by default kills the process before it can
/// remove its temporary file; handled, the write fails with EFBIG like a full disk's ENOSPC.
fn survive_file_size_limit() {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let _ = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, flag);
}

/// A generate that failed part way, said once with the path and what is left: nothing.
fn nothing_left(path: &Path, e: CliError) -> CliError {
    let why = e.to_string();
    let disk = ["I/O error", "full", "too large"]
        .iter()
        .any(|sign| why.contains(sign));
    CliError::Usage(format!(
        "could not generate {}: {why}; nothing was left{}",
        path.display(),
        if disk {
            " (is the disk full? `df` shows free space)"
        } else {
            ""
        }
    ))
}

/// A `-wal` beside a database that is not there (or empty) is left from an earlier file; SQLite
/// would replay it onto the new one, so it must go first.
fn refuse_stale_wal(path: &Path) -> Result<(), CliError> {
    let wal = crate::store::team_files::sibling(path, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(CliError::Usage(format!(
            "{} is left from an earlier database that is no longer there; remove it (and any \
             {}-shm) and generate again; nothing was changed",
            wal.display(),
            path.display()
        )));
    }
    Ok(())
}

/// Generates the service into an empty store, with a progress bar on a terminal.
fn fill(store: &mut Store, plan: Plan, key_worker: Option<&Trainer>) -> Result<(), CliError> {
    let bar = progress::counting(u64::from(plan.clients), "clients");
    bar.set_message("Generating");
    demo::generate_as(store, plan, key_worker, &mut |n| {
        bar.set_position(u64::from(n))
    })?;
    bar.finish_and_clear();
    Ok(())
}

/// `generate --reset`: makes the service again beside the old file, then puts it in place the
/// way `restore` does (refused while anyone has the file open), so the old file is whole until
/// the new one is.
fn reset(path: &Path, clock: Clock, actor: Login, fallback: Plan) -> Result<(), CliError> {
    if !path.is_file() {
        return Err(CliError::Usage(format!(
            "--reset: there is no database at {} to reset; generate one without --reset",
            path.display()
        )));
    }
    let (plan, key_worker) = {
        let old = Store::open(path, Access::Read, clock, actor.clone())?;
        if !old.is_demo()? {
            return Err(CliError::Usage(format!(
                "--reset: {} holds real records, not generated demo data; nothing was changed",
                path.display()
            )));
        }
        match demo::recipe(&old)? {
            // Made before recipes were kept: the size given now, or the default.
            None => (fallback, None),
            Some(Ok(recipe)) => recipe,
            Some(Err(why)) => {
                return Err(CliError::Usage(format!(
                    "--reset: the recipe kept in {} is damaged ({why}); nothing was changed",
                    path.display()
                )));
            }
        }
    };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let scratch = tempfile::Builder::new()
        .prefix(".keywork-reset-")
        .tempdir_in(dir.unwrap_or(Path::new(".")))
        .map_err(|source| CliError::Io {
            path: path.to_owned(),
            source,
        })?;
    let fresh = scratch.path().join("fresh.db");
    {
        let mut store = Store::open(&fresh, Access::Create, clock, actor.clone())?;
        fill(&mut store, plan, key_worker.as_ref())?;
    }
    let restored = crate::store::backup::restore(&fresh, path, clock, actor)
        .map_err(|source| CliError::Usage(format!("--reset: {source}; nothing was changed")))?;
    // The file it replaced held generated data only: nothing to keep.
    if let Some(aside) = restored.replaced {
        let _ = std::fs::remove_file(&aside);
    }
    println!(
        "Reset {}: the fictional service made again from today ({} clients, seed {}).",
        path.display(),
        plan.clients,
        plan.seed
    );
    Ok(())
}
