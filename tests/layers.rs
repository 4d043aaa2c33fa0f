//! Imports point down only: every `crate::` and `super::` path in `src/` names a module of its
//! own layer or a lower one, as the layer list in `src/lib.rs` orders them, and no two top-level
//! modules use each other. The list itself must name every module `src/lib.rs` declares. And
//! `src/clock.rs` is the only reader of the wall clock.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layer list from `src/lib.rs`'s doc comment, in order: each "N. [`a`], [`b`]: ..." line
/// gives the modules of layer N (the names are on the numbered line, before its colon). A
/// module listed twice is listed twice here, so the test can refuse it.
fn listed(lib: &str) -> Vec<(String, usize)> {
    let mut listed = Vec::new();
    for line in lib.lines().filter_map(|l| l.strip_prefix("//! ")) {
        let Some((number, rest)) = line.split_once(". ") else {
            continue;
        };
        let Ok(layer) = number.parse::<usize>() else {
            continue;
        };
        let names = rest.split(':').next().unwrap_or("");
        for name in names.split("[`").skip(1) {
            let name = name.split('`').next().unwrap_or("");
            listed.push((name.to_owned(), layer));
        }
    }
    listed
}

fn layers(lib: &str) -> BTreeMap<String, usize> {
    listed(lib).into_iter().collect()
}

/// The modules `src/lib.rs` declares.
fn declared(lib: &str) -> BTreeSet<String> {
    lib.lines()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))
                .map(|m| m.trim_end_matches(';').to_owned())
        })
        .collect()
}

/// The module path of a source file under `src/`: `src/app/record/health.rs` is
/// `["app", "record", "health"]`, a `mod.rs` names its directory.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" {
        parts.push(stem.to_owned());
    }
    parts
}

/// The top-level modules a file's code names, by `crate::x` or by `super::` paths that climb
/// to the crate root.
fn uses(module: &[String], text: &str) -> BTreeSet<String> {
    named_paths(module, &code_of(text))
        .into_iter()
        .filter_map(|path| path.into_iter().next())
        .collect()
}

/// A source file's code as one line: comment lines dropped (a doc comment may mention any
/// module), the rest joined so a `use` group spread over lines reads as one, and the file's
/// unit tests left out (in their inline module `super::` means the file itself).
fn code_of(text: &str) -> String {
    text.split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every breach of the layers in these files (path relative to `src/`, text): a use of a
/// higher layer, or two top-level modules using each other.
fn breaches(files: &[(PathBuf, String)], layers: &BTreeMap<String, usize>) -> Vec<String> {
    let mut found = Vec::new();
    let mut edges: BTreeSet<(String, String)> = BTreeSet::new();
    for (path, text) in files {
        let module = module_path(path);
        let Some(top) = module.first() else { continue };
        let Some(own) = layers.get(top) else { continue };
        for used in uses(&module, text) {
            let Some(theirs) = layers.get(&used) else {
                continue;
            };
            if used == *top {
                continue;
            }
            edges.insert((top.clone(), used.clone()));
            if theirs > own {
                found.push(format!(
                    "src/{}: {top} (layer {own}) uses {used} (layer {theirs})",
                    path.display()
                ));
            }
        }
    }
    for (a, b) in &edges {
        if a < b && edges.contains(&(b.clone(), a.clone())) {
            found.push(format!("{a} and {b} use each other"));
        }
    }
    found
}

fn sources(dir: &Path, root: &Path, out: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read a source file");
            let relative = path.strip_prefix(root).expect("under src").to_path_buf();
            out.push((relative, text));
        }
    }
}

fn lib() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("read src/lib.rs")
}

#[test]
fn the_layer_list_names_every_module_once() {
    let lib = lib();
    let names: Vec<String> = listed(&lib).into_iter().map(|(name, _)| name).collect();
    let once: BTreeSet<String> = names.iter().cloned().collect();
    assert_eq!(names.len(), once.len(), "a module listed twice: {names:?}");
    assert_eq!(
        once,
        declared(&lib),
        "src/lib.rs's layer list and its modules"
    );
}

#[test]
fn imports_point_down_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &root, &mut files);
    assert!(files.len() > 50, "found the sources");
    let found = breaches(&files, &layers(&lib()));
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn a_breach_is_found_however_the_path_is_written() {
    let layers = layers(&lib());
    let file = |path: &str, text: &str| (PathBuf::from(path), text.to_owned());
    let cases = [
        file("domain/review.rs", "use crate::store::Store;"),
        file("store/mod.rs", "use crate::{domain::Client, app::App};"),
        file(
            "export/record.rs",
            "let x = super::super::app::record::lines();",
        ),
        file(
            "app/help.rs",
            "const W: usize = crate::ui::MIN_WIDTH as usize;",
        ),
        file("form/kinds/x.rs", "use super::super::super::tui::run;"),
        file(
            "store/x.rs",
            "use crate::{\n    domain::Client,\n    app::App,\n};",
        ),
        file(
            "store/y.rs",
            "use crate::{domain::{Client, Goal}, ui::{self, draw}};",
        ),
        file(
            "app/z.rs",
            "fn f(a: super::super::tui::T) -> crate::store::Result<()> {}",
        ),
    ];
    for case in &cases {
        assert_eq!(
            breaches(std::slice::from_ref(case), &layers).len(),
            1,
            "{}",
            case.1
        );
    }
    let fine = [
        file(
            "app/record.rs",
            "use crate::export::{version_fields, version_header};",
        ),
        file("app/record.rs", "// see crate::ui::record for the drawing"),
        file(
            "app/record/health.rs",
            "use super::super::Doc; use super::DocLine;",
        ),
        file("ui/mod.rs", "use super::app::App;"),
    ];
    for case in &fine {
        assert_eq!(
            breaches(std::slice::from_ref(case), &layers),
            Vec::<String>::new(),
            "{}",
            case.1
        );
    }
    let mutual = [
        file("export/a.rs", "use crate::form::Form;"),
        file("form/b.rs", "use crate::export::render;"),
    ];
    assert_eq!(
        breaches(&mutual, &layers),
        ["export and form use each other"]
    );
}

/// Where the wall clock may be read: `src/clock.rs` alone, so `--today` governs every date the
/// program computes and the few real instants (audit stamps, anchors, a replica's age) are
/// named for what they are (`clock::wall_now`). Elapsed time (`Instant`) is not the wall clock.
fn wall_clock_readers(files: &[(PathBuf, String)]) -> Vec<String> {
    const READS: &[&str] = &[
        "Utc::now(",
        "Utc::now)",
        "Local::now(",
        "Local::now)",
        "SystemTime::now(",
        "SystemTime::now)",
        "Utc::today(",
        "Local::today(",
    ];
    files
        .iter()
        .filter(|(path, _)| path != Path::new("clock.rs"))
        .flat_map(|(path, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, line)| !line.trim_start().starts_with("//"))
                .filter(|(_, line)| READS.iter().any(|r| line.contains(r)))
                .map(move |(n, _)| format!("src/{}:{}", path.display(), n + 1))
        })
        .collect()
}

#[test]
fn only_the_clock_reads_the_wall_clock() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &root, &mut files);
    assert_eq!(wall_clock_readers(&files), Vec::<String>::new());
    let elsewhere = [(
        PathBuf::from("cli/anchor.rs"),
        "let at = chrono::Utc::now();".to_owned(),
    )];
    assert_eq!(wall_clock_readers(&elsewhere), ["src/cli/anchor.rs:1"]);
    let as_a_function = [(
        PathBuf::from("store/audit.rs"),
        "let at = stamp.unwrap_or_else(Utc::now);".to_owned(),
    )];
    assert_eq!(wall_clock_readers(&as_a_function), ["src/store/audit.rs:1"]);
}

/// The module paths code names after `crate::` or `super::` (resolved from `module`), one per
/// item of a `{...}` group, nested groups included, as far as plain path segments go.
fn named_paths(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = [rest.find("crate::"), rest.find("super::")]
        .into_iter()
        .flatten()
        .min()
    {
        let part_of_a_name = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let mut tail = &rest[at..];
        let base = if let Some(after) = tail.strip_prefix("crate::") {
            tail = after;
            Some(Vec::new())
        } else {
            let mut depth = module.len();
            while let Some(after) = tail.strip_prefix("super::") {
                depth = depth.saturating_sub(1);
                tail = after;
            }
            (depth < module.len()).then(|| module[..depth].to_vec())
        };
        let (paths, after) = path_tree(tail);
        rest = after;
        if part_of_a_name {
            continue;
        }
        let Some(base) = base else { continue };
        for path in paths {
            let mut full = base.clone();
            full.extend(path);
            found.push(full);
        }
    }
    found
}

/// The paths a `use` tree (or a plain path) names: `a::b::{c, d::{e, f}}` gives `a/b/c`,
/// `a/b/d/e` and `a/b/d/f`; `self` adds nothing. Returns them and the text after the tree.
fn path_tree(text: &str) -> (Vec<Vec<String>>, &str) {
    let mut segments = Vec::new();
    let mut rest = text.trim_start();
    loop {
        let ident: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            break;
        }
        rest = &rest[ident.len()..];
        if ident != "self" {
            segments.push(ident);
        }
        match rest.strip_prefix("::") {
            Some(after) => rest = after.trim_start(),
            None => return (vec![segments], rest),
        }
    }
    let Some(mut group) = rest.strip_prefix('{') else {
        return (vec![segments], rest);
    };
    let mut found = Vec::new();
    loop {
        let (items, after) = path_tree(group);
        for item in items {
            let mut full = segments.clone();
            full.extend(item);
            found.push(full);
        }
        // Past anything else in the item (`as name`, `*`) to its comma or the group's end.
        let mut closed = true;
        let mut cut = after.len();
        for (i, c) in after.char_indices() {
            if c == ',' || c == '}' {
                closed = c == '}';
                cut = i + 1;
                break;
            }
        }
        group = &after[cut..];
        if closed || group.is_empty() {
            return (found, group);
        }
    }
}

/// Sibling modules that use each other, directly or round a loop (`a -> b -> c -> a`), named
/// by path: parent and child using each other is Rust's way and not counted.
fn sibling_loops(files: &[(PathBuf, String)]) -> Vec<String> {
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(p, _)| module_path(p)).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (path, text) in files {
        let own = module_path(path);
        {
            for target in named_paths(&own, &code_of(text)) {
                let Some(module) = (1..=target.len())
                    .rev()
                    .map(|n| target[..n].to_vec())
                    .find(|m| modules.contains(m))
                else {
                    continue;
                };
                let shared = own.iter().zip(&module).take_while(|(a, b)| a == b).count();
                if shared < own.len() && shared < module.len() {
                    edges
                        .entry(own[..=shared].to_vec())
                        .or_default()
                        .insert(module[..=shared].to_vec());
                }
            }
        }
    }
    let reaches = |from: &Vec<String>, to: &Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(at) = stack.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                if next == to {
                    return true;
                }
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        false
    };
    let mut loops = BTreeSet::new();
    for (from, tos) in &edges {
        for to in tos {
            if reaches(to, from) {
                let (a, b) = if from < to { (from, to) } else { (to, from) };
                loops.insert(format!("{} <-> {}", a.join("/"), b.join("/")));
            }
        }
    }
    loops.into_iter().collect()
}

#[test]
fn no_two_modules_use_each_other_even_round_a_loop() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &root, &mut files);
    assert_eq!(sibling_loops(&files), Vec::<String>::new());
    let file = |path: &str, text: &str| (PathBuf::from(path), text.to_owned());
    let round = [
        file("store/open.rs", "use super::migrate::run;"),
        file("store/migrate/mod.rs", "use crate::store::audit::chain;"),
        file("store/audit.rs", "use super::{open::Opened, sql};"),
        file("store/sql.rs", ""),
        file("store/mod.rs", "mod open; mod migrate; mod audit;"),
    ];
    assert_eq!(
        sibling_loops(&round),
        [
            "store/audit <-> store/migrate",
            "store/audit <-> store/open",
            "store/migrate <-> store/open"
        ]
    );
    let parent_and_child = [
        file("app/mod.rs", "use record::Doc;"),
        file(
            "app/record.rs",
            "use super::App; use super::state::Question;",
        ),
        file("app/state.rs", "use crate::domain::Client;"),
    ];
    assert_eq!(sibling_loops(&parent_and_child), Vec::<String>::new());
    let nested = [
        file(
            "cli/backup.rs",
            "use super::{restored::{self, contents}, replicate::restore};",
        ),
        file("cli/replicate.rs", "use super::backup::megabytes;"),
        file("cli/restored.rs", ""),
    ];
    assert_eq!(sibling_loops(&nested), ["cli/backup <-> cli/replicate"]);
}

/// What a migration's code names outside its own modules (`store::migrate` and the modules
/// under it), by file. An old migration must mean the same for ever, so it calls no live code:
/// what it needs is frozen beside it. This is also what keeps `store/open -> migrate -> audit ->
/// open` from coming back (a migration calling the audit's code, which uses the store's open).
fn live_code_in_migrations(files: &[(PathBuf, String)]) -> Vec<String> {
    let own = ["store".to_owned(), "migrate".to_owned()];
    let mut found = Vec::new();
    for (path, text) in files {
        let module = module_path(path);
        if !module.starts_with(&own) {
            continue;
        }
        for named in named_paths(&module, &code_of(text)) {
            if !named.starts_with(&own) {
                found.push(format!("src/{}: {}", path.display(), named.join("::")));
            }
        }
    }
    found
}

#[test]
fn migrations_call_no_live_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &root, &mut files);
    assert_eq!(live_code_in_migrations(&files), Vec::<String>::new());
    let file = |path: &str, text: &str| (PathBuf::from(path), text.to_owned());
    let live = [
        file(
            "store/migrate.rs",
            "then: Some((super::audit::chain_old_rows, \"\")),",
        ),
        file(
            "store/migrate/client_summary.rs",
            "use super::super::summary::REBUILD;",
        ),
        file(
            "store/migrate/chained_audit.rs",
            "use crate::domain::audit::chain_hash;",
        ),
        file("store/open.rs", "use super::migrate;"),
    ];
    assert_eq!(
        live_code_in_migrations(&live),
        [
            "src/store/migrate.rs: store::audit::chain_old_rows",
            "src/store/migrate/client_summary.rs: store::summary::REBUILD",
            "src/store/migrate/chained_audit.rs: domain::audit::chain_hash",
        ]
    );
    let frozen = [
        file(
            "store/migrate.rs",
            "then: Some((client_summary::create_triggers, client_summary::REBUILD)),",
        ),
        file(
            "store/migrate/client_summary.rs",
            "//! Frozen from super::super::summary.\nuse super::Step;",
        ),
    ];
    assert_eq!(live_code_in_migrations(&frozen), Vec::<String>::new());
}
