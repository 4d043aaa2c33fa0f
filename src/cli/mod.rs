//! The command line: parses arguments, opens the store, and runs the chosen command.

// First, so that its `println!` stands in for std's in every command module below.
#[macro_use]
mod stdout;

mod anchor;
mod backup;
mod bbv;
mod check;
mod clients_csv;
mod clinical;
mod database;
mod dose;
mod ecg;
mod encrypted;
mod erase;
mod explain;
mod import;
mod litestream;
mod litestream_service;
mod output;
mod prescription;
mod progress;
mod record;
mod replicate;
mod report;
mod restored;
mod subject_access;
mod teaching;
mod team;
mod tour_file;

use crate::app::{App, Identity, Viewport};
use crate::clock::Clock;
use crate::config::{self, Settings, ThemeName};
use crate::demo::{self, Plan};
use crate::display::JsonSafe;
use crate::domain::Login;
use crate::store::{Access, Store, StoreError};
use crate::tui;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "keywork",
    version,
    about = "Caseload, reviews, readiness and recovery plans for key workers in drug and alcohol services",
    after_help = after_help()
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Explore a freshly generated, fictional service in a temporary file (any --db or
    /// KEYWORK_DB is left alone).
    #[arg(long)]
    pub demo: bool,
    /// With --demo: take the guided tour of the screens, the built-in one or an adapted caption
    /// file (--print-tour gives the built-in one to start from).
    #[arg(long, value_name = "FILE", num_args = 0..=1, requires = "demo")]
    pub tour: Option<Option<PathBuf>>,
    /// Print the built-in tour's caption file, for a trainer to adapt and run with --tour FILE.
    #[arg(long, conflicts_with_all = ["demo", "tour"])]
    pub print_tour: bool,
    /// List the scenario clients and the story each record tells: the demo's with --demo, else
    /// those of the generated database named by --db.
    #[arg(long)]
    pub scenarios: bool,
    #[command(flatten)]
    pub look: LookArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The database file [default: the platform data directory, e.g. ~/.local/share/keywork/keywork.db].
    #[arg(long, env = "KEYWORK_DB", global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Act as if today were this date (YYYY-MM-DD): for tests and training scripts. On a real
    /// (not demo) database it is for reading only: every write is refused.
    #[arg(long, global = true, value_name = "YYYY-MM-DD", hide_short_help = true, value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Look, change nothing: every form and every write command is refused for this run.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Settings file [default: the platform config directory, e.g. ~/.config/keywork/config.toml].
    #[arg(
        long,
        env = "KEYWORK_CONFIG",
        global = true,
        value_name = "FILE",
        hide_short_help = true
    )]
    pub config: Option<PathBuf>,
}

/// Settings for the screen; each overrides the config file.
#[derive(Debug, Args)]
pub struct LookArgs {
    /// Colour theme (NO_COLOR in the environment always means monochrome).
    #[arg(long, value_enum)]
    pub theme: Option<ThemeName>,
    /// Draw borders and symbols with plain ASCII.
    #[arg(long)]
    pub ascii: bool,
    /// Capture the mouse so the wheel scrolls (stops select-to-copy).
    #[arg(long)]
    pub mouse: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a fictional demo service into a new database file.
    Generate(GenerateArgs),
    /// Write every record out (JSON: one object, an array per record type), the clients alone as
    /// CSV in the columns `import` reads, or with --client one client's whole record (a subject
    /// access request), or with --plan their recovery plan.
    Export(ExportArgs),
    /// Add clients from a spreadsheet (CSV) under the client form's rules: all rows or none.
    Import(import::ImportArgs),
    /// Check the database: schema version, integrity, the audit chain, its head and triggers
    /// (and with --anchors, its recorded heads), size, WAL size, file permissions, replication,
    /// row counts; or with --clinical the record's clinical data quality. Exits non-zero on any
    /// problem.
    Check(check::CheckArgs),
    /// Set up a new database for a team sharing one server (run once, by an administrator).
    Init(team::InitArgs),
    /// The service's review intervals, one set for every worker (team leads change them).
    #[command(subcommand)]
    Settings(team::SettingsCommand),
    /// Who viewed and changed what, when (never the text of a note).
    Audit(team::AuditArgs),
    /// Record sessions from the shell or a script.
    #[command(subcommand)]
    Session(record::SessionCommand),
    /// Record readiness-for-change notes from the shell or a script.
    #[command(subcommand)]
    Note(record::NoteCommand),
    /// Start, change or stop a client's OST prescription (prescribers and team leads).
    #[command(subcommand)]
    Prescription(prescription::PrescriptionCommand),
    /// Record the doses a pharmacy reports missed.
    #[command(subcommand)]
    Dose(dose::DoseCommand),
    /// Blood-borne virus tests: record one (taken, declined or its result), list a client's.
    #[command(subcommand)]
    Bbv(bbv::BbvCommand),
    /// Record an ECG (methadone above the service's threshold asks for one each year).
    #[command(subcommand)]
    Ecg(ecg::EcgCommand),
    /// The team list: add, list, change a role, retire.
    #[command(subcommand)]
    Worker(team::WorkerCommand),
    /// Reports (text, JSON or CSV) to standard output or a file: reviews due, open alerts, team
    /// caseloads.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Copy the database to a new file, consistently, while colleagues keep working.
    Backup(backup::BackupArgs),
    /// Put a backup, or with --from-replica a Litestream replica, in place of the database
    /// (refused while anyone has it open).
    Restore(backup::RestoreArgs),
    /// Continuous off-host copies of the database through Litestream.
    #[command(subcommand)]
    Replicate(replicate::ReplicateCommand),
    /// Erase one client's whole record for good (team lead only): the rare lawful erasure under
    /// UK GDPR. Health records are usually exempt; discharge is the normal end of a record.
    Erase(erase::EraseArgs),
    /// Open the screens on one client's record (`keywork open KW-00042`).
    Open(OpenArgs),
    /// Print a shell completion script (see the README for where to put it).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), made from the same definitions as --help:
    /// `keywork man > keywork.1`.
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The client's service reference, e.g. KW-00042.
    pub reference: String,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many clients (the seven scenario clients need 13 or more).
    #[arg(long, default_value_t = Plan::default().clients, value_parser = clap::value_parser!(u32).range(1..=99_999))]
    pub clients: u32,
    /// How many years of history.
    #[arg(long, default_value_t = Plan::default().years, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub years: u32,
    /// Random seed: the same seed on the same day gives the same service.
    #[arg(long, default_value_t = Plan::default().seed)]
    pub seed: u64,
    /// Make LOGIN (e.g. your own account) the demo key worker who holds the scenario clients,
    /// so that you can record in the generated database.
    #[arg(long = "as", value_name = "LOGIN")]
    pub as_login: Option<String>,
    /// The name the header and team list show for the --as login, e.g. "Robin Ash" (without
    /// it, the login itself).
    #[arg(long, value_name = "NAME", requires = "as_login")]
    pub as_name: Option<String>,
    /// Remake an existing generated database as it was first made (same size, seed, --as and
    /// --as-name), dated from today: the scenario data restored. Refused for a real database
    /// and while anyone has it open.
    #[arg(long, conflicts_with_all = ["clients", "years", "seed", "as_login", "as_name"])]
    pub reset: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    /// Markdown, with --client or --plan.
    Md,
    /// One self-contained HTML page for printing on A4, with --client or --plan.
    Html,
    /// The clients only, one row each, in the columns `import` reads.
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// json (every record), csv (the clients), or for one client's record md, html or json.
    #[arg(long, value_enum)]
    pub format: Format,
    /// Write to this new file (owner-only) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// One client's whole record, by service reference: a subject access request.
    #[arg(long, value_name = "REF", conflicts_with = "plan")]
    pub client: Option<String>,
    /// One client's recovery plan alone, by service reference, for them to take home.
    #[arg(long, value_name = "REF")]
    pub plan: Option<String>,
}

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date like 2026-11-23"))
}

/// The help's closing lines: where the database and settings actually are on this machine
/// (after KEYWORK_DB and KEYWORK_CONFIG), and the demo's scenario clients.
fn after_help() -> String {
    let resolved = |env: &str, default: Option<PathBuf>| match std::env::var_os(env) {
        Some(path) if !path.is_empty() => format!("{} (from {env})", Path::new(&path).display()),
        _ => default.map_or_else(
            || "(no home directory)".to_owned(),
            |p| format!("{} (default)", p.display()),
        ),
    };
    format!(
        "Database: {}\nSettings: {}\n\n{}",
        database::choose(
            std::env::var_os("KEYWORK_DB")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
        )
        .map_or_else(|e| e.to_string(), |db| db.describe()),
        resolved("KEYWORK_CONFIG", config::default_path()),
        demo::scenario::help_lines()
    )
}

/// What went wrong, for one line on standard error.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Usage(String),
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Tui(#[from] tui::TuiError),
    #[error(transparent)]
    Output(#[from] output::OutputError),
    #[error(transparent)]
    Restore(#[from] restored::RestoreError),
    #[error("{0}; the tour was not started")]
    Tour(#[from] tour_file::TourFileError),
}

pub fn main() -> ExitCode {
    tui::install_panic_hook();
    let cli = Cli::parse();
    match run(cli) {
        // The output is incomplete (said on standard error when it happened).
        Ok(()) if stdout::failed() => ExitCode::FAILURE,
        Ok(()) => ExitCode::SUCCESS,
        // `keywork ... | head`: the reader has what it wanted; anything written is committed.
        Err(error) if stdout::reader_gone(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("keywork: {error}");
            ExitCode::FAILURE
        }
    }
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let db = database::choose(cli.global.db.clone())
        .ok()
        .map(|db| db.path);
    // SQLite's "database disk image is malformed", "attempt to write a readonly database" and
    // "disk I/O error" become what to do about them.
    run_command(cli).map_err(|e| match (e, db) {
        (CliError::Store(e), Some(path)) => explain::store_error(e.damaged_at(&path), &path),
        (e, _) => stdout::in_words(e),
    })
}

fn run_command(cli: Cli) -> Result<(), CliError> {
    // Files SQLite makes beside a team database (-wal, -shm) must stay group-writable.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o007));
    let clock = cli.global.today.map_or_else(Clock::system, Clock::fixed);
    let actor = current_login()?;
    // Every command reads the config file the same way: a broken one stops them all.
    let settings = settings(&cli.global, &cli.look)?;
    if settings.has_legacy_review_intervals() {
        eprintln!("keywork: note: {}", config::LEGACY_INTERVALS_NOTE);
    }
    let global = &cli.global;
    let open = |access: Access| open_store(global, access, clock, actor.clone());
    if cli.print_tour && cli.command.is_some() {
        return Err(CliError::Usage(
            "--print-tour prints the built-in tour on its own; give it no command".into(),
        ));
    }
    if cli.scenarios {
        return match (&cli.command, cli.demo) {
            (Some(_), _) => Err(CliError::Usage(
                "--scenarios lists scenario clients on its own; give it no command".into(),
            )),
            (None, true) => {
                teaching::with_demo(clock, actor, |store| teaching::list_scenarios(store))
            }
            (None, false) => teaching::list_scenarios(&open(Access::Read)?),
        };
    }
    match cli.command {
        Some(Command::Generate(args)) => {
            let path = cli.global.db.clone().ok_or_else(|| {
                CliError::Usage("generate needs --db PATH for the new file".into())
            })?;
            teaching::generate(&path, &args, clock, actor)
        }
        Some(Command::Completions(args)) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "keywork", &mut script);
            teaching::print_out(&String::from_utf8_lossy(&script))
        }
        Some(Command::Man) => teaching::man(),
        Some(Command::Init(args)) => {
            let path = cli.global.db.clone().ok_or_else(|| {
                CliError::Usage("init needs --db PATH for the team's database".into())
            })?;
            team::init(&path, &args, clock, actor)
        }
        Some(Command::Export(args)) => export(&mut open(Access::Write)?, args),
        Some(Command::Import(args)) => import::import(&mut open(Access::Write)?, &args),
        Some(Command::Session(command)) => record::session(&mut open(Access::Write)?, &command),
        Some(Command::Note(command)) => record::note(&mut open(Access::Write)?, &command),
        Some(Command::Prescription(command)) => {
            prescription::prescription(&mut open(Access::Write)?, &command)
        }
        Some(Command::Dose(command)) => dose::dose(&mut open(Access::Write)?, &command),
        Some(Command::Bbv(command)) => {
            let access = match command {
                bbv::BbvCommand::List(_) => Access::Read,
                bbv::BbvCommand::Result(_) | bbv::BbvCommand::Void(_) => Access::Write,
            };
            bbv::bbv(&mut open(access)?, &command)
        }
        Some(Command::Ecg(command)) => ecg::ecg(&mut open(Access::Write)?, &command),
        Some(Command::Worker(command)) => {
            let access = match command {
                team::WorkerCommand::List => Access::Read,
                _ => Access::Create,
            };
            team::worker(&mut open(access)?, &command)
        }
        Some(Command::Settings(command)) => {
            let access = match command {
                team::SettingsCommand::Show => Access::Read,
                team::SettingsCommand::Set(_) => Access::Write,
            };
            team::settings(&mut open(access)?, &command)
        }
        Some(Command::Audit(args)) => match &args.command {
            Some(anchor::AuditCommand::Anchor(anchor_args)) => {
                anchor::anchor(&open(Access::Read)?, anchor_args)
            }
            None => team::audit(&open(Access::Read)?, &args),
        },
        Some(Command::Report(command)) => report::run(&open(Access::Read)?, &settings, &command),
        Some(Command::Backup(args)) => backup::backup(&open(Access::Read)?, &args),
        Some(Command::Restore(args)) => {
            let db = database::choose(global.db.clone())?;
            db.prepare()?;
            backup::restore(&db.path, &args, global.read_only, clock, actor)
        }
        Some(Command::Replicate(command)) => replicate::replicate(&open(Access::Read)?, &command),
        Some(Command::Check(args)) if args.clinical => clinical::check(&open(Access::Read)?, &args),
        Some(Command::Check(args)) => check::check(&open(Access::Read)?, &args),
        Some(Command::Erase(args)) => erase::erase(&mut open(Access::Write)?, &args),
        Some(Command::Open(args)) => {
            let mut store = open(Access::Create)?;
            // Checked before the screen takes over, so a typo is one line on standard error.
            let client = client_by_reference(&store, &args.reference)?;
            tui::check_terminal(std::env::var("TERM").ok().as_deref())?;
            let login = store.actor().clone();
            open_screen(&mut store, settings, &login, false, Some(client), None)
        }
        None if cli.print_tour => teaching::print_out(crate::app::tour::BUILT_IN),
        None => {
            // Checked first, so a mistake in an adapted tour is one line naming it.
            let tour = cli
                .tour
                .as_ref()
                .map(|file| tour_file::load(file.as_deref()))
                .transpose()?;
            tui::check_terminal(std::env::var("TERM").ok().as_deref())?;
            if cli.demo {
                let read_only = cli.global.read_only;
                teaching::with_demo(clock, actor, |store| {
                    if read_only {
                        store.set_read_only_run();
                    }
                    let persona = Login::new(demo::FIRST_KEY_WORKER).expect("valid demo login");
                    store.act_as(persona.clone());
                    open_screen(store, settings, &persona, true, None, tour)
                })
            } else {
                let mut store = open(Access::Create)?;
                let login = store.actor().clone();
                open_screen(&mut store, settings, &login, false, None, None)
            }
        }
    }
}

/// Opens the database for a command: `--read-only` applied, and a warning on standard error
/// when users outside the database's group can reach it.
fn open_store(
    global: &Global,
    access: Access,
    clock: Clock,
    actor: Login,
) -> Result<Store, CliError> {
    let db = database::choose(global.db.clone())?;
    db.prepare()?;
    let path = db.path.clone();
    let mut store =
        Store::open(&path, db.access(access), clock, actor).map_err(|e| db.explain(e))?;
    if global.read_only {
        store.set_read_only_run();
    }
    if let Some(warning) = crate::store::team_files::outsiders_warning(&path) {
        eprintln!("keywork: {warning}");
    }
    Ok(store)
}

/// The config file, then the command line, then NO_COLOR and the locale, each overriding the one
/// before.
fn settings(global: &Global, look: &LookArgs) -> Result<Settings, CliError> {
    let mut settings = match global.config.clone().or_else(config::default_path) {
        Some(path) => Settings::load(&path)?,
        None => Settings::default(),
    };
    if let Some(theme) = look.theme {
        settings.theme = theme;
    }
    settings.ascii |= look.ascii;
    settings.mouse |= look.mouse;
    Ok(settings
        .honour_no_color(std::env::var_os("NO_COLOR"))
        .honour_locale(|name| std::env::var(name).ok()))
}

/// The id of the client with this reference, or a one-line error naming it.
fn client_by_reference(store: &Store, reference: &str) -> Result<i64, CliError> {
    let reference = crate::domain::ServiceRef::new(reference)
        .map_err(|e| CliError::Usage(format!("open: {e}")))?;
    store
        .client_id_by_reference(&reference)?
        .ok_or_else(|| CliError::Usage(format!("open: no client {reference}")))
}

/// The screens, on the caseload or (`client`) on one client's record.
fn open_screen(
    store: &mut Store,
    settings: Settings,
    login: &Login,
    demo_persona: bool,
    client: Option<i64>,
    tour: Option<crate::app::tour::Script>,
) -> Result<(), CliError> {
    let identity = Identity {
        login: login.to_string(),
        worker: store.worker_by_login(login)?,
        demo_persona,
    };
    let mouse = settings.mouse;
    let mut app = App::new(store, settings, identity, Viewport::default())?;
    if let Some(client) = client {
        app.open_client(client, store)?;
    }
    if let Some(script) = tour {
        app.tour_script = Some(script.clone());
        app.start_tour(script, store)?;
    }
    // Said on standard error too, but the screen covers that: say it here as well.
    if let Some(warning) = crate::store::team_files::outsiders_warning(store.path()) {
        app.message = Some(format!(
            "Warning: {}",
            warning.trim_start_matches("warning: ")
        ));
    }
    tui::run(store, app, mouse)?;
    Ok(())
}

/// The worker is whoever the operating system says is running us: over SSH, the account that SSH
/// authenticated.
fn current_login() -> Result<Login, CliError> {
    let uid = nix::unistd::Uid::current();
    let name = nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map(|user| user.name)
        .ok_or_else(|| CliError::Usage(format!("user id {uid} has no login name")))?;
    Login::new(name).map_err(|e| CliError::Usage(e.to_string()))
}

/// The buffer comes before the JSON filter, so the filter sees a few large writes rather than
/// serde_json's many small ones (a field name, a quote, a comma each): its cost is per write.
fn export_writer<W: std::io::Write>(out: W) -> std::io::BufWriter<JsonSafe<W>> {
    std::io::BufWriter::with_capacity(64 * 1024, JsonSafe::new(out))
}

fn export(store: &mut Store, args: ExportArgs) -> Result<(), CliError> {
    if args.client.is_none() && args.plan.is_none() && matches!(args.format, Format::Csv) {
        return clients_csv::export_csv(store, args.out.as_deref());
    }
    if args.client.is_some() || args.plan.is_some() || !matches!(args.format, Format::Json) {
        return subject_access::export(store, &args);
    }
    // Refused before any output is made, so a refusal is one line and no file.
    if let Some(refusal) = store.refusal()? {
        return Err(StoreError::Refused(refusal).into());
    }
    let bar = progress::working("Exporting the service");
    match args.out {
        None => {
            let stdout = std::io::stdout();
            let mut out = export_writer(stdout.lock());
            store.export_json(&mut out)?;
        }
        Some(path) => output::write_new(&path, "export", |file| {
            let mut out = export_writer(file);
            let written = store.export_json(&mut out);
            written.map_err(|e| store.note_damage(e))
        })?,
    }
    bar.finish_and_clear();
    Ok(())
}
