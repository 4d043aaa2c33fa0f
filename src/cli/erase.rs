//! `keywork erase`: the rare lawful erasure of one client's whole record, by a team lead, after
//! the reference is typed back. No message names the client beyond the reference.

use super::CliError;
use crate::domain::ServiceRef;
use crate::store::{Erasure, Store};
use clap::Args;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Debug, Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct EraseArgs {
    /// The client's service reference, e.g. KW-00042.
    #[arg(long, value_name = "REF", required_unless_present = "checkpoint_only")]
    pub client: Option<String>,
    /// Answer the confirmation for a script: the same reference again. Anything else refuses.
    #[arg(long, value_name = "REF", requires = "client")]
    pub confirm: Option<String>,
    /// Only clear the -wal file, after an erasure could not (colleagues were reading): run it
    /// once they have quit keywork.
    #[arg(long, conflicts_with_all = ["client", "confirm"])]
    pub checkpoint_only: bool,
}

const AFTER_HELP: &str = "\
Health records are usually exempt from the right to erasure (UK GDPR Art. 17(3)): discharge is
the normal end of a record. Erase only when the law requires it.

Team lead only. keywork asks for the reference to be typed back; anything else cancels and
changes nothing. In one transaction it deletes the client and every row of their record
(sessions, notes, goals, reviews, TOPs, prescriptions, drafts...) and adds one audit row holding
only the reference, who and when; earlier audit rows (ids only, never names or notes) stay.
Deleted content is zeroed in the database file (secure_delete), then the -wal file is copied in
and truncated so no earlier copy of the record lingers there. That needs a moment with no
colleague reading: keywork waits up to 5 seconds, and if someone is still reading it says so;
run `keywork erase --checkpoint-only` once they have quit keywork. A database replicated with
Litestream (`keywork replicate init`) is always held open by Litestream: stop it for the
--checkpoint-only run, then start it again; its replica keeps the record until its retention
(24 hours) has passed. Backups and exports made before the erasure still hold the record: erase
it from them too.";

pub fn erase(store: &mut Store, args: &EraseArgs) -> Result<(), CliError> {
    let Some(client) = &args.client else {
        return truncate_wal(store);
    };
    let reference =
        ServiceRef::new(client).map_err(|e| CliError::Usage(format!("--client: {e}")))?;
    store.may_erase()?;
    let preview = store
        .erasure_preview(&reference)?
        .ok_or_else(|| no_client(&reference))?;
    confirm(&reference, &preview, args.confirm.as_deref())?;
    let erasure = store
        .erase_client(&reference)?
        .ok_or_else(|| no_client(&reference))?;
    println!(
        "Erased {reference}: {} removed; the audit keeps only the reference, who and when.",
        summary(&erasure)
    );
    truncate_wal(store)
}

fn no_client(reference: &ServiceRef) -> CliError {
    CliError::Usage(format!(
        "--client: no client {reference}; nothing was changed"
    ))
}

/// "1 client, 35 sessions, 4 readiness notes": the kinds of row the record held.
fn summary(erasure: &Erasure) -> String {
    let parts: Vec<String> = erasure
        .removed
        .iter()
        .filter(|r| r.count > 0)
        .map(|r| r.phrase())
        .collect();
    parts.join(", ")
}

/// The reference typed back, from `--confirm` or at the terminal: erasure cannot be undone, so
/// anything but the exact reference stops it.
fn confirm(
    reference: &ServiceRef,
    preview: &Erasure,
    answer: Option<&str>,
) -> Result<(), CliError> {
    let answer = match answer {
        Some(answer) => answer.trim().to_owned(),
        None => ask(reference, preview)?,
    };
    if answer == reference.as_str() {
        return Ok(());
    }
    Err(CliError::Usage(if answer.is_empty() {
        "erasure cancelled; nothing was changed".to_owned()
    } else {
        format!(
            "the confirmation does not match {reference} exactly, so the erasure was cancelled; \
             nothing was changed"
        )
    }))
}

/// Asks on the terminal. Without one (a script, a pipe) there is no one to ask: refused.
fn ask(reference: &ServiceRef, preview: &Erasure) -> Result<String, CliError> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::Usage(format!(
            "erase asks for the reference to be typed at a terminal; from a script pass \
             --confirm {reference}. Nothing was changed"
        )));
    }
    let io = |source| CliError::Io {
        path: "terminal".into(),
        source,
    };
    let mut err = std::io::stderr().lock();
    write!(
        err,
        "Erasing {reference} removes {}; it cannot be undone.\n\
         Type {reference} to erase this client's whole record for good: ",
        summary(preview)
    )
    .and_then(|()| err.flush())
    .map_err(io)?;
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(io)?;
    Ok(line.trim().to_owned())
}

/// Clears the -wal file, or says plainly that a colleague's read stopped it and what to do.
fn truncate_wal(store: &mut Store) -> Result<(), CliError> {
    if store.truncate_wal()? {
        println!("The -wal file is cleared: no earlier copy of the record remains in it.");
        return Ok(());
    }
    if crate::store::replica::leaves_checkpoints_to_litestream(store.path()) {
        return Err(CliError::Usage(LITESTREAM_HOLDS_WAL.to_owned()));
    }
    Err(CliError::Usage(
        "the -wal file could not be cleared because a colleague is reading the database, so an \
         earlier copy of erased pages may remain in it; when colleagues have quit keywork, run: \
         keywork erase --checkpoint-only"
            .to_owned(),
    ))
}

/// Litestream keeps a read open on the database all the time (so SQLite cannot recycle WAL
/// frames it has not copied), so while it runs the WAL can never be truncated.
const LITESTREAM_HOLDS_WAL: &str = "\
the -wal file could not be cleared: the database is replicated with Litestream, which keeps it \
open, so an earlier copy of erased pages may remain in the -wal. Stop Litestream (systemctl stop \
keywork-litestream), run keywork erase --checkpoint-only once colleagues have quit keywork, then \
start Litestream again. The replica keeps earlier copies of the record until its retention has \
passed (24 hours): see README, \"If the server dies\"";
