//! Running the screen: setting the terminal up, the event loop, and giving the terminal back as
//! it was on every way out (quit, error, panic, SIGTERM, SIGHUP when the SSH connection drops).
//!
//! The loop sleeps until something happens (issue 22: no idle wake-ups). What can wake it:
//! a key or other terminal event, a signal, a colleague's commit (a file-change notification on
//! the database's directory, [`colleagues`]), all through one `poll(2)` ([`wake`]); and the
//! deadlines that exist at the moment ([`deadlines`]): a draft or the lower panes after a pause
//! in typing, the next day, a retry while something failed. On a fixed day (`--today`) with
//! nothing typed and nothing changing, it never wakes.

mod colleagues;
mod deadlines;
mod wake;

pub mod scroll;

use crate::app::{Action, App, Situation, keymap};
use crate::store::{Changes, Store};
use crate::ui;
use crossterm::event::{self, Event, KeyEvent, KeyEventKind, MouseEventKind};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use crossterm::{execute, queue};
use deadlines::{DRAFT_AFTER, Deadlines, SETTLE_AFTER};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::{Rect, Size};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use wake::Wakes;

/// Whether the terminal is in keywork's mode (raw, alternate screen) and needs restoring.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Whether mouse capture was turned on and must be turned off.
static MOUSE: AtomicBool = AtomicBool::new(false);

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error(
        "keywork needs an interactive terminal: {0}. For scripts use `keywork export` or `keywork check`"
    )]
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
        return Err(TuiError::NotATerminal(
            "TERM=dumb cannot draw a full screen",
        ));
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

fn enter(
    mouse: bool,
) -> Result<(Terminal<CrosstermBackend<FrameWriter>>, TerminalGuard), TuiError> {
    crossterm::terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = TerminalGuard;
    let mut out = std::io::stdout();
    execute!(
        out,
        crossterm::terminal::EnterAlternateScreen,
        crossterm::event::EnableBracketedPaste
    )?;
    if mouse {
        execute!(out, crossterm::event::EnableMouseCapture)?;
        MOUSE.store(true, Ordering::SeqCst);
    }
    let terminal = Terminal::new(CrosstermBackend::new(FrameWriter))?;
    Ok((terminal, guard))
}

/// Holds a frame's bytes until the frame is whole, then [`send_frame`] sends them in one write:
/// over SSH each write can be a packet of its own, and standard output alone sends a frame as
/// 1 KB pieces. `flush`, which ratatui calls at the end of drawing, keeps them.
pub struct FrameWriter;

thread_local! {
    /// The frame being drawn. The screen is drawn on one thread only, and the backend's own
    /// writer is out of reach (ratatui marks it unstable), so the bytes wait here.
    static FRAME: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Writes the frame held by [`FrameWriter`] to the terminal in one piece.
fn send_frame() -> std::io::Result<()> {
    FRAME.with_borrow_mut(|frame| {
        let mut out = std::io::stdout().lock();
        let written = out.write_all(frame).and_then(|()| out.flush());
        frame.clear();
        written
    })
}

impl Write for FrameWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        FRAME.with_borrow_mut(|frame| frame.extend_from_slice(bytes));
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs the screen until the worker quits or a signal ends the session. Whatever ends it, an
/// open form is written as a draft first.
pub fn run(store: &mut Store, mut app: App, mouse: bool) -> Result<(), TuiError> {
    let wakes = Wakes::new()?;
    let stop = wakes.watch_signals()?;
    wake::watch_for_hang_up(Arc::clone(&stop), wakes.waker()?);
    // Where no notification can be had (the inotify limits reached, a filesystem without
    // events), the loop falls back to looking every few seconds: slower to show a colleague's
    // save, but the screen still follows. Dropped at the end, which stops the watcher's thread.
    let waker = wakes.waker()?;
    let watcher = colleagues::watch(store.path(), move || waker.data_changed()).ok();
    let (mut terminal, _guard) = enter(mouse)?;
    app.details.defer = true;
    let poll = watcher
        .is_none()
        .then_some(colleagues::POLL_WITHOUT_NOTIFICATION);
    let result = event_loop(store, &mut app, &mut terminal, &stop, &wakes, poll);
    drop(watcher);
    // A signal, an error or a quit: keep what was typed.
    let kept = app.write_draft(store);
    result.and(kept.map_err(TuiError::from))
}

/// `poll`: how often to look at the database when there is no file-change notification.
fn event_loop(
    store: &mut Store,
    app: &mut App,
    terminal: &mut Terminal<CrosstermBackend<FrameWriter>>,
    stop: &AtomicBool,
    wakes: &Wakes,
    poll: Option<Duration>,
) -> Result<(), TuiError> {
    let mut size = terminal.size()?;
    app.resize(ui::viewport(size), store)?;
    let mut seen = Seen {
        data_version: store.data_version()?,
        change_seq: store.change_seq()?,
    };
    let clock = store.clock();
    let mut deadlines = Deadlines::new(
        Instant::now(),
        &colleagues::LOOK_AGAIN,
        poll,
        clock.until_next_day(),
    );
    let mut refresh_failed = false;
    let mut dirty = true;
    while !app.quit {
        if stop.load(Ordering::SeqCst) {
            // Keys already delivered before the signal are the worker's words: apply them so
            // the draft written on the way out holds all of them. A dead terminal errors here.
            while matches!(event::poll(Duration::ZERO), Ok(true)) {
                let Ok(event) = event::read() else { break };
                guarded(app, store, |app, store| {
                    handle(event, app, store, terminal, &mut size)
                })?;
            }
            break;
        }
        if dirty {
            guarded(app, store, |app, _| draw(terminal, app))?;
            dirty = false;
        }
        // An event crossterm has already read (a burst arrives in one read) does not wake
        // poll(2): take it without sleeping.
        let ready = match event::poll(Duration::ZERO) {
            Ok(ready) => ready,
            // The terminal went away and the watcher made reading fail: leave, keeping the draft.
            Err(_) if stop.load(Ordering::SeqCst) => continue,
            Err(e) => return Err(e.into()),
        };
        let sleep = match ready {
            true => Some(Duration::ZERO),
            false => deadlines
                .next()
                .map(|at| at.saturating_duration_since(Instant::now())),
        };
        let notified = wakes.wait(sleep)?;
        if stop.load(Ordering::SeqCst) {
            // Woken by the signal or the hang-up: the top of the loop reads what was typed and
            // leaves, before anything here asks a terminal that may be gone.
            continue;
        }
        // The day may have turned while the machine slept or its clock was set (`Instant`
        // stops; the midnight deadline then runs late): every wake looks at the date first, so
        // a key acts on today. A failed reload is said in the footer.
        if store.today() != app.today {
            dirty = true;
            if let Err(e) = app.new_day(store) {
                let e = app.store_failed(e, store);
                app.message = Some(format!("Could not show the new day ({e}); trying again."));
                refresh_failed = true;
            }
        }
        let ready = ready
            || match event::poll(Duration::ZERO) {
                Ok(ready) => ready,
                Err(_) if stop.load(Ordering::SeqCst) => continue,
                Err(e) => return Err(e.into()),
            };
        if ready {
            let event = event::read()?;
            dirty |= guarded(app, store, |app, store| {
                handle(event, app, store, terminal, &mut size)
            })?;
            if app.form_changed() {
                deadlines.draft = Some(Instant::now() + DRAFT_AFTER);
            }
            deadlines.settle = app.details_pending().then(|| Instant::now() + SETTLE_AFTER);
        }
        let now = Instant::now();
        if deadlines.settle.is_some_and(|due| now >= due) {
            deadlines.settle = None;
            dirty |= guarded(app, store, |app, store| Ok(app.settle(store)?))?;
        }
        if deadlines.draft.is_some_and(|due| now >= due) {
            deadlines.draft = None;
            // Redraw only if it failed: the footer then says so.
            dirty |= !app.keep_draft(store);
        }
        // tmux can change the size without sending an event: look whenever awake.
        let current = terminal.size()?;
        if current != size {
            dirty |= resized(current, app, store, terminal, &mut size)?;
        }
        if notified {
            deadlines.notified(now);
        }
        if deadlines.look_due(now) || notified {
            // A failure here (the database busy past its timeout, say) is said in the footer and
            // tried again shortly, rather than ending the session.
            refresh_failed = match refresh(app, store, &mut seen) {
                Ok(changed) => {
                    dirty |= changed;
                    false
                }
                Err(e) => {
                    let e = app.store_failed(e, store);
                    app.message =
                        Some(format!("Could not refresh the screen ({e}); trying again."));
                    dirty = true;
                    true
                }
            };
            if app.views_pending() {
                app.record_views(store);
            }
            deadlines.looked(now, clock.until_next_day());
        }
        deadlines.retry_while(now, refresh_failed || app.views_pending());
    }
    Ok(())
}

/// What the screen last reloaded for: SQLite's data version (it moves when another connection
/// commits) and the change sequence its records had then.
struct Seen {
    data_version: i64,
    change_seq: i64,
}

/// Reloads the clients a colleague's save touched (drafts change nothing on screen), or
/// everything when the team list or settings changed, or the day did; answers whether it did.
/// `seen` moves on only once a reload has worked.
fn refresh(app: &mut App, store: &Store, seen: &mut Seen) -> crate::store::Result<bool> {
    let mut changed = false;
    let version = store.data_version()?;
    if version != seen.data_version {
        let (changes, latest) = store.changes_since(seen.change_seq)?;
        match changes {
            Changes::None => {}
            Changes::Clients(ref clients) => app.reload_clients(store, clients)?,
            Changes::Everything => app.reload(store)?,
        }
        changed = changes != Changes::None;
        *seen = Seen {
            data_version: version,
            change_seq: latest,
        };
    }
    if store.today() != app.today {
        app.new_day(store)?;
        changed = true;
    }
    Ok(changed)
}

/// Runs one step; if it panics, writes the open form's draft before letting the panic go on.
fn guarded<T>(
    app: &mut App,
    store: &mut Store,
    step: impl FnOnce(&mut App, &mut Store) -> Result<T, TuiError>,
) -> Result<T, TuiError> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        step(&mut *app, &mut *store)
    }));
    match outcome {
        Ok(result) => result,
        Err(panic) => {
            let _ = app.write_draft(store);
            std::panic::resume_unwind(panic)
        }
    }
}

/// Applies one terminal event; returns whether the screen must be redrawn.
fn handle(
    event: Event,
    app: &mut App,
    store: &mut Store,
    terminal: &mut Terminal<CrosstermBackend<FrameWriter>>,
    size: &mut Size,
) -> Result<bool, TuiError> {
    // tmux can change the size without an event: a key must be judged at the size it was
    // typed at (an ioctl, not a round trip to the terminal).
    let mut redraw = false;
    if matches!(event, Event::Key(_) | Event::Paste(_) | Event::Mouse(_)) {
        let now = terminal.size()?;
        if now != *size {
            redraw = resized(now, app, store, terminal, size)?;
        }
    }
    let result = match event {
        // Only the "too small" notice is on screen: nothing may reach what cannot be seen.
        Event::Key(key) if key.kind == KeyEventKind::Press && !ui::fits(*size) => {
            match key_while_too_small(&key) {
                Some(action) => app.update(action, store),
                None => return Ok(redraw),
            }
        }
        Event::Paste(_) | Event::Mouse(_) if !ui::fits(*size) => return Ok(redraw),
        Event::Key(key) if key.kind == KeyEventKind::Press => app.key(key, store),
        Event::Paste(text) => {
            app.paste(&text);
            Ok(())
        }
        // The wheel moves lists and the reader, never anything behind an open form or question.
        Event::Mouse(mouse)
            if matches!(
                app.situation(),
                Situation::Panes(_) | Situation::Reader | Situation::Structure
            ) =>
        {
            match mouse.kind {
                MouseEventKind::ScrollDown => app.update(Action::Down, store),
                MouseEventKind::ScrollUp => app.update(Action::Up, store),
                _ => return Ok(false),
            }
        }
        Event::Resize(width, height) => {
            return resized(Size { width, height }, app, store, terminal, size);
        }
        _ => return Ok(false),
    };
    if let Err(error) = result {
        let error = app.store_failed(error, store);
        app.message = Some(format!("That did not work: {error}"));
    }
    Ok(true)
}

/// What a key does while the terminal is too small to draw anything but the notice: quit, by the
/// `q` the notice offers or Ctrl-C as anywhere (an open form is kept as a draft), and nothing
/// else. A form behind the notice would otherwise take that `q` as typing.
fn key_while_too_small(key: &KeyEvent) -> Option<Action> {
    keymap::action_for(key, Situation::Reader).filter(|action| *action == Action::Quit)
}

fn resized(
    new: Size,
    app: &mut App,
    store: &Store,
    terminal: &mut Terminal<CrosstermBackend<FrameWriter>>,
    size: &mut Size,
) -> Result<bool, TuiError> {
    *size = new;
    terminal.resize(Rect::new(0, 0, new.width, new.height))?;
    app.resize(ui::viewport(new), store)?;
    Ok(true)
}

/// One frame, inside synchronized output so a slow link never shows half a frame. A list that
/// scrolled is sent as a terminal scroll and the rows it uncovered, when that is shorter
/// ([`scroll`]).
fn draw(terminal: &mut Terminal<CrosstermBackend<FrameWriter>>, app: &App) -> Result<(), TuiError> {
    // Bytes already waiting (a resize's clear) mean the screen is not the last frame any more.
    let untouched = FRAME.with_borrow(Vec::is_empty);
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    let start = FRAME.with_borrow(Vec::len);
    let done = terminal.draw(|frame| ui::view(frame, app))?;
    FRAME.with_borrow_mut(|frame| scroll::shorten(frame, start, done.buffer, untouched));
    queue!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    send_frame()?;
    Ok(())
}

/// Installs color-eyre's report hooks behind one that restores the terminal first, and keeps the
/// panic's own message out of the report: it may quote a client's details.
pub fn install_panic_hook() {
    struct Withheld;
    impl color_eyre::section::PanicMessage for Withheld {
        fn display(
            &self,
            info: &std::panic::PanicHookInfo<'_>,
            f: &mut std::fmt::Formatter<'_>,
        ) -> std::fmt::Result {
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            writeln!(f, "keywork stopped on an internal error{place}.")?;
            writeln!(
                f,
                "Its message is withheld because it may contain client details."
            )?;
            write!(
                f,
                "The terminal has been restored; please report the place above."
            )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn too_small_terminal_lets_only_quit_through() {
        assert_eq!(
            key_while_too_small(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Quit),
            "q, as the notice says"
        );
        assert_eq!(
            key_while_too_small(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        for code in [
            KeyCode::Char('x'),
            KeyCode::Enter,
            KeyCode::Backspace,
            KeyCode::Tab,
            KeyCode::Esc,
            KeyCode::Down,
        ] {
            assert_eq!(
                key_while_too_small(&press(code, KeyModifiers::NONE)),
                None,
                "{code:?} reaches nothing behind the notice"
            );
        }
        assert_eq!(
            key_while_too_small(&press(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            None,
            "not even a save"
        );
    }
}
