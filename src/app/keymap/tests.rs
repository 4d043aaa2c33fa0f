//! Tests of the key table: one action per key where it applies, help and footer from it, the
//! README's table the same.

use super::*;

/// The key table as Markdown, for the README (a test keeps the two the same).
fn markdown_table() -> String {
    let context = |c: &Context| match c {
        Context::Anywhere => "anywhere".to_owned(),
        Context::Panes => "panes".to_owned(),
        Context::Pane(p) => p.title().to_lowercase(),
        Context::Reader => "record, help".to_owned(),
        Context::Form => "forms".to_owned(),
        Context::Question => "questions".to_owned(),
        Context::Find => "find".to_owned(),
        Context::Filters => "filters".to_owned(),
        Context::Palette => "palette".to_owned(),
        Context::Structure => "plan structure".to_owned(),
        Context::Tour => "tour".to_owned(),
    };
    let mut table = String::from("| Keys | Where | What |\n| --- | --- | --- |\n");
    for b in KEYMAP {
        let wheres: Vec<String> = b.contexts.iter().map(context).collect();
        table.push_str(&format!(
            "| `{}` | {} | {} |\n",
            b.key_names(),
            wheres.join(", "),
            b.help
        ));
    }
    table
}

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn j_and_down_move_down_in_panes_and_reader() {
    for situation in [Situation::Panes(Pane::Caseload), Situation::Reader] {
        assert_eq!(
            action_for(&press(KeyCode::Char('j')), situation),
            Some(Action::Down)
        );
        assert_eq!(
            action_for(&press(KeyCode::Down), situation),
            Some(Action::Down)
        );
    }
}

#[test]
fn sort_key_only_works_in_the_caseload() {
    let o = press(KeyCode::Char('o'));
    assert_eq!(
        action_for(&o, Situation::Panes(Pane::Caseload)),
        Some(Action::CycleSort)
    );
    assert_eq!(action_for(&o, Situation::Panes(Pane::Plan)), None);
}

#[test]
fn ctrl_c_quits_everywhere_in_either_case() {
    for c in ['c', 'C'] {
        let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(action_for(&event, Situation::Reader), Some(Action::Quit));
        assert_eq!(
            action_for(&event, Situation::Panes(Pane::Reviews)),
            Some(Action::Quit)
        );
    }
}

#[test]
fn plain_c_completes_a_review_not_quit() {
    let action = action_for(&press(KeyCode::Char('c')), Situation::Panes(Pane::Reviews));
    assert_eq!(action, Some(Action::CompleteReview));
}

#[test]
fn typing_q_or_question_mark_in_a_form_types_them() {
    for c in ['q', '?', 's', 'j'] {
        assert_eq!(
            action_for(&press(KeyCode::Char(c)), Situation::Form),
            None,
            "{c}"
        );
    }
    assert_eq!(
        action_for(
            &KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
            Situation::Form
        ),
        Some(Action::Save)
    );
    assert_eq!(
        action_for(&press(KeyCode::Esc), Situation::Form),
        Some(Action::Cancel)
    );
}

#[test]
fn key_releases_are_ignored() {
    let mut event = press(KeyCode::Char('q'));
    event.kind = KeyEventKind::Release;
    assert_eq!(action_for(&event, Situation::Reader), None);
}

#[test]
fn no_binding_takes_a_multiplexer_prefix_or_ambiguous_control_key() {
    for binding in KEYMAP {
        for key in binding.keys {
            if key.ctrl {
                assert!(
                    !matches!(key.code, KeyCode::Char('a' | 'b' | 'h' | 'i' | 'm' | 'l')),
                    "{binding:?}"
                );
            }
        }
    }
}

#[test]
fn no_two_bindings_share_a_key_in_the_same_situation() {
    let situations = Pane::ALL.map(Situation::Panes).into_iter().chain([
        Situation::Reader,
        Situation::Form,
        Situation::Question,
        Situation::Find,
        Situation::Filters,
        Situation::Palette,
        Situation::Structure,
        Situation::Tour,
    ]);
    for situation in situations {
        let mut seen = Vec::new();
        for binding in KEYMAP.iter().filter(|b| b.applies(situation)) {
            for key in binding.keys {
                assert!(!seen.contains(key), "{key:?} bound twice in {situation:?}");
                seen.push(*key);
            }
        }
    }
}

#[test]
fn recording_keys_work_from_any_pane() {
    for (c, expected) in [
        ('s', Action::RecordSession),
        ('d', Action::RecordDna),
        ('r', Action::AddReadiness),
        ('a', Action::AddGoal),
        ('n', Action::NewClient),
        ('e', Action::Edit),
    ] {
        for pane in Pane::ALL {
            assert_eq!(
                action_for(&press(KeyCode::Char(c)), Situation::Panes(pane)),
                Some(expected),
                "{c} in {pane:?}"
            );
        }
    }
    assert_eq!(
        action_for(&press(KeyCode::Char('/')), Situation::Panes(Pane::Plan)),
        Some(Action::Find)
    );
}

#[test]
fn footer_hints_follow_the_focused_pane() {
    let caseload: Vec<_> = hints(Situation::Panes(Pane::Caseload))
        .map(|(_, h)| h)
        .collect();
    assert!(caseload.contains(&"sort"));
    let plan: Vec<_> = hints(Situation::Panes(Pane::Plan))
        .map(|(_, h)| h)
        .collect();
    assert!(!plan.contains(&"sort"));
    let reader: Vec<_> = hints(Situation::Reader).map(|(_, h)| h).collect();
    assert!(reader.contains(&"back") && !reader.contains(&"next pane"));
}

#[test]
fn readme_key_table_is_the_keymap() {
    let readme = include_str!("../../../README.md");
    let table = markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's key table differs from the keymap; it should read:\n{table}"
    );
}

#[test]
fn tab_order_cycles_through_all_four_panes() {
    let mut pane = Pane::Caseload;
    for expected in [Pane::Reviews, Pane::Readiness, Pane::Plan, Pane::Caseload] {
        pane = pane.next();
        assert_eq!(pane, expected);
    }
    assert_eq!(Pane::Caseload.previous(), Pane::Plan);
}
