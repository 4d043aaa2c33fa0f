//! `--sizes`: the same measurements on generated services of several sizes, and a table of how
//! each grows with the service (issue 22's growth table).
//!
//! Each size is `keywork generate --clients N --years 5 --seed 42` (the seed and span),
//! made once into the cache directory and reused: generating 30,000 clients takes minutes, and
//! the same file makes the before and after columns comparable. A file is generated under a
//! temporary name and renamed into place only when complete, so an interrupted run leaves no
//! half-made service to be measured next time.

use crate::{Error, Measured, Options, RunResult, measure, ms, spread};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Years of history each generated service has.
const YEARS: u32 = 5;
/// The generator's seed: the same service at each size, run after run.
const SEED: u64 = 42;

/// Measures keywork on the service of each size in `--sizes`, in order.
pub(crate) fn measure_sizes(bin: &Path, options: &Options) -> Result<Vec<Measured>, Error> {
    let mut all = Vec::new();
    for &clients in &options.sizes {
        let db = generated(bin, &options.cache, clients)?;
        eprintln!("--- {clients} clients ({})", db.display());
        println!("\n#### {clients} clients\n");
        let mut measured = measure(bin, &db, options)?;
        measured.clients = Some(clients);
        all.push(measured);
    }
    Ok(all)
}

/// The cached service of `clients` clients, generated first if it is missing.
fn generated(bin: &Path, cache: &Path, clients: u32) -> Result<PathBuf, Error> {
    let name = format!("clients-{clients}-years-{YEARS}-seed-{SEED}.db");
    let db = cache.join(&name);
    if db.is_file() {
        return Ok(db);
    }
    std::fs::create_dir_all(cache)
        .map_err(|e| format!("cannot make the cache directory {}: {e}", cache.display()))?;
    let making = tempfile::Builder::new()
        .prefix("generating-")
        .tempdir_in(cache)?;
    let partial = making.path().join(&name);
    eprintln!(
        "generating {clients} clients into {} (once; it is kept)",
        db.display()
    );
    let status = Command::new(bin)
        .arg("generate")
        .arg("--db")
        .arg(&partial)
        .args(["--clients", &clients.to_string()])
        .args(["--years", &YEARS.to_string()])
        .args(["--seed", &SEED.to_string()])
        .env_remove("KEYWORK_DB")
        .env_remove("KEYWORK_CONFIG")
        .status()?;
    if !status.success() {
        return Err(format!("keywork generate --clients {clients} failed ({status})").into());
    }
    // The generator has closed the file: anything left in a write-ahead log goes with it.
    let wal = |p: &Path| PathBuf::from(format!("{}-wal", p.display()));
    if wal(&partial).is_file() {
        std::fs::rename(wal(&partial), wal(&db))?;
    }
    std::fs::rename(&partial, &db)?;
    Ok(db)
}

/// The growth table: one row a size, the medians of its runs.
pub(crate) fn table(measured: &[Measured], options: &Options) -> String {
    let (cols, rows) = options.size;
    let mut lines = vec![
        format!(
            "How it grows: `keywork generate --clients N --years {YEARS} --seed {SEED}`, a \
             {cols}x{rows} pseudo-terminal, medians of {} runs:",
            options.runs
        ),
        String::new(),
        "| clients | active in the team view | my first frame | team first frame (opening on it) \
         | team / my first frame | `T` to the team (whole team counted) \
         | peak RSS in the team view (after `T`) | held Down while scrolling |"
            .to_owned(),
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |".to_owned(),
    ];
    for m in measured {
        let of = |f: &dyn Fn(&RunResult) -> f64| median(m.runs.iter().map(f).collect());
        let scrolling: Vec<f64> = (m.runs.iter().flat_map(|r| &r.presses))
            .filter(|p| p.scrolled)
            .map(|p| p.bytes as f64)
            .collect();
        let scrolling = if scrolling.is_empty() {
            "– (the caseload fits the screen)".to_owned()
        } else {
            format!("{:.0} B", median(scrolling))
        };
        let (mine, team) = (
            of(&|r| ms(r.start.frame.1)),
            of(&|r| ms(r.team_start.frame.1)),
        );
        lines.push(format!(
            "| {} | {} | {mine:.1} ms | {team:.1} ms | {:.1}x | {:.1} ms | {:.1} MiB | {scrolling} |",
            thousands(m.clients.map_or(0, u64::from)),
            thousands(m.team as u64),
            team / mine,
            of(&|r| ms(r.to_team.shown)),
            of(&|r| r.rss_team as f64 / 1024.0),
        ));
    }
    lines.push(String::new());
    lines.push(
        "- my first frame: the key worker of the largest record's caseload; `T`: from the key \
         to the read that completed the frame\n  whose title counts the whole team; held Down \
         while scrolling: bytes a press once the list scrolls (median over every run's presses)."
            .to_owned(),
    );
    lines.join("\n")
}

fn median(values: Vec<f64>) -> f64 {
    spread(values).0
}

/// 30000 as 30,000.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}
