//! The hazard log (docs/clinical-safety.md, DCB0129's shape) names the tests that prove each
//! control. This reads the log and fails when a named test does not exist, so a test renamed or
//! deleted cannot leave the log pointing at nothing; and when a hazard lacks a part DCB0129 asks
//! for or names no test at all.

use std::path::Path;

const LOG: &str = "docs/clinical-safety.md";

/// Every `path.rs::...::name` in backticks: the file and the test's name.
fn named_tests(text: &str) -> Vec<(String, String)> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|span| {
            let (file, rest) = span.split_once(".rs::")?;
            let name = rest.rsplit("::").next()?;
            let plain = |s: &str| {
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_/".contains(c))
            };
            (plain(file) && plain(rest.replace("::", "/").as_str()) && !name.is_empty())
                .then(|| (format!("{file}.rs"), name.to_owned()))
        })
        .collect()
}

/// Whether `source` declares `fn name` as a test (`#[test]` among the attributes above it).
fn declares_test(source: &str, name: &str) -> bool {
    let lines: Vec<&str> = source.lines().collect();
    lines.iter().enumerate().any(|(i, line)| {
        let line = line.trim_start();
        let declares = line
            .strip_prefix("fn ")
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|rest| rest.starts_with('('));
        declares
            && lines[..i]
                .iter()
                .rev()
                .take_while(|l| {
                    l.trim_start().starts_with("#[") || l.trim_start().starts_with("///")
                })
                .any(|l| l.trim() == "#[test]")
    })
}

/// Why each named test is missing, one line each.
fn missing(text: &str, root: &Path) -> Vec<String> {
    named_tests(text)
        .into_iter()
        .filter_map(
            |(file, name)| match std::fs::read_to_string(root.join(&file)) {
                Err(_) => Some(format!("{file}::{name}: no such file")),
                Ok(source) if !declares_test(&source, &name) => {
                    Some(format!("{file}::{name}: no test of that name in the file"))
                }
                Ok(_) => None,
            },
        )
        .collect()
}

#[test]
fn every_test_the_hazard_log_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(LOG)).expect("the hazard log exists");
    let named = named_tests(&text);
    assert!(
        named.len() >= 40,
        "the log names only {} tests",
        named.len()
    );
    let missing = missing(&text, root);
    assert!(
        missing.is_empty(),
        "{LOG} names tests that do not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_misspelt_or_moved_test_in_the_log_is_caught() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = "`tests/hazard_log.rs::every_test_the_hazard_log_names_exists`, \
                `tests/hazard_log.rs::every_test_the_hazard_log_names_exist`, \
                `tests/clinical_check.rs::every_test_the_hazard_log_names_exists`, \
                `tests/no_such_file.rs::anything`, \
                `tests/hazard_log.rs::named_tests`";
    let missing = missing(text, root);
    assert_eq!(missing.len(), 4, "{missing:?}");
    assert!(missing[0].contains("names_exist: no test"), "{missing:?}");
    assert!(missing[2].contains("no such file"), "{missing:?}");
    // A helper is a function but not a test.
    assert!(missing[3].contains("named_tests: no test"), "{missing:?}");
}

#[test]
fn each_hazard_has_causes_effect_rating_controls_and_named_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(LOG)).expect("the hazard log exists");
    let hazards: Vec<&str> = text.split("\n### ").skip(1).collect();
    assert!(hazards.len() >= 10, "only {} hazards", hazards.len());
    for hazard in hazards {
        let title = hazard.lines().next().unwrap_or_default();
        assert!(title.starts_with("HAZ-"), "{title}");
        for part in [
            "**Causes:**",
            "**Effect:**",
            "**Severity:**",
            "**Likelihood:**",
            "**Risk:**",
            "**Controls:**",
            "**Residual risk:**",
        ] {
            assert!(hazard.contains(part), "{title} has no {part}");
        }
        assert!(!named_tests(hazard).is_empty(), "{title} names no test");
    }
}
