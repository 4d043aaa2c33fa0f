//! Scrolling in few bytes: frames sent as a terminal scroll plus the rows it uncovered leave the
//! screen exactly as a full redraw of the same state would. The bytes of each frame, as the
//! running screen sends them (ratatui's diff, rewritten by `keywork::tui::scroll`), are fed to a
//! terminal emulator (vt100) and compared cell for cell, attributes included, with an emulator
//! that was sent the whole screen at once.
//!
//! The demo service (seed 42) seen by its first key worker, the clock fixed at 2026-11-23.

use chrono::NaiveDate;
use keywork::app::{Action, App, Identity};
use keywork::clock::Clock;
use keywork::config::{Settings, ThemeName};
use keywork::demo::{self, Plan};
use keywork::domain::Login;
use keywork::store::{Access, Store};
use keywork::tui::scroll::{Scroller, Sent, diff_bytes};
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::cell::RefCell;
use std::io::Write;
use std::num::NonZeroU16;
use std::rc::Rc;
use tempfile::TempDir;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const THEMES: [ThemeName; 2] = [ThemeName::Default, ThemeName::Monochrome];

struct Demo {
    _dir: TempDir,
    store: Store,
}

impl Demo {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open_unchecked(
            &dir.path().join("demo.db"),
            Access::Create,
            Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")),
            Login::new("tester").expect("valid login"),
        )
        .expect("create store");
        demo::generate(&mut store, Plan::default()).expect("generate demo");
        Self { _dir: dir, store }
    }

    /// The running screen's app: the lower panes wait for a pause in typing, as they do while a
    /// key is held.
    fn app(&self, theme: ThemeName, (width, height): (u16, u16)) -> App {
        let login = Login::new(demo::FIRST_KEY_WORKER).expect("valid login");
        let identity = Identity {
            login: demo::FIRST_KEY_WORKER.into(),
            worker: self.store.worker_by_login(&login).expect("look up worker"),
            demo_persona: true,
        };
        let settings = Settings {
            theme,
            ..Settings::default()
        };
        let viewport = keywork::ui::viewport(Size::new(width, height));
        let mut app = App::new(&self.store, settings, identity, viewport).expect("app");
        app.details.defer = true;
        app
    }
}

/// Where the backend's bytes go, readable while the terminal holds the writer.
#[derive(Clone, Default)]
struct Bytes(Rc<RefCell<Vec<u8>>>);

impl Write for Bytes {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A terminal as the running screen drives it, with an emulator reading what it is sent.
struct Screen {
    terminal: Terminal<CrosstermBackend<Bytes>>,
    bytes: Bytes,
    scroller: Scroller,
    emulator: vt100::Parser,
}

impl Screen {
    fn new((width, height): (u16, u16)) -> Self {
        let bytes = Bytes::default();
        // A fixed viewport: the test has no real terminal to ask for its size.
        let terminal = Terminal::with_options(
            CrosstermBackend::new(bytes.clone()),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
            },
        )
        .expect("terminal");
        Self {
            terminal,
            bytes,
            scroller: Scroller::new(),
            emulator: vt100::Parser::new(
                NonZeroU16::new(height).expect("a height"),
                NonZeroU16::new(width).expect("a width"),
                0,
            ),
        }
    }

    /// Draws one frame as `tui::draw` does; returns how it was sent and its length, and the
    /// frame ratatui drew.
    fn frame(&mut self, app: &App) -> (Sent, usize, Buffer) {
        let start = self.bytes.0.borrow().len();
        let done = self
            .terminal
            .draw(|frame| keywork::ui::view(frame, app))
            .expect("draw");
        let next = done.buffer.clone();
        let mut bytes = self.bytes.0.borrow_mut();
        let sent = self.scroller.shorten(&mut bytes, start, &next, true);
        self.emulator.process(&bytes[start..]);
        (sent, bytes.len() - start, next)
    }
}

/// The emulated screen as a person sees it: each cell's text (a never-written cell and a written
/// space both look blank) and its colours and attributes.
fn seen(screen: &vt100::Screen) -> Vec<String> {
    let (rows, cols) = screen.size();
    let mut seen = Vec::new();
    for row in 0..rows.get() {
        for col in 0..cols.get() {
            let Some(cell) = screen.cell(row, col) else {
                continue;
            };
            let text = match cell.contents() {
                "" => " ",
                text => text,
            };
            seen.push(format!(
                "{row},{col} {text:?} fg={:?} bg={:?} bold={} dim={} italic={} underline={} inverse={}",
                cell.fgcolor(),
                cell.bgcolor(),
                cell.bold(),
                cell.dim(),
                cell.italic(),
                cell.underline(),
                cell.inverse()
            ));
        }
    }
    seen
}

/// The state drawn whole on a new terminal.
fn full_redraw(app: &App, size: (u16, u16)) -> Vec<String> {
    let mut screen = Screen::new(size);
    screen.frame(app);
    seen(screen.emulator.screen())
}

/// Runs `steps` from the first screen (`Action::Keep` stands for the pause that lets the lower
/// panes follow the selection), checking after each that the emulated screen equals a
/// full redraw; returns how each frame was sent.
fn run(demo: &mut Demo, theme: ThemeName, size: (u16, u16), steps: &[Action]) -> Vec<Sent> {
    let mut app = demo.app(theme, size);
    let mut screen = Screen::new(size);
    screen.frame(&app);
    let mut sent = Vec::new();
    for (n, action) in steps.iter().enumerate() {
        match action {
            // The pause after a held key: the lower panes follow the selection.
            Action::Keep => {
                app.settle(&demo.store).expect("settle");
            }
            action => app.update(*action, &mut demo.store).expect("update"),
        }
        sent.push(screen.frame(&app).0);
        let expected = full_redraw(&app, size);
        let actual = seen(screen.emulator.screen());
        let wrong: Vec<_> = actual
            .iter()
            .zip(&expected)
            .filter(|(a, e)| a != e)
            .take(5)
            .collect();
        assert!(
            wrong.is_empty(),
            "{theme:?} {size:?}, step {n} ({action:?}, sent {:?}): the screen differs from a full redraw: {wrong:#?}",
            sent[n]
        );
    }
    sent
}

/// Down to the end of the list and past it, then up to the top: one row at a time.
fn by_one_row() -> Vec<Action> {
    let mut steps = vec![Action::Down; 30];
    steps.extend(vec![Action::Up; 30]);
    steps
}

/// A page at a time, down and up, and a jump to either end.
fn by_pages() -> Vec<Action> {
    vec![
        Action::PageDown,
        Action::PageDown,
        Action::PageUp,
        Action::Down,
        Action::PageDown,
        Action::PageUp,
        Action::PageUp,
        Action::Last,
        Action::First,
    ]
}

#[test]
fn scrolling_by_a_row_leaves_the_screen_of_a_full_redraw() {
    let mut demo = Demo::new();
    for size in SIZES {
        for theme in THEMES {
            let sent = run(&mut demo, theme, size, &by_one_row());
            if size == (80, 24) {
                assert!(
                    sent.iter().any(|sent| matches!(sent, Sent::Scrolled(_))),
                    "{theme:?} {size:?}: no frame was sent as a scroll: {sent:?}"
                );
            }
        }
    }
}

#[test]
fn scrolling_by_a_page_leaves_the_screen_of_a_full_redraw() {
    let mut demo = Demo::new();
    for size in SIZES {
        for theme in THEMES {
            run(&mut demo, theme, size, &by_pages());
        }
    }
}

#[test]
fn the_team_list_scrolls_to_the_screen_of_a_full_redraw() {
    let mut demo = Demo::new();
    for size in SIZES {
        for theme in THEMES {
            let mut steps = vec![Action::ToggleScope];
            steps.extend(by_one_row());
            steps.extend(by_pages());
            run(&mut demo, theme, size, &steps);
        }
    }
}

#[test]
fn a_one_row_scroll_of_the_caseload_is_sent_as_a_scroll_in_fewer_bytes() {
    let mut demo = Demo::new();
    let size = (80, 24);
    let mut app = demo.app(ThemeName::Default, size);
    let mut screen = Screen::new(size);
    let (_, _, mut shown) = screen.frame(&app);
    // Down until the list scrolls: the frame whose caseload rows all moved up one.
    for _ in 0..30 {
        app.update(Action::Down, &mut demo.store).expect("update");
        let (sent, length, next) = screen.frame(&app);
        if let Sent::Scrolled(scroll) = sent {
            assert_eq!((scroll.up, scroll.by), (true, 1), "{scroll:?}");
            let plain = diff_bytes(&shown, &next).len();
            assert!(
                length < plain,
                "the scroll took {length} bytes, the plain diff {plain}"
            );
            return;
        }
        shown = next;
    }
    panic!("thirty Downs never scrolled the caseload by a row as a terminal scroll");
}

#[test]
fn the_lower_panes_following_the_selection_leave_the_screen_of_a_full_redraw() {
    let mut demo = Demo::new();
    let mut steps = Vec::new();
    for presses in [1, 2, 3, 5, 8, 1, 1, 4] {
        steps.extend(vec![Action::Down; presses]);
        steps.push(Action::Keep);
    }
    steps.extend([Action::PageUp, Action::Keep, Action::Up, Action::Keep]);
    for size in SIZES {
        for theme in THEMES {
            run(&mut demo, theme, size, &steps);
        }
    }
}
