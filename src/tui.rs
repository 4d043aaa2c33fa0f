//! Running the screen: setting the terminal up, the event loop, and giving the terminal back as
//! it was on every way out (quit, error, panic, SIGTERM, SIGHUP when the SSH connection drops).

use crate::app::{Action, App};
use crate::store::Store;
use crate::ui;
use crossterm::event::{self, Event, KeyEventKind, MouseEventKind};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use crossterm::{execute, queue};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::{Rect, Size};
use std::io::{IsTerminal, Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Whether the terminal is in keywork's mode (raw, alternate screen) and needs restoring.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Whether mouse capture was turned on and must be turned off.
static MOUSE: AtomicBool = AtomicBool::new(false);

/// How long to wait for a key before looking at signals, the terminal size and the database.
const TICK: Duration = Duration::from_millis(250);
/// How often to look for changes made by colleagues and for size changes without an event.
const CHECK_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("keywork needs an interactive terminal: {0}. For scripts use `keywork export` or `keywork check`")]
    NotATerminal(&'static str),
    #[error("terminal: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Refuses to start where a full-screen program would only make a mess.
pub fn check_terminal(term: Option<&str>) -> Result<(), TuiError> {
    if !std::io::stdout().is_terminal() {
        return Err(TuiError::NotATerminal("standard output is not a terminal"));
    }
    if !std::io::stdin().is_terminal() {
        return Err(TuiError::NotATerminal("standard input is not a terminal"));
    }
    if term == Some("dumb") {
        return Err(TuiError::NotATerminal("TERM=dumb cannot draw a full screen"));
    }
    Ok(())
}

/// Gives the terminal back: leaves raw mode and the alternate screen, shows the cursor, stops
/// bracketed paste and mouse capture. Safe to call more than once and from a panic hook.
pub fn restore_terminal() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = std::io::stdout();
    if MOUSE.swap(false, Ordering::SeqCst) {
        let _ = execute!(out, crossterm::event::DisableMouseCapture);
    }
    let _ = execute!(
        out,
        EndSynchronizedUpdate,
        crossterm::event::DisableBracketedPaste,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal when dropped, so an early return or an error cannot leave it raw.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn enter(mouse: bool) -> Result<(Terminal<CrosstermBackend<Stdout>>, TerminalGuard), TuiError> {
    crossterm::terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = TerminalGuard;
    let mut out = std::io::stdout();
    execute!(out, crossterm::terminal::EnterAlternateScreen, crossterm::event::EnableBracketedPaste)?;
    if mouse {
        execute!(out, crossterm::event::EnableMouseCapture)?;
        MOUSE.store(true, Ordering::SeqCst);
    }
    let terminal = Terminal::new(CrosstermBackend::new(out))?;
    Ok((terminal, guard))
}

/// Signals that end the session: the SSH connection dropping (SIGHUP), a polite kill (SIGTERM)
/// or an interrupt from outside the terminal (SIGINT; Ctrl-C inside arrives as a key).
fn watch_signals() -> Result<Arc<AtomicBool>, TuiError> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGHUP, signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    Ok(stop)
}

/// Runs the screen until the worker quits or a signal ends the session.
pub fn run(store: &Store, mut app: App, mouse: bool) -> Result<(), TuiError> {
    let stop = watch_signals()?;
    let (mut terminal, _guard) = enter(mouse)?;
    let mut size = terminal.size()?;
    app.resize(ui::viewport(size), store)?;
    let mut data_version = store.data_version()?;
    let mut last_check = Instant::now();
    let mut dirty = true;
    while !app.quit && !stop.load(Ordering::SeqCst) {
        if dirty {
            draw(&mut terminal, &app)?;
            dirty = false;
        }
        if event::poll(TICK)? {
            dirty |= handle(event::read()?, &mut app, store, &mut terminal, &mut size)?;
        }
        if last_check.elapsed() >= CHECK_EVERY {
            last_check = Instant::now();
            // tmux can change the size without sending an event.
            let now = terminal.size()?;
            if now != size {
                dirty |= resized(now, &mut app, store, &mut terminal, &mut size)?;
            }
            let version = store.data_version()?;
            if version != data_version {
                data_version = version;
                app.reload(store)?;
                dirty = true;
            }
        }
    }
    Ok(())
}

/// Applies one terminal event; returns whether the screen must be redrawn.
fn handle(
    event: Event,
    app: &mut App,
    store: &Store,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    size: &mut Size,
) -> Result<bool, TuiError> {
    let action = match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => crate::app::keymap::action_for(&key, app.situation()),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollDown => Some(Action::Down),
            MouseEventKind::ScrollUp => Some(Action::Up),
            _ => None,
        },
        Event::Resize(width, height) => return resized(Size { width, height }, app, store, terminal, size),
        _ => None,
    };
    let Some(action) = action else { return Ok(false) };
    if let Err(error) = app.update(action, store) {
        app.message = Some(format!("Could not load that: {error}"));
    }
    Ok(true)
}

fn resized(
    new: Size,
    app: &mut App,
    store: &Store,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    size: &mut Size,
) -> Result<bool, TuiError> {
    *size = new;
    terminal.resize(Rect::new(0, 0, new.width, new.height))?;
    app.resize(ui::viewport(new), store)?;
    Ok(true)
}

/// One frame, inside synchronized output so a slow link never shows half a frame.
fn draw(terminal: &mut Terminal<CrosstermBackend<Stdout>>, app: &App) -> Result<(), TuiError> {
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|frame| ui::view(frame, app))?;
    execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    Ok(())
}

/// Installs color-eyre's report hooks behind one that restores the terminal first, and keeps the
/// panic's own message out of the report: it may quote a client's details.
pub fn install_panic_hook() {
    struct Withheld;
    impl color_eyre::section::PanicMessage for Withheld {
        fn display(&self, info: &std::panic::PanicHookInfo<'_>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
            writeln!(f, "keywork stopped on an internal error{place}.")?;
            writeln!(f, "Its message is withheld because it may contain client details.")?;
            write!(f, "The terminal has been restored; please report the place above.")
        }
    }
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default()
        .panic_message(Withheld)
        .display_env_section(false)
        .into_hooks();
    let _ = eyre_hook.install();
    let report = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        report(info);
    }));
}
