//! The plan structure view (p): snapshots of demo clients chosen to differ (an exit plan or none,
//! different stages of change, a goal that moved up the hierarchy) at the projector's 100x30 and
//! the smallest 80x24, in colour (with a map of each cell's style) and in monochrome; the ASCII
//! drawing; scrolling that reaches every line; and the `?` explanations.
//!
//! The clock is fixed at 2026-11-23 and the demo service uses seed 42, so the clients are the
//! same on every run. Adding a client is one line in [`CLIENTS`].

#[path = "common/fixture.rs"]
mod fixture;

use fixture::today;
use keywork::app::{Action, App, Identity, Situation};
use keywork::clock::Clock;
use keywork::config::{Settings, ThemeName};
use keywork::demo::{self, Plan};
use keywork::domain::{GoalArea, GoalStatus, HierarchyLevel, Login, ReviewIntervals, ServiceRef};
use keywork::store::{Access, Scope, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Size;
use ratatui::style::{Color, Modifier, Style};
use tempfile::TempDir;

/// The clients shown, by a name for the snapshot and their service reference: showcase clients
/// of the demo (see `src/demo/showcase.rs`), whose plans differ in the ways the view draws.
const CLIENTS: &[(&str, &str)] = &[
    // The seven scenario clients, whose records each tell one story (`keywork --demo --scenarios`).
    ("new_to_ost", "KW-00001"),
    ("planned_exit", "KW-00003"),
    ("recovery", "KW-00005"),
    ("parked_no_exit_plan", "KW-00007"),
    ("relapsed", "KW-00009"),
    ("prison_release", "KW-00011"),
    ("alcohol_family", "KW-00013"),
];

const LARGE: (u16, u16) = (100, 30);
const SMALL: (u16, u16) = (80, 24);

struct Demo {
    _dir: TempDir,
    store: Store,
}

impl Demo {
    fn new() -> Demo {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open_unchecked(
            &dir.path().join("demo.db"),
            Access::Create,
            Clock::fixed(today()),
            Login::new("tester").expect("valid login"),
        )
        .expect("create store");
        demo::generate(&mut store, Plan::default()).expect("generate demo");
        Demo { _dir: dir, store }
    }

    fn app(&self, theme: ThemeName, ascii: bool, (w, h): (u16, u16)) -> App {
        let login = Login::new(demo::FIRST_KEY_WORKER).expect("valid login");
        let identity = Identity {
            login: demo::FIRST_KEY_WORKER.into(),
            worker: self.store.worker_by_login(&login).expect("look up worker"),
            demo_persona: true,
        };
        let settings = Settings {
            theme,
            ascii,
            ..Settings::default()
        };
        let viewport = keywork::ui::viewport(Size::new(w, h));
        App::new(&self.store, settings, identity, viewport).expect("app")
    }

    /// The app with `reference`'s plan structure open, found as a worker would: opened from the
    /// caseload, then p.
    fn structure(
        &mut self,
        reference: &str,
        theme: ThemeName,
        ascii: bool,
        size: (u16, u16),
    ) -> App {
        let mut app = self.app(theme, ascii, size);
        let reference = ServiceRef::new(reference).expect("valid reference");
        let id = self
            .store
            .client_id_by_reference(&reference)
            .expect("look up")
            .expect("the demo has this client");
        app.open_client(id, &mut self.store).expect("open client");
        act(
            &mut app,
            &mut self.store,
            &[Action::Back, Action::PlanStructure],
        );
        assert_eq!(app.situation(), Situation::Structure, "p opens the view");
        assert_eq!(
            app.modal.structure().expect("open").client_id,
            id,
            "{reference}: the view is of the client asked for (an active client of the demo \
             worker), not whichever the caseload selected"
        );
        app
    }
}

fn act(app: &mut App, store: &mut Store, actions: &[Action]) {
    for action in actions {
        app.update(*action, store).expect("update");
    }
}

fn render(app: &App, (w, h): (u16, u16)) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|frame| keywork::ui::view(frame, app))
        .expect("draw");
    terminal
}

/// The screen's rows as text; cells under the right half of a wide character are skipped.
fn rows(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    (area.top()..area.bottom())
        .map(|y| {
            let mut line = String::new();
            let mut skip = 0;
            for x in area.left()..area.right() {
                let symbol = buffer[(x, y)].symbol();
                if skip == 0 {
                    line.push_str(symbol);
                }
                skip = skip.max(keywork::display::width(symbol)).saturating_sub(1);
            }
            line
        })
        .collect()
}

fn describe(style: Style) -> String {
    let colour = |c: Option<Color>| c.map_or_else(|| "-".to_owned(), |c| format!("{c:?}"));
    let mut words = format!("fg {} bg {}", colour(style.fg), colour(style.bg));
    for (flag, name) in [
        (Modifier::BOLD, "bold"),
        (Modifier::ITALIC, "italic"),
        (Modifier::UNDERLINED, "underlined"),
        (Modifier::REVERSED, "reversed"),
    ] {
        if style.add_modifier.contains(flag) {
            words.push(' ');
            words.push_str(name);
        }
    }
    words
}

/// The screen's text, then a map of its styles: one letter a cell, each letter a distinct style
/// named in the legend. Colour, bold and reverse video all show in a snapshot this way.
fn text_and_styles(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut styles: Vec<Style> = Vec::new();
    let mut map = Vec::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for x in area.left()..area.right() {
            let style = buffer[(x, y)].style();
            let index = styles.iter().position(|s| *s == style).unwrap_or_else(|| {
                styles.push(style);
                styles.len() - 1
            });
            let letter = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                .get(index)
                .map_or('?', |b| char::from(*b));
            line.push(letter);
        }
        map.push(line);
    }
    let legend: Vec<String> = styles
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "{}: {}",
                char::from(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[i.min(51)]),
                describe(*s)
            )
        })
        .collect();
    format!(
        "{}\n\nstyles\n{}\n\nlegend\n{}\n",
        rows(buffer).join("\n"),
        map.join("\n"),
        legend.join("\n")
    )
}

fn size_name((w, h): (u16, u16)) -> String {
    format!("{w}x{h}")
}

#[test]
fn plan_structure_of_each_client_matches_snapshots_in_colour_and_monochrome() {
    let mut demo = Demo::new();
    for (name, reference) in CLIENTS {
        for size in [LARGE, SMALL] {
            for (theme, suffix) in [
                (ThemeName::Default, "colour"),
                (ThemeName::Monochrome, "monochrome"),
            ] {
                let app = demo.structure(reference, theme, false, size);
                let terminal = render(&app, size);
                let buffer = terminal.backend().buffer();
                insta::assert_snapshot!(
                    format!("structure_{name}_{}_{suffix}", size_name(size)),
                    text_and_styles(buffer)
                );
                let coloured = buffer
                    .content()
                    .iter()
                    .any(|c| c.fg != Color::Reset || c.bg != Color::Reset);
                assert_eq!(
                    coloured,
                    theme == ThemeName::Default,
                    "{name} {size:?} {suffix}: colour only in the colour theme"
                );
            }
        }
    }
}

/// Every line the view laid out, as text, column by column.
fn laid_out(app: &App) -> Vec<String> {
    let view = app.modal.structure().expect("the view is open");
    view.columns
        .iter()
        .flat_map(|(_, rows)| {
            rows.iter()
                .map(|r| r.iter().map(|s| s.text.as_str()).collect::<String>())
        })
        .collect()
}

#[test]
fn scrolling_to_the_end_shows_every_line_at_80x24_and_100x30() {
    let mut demo = Demo::new();
    for (name, reference) in CLIENTS {
        for size in [SMALL, LARGE] {
            let mut app = demo.structure(reference, ThemeName::Default, false, size);
            let mut seen = String::new();
            // Down one line at a time until it moves no further.
            loop {
                seen.push_str(&rows(render(&app, size).backend().buffer()).join("\n"));
                let before = app.modal.structure().expect("open").scroll;
                act(&mut app, &mut demo.store, &[Action::Down]);
                if app.modal.structure().expect("open").scroll == before {
                    break;
                }
            }
            for line in laid_out(&app) {
                let line = line.trim();
                assert!(
                    seen.contains(line),
                    "{name} at {size:?}: {line:?} was never on screen"
                );
            }
            let view = app.modal.structure().expect("open");
            for (width, rows) in &view.columns {
                for row in rows {
                    let text: String = row.iter().map(|s| s.text.as_str()).collect();
                    assert!(
                        keywork::display::width(&text) <= *width,
                        "{name} at {size:?}: {text:?} is wider than its column ({width})"
                    );
                }
            }
        }
    }
}

#[test]
fn ascii_draws_the_ladder_cycle_and_tree_without_box_drawing() {
    let mut demo = Demo::new();
    for (name, reference) in CLIENTS {
        for size in [SMALL, LARGE] {
            let mut app = demo.structure(reference, ThemeName::Monochrome, true, size);
            for _ in 0..8 {
                let screen = rows(render(&app, size).backend().buffer()).join("\n");
                let not_ascii: String = screen.chars().filter(|c| !c.is_ascii()).collect();
                assert!(
                    not_ascii.is_empty(),
                    "{name} at {size:?}: {not_ascii:?} in ASCII mode:\n{screen}"
                );
                act(&mut app, &mut demo.store, &[Action::PageDown]);
            }
        }
        if *name == "parked_no_exit_plan" {
            let app = demo.structure(reference, ThemeName::Monochrome, true, SMALL);
            insta::assert_snapshot!(
                "structure_parked_no_exit_plan_80x24_ascii",
                rows(render(&app, SMALL).backend().buffer()).join("\n")
            );
        }
    }
}

#[test]
fn a_plan_without_an_exit_goal_says_so_and_one_with_it_shows_it() {
    let mut demo = Demo::new();
    let parked = laid_out(&demo.structure("KW-00007", ThemeName::Default, false, LARGE)).join("\n");
    assert!(parked.contains("No exit plan yet."), "{parked}");
    let recovery =
        laid_out(&demo.structure("KW-00005", ThemeName::Default, false, LARGE)).join("\n");
    assert!(!recovery.contains("No exit plan yet."), "{recovery}");
}

#[test]
fn the_current_rung_and_stage_are_marked_in_monochrome_by_symbols_and_reverse_video() {
    let mut demo = Demo::new();
    let app = demo.structure("KW-00003", ThemeName::Monochrome, false, LARGE);
    let terminal = render(&app, LARGE);
    let buffer = terminal.backend().buffer();
    let screen = rows(buffer);
    let rung = screen
        .iter()
        .position(|r| r.contains("◀ now"))
        .expect("the rung now is marked");
    // A stage name in brackets ("[Action]"), not an action's checkbox ("[x]", "[ ]") in the
    // plan beside the cycle.
    let bracketed = |r: &str| {
        r.match_indices('[')
            .any(|(i, _)| r[i + 1..].starts_with(|c: char| c.is_ascii_uppercase()))
    };
    let stage = screen
        .iter()
        .position(|r| bracketed(r) && r.contains("─▶"))
        .or_else(|| screen.iter().position(|r| bracketed(r) && r.contains("◀─")))
        .expect("the stage now is bracketed in the cycle");
    for y in [rung, stage] {
        let y = u16::try_from(y).expect("row");
        assert!(
            (0..LARGE.0).any(|x| buffer[(x, y)].modifier.contains(Modifier::REVERSED)),
            "row {y} has reverse video:\n{}",
            screen.join("\n")
        );
    }
}

#[test]
fn question_mark_explains_each_part_and_esc_goes_back_to_the_panes() {
    let mut demo = Demo::new();
    let mut app = demo.structure("KW-00010", ThemeName::Default, false, SMALL);
    let before = laid_out(&app).join(" ");
    assert!(!before.contains("The hierarchy of goals runs"));
    act(&mut app, &mut demo.store, &[Action::Explain]);
    let words = laid_out(&app).join(" ");
    for part in [
        "The hierarchy of goals runs",
        "The stages of change go round a cycle",
        "The exit plan is how the client",
        "The plan's goals are grouped",
    ] {
        assert!(words.contains(part), "{part:?} explained");
    }
    act(&mut app, &mut demo.store, &[Action::Explain]);
    assert_eq!(laid_out(&app).join(" "), before, "? again hides them");
    act(&mut app, &mut demo.store, &[Action::Back]);
    assert!(matches!(app.situation(), Situation::Panes(_)));
}

#[test]
fn the_view_follows_a_resize() {
    let mut demo = Demo::new();
    let mut app = demo.structure("KW-00010", ThemeName::Default, false, LARGE);
    assert_eq!(app.modal.structure().expect("open").columns.len(), 2);
    let viewport = keywork::ui::viewport(Size::new(SMALL.0, SMALL.1));
    app.resize(viewport, &demo.store).expect("resize");
    assert_eq!(
        app.modal.structure().expect("open").columns.len(),
        1,
        "one column at 80 wide"
    );
}

#[test]
fn a_goal_moved_up_a_rung_shows_the_rung_it_left_as_earlier_with_the_day_it_moved() {
    let mut demo = Demo::new();
    demo.store
        .act_as(Login::new(demo::FIRST_KEY_WORKER).expect("valid login"));
    // The first client on the demo worker's caseload with a substance-use goal in hand below
    // the top rung, read from the generated file so the test follows the demo's draws.
    let worker = demo
        .store
        .worker_by_login(&Login::new(demo::FIRST_KEY_WORKER).expect("valid login"))
        .expect("look up worker")
        .expect("the demo worker is on the team")
        .id;
    let caseload = demo
        .store
        .caseload(Scope::Worker(worker), &ReviewIntervals::default())
        .expect("caseload");
    let (reference, goal) = caseload
        .iter()
        .find_map(|row| {
            let goal = demo
                .store
                .plan(row.client_id)
                .expect("plan")
                .into_iter()
                .map(|g| g.goal)
                .find(|g| {
                    g.record.status == GoalStatus::Active
                        && g.record.area.level().is_some_and(|l| l.number() > 1)
                })?;
            Some((row.reference.clone(), goal))
        })
        .expect("a client with a substance-use goal that can move up");
    let from = goal.record.area.level().expect("a level");
    let to = HierarchyLevel::from_number(from.number() - 1).expect("a rung above");
    let mut moved = goal.record.clone();
    moved.area = GoalArea::substance_use(to);
    demo.store
        .write(|w| w.update_goal(goal.id, goal.row_version, &moved))
        .expect("move the goal up a rung");

    let app = demo.structure(reference.as_str(), ThemeName::Monochrome, false, SMALL);
    let lines = laid_out(&app);
    let rung = |level: HierarchyLevel| {
        lines
            .iter()
            .find(|l| l.contains(&format!("{} {}", level.number(), level.label())))
            .cloned()
            .expect("every rung is drawn")
    };
    assert!(rung(to).contains("◀ now"), "{lines:#?}");
    assert!(rung(from).contains("◁ earlier"), "{lines:#?}");
    let over_time = lines.join(" ");
    let expected = format!(
        "rung {} from {} → rung {} from 23/11/2026",
        from.number(),
        goal.record.set_on.format("%d/%m/%Y"),
        to.number()
    );
    assert!(
        over_time
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains(&expected),
        "{expected:?} in {lines:#?}"
    );
}

#[test]
fn the_snapshot_table_covers_every_scenario_client() {
    let table: Vec<&str> = CLIENTS.iter().map(|(_, reference)| *reference).collect();
    let scenarios: Vec<String> = demo::scenario::SCENARIOS
        .iter()
        .map(|s| s.reference().to_string())
        .collect();
    assert_eq!(table, scenarios);
}
