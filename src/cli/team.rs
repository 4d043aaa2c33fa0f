//! Running keywork for a team on one server: `init`, the team list (`worker`), the service's
//! settings (`settings`) and the audit trail (`audit`).

use super::CliError;
use crate::clock::Clock;
use crate::domain::{AuditEntry, Login, Name, Role, Worker, uk_date};
use crate::store::{self, Access, AuditFilter, SettingKey, Store};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The Unix group every worker of the team is in; it owns the database.
    #[arg(long, value_name = "GROUP")]
    pub group: String,
    /// The login of the team's first team lead.
    #[arg(long, value_name = "LOGIN")]
    pub lead: String,
    /// The team lead's name as colleagues know it.
    #[arg(long, allow_hyphen_values = true, value_name = "NAME")]
    pub name: String,
    /// The service's name, shown at the top of every screen.
    #[arg(long, allow_hyphen_values = true, value_name = "NAME")]
    pub service: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum WorkerCommand {
    /// Add a worker: their login on this server, name and role (team lead only; the first
    /// worker on an empty team list becomes its team lead).
    Add(WorkerArgs),
    /// List the team: login, name, role, since when, and when retired.
    List,
    /// Change a worker's role (team lead only).
    Role(RoleArgs),
    /// Retire a worker who has left (team lead only): kept for history and the audit, no longer
    /// able to record; lists their open clients to reassign.
    Retire(RetireArgs),
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The worker's login on this server [default: yours].
    #[arg(long)]
    pub login: Option<String>,
    /// The name colleagues know them by.
    #[arg(long, allow_hyphen_values = true)]
    pub name: String,
    /// key_worker, prescriber, team_lead or read_only (trainers, auditors).
    #[arg(long, default_value = "key_worker")]
    pub role: String,
}

#[derive(Debug, Args)]
pub struct RoleArgs {
    /// The worker's login.
    pub login: String,
    /// key_worker, prescriber, team_lead or read_only.
    pub role: String,
}

#[derive(Debug, Args)]
pub struct RetireArgs {
    /// The worker's login.
    pub login: String,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// The service's review intervals and dose-check limits, and which a team lead has set.
    Show,
    /// Change one (team lead only), e.g. `keywork settings set care_plan 12w`.
    Set(SetArgs),
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// A setting `keywork settings show` lists: care_plan, bbv_retest, methadone_induction,
    /// ecg_methadone...
    pub key: String,
    /// An interval (12w, 6m or 28d) or a dose (30mg), as the setting counts.
    pub value: String,
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum AuditFormat {
    #[default]
    Text,
    Json,
    Csv,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    /// `anchor`: record the chain's head outside the file. Without one, list the trail.
    #[command(subcommand)]
    pub command: Option<super::anchor::AuditCommand>,
    /// One client's trail, by reference (e.g. KW-00042): who viewed and changed the record.
    #[arg(long, value_name = "REF")]
    pub client: Option<String>,
    /// One worker's actions, by login.
    #[arg(long, value_name = "LOGIN")]
    pub worker: Option<String>,
    /// From this date (YYYY-MM-DD) on.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub since: Option<NaiveDate>,
    /// text for reading, json or csv for a script or a spreadsheet.
    #[arg(long, value_enum, default_value_t)]
    pub format: AuditFormat,
}

fn usage(flag: &str, e: impl std::fmt::Display) -> CliError {
    CliError::Usage(format!("{flag}: {e}"))
}

fn say(lines: &[String]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    for line in lines {
        writeln!(out, "{line}").map_err(|source| CliError::Io {
            path: PathBuf::from("stdout"),
            source,
        })?;
    }
    Ok(())
}

pub fn worker(store: &mut Store, command: &WorkerCommand) -> Result<(), CliError> {
    match command {
        WorkerCommand::Add(args) => add_worker(store, args),
        WorkerCommand::List => list_workers(store),
        WorkerCommand::Role(args) => {
            let login = Login::new(args.login.as_str()).map_err(|e| usage("LOGIN", e))?;
            let role: Role = args.role.parse().map_err(|e| usage("ROLE", e))?;
            let change = store.set_role(&login, role)?;
            say(&[format!(
                "{login} is now {} (was {}).",
                change.to.label().to_lowercase(),
                change.from.label().to_lowercase()
            )])
        }
        WorkerCommand::Retire(args) => {
            let login = Login::new(args.login.as_str()).map_err(|e| usage("LOGIN", e))?;
            let open = store.retire(&login)?;
            let mut lines = vec![format!(
                "Retired {login}: kept on the list and in the audit, no longer able to record."
            )];
            if open.is_empty() {
                lines.push("They hold no open clients.".into());
            } else {
                lines.push(format!(
                    "They still hold {} open client{}; give each a new key worker (e on the client, in keywork):",
                    open.len(),
                    if open.len() == 1 { "" } else { "s" }
                ));
                lines.extend(open.iter().map(|(reference, name)| {
                    format!("  {reference}  {}", crate::display::clean(name))
                }));
            }
            say(&lines)
        }
    }
}

fn add_worker(store: &mut Store, args: &WorkerArgs) -> Result<(), CliError> {
    let login = match &args.login {
        Some(login) => Login::new(login.as_str()).map_err(|e| usage("--login", e))?,
        None => store.actor().clone(),
    };
    let worker = Worker {
        display_name: Name::new(args.name.as_str()).map_err(|e| usage("--name", e))?,
        role: args.role.parse().map_err(|e| usage("--role", e))?,
        login,
    };
    let first = !store.has_workers()?;
    let role = store.add_worker(&worker)?;
    let mut line = format!(
        "Added {} ({}) as {}.",
        worker.display_name,
        worker.login,
        role.label().to_lowercase()
    );
    if first {
        line.push_str(
            " The first worker on a team list is always its team lead, so that someone can add \
             the rest of the team.",
        );
    }
    let warning = login_warning(store.path(), &worker.login);
    say(&[Some(line), warning]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>())
}

/// A warning when the login cannot open this database yet: no such account on the server, or,
/// in a team directory (setgid, as `init` makes it), an account outside its group. The worker
/// is added all the same: the account may well be made next.
fn login_warning(db: &Path, login: &Login) -> Option<String> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let Some(user) = nix::unistd::User::from_name(login.as_str()).ok().flatten() else {
        return Some(format!(
            "Warning: there is no login {login} on this server, so they cannot use keywork until \
             an administrator creates it (useradd) and adds it to the database's group."
        ));
    };
    let dir = std::fs::metadata(crate::store::team_files::directory_of(db)).ok()?;
    if dir.permissions().mode() & 0o2000 == 0 {
        return None;
    }
    let group = nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(dir.gid()))
        .ok()
        .flatten()?;
    (!in_group(&user, &group)).then(|| outside_group(login, &group.name))
}

/// Whether `user` is in `group`, as their primary group or a member: only then can they open a
/// database in the group's directory.
fn in_group(user: &nix::unistd::User, group: &nix::unistd::Group) -> bool {
    user.gid == group.gid || group.mem.contains(&user.name)
}

fn outside_group(login: &Login, group: &str) -> String {
    format!(
        "Warning: {login} is not in the group {group}, so cannot open the database: an \
         administrator runs `usermod -aG {group} {login}`, then they log in again."
    )
}

fn list_workers(store: &Store) -> Result<(), CliError> {
    let members = store.members()?;
    if members.is_empty() {
        return say(&[
            "The team list is empty. The first worker added becomes its team lead: \
             keywork worker add --login LOGIN --name \"Their Name\""
                .to_owned(),
        ]);
    }
    let rows: Vec<[String; 5]> = members
        .iter()
        .map(|m| {
            [
                m.worker.login.to_string(),
                crate::display::clean(m.worker.display_name.as_str()).into_owned(),
                m.worker.role.label().to_owned(),
                uk_date(m.since),
                m.retired_on.map(uk_date).unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["Login", "Name", "Role", "Since", "Retired"].map(str::to_owned);
    let mut lines = table(&header, &rows);
    let current = members.iter().filter(|m| m.is_active()).count();
    lines.push(String::new());
    lines.push(format!(
        "{current} current worker{}, {} retired",
        if current == 1 { "" } else { "s" },
        members.len() - current
    ));
    say(&lines)
}

/// Left-aligned columns two spaces apart, padded by display width; every cell through the one
/// filter for control characters, since names and audit details are stored text.
fn table<const N: usize>(header: &[String; N], rows: &[[String; N]]) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let rows: Vec<[String; N]> = rows
        .iter()
        .map(|row| {
            row.clone()
                .map(|cell| crate::display::clean(&cell).into_owned())
        })
        .collect();
    let rows = rows.as_slice();
    let mut widths = header.clone().map(|h| h.width());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    std::iter::once(header)
        .chain(rows)
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.width())))
                .collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect()
}

pub fn settings(store: &mut Store, command: &SettingsCommand) -> Result<(), CliError> {
    match command {
        SettingsCommand::Show => {
            let settings = store.service_settings()?;
            let set = store.settings_set()?;
            let mut lines = vec![];
            let groups = [
                (
                    "Review intervals and prompts for the whole service (the same for every worker):",
                    false,
                ),
                (
                    "Safe-prescribing checks (a dose past a usual limit needs a reason; past a ceiling it is refused):",
                    true,
                ),
            ];
            for (heading, limits) in groups {
                lines.push(heading.to_owned());
                for key in SettingKey::ALL
                    .iter()
                    .filter(|k| k.is_dose_limit() == limits)
                {
                    let by_lead = set.iter().find(|(k, _, _)| k == key.code());
                    let shown = key.get(&settings).code();
                    let source = match by_lead {
                        // Written by another version in a form this one cannot read.
                        Some((_, stored, _)) if key.parse_value(stored).is_err() => {
                            format!("stored value '{stored}' unreadable: default used")
                        }
                        Some((_, _, at)) => format!("set {}", &at[..10]),
                        None => "default".to_owned(),
                    };
                    lines.push(format!(
                        "  {:<24} {:<8} {:<52} ({source})",
                        key.code(),
                        shown,
                        key.meaning()
                    ));
                }
            }
            lines.push(
                "A team lead changes one with: keywork settings set KEY VALUE (intervals 12w, 6m or 28d; doses 30mg)"
                    .into(),
            );
            say(&lines)
        }
        SettingsCommand::Set(args) => {
            let key = SettingKey::parse(&args.key).ok_or_else(|| {
                let known: Vec<&str> = SettingKey::ALL.iter().map(|k| k.code()).collect();
                CliError::Usage(format!(
                    "no setting '{}'; the settings are {}",
                    args.key,
                    known.join(", ")
                ))
            })?;
            let value = store::parse_setting(key, &args.value)?;
            let old = store.set_setting(key, value)?;
            say(&[format!(
                "{} ({}) is now {} for every worker (was {}).",
                key.code(),
                key.meaning(),
                value.code(),
                old.code()
            )])
        }
    }
}

const AUDIT_COLUMNS: &[&str] = &[
    "at",
    "login",
    "action",
    "record_type",
    "record_id",
    "detail",
];

#[derive(Serialize)]
struct AuditLine {
    at: String,
    login: String,
    action: String,
    record_type: String,
    record_id: Option<i64>,
    detail: Option<String>,
}

impl From<&AuditEntry> for AuditLine {
    fn from(e: &AuditEntry) -> Self {
        AuditLine {
            at: e.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            login: e.login.to_string(),
            action: e.action.code().to_owned(),
            record_type: e.record_type.code().to_owned(),
            record_id: e.record_id,
            detail: e.detail.clone(),
        }
    }
}

pub fn audit(store: &Store, args: &AuditArgs) -> Result<(), CliError> {
    let client_id = match &args.client {
        Some(reference) => Some(super::record::client(store, reference)?.0),
        None => None,
    };
    let login = args
        .worker
        .as_deref()
        .map(Login::new)
        .transpose()
        .map_err(|e| usage("--worker", e))?;
    let entries = store.audit_trail(&AuditFilter {
        client_id,
        login: login.clone(),
        since: args.since,
    })?;
    // A mistyped login would otherwise read as "did nothing". A login off the team list that
    // did act (a colleague who has left, an outsider) still has its entries shown.
    if let Some(login) = login
        && entries.is_empty()
        && store.worker_by_login(&login)?.is_none()
        && store
            .audit_trail(&AuditFilter {
                client_id: None,
                login: Some(login.clone()),
                since: None,
            })?
            .is_empty()
    {
        return Err(usage(
            "--worker",
            format!(
                "{login} is not on the team list and has no entries in the audit \
                 (see `keywork worker list`)"
            ),
        ));
    }
    let lines: Vec<AuditLine> = entries.iter().map(AuditLine::from).collect();
    let io = |source| CliError::Io {
        path: PathBuf::from("stdout"),
        source,
    };
    match args.format {
        AuditFormat::Json => {
            let out = serde_json::to_string_pretty(&lines).map_err(|e| io(e.into()))?;
            let out = format!("{}\n", crate::display::json_safe(&out));
            std::io::stdout()
                .lock()
                .write_all(out.as_bytes())
                .map_err(io)
        }
        AuditFormat::Csv => {
            let out = super::output::csv_with_guarded_text(AUDIT_COLUMNS, &lines)
                .map_err(|e| io(std::io::Error::other(e)))?;
            std::io::stdout().lock().write_all(&out).map_err(io)
        }
        AuditFormat::Text => {
            let rows: Vec<[String; 4]> = entries
                .iter()
                .map(|e| {
                    [
                        e.at.format("%d/%m/%Y %H:%M:%S UTC").to_string(),
                        e.login.to_string(),
                        e.action.label().to_owned(),
                        format!(
                            "{} {}{}",
                            e.record_type.label(),
                            e.record_id.map(|id| id.to_string()).unwrap_or_default(),
                            e.detail
                                .as_deref()
                                .map(|d| format!(" ({d})"))
                                .unwrap_or_default()
                        )
                        .trim_end()
                        .to_owned(),
                    ]
                })
                .collect();
            let header = ["When", "Who", "Did", "What"].map(str::to_owned);
            let mut text = table(&header, &rows);
            text.push(format!(
                "{} entr{}",
                rows.len(),
                if rows.len() == 1 { "y" } else { "ies" }
            ));
            say(&text)
        }
    }
}

/// `keywork init`: a new database for a team, shared through a group.
pub fn init(path: &Path, args: &InitArgs, clock: Clock, actor: Login) -> Result<(), CliError> {
    if clock.is_fixed() {
        return Err(store::StoreError::Refused(crate::domain::Refusal::FixedClock).into());
    }
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() || m.len() > 0) {
        return Err(CliError::Usage(format!(
            "{} already exists, so init changed nothing: it only sets up a new team database. \
             Add workers with `keywork worker add`; see the team with `keywork worker list`",
            path.display()
        )));
    }
    let group = nix::unistd::Group::from_name(&args.group)
        .ok()
        .flatten()
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--group: there is no group {} on this server (an administrator creates it with: groupadd {}); nothing was changed",
                args.group, args.group
            ))
        })?;
    let lead = Login::new(args.lead.as_str()).map_err(|e| usage("--lead", e))?;
    let Some(lead_user) = nix::unistd::User::from_name(lead.as_str()).ok().flatten() else {
        return Err(CliError::Usage(format!(
            "--lead: there is no login {lead} on this server; nothing was changed"
        )));
    };
    let lead_outside = (!in_group(&lead_user, &group)).then(|| outside_group(&lead, &args.group));
    let name = Name::new(args.name.as_str()).map_err(|e| usage("--name", e))?;
    let dir = crate::store::team_files::prepare(path, group.gid)?;
    let mut store = Store::open(path, Access::Create, clock, actor)?;
    store.init_team(
        &Worker {
            login: lead.clone(),
            display_name: name.clone(),
            role: Role::TeamLead,
        },
        args.service.as_deref(),
    )?;
    drop(store);
    let absolute = std::path::absolute(path).map_err(|source| CliError::Io {
        path: path.to_owned(),
        source,
    })?;
    let system = crate::config::system_path();
    let installed = crate::config::install_system(&system, &absolute);
    let path = path.display();
    let dir = dir.display();
    let group = &args.group;
    let names_it = matches!(
        installed,
        crate::config::Installed::Written | crate::config::Installed::AlreadyNamed
    );
    let mut lines = vec![
        format!("Set up a team database at {path}."),
        format!(
            "  directory {dir}: group {group}, mode 2770 (setgid, so every file made in it belongs to {group})"
        ),
        format!(
            "  database {path}: group {group}, mode 0660; its -wal and -shm files are made the same way"
        ),
        format!("  team lead: {name} ({lead})"),
        match &args.service {
            Some(service) => format!("  service name: {}", crate::display::clean(service)),
            None => "  service name: not set (the screens show the file's name)".to_owned(),
        },
        system_config_line(&system, &absolute, &installed),
        String::new(),
        "Each worker must:".to_owned(),
        format!(
            "  1. be in the group {group}: an administrator runs `usermod -aG {group} LOGIN`, then they log in again"
        ),
        if names_it {
            format!(
                "  2. nothing more to open this database: {} names it (--db PATH opens another)",
                system.display()
            )
        } else {
            format!(
                "  2. use this database: once the system-wide configuration above is installed, nothing more; \
                 until then pass --db {path}"
            )
        },
        format!(
            "  3. be on the team list: {lead} (the team lead) runs `keywork worker add --login LOGIN --name \"Their Name\" --role key_worker`"
        ),
    ];
    lines.extend(lead_outside);
    if installed == crate::config::Installed::NotRoot {
        lines.push(String::new());
        lines.push(format!(
            "An administrator installs {} (mode 0644), so that every login opens this database \
             (also over `ssh host keywork`, which reads no ~/.profile):",
            system.display()
        ));
        lines.extend(
            crate::config::SystemConfig::render(&absolute)
                .lines()
                .map(|l| format!("  {l}")),
        );
    }
    say(&lines)
}

/// What `init` did about the system-wide configuration, in one line.
fn system_config_line(
    system: &Path,
    database: &Path,
    installed: &crate::config::Installed,
) -> String {
    use crate::config::Installed;
    let system = system.display();
    match installed {
        Installed::Written => format!(
            "  system-wide configuration {system}: names this database, so every login on this \
             server opens it, also over `ssh host keywork`"
        ),
        Installed::AlreadyNamed => {
            format!("  system-wide configuration {system}: already names this database")
        }
        Installed::LeftAlone(why) => format!(
            "  system-wide configuration {system}: left as it was ({why}); to make this database \
             the service's, set in it: database = \"{}\"",
            database.display()
        ),
        Installed::NotRoot => format!(
            "  system-wide configuration {system}: not written (init was not run as root); see below"
        ),
    }
}
