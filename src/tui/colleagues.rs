//! Learning of colleagues' commits without looking every second: a file-change notification
//! (inotify on Linux, through the `notify` crate) on the database's directory wakes the event
//! loop, which then asks SQLite whether anything was committed (`refresh` in the loop).
//!
//! The directory is watched, not the file: a restore puts a new file in its place, and in WAL
//! mode a commit writes `NAME-wal`, which does not exist until the first write. Only the
//! database's own files count (`NAME`, `NAME-wal`, `NAME-journal`); other files beside it, and
//! `NAME-shm` (rewritten as readers come and go, while its commits show in `-wal`), do not. Our
//! own saves wake the loop too; SQLite's data version tells them apart and nothing is redrawn.

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

/// How often to look when no notification can be had: the watcher could not be made (the
/// per-user inotify limit reached, say, or a filesystem that gives no events) and a colleague's
/// save would otherwise never show. Slow, because it costs a wake-up each time on a shared
/// server, and because a colleague's save is rare beside the worker's own keys.
pub const POLL_WITHOUT_NOTIFICATION: Duration = Duration::from_secs(5);

/// After a notification, when to look again, counted from the last one. SQLite writes a commit
/// to `-wal` (the event) before it publishes it in the shared-memory index (which makes no
/// event), with an fsync between; a look at once usually comes too early and sees nothing new
/// (with a first look-again at 40 ms, commit to screen took a median 42 ms; at 10 ms, 12 ms).
/// So the loop looks at once, and again at each of these, then sleeps: the first ones put a
/// colleague's save on screen a few milliseconds after its fsync, the last catch a slow disk. Four
/// wake-ups a burst of saves, none while nothing is saved.
pub const LOOK_AGAIN: [Duration; 4] = [
    Duration::from_millis(10),
    Duration::from_millis(50),
    Duration::from_millis(200),
    Duration::from_secs(1),
];

/// Watches the directory of the database at `path` and calls `changed` (on the watcher's own
/// thread) whenever one of its files may have changed, or the watcher lost count of events.
/// The watcher stops when the returned value is dropped.
pub fn watch(
    path: &Path,
    changed: impl Fn() + Send + 'static,
) -> Result<RecommendedWatcher, notify::Error> {
    // SQLite follows a symbolic link to the real file and keeps `-wal` beside that.
    let real = std::fs::canonicalize(path);
    let path = real.as_deref().unwrap_or(path);
    let name = path
        .file_name()
        .ok_or_else(|| notify::Error::path_not_found().add_path(path.to_owned()))?
        .to_owned();
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => Path::new(".").to_owned(),
    };
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let wake = match event {
            // inotify's queue overflowed and events were lost (notify reports it as a rescan
            // with no paths, not as an error): look, to be sure.
            Ok(event) if event.need_rescan() || event.paths.is_empty() => true,
            Ok(event) => {
                changes_content(&event.kind)
                    && event
                        .paths
                        .iter()
                        .any(|p| p.file_name().is_some_and(|f| is_database_file(&name, f)))
            }
            // The watch failed: look, to be sure.
            Err(_) => true,
        };
        if wake {
            changed();
        }
    })?;
    watcher.watch(&directory, RecursiveMode::NonRecursive)?;
    Ok(watcher)
}

/// Whether `file` is one of the files SQLite keeps for the database named `name`, whose change
/// can mean a commit: the database itself, its write-ahead log, its rollback journal.
pub fn is_database_file(name: &OsStr, file: &OsStr) -> bool {
    use std::os::unix::ffi::OsStrExt;
    // As bytes: a name that is not UTF-8 has its write-ahead log too.
    match file.as_bytes().strip_prefix(name.as_bytes()) {
        Some(suffix) => matches!(suffix, b"" | b"-wal" | b"-journal"),
        None => false,
    }
}

/// Whether an event can mean new content: a write, a file made, removed or renamed into place.
/// Opening, reading and closing a file unwritten do not.
pub fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Any
        | EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Other => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, ModifyKind, RemoveKind, RenameMode};
    use std::sync::mpsc;

    #[test]
    fn only_the_database_its_log_and_its_journal_count() {
        let name = OsStr::new("service.db");
        for file in ["service.db", "service.db-wal", "service.db-journal"] {
            assert!(is_database_file(name, OsStr::new(file)), "{file}");
        }
        for file in [
            "service.db-shm",
            "service.db.bak",
            "service.db-wal.tmp",
            "other.db",
            "other.db-wal",
            "service.d",
            ".service.db.swp",
            "service.db-backup-2026-12-08.db",
        ] {
            assert!(!is_database_file(name, OsStr::new(file)), "{file}");
        }
    }

    #[test]
    fn writes_and_replacements_count_and_reads_do_not() {
        for kind in [
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Create(CreateKind::File),
            EventKind::Remove(RemoveKind::File),
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
        ] {
            assert!(changes_content(&kind), "{kind:?}");
        }
        for kind in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Read),
        ] {
            assert!(!changes_content(&kind), "{kind:?}");
        }
    }

    /// The watcher itself, on a real directory: a write to the database's log calls back, a
    /// file beside it does not.
    #[test]
    fn a_write_to_the_log_calls_back_and_a_neighbour_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("service.db");
        std::fs::write(&db, b"").unwrap();
        let (tx, rx) = mpsc::channel();
        let Ok(_watcher) = watch(&db, move || {
            let _ = tx.send(());
        }) else {
            eprintln!("skipped: no file-change notification here");
            return;
        };
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        std::fs::write(dir.path().join("service.db-shm"), b"x").unwrap();
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "a neighbour's change called back"
        );
        std::fs::write(dir.path().join("service.db-wal"), b"x").unwrap();
        rx.recv_timeout(Duration::from_secs(10))
            .expect("a write to the log calls back");
    }

    /// Opened through a symbolic link, the database's log is beside the real file: that
    /// directory is the one watched.
    #[test]
    fn through_a_link_the_real_files_directory_is_watched() {
        let real = tempfile::tempdir().unwrap();
        let links = tempfile::tempdir().unwrap();
        let db = real.path().join("team.db");
        std::fs::write(&db, b"").unwrap();
        let link = links.path().join("team.db");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        let (tx, rx) = mpsc::channel();
        let Ok(_watcher) = watch(&link, move || {
            let _ = tx.send(());
        }) else {
            eprintln!("skipped: no file-change notification here");
            return;
        };
        std::fs::write(real.path().join("team.db-wal"), b"x").unwrap();
        rx.recv_timeout(Duration::from_secs(10))
            .expect("a write to the real file's log calls back");
    }
}
