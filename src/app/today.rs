//! The Today view (`y`): the day's booked appointments, the worker's own or the team's, with
//! whether each was attended, missed or is still to come, read like the record.

use super::{App, DocLine, LineKind, Overlay};
use crate::display::{clean, pad};
use crate::domain::{AppointmentStatus, uk_date};
use crate::store::{AppointmentRow, Result, Scope, Store};

/// Columns a client's known-as name is padded or cut to.
const NAME_COLUMNS: usize = 14;
/// Columns a worker's name is padded or cut to, in team view.
const WORKER_COLUMNS: usize = 16;

impl App {
    /// Opens the day's appointments over the panes; Esc goes back.
    pub(super) fn show_today(&mut self, store: &Store) -> Result<()> {
        let rows = store.appointments_on(self.scope, self.today)?;
        let team = self.scope == Scope::Team;
        let whose = if team { "the team's" } else { "mine" };
        self.modal.set_view(Some(Overlay::Text {
            title: format!(
                "Today {}: appointments, {whose} (Esc to go back)",
                uk_date(self.today)
            ),
            lines: today_lines(&rows, team, self.settings.ascii),
            scroll: 0,
            back: None,
        }));
        Ok(())
    }
}

/// The list: a summary line, then one line per appointment in time order.
pub fn today_lines(rows: &[AppointmentRow], team: bool, ascii: bool) -> Vec<DocLine> {
    let line = |kind, text: String| DocLine { kind, text };
    if rows.is_empty() {
        return vec![
            line(LineKind::Text, "No appointments booked for today.".into()),
            line(
                LineKind::Muted,
                "A session's next appointment books one.".into(),
            ),
        ];
    }
    let count = |status| rows.iter().filter(|r| r.status == status).count();
    let mut lines = vec![
        line(
            LineKind::Heading,
            format!(
                "{} booked: {} attended, {} DNA, {} not yet",
                rows.len(),
                count(AppointmentStatus::Attended),
                count(AppointmentStatus::Dna),
                count(AppointmentStatus::Booked)
            ),
        ),
        line(LineKind::Blank, String::new()),
    ];
    lines.extend(rows.iter().map(|r| appointment_line(r, team, ascii)));
    lines
}

/// "14:00  KW-00042  Dana            Key work     not yet".
fn appointment_line(r: &AppointmentRow, team: bool, ascii: bool) -> DocLine {
    let worker = if team {
        format!(
            "  {}",
            pad(&clean(r.worker.as_str()), WORKER_COLUMNS, ascii)
        )
    } else {
        String::new()
    };
    let text = format!(
        "{}  {}  {}{worker}  {:<12} {}",
        r.at.format("%H:%M"),
        r.reference,
        pad(&clean(r.known_as.as_str()), NAME_COLUMNS, ascii),
        r.kind.label(),
        r.status.label()
    );
    let kind = match r.status {
        AppointmentStatus::Dna => LineKind::Alert,
        AppointmentStatus::Attended => LineKind::Muted,
        AppointmentStatus::Booked => LineKind::Text,
    };
    DocLine { kind, text }
}
