//! The view's four parts laid out as rows: the ladder of the hierarchy of goals, the cycle of
//! the stages of change with the readiness trend, the exit plan, and the tree of domains.

use super::{Ink, Options, Row, STAGE_STEPS_SHOWN, Seg, fill, seg};
use crate::display::width;
use crate::domain::plan_structure::{
    RungStep, STAGE_CYCLE, Trend, goal_in_hand, readiness_trend, rung_history, stage_path,
};
use crate::domain::*;
use crate::store::PlanStructure;
use chrono::NaiveDate;

/// Columns this wide or wider hold the view side by side: the ladder and the cycle on the left,
/// the exit plan and the domains on the right. The screen of a projector (100 columns) does.
pub const TWO_COLUMNS_FROM: usize = 90;
/// The left column's width side by side: the cycle's full stage names fit in it.
const LEFT_WIDTH: usize = 50;
const GAP: usize = 2;
pub fn layout(data: &PlanStructure, o: &Options) -> Vec<(usize, Vec<Row>)> {
    let g = Glyphs::new(o.ascii);
    if o.width >= TWO_COLUMNS_FROM {
        let right = o.width - LEFT_WIDTH - GAP;
        let mut left = Column::new(LEFT_WIDTH, o, &g);
        ladder(&mut left, data);
        cycle(&mut left, data);
        let mut other = Column::new(right, o, &g);
        exit_plan(&mut other, data);
        domains(&mut other, data);
        vec![(LEFT_WIDTH, left.rows), (right, other.rows)]
    } else {
        let mut one = Column::new(o.width.max(30), o, &g);
        ladder(&mut one, data);
        cycle(&mut one, data);
        exit_plan(&mut one, data);
        domains(&mut one, data);
        vec![(one.width, one.rows)]
    }
}

/// The glyphs the figures are drawn with: Unicode, or ASCII with no box-drawing characters.
struct Glyphs {
    rung: &'static str,
    rung_now: &'static str,
    rails: &'static str,
    now: &'static str,
    earlier: &'static str,
    right: &'static str,
    left: &'static str,
    up: &'static str,
    down: &'static str,
    then: &'static str,
    branch: &'static str,
    last: &'static str,
    stem: &'static str,
    gap: &'static str,
    dot: &'static str,
    bars: [&'static str; 9],
}

impl Glyphs {
    fn new(ascii: bool) -> Glyphs {
        if ascii {
            Glyphs {
                rung: "|--|",
                rung_now: "|==|",
                rails: "|  |",
                now: "<= now",
                earlier: "<- earlier",
                right: "->",
                left: "<-",
                up: "^",
                down: "v",
                then: "->",
                branch: "|- ",
                last: "`- ",
                stem: "|  ",
                gap: ".",
                dot: "-",
                bars: ["_", ".", ".", "-", "-", "=", "=", "#", "#"],
            }
        } else {
            Glyphs {
                rung: "╟──╢",
                rung_now: "╠══╣",
                rails: "║  ║",
                now: "◀ now",
                earlier: "◁ earlier",
                right: "─▶",
                left: "◀─",
                up: "▲",
                down: "▼",
                then: "→",
                branch: "├─ ",
                last: "└─ ",
                stem: "│  ",
                gap: "·",
                dot: "·",
                bars: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█", "█"],
            }
        }
    }
}

/// One column being laid out.
struct Column<'a> {
    width: usize,
    rows: Vec<Row>,
    o: &'a Options,
    g: &'a Glyphs,
}

impl<'a> Column<'a> {
    fn new(width: usize, o: &'a Options, g: &'a Glyphs) -> Self {
        Column {
            width,
            rows: Vec::new(),
            o,
            g,
        }
    }

    fn heading(&mut self, text: &str, explanation: &str) {
        if !self.rows.is_empty() {
            self.rows.push(Vec::new());
        }
        self.fill(Vec::new(), Vec::new(), vec![seg(Ink::Heading, text)]);
        if self.o.explain {
            self.fill(
                vec![seg(Ink::Explain, "? ")],
                vec![seg(Ink::Explain, "  ")],
                vec![seg(Ink::Explain, explanation)],
            );
        }
    }

    /// `segs` filled into lines of the column's width, the first after `first`, the rest after
    /// `rest`: words are never cut unless one is wider than a line.
    fn fill(&mut self, first: Row, rest: Row, segs: Row) {
        self.rows.extend(fill(first, rest, segs, self.width));
    }

    fn line(&mut self, segs: Row) {
        self.fill(
            vec![seg(Ink::Text, "  ")],
            vec![seg(Ink::Text, "    ")],
            segs,
        );
    }
}

const LADDER_HELP: &str = "The hierarchy of goals runs from abstinence from all drugs (rung 1) \
    down to reducing the problems drug use brings (rung 6). The client's substance-use goal is \
    marked on its rung, and the rungs it held before are marked earlier, with the day each began. \
    Every rung is a goal worth having; a step up is progress.";
const CYCLE_HELP: &str = "The stages of change go round a cycle: precontemplation, \
    contemplation, preparation, action and maintenance, and a relapse leads back round to begin \
    again. The stage marked is the latest one judged in a readiness note, and the line under it \
    shows how the stage moved. The 'how ready' ruler is drawn oldest to newest; its trend compares \
    the latest score with the one three scored notes before.";
const EXIT_HELP: &str = "The exit plan is how the client means to leave treatment well. It \
    belongs in the plan from the first day, not at the end, so it is shown before the other \
    domains. Where the plan has none, this says so plainly.";
const DOMAINS_HELP: &str = "The plan's goals are grouped by the part of life they are about, \
    each in the client's own words with its status, progress (0-10, agreed in session) and target \
    date; L1 to L6 give a substance-use goal's rung. Under each goal are its actions: the step, \
    who takes it, when it is due, and [x] once done.";

fn ladder(col: &mut Column, data: &PlanStructure) {
    col.heading("Hierarchy of goals: substance use", LADDER_HELP);
    let g = col.g;
    let substance: Vec<&Goal> = data
        .goals
        .iter()
        .map(|(goal, _)| &goal.record)
        .filter(|goal| goal.area.domain() == GoalDomain::SubstanceUse)
        .collect();
    let keys: Vec<(NaiveDate, GoalStatus)> = substance
        .iter()
        .map(|goal| (goal.set_on, goal.status))
        .collect();
    let in_hand = goal_in_hand(&keys).map(|i| substance[i]);
    let now = in_hand.and_then(|goal| goal.area.level());
    let history = rung_history(data.levels_held.clone());
    for level in HierarchyLevel::ALL {
        let is_now = now == Some(*level);
        let earlier = !is_now && history.iter().any(|step| step.level == *level);
        let (rung, ink) = if is_now {
            (g.rung_now, Ink::Current)
        } else {
            (g.rung, Ink::Text)
        };
        let mut words = vec![seg(ink, format!("{} {}", level.number(), level.label()))];
        if is_now {
            words.push(seg(Ink::Current, format!(" {}", g.now)));
        } else if earlier {
            words.push(seg(Ink::Earlier, format!(" {}", g.earlier)));
        }
        col.fill(
            vec![
                seg(Ink::Text, "  "),
                seg(Ink::Frame, rung),
                seg(Ink::Text, " "),
            ],
            vec![
                seg(Ink::Text, "  "),
                seg(Ink::Frame, g.rails),
                seg(Ink::Text, "   "),
            ],
            words,
        );
    }
    match in_hand {
        Some(goal) => col.line(vec![
            seg(Ink::Text, "Now: "),
            seg(Ink::Words, goal.in_own_words.as_str()),
            seg(
                Ink::Muted,
                format!(
                    " ({}, {}/10, set {})",
                    goal.status.label().to_lowercase(),
                    goal.progress.get(),
                    uk_date(goal.set_on)
                ),
            ),
        ]),
        None if substance.is_empty() => col.line(vec![seg(
            Ink::Warn,
            "No substance-use goal in the plan yet, so no rung is marked.",
        )]),
        None => col.line(vec![seg(
            Ink::Warn,
            "Every substance-use goal was dropped, so no rung is marked now.",
        )]),
    }
    col.line(rungs_over_time(&history, g));
}

fn rungs_over_time(history: &[RungStep], g: &Glyphs) -> Row {
    match history {
        [] => vec![seg(Ink::Muted, "No rung held before.")],
        [only] => vec![seg(
            Ink::Muted,
            format!(
                "On rung {} since {}; no earlier rung.",
                only.level.number(),
                uk_date(only.from)
            ),
        )],
        steps => {
            let mut row = vec![seg(Ink::Text, "Over time: ")];
            for (i, step) in steps.iter().enumerate() {
                if i > 0 {
                    row.push(seg(Ink::Frame, format!(" {} ", g.then)));
                }
                row.push(seg(
                    Ink::Text,
                    format!("rung {} from {}", step.level.number(), uk_date(step.from)),
                ));
            }
            row
        }
    }
}

/// The stage names of the cycle's two rows: full when the column has room, short when not.
fn stage_name(stage: Stage, full: bool) -> &'static str {
    if full { stage.label() } else { stage.short() }
}

fn cycle(col: &mut Column, data: &PlanStructure) {
    col.heading("Stage of change and readiness", CYCLE_HELP);
    let g = col.g;
    let latest = data.readiness.last().map(|n| &n.record);
    let current = latest.map(|n| n.stage);
    let [
        pre,
        contemplation,
        preparation,
        action,
        maintenance,
        relapse,
    ] = STAGE_CYCLE;
    let top = [pre, contemplation, preparation];
    let bottom = [relapse, maintenance, action];
    let full = {
        let cells: usize = (0..3)
            .map(|i| width(top[i].label()).max(width(bottom[i].label())) + 2)
            .sum();
        cells + 2 * width(g.right) <= col.width
    };
    let cell_widths: Vec<usize> = (0..3)
        .map(|i| width(stage_name(top[i], full)).max(width(stage_name(bottom[i], full))) + 2)
        .collect();
    let cell = |stage: Stage, w: usize| -> Seg {
        let name = stage_name(stage, full);
        let text = if current == Some(stage) {
            format!("[{name}]")
        } else {
            format!(" {name} ")
        };
        let pad = w - width(&text);
        let ink = if current == Some(stage) {
            Ink::Current
        } else {
            Ink::Text
        };
        seg(
            ink,
            format!("{}{text}{}", " ".repeat(pad / 2), " ".repeat(pad - pad / 2)),
        )
    };
    let drawn = cell_widths.iter().sum::<usize>() + 2 * width(g.right);
    let indent = col.width.saturating_sub(drawn).min(2);
    let arrow_row = |stages: [Stage; 3], arrow: &str| -> Row {
        let mut row = vec![seg(Ink::Text, " ".repeat(indent))];
        for (i, stage) in stages.into_iter().enumerate() {
            if i > 0 {
                row.push(seg(Ink::Frame, arrow));
            }
            row.push(cell(stage, cell_widths[i]));
        }
        row
    };
    col.rows.push(arrow_row(top, g.right));
    let arrow = width(g.right);
    let first_centre = indent + cell_widths[0] / 2;
    let last_centre = indent + cell_widths[0] + cell_widths[1] + 2 * arrow + cell_widths[2] / 2;
    col.rows.push(vec![
        seg(Ink::Text, " ".repeat(first_centre)),
        seg(Ink::Frame, g.up),
        seg(Ink::Text, " ".repeat(last_centre - first_centre - 1)),
        seg(Ink::Frame, g.down),
    ]);
    col.rows.push(arrow_row(bottom, g.left));
    let Some(latest) = latest else {
        col.line(vec![seg(
            Ink::Warn,
            "No stage of change recorded yet: check readiness at the next session.",
        )]);
        return;
    };
    col.line(vec![
        seg(Ink::Text, "Now: "),
        seg(Ink::Current, latest.stage.label()),
        seg(Ink::Muted, format!(", judged {}", uk_date(latest.noted_on))),
    ]);
    let notes: Vec<(NaiveDate, Stage)> = data
        .readiness
        .iter()
        .map(|n| (n.record.noted_on, n.record.stage))
        .collect();
    let path = stage_path(&notes);
    if path.len() > 1 {
        let mut row = vec![seg(Ink::Text, "Over time: ")];
        // The latest moves; how many came before them is said, not drawn.
        let hidden = path.len().saturating_sub(STAGE_STEPS_SHOWN);
        if hidden > 0 {
            row.push(seg(Ink::Muted, format!("({hidden} earlier) ")));
        }
        for (i, (on, stage)) in path[hidden..].iter().enumerate() {
            if i > 0 {
                row.push(seg(Ink::Frame, format!(" {} ", g.then)));
            }
            row.push(seg(
                Ink::Text,
                format!("{} {}", stage.short(), uk_date(*on)),
            ));
        }
        col.line(row);
    }
    readiness_lines(col, data, latest);
}

fn readiness_lines(col: &mut Column, data: &PlanStructure, latest: &ReadinessNote) {
    let g = col.g;
    let scores: Vec<Option<Score>> = data.readiness.iter().map(|n| n.record.readiness).collect();
    // As many of the latest as fit on the line beside its words.
    let room = col.width.saturating_sub(4 + 27).clamp(4, 24);
    let spark: String = scores[scores.len().saturating_sub(room)..]
        .iter()
        .map(|s| match s {
            Some(s) => g.bars[usize::from(s.get()) * 8 / 10],
            None => g.gap,
        })
        .collect();
    col.line(vec![
        seg(Ink::Text, format!("How ready, oldest {} newest: ", g.then)),
        seg(Ink::Good, spark),
    ]);
    let trend = match readiness_trend(&scores) {
        Trend::TooFew => vec![seg(Ink::Muted, "Trend: too few scores yet to show one.")],
        Trend::Rising { from, to, over } => vec![
            seg(Ink::Text, "Trend: "),
            seg(Ink::Good, "rising"),
            seg(
                Ink::Text,
                format!(", {from} to {to} over the last {over} scores"),
            ),
        ],
        Trend::Falling { from, to, over } => vec![
            seg(Ink::Text, "Trend: "),
            seg(Ink::Warn, "falling"),
            seg(
                Ink::Text,
                format!(", {from} to {to} over the last {over} scores"),
            ),
        ],
        Trend::Steady { from, to, over } => vec![
            seg(Ink::Text, "Trend: steady"),
            seg(
                Ink::Text,
                format!(", {from} to {to} over the last {over} scores"),
            ),
        ],
    };
    col.line(trend);
    let s = |score: Option<Score>| score.map_or_else(|| g.dot.to_owned(), |s| s.get().to_string());
    col.line(vec![seg(
        Ink::Muted,
        format!(
            "Latest ruler: importance {}, confidence {}, readiness {}",
            s(latest.importance),
            s(latest.confidence),
            s(latest.readiness)
        ),
    )]);
}

fn exit_plan(col: &mut Column, data: &PlanStructure) {
    col.heading("Exit plan", EXIT_HELP);
    let exits: Vec<&(Stored<Goal>, Vec<Stored<GoalAction>>)> = data
        .goals
        .iter()
        .filter(|(goal, _)| goal.record.area.domain() == GoalDomain::Exit)
        .collect();
    if exits
        .iter()
        .all(|(goal, _)| goal.record.status == GoalStatus::Dropped)
    {
        col.line(vec![
            seg(Ink::Warn, "No exit plan yet."),
            seg(
                Ink::Text,
                " It belongs in the plan from the first day: agree one with the client.",
            ),
        ]);
    }
    let count = exits.len();
    for (i, (goal, actions)) in exits.into_iter().enumerate() {
        goal_branch(col, goal, actions, i + 1 == count, "");
    }
}

fn domains(col: &mut Column, data: &PlanStructure) {
    col.heading("Recovery plan: domains, goals and actions", DOMAINS_HELP);
    let g = col.g;
    let shown: Vec<GoalDomain> = GoalDomain::ALL
        .iter()
        .copied()
        .filter(|d| *d != GoalDomain::Exit)
        .filter(|d| {
            data.goals
                .iter()
                .any(|(goal, _)| goal.record.area.domain() == *d)
        })
        .collect();
    if shown.is_empty() {
        col.line(vec![seg(Ink::Warn, "No goals in this plan yet.")]);
    }
    for (d, domain) in shown.iter().enumerate() {
        let last_domain = d + 1 == shown.len();
        col.rows.push(vec![
            seg(Ink::Frame, if last_domain { g.last } else { g.branch }),
            seg(Ink::Heading, domain.label()),
        ]);
        let stem = if last_domain { "   " } else { g.stem };
        let goals: Vec<_> = data
            .goals
            .iter()
            .filter(|(goal, _)| goal.record.area.domain() == *domain)
            .collect();
        for (i, (goal, actions)) in goals.iter().enumerate() {
            goal_branch(col, goal, actions, i + 1 == goals.len(), stem);
        }
    }
    let empty: Vec<&str> = GoalDomain::ALL
        .iter()
        .filter(|d| **d != GoalDomain::Exit && !shown.contains(d))
        .map(|d| d.label())
        .collect();
    if !empty.is_empty() {
        col.line(vec![seg(
            Ink::Muted,
            format!("No goals yet in: {}.", empty.join("; ")),
        )]);
    }
}

/// One goal as a branch of the tree under `stem`, its status and progress under its words, then
/// its actions as branches of their own.
fn goal_branch(
    col: &mut Column,
    goal: &Stored<Goal>,
    actions: &[Stored<GoalAction>],
    last: bool,
    stem: &str,
) {
    let g = col.g;
    let today = col.o.today;
    let goal = &goal.record;
    let under = format!("{stem}{}", if last { "   " } else { g.stem });
    let level = goal
        .area
        .level()
        .map(|l| format!("L{} ", l.number()))
        .unwrap_or_default();
    let words_ink = match goal.status {
        GoalStatus::Dropped | GoalStatus::Paused => Ink::Muted,
        _ => Ink::Words,
    };
    col.fill(
        vec![seg(
            Ink::Frame,
            format!("{stem}{}", if last { g.last } else { g.branch }),
        )],
        vec![seg(Ink::Frame, under.clone())],
        vec![
            seg(Ink::Text, level),
            seg(words_ink, goal.in_own_words.as_str()),
        ],
    );
    let status_ink = match goal.status {
        GoalStatus::Achieved => Ink::Good,
        GoalStatus::Dropped | GoalStatus::Paused => Ink::Muted,
        _ => Ink::Text,
    };
    let open = matches!(goal.status, GoalStatus::Active | GoalStatus::Proposed);
    let target = match goal.target_date {
        Some(d) if open && d < today => seg(
            Ink::Warn,
            format!(" {} target {} passed", g.dot, uk_date(d)),
        ),
        Some(d) => seg(Ink::Muted, format!(" {} target {}", g.dot, uk_date(d))),
        None => seg(Ink::Muted, format!(" {} no target date", g.dot)),
    };
    let branch_stem = format!("{under}{}", if actions.is_empty() { "   " } else { g.stem });
    col.fill(
        vec![seg(Ink::Frame, branch_stem.clone())],
        vec![seg(Ink::Frame, branch_stem)],
        vec![
            seg(status_ink, goal.status.label()),
            seg(Ink::Text, format!(" {} {}/10", g.dot, goal.progress.get())),
            target,
        ],
    );
    for (i, action) in actions.iter().enumerate() {
        let last_action = i + 1 == actions.len();
        let a = &action.record;
        let mut words = vec![
            seg(Ink::Text, if a.done_on.is_some() { "[x] " } else { "[ ] " }),
            seg(Ink::Text, a.step.as_str()),
            seg(
                Ink::Muted,
                format!(" {} {}", g.dot, a.owner.label().to_lowercase()),
            ),
        ];
        words.push(match (a.due_on, a.done_on) {
            (_, Some(done)) => seg(Ink::Good, format!(" {} done {}", g.dot, uk_date(done))),
            (Some(due), None) if due < today => seg(
                Ink::Warn,
                format!(" {} due {}, overdue", g.dot, uk_date(due)),
            ),
            (Some(due), None) => seg(Ink::Muted, format!(" {} due {}", g.dot, uk_date(due))),
            (None, None) => seg(Ink::Muted, format!(" {} no due date", g.dot)),
        });
        col.fill(
            vec![seg(
                Ink::Frame,
                format!("{under}{}", if last_action { g.last } else { g.branch }),
            )],
            vec![seg(
                Ink::Frame,
                format!("{under}{}    ", if last_action { "   " } else { g.stem }),
            )],
            words,
        );
    }
}
