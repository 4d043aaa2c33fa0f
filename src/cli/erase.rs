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
    /// Only fold erased pages into the database file and clear the -wal file, after an erasure
    /// could not (colleagues or Litestream were reading): run it once they have quit keywork.
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
Deleted content is zeroed (secure_delete), but the zeroed pages go first to the -wal file: until
they are folded into the database file, it still holds the record's pages as they were, and the
-wal file earlier copies. Folding them in and emptying the -wal needs a moment with no colleague
reading: keywork waits up to 5 seconds. If someone is still reading, the erasure stands (exit 0)
and keywork says what is left: run `keywork erase --checkpoint-only` once they have quit keywork
(that run fails, exit 1, while someone still reads). A database replicated with Litestream
(`keywork replicate init`) is always held open by Litestream: stop it for the --checkpoint-only
run, then start it again; its replica keeps the record until its retention (24 hours) has
passed. Backups and exports made before the erasure still hold the record: erase it from them
too.";

pub fn erase(store: &mut Store, args: &EraseArgs) -> Result<(), CliError> {
    let Some(client) = &args.client else {
        return match clear_old_copies(store)? {
            None => Ok(()),
            // The one thing asked for could not be done: a failure, to be run again.
            Some(remaining) => Err(CliError::Usage(remaining)),
        };
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
    // The erasure is committed whatever happens next: a script that took a failure for "not
    // erased" would retry and find no client, so the step left is reported, not failed on.
    match clear_old_copies(store) {
        Ok(None) => {}
        Ok(Some(remaining)) => println!("Still to do: {remaining}"),
        // A checkpoint that fails (a full disk) leaves the erasure committed: say what is left.
        Err(error) => println!(
            "Still to do: the erased pages could not be folded into the database file ({error}):              the database file and its -wal file still hold earlier copies of the record. When              that is fixed, run: keywork erase --checkpoint-only"
        ),
    }
    Ok(())
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

/// Folds the erased (zeroed) pages into the database file and empties the -wal file; `None`
/// when done, else the step left and why, said plainly.
fn clear_old_copies(store: &mut Store) -> Result<Option<String>, CliError> {
    if store.truncate_wal()? {
        println!(
            "The erased pages are folded into the database file and the -wal file is cleared: no \
             earlier copy of the record remains in either."
        );
        return Ok(None);
    }
    if crate::store::replica::leaves_checkpoints_to_litestream(store.path()) {
        return Ok(Some(LITESTREAM_HOLDS_WAL.to_owned()));
    }
    Ok(Some(COLLEAGUE_READING.to_owned()))
}

/// Until a checkpoint can run, the zeroed pages exist only in the -wal, and the database file
/// keeps the pages as they were before the erasure: both hold the record's text.
const COLLEAGUE_READING: &str = "\
a colleague is reading the database, so the erased pages could not be folded in yet: the \
database file and its -wal file still hold earlier copies of the record (names, NHS number, \
notes), though keywork shows it to no one. When colleagues have quit keywork, run: keywork erase \
--checkpoint-only";

/// Litestream keeps a read open on the database all the time (so SQLite cannot recycle WAL
/// frames it has not copied), so while it runs the erased pages cannot be folded in.
const LITESTREAM_HOLDS_WAL: &str = "\
the database is replicated with Litestream, which keeps it open, so the erased pages could not \
be folded in: the database file and its -wal file still hold earlier copies of the record \
(names, NHS number, notes), though keywork shows it to no one. Stop Litestream (systemctl stop \
keywork-litestream), run: keywork erase --checkpoint-only once colleagues have quit keywork, then \
start Litestream again. The replica keeps earlier copies of the record until its retention has \
passed (24 hours): see README, \"If the server dies\"";
