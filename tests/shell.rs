//! What a new user of a command-line tool expects: shell completions and a man page, both made
//! from the same clap definition as `--help`, so neither misses a subcommand.

use clap::CommandFactory;
use keywork::cli::Cli;
use std::process::{Command, Output};

fn keywork(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(args)
        .env_remove("KEYWORK_DB")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every subcommand's name, from the definition itself.
fn subcommands() -> Vec<String> {
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    assert!(names.len() > 10, "{names:?}");
    names
}

#[test]
fn completions_for_each_shell_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&keywork(&["completions", shell]));
        for name in subcommands() {
            assert!(script.contains(&name), "{shell} completion lacks {name}");
        }
    }
    let bash = stdout(&keywork(&["completions", "bash"]));
    assert!(bash.contains("complete -F _keywork"), "a bash completion");
}

#[test]
fn completions_refuse_an_unknown_shell() {
    let out = keywork(&["completions", "tcsh"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("tcsh"));
}

#[test]
fn the_man_page_is_roff_naming_every_subcommand_and_no_machine_paths() {
    let page = stdout(&keywork(&["man"]));
    assert!(page.contains(".TH keywork 1"), "a roff page");
    for name in subcommands() {
        assert!(
            page.contains(&format!(".SH \"KEYWORK {}\"", name.to_uppercase())),
            "the man page has a section for {name}"
        );
    }
    assert!(page.contains("KEYWORK_DB"), "says where the database is");
    assert!(page.contains("\\-\\-scenarios"), "the trainer's options");
    let home = std::env::var("HOME").unwrap_or_default();
    assert!(
        home.is_empty() || !page.contains(&home),
        "no path of the machine that made it"
    );
}

/// Every subcommand of a subcommand (`session add`, `report reviews`, `worker add`) has its own
/// section, and no option is listed without a description.
#[test]
fn the_man_page_goes_two_levels_deep_and_describes_every_option() {
    let page = stdout(&keywork(&["man"]));
    let mut nested = 0;
    for sub in Cli::command().get_subcommands() {
        for inner in sub.get_subcommands().filter(|s| !s.is_hide_set()) {
            let heading = format!(
                ".SH \"KEYWORK {} {}\"",
                sub.get_name().to_uppercase(),
                inner.get_name().to_uppercase()
            );
            assert!(page.contains(&heading), "{heading}");
            nested += 1;
        }
    }
    assert!(nested > 10, "{nested} second-level subcommands");
    // An option is `.TP`, its name, then its description: never an empty line.
    let lines: Vec<&str> = page.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if *line == ".TP" {
            let description = lines.get(i + 2).copied().unwrap_or("");
            assert!(
                !description.trim().is_empty() && !description.starts_with('.'),
                "{} has no description",
                lines.get(i + 1).copied().unwrap_or("")
            );
        }
    }
}
