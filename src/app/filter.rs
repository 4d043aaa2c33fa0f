//! Filters (`f`): narrow the caseload by status (discharged clients too, to find past ones),
//! modality, stage of change, alerts, overdue reviews, key worker or time since last seen. A
//! small chooser of lines whose values cycle, applied on Enter; `F` clears them all.

use super::{App, Result, Store};
use crate::domain::{AlertKind, ClientStatus, Modality, Name, Stage};
use crate::store::CaseloadRow;
use chrono::NaiveDate;

/// Which clients by status: the usual caseload is the active ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Statuses {
    #[default]
    Active,
    Only(ClientStatus),
    Any,
}

/// Which alert a client must have open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertFilter {
    Any,
    Kind(AlertKind),
}

/// The filters in force; the default is none (the active caseload).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    pub status: Statuses,
    pub modality: Option<Modality>,
    pub stage: Option<Stage>,
    pub alert: Option<AlertFilter>,
    pub overdue: bool,
    pub key_worker: Option<(i64, Name)>,
    /// Not seen (attended) in this many days, or never.
    pub no_contact_days: Option<u32>,
}

/// The day counts "no contact" cycles through.
const NO_CONTACT_DAYS: [u32; 4] = [14, 28, 56, 90];

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// Whether a row the status query returned passes the other filters.
    pub fn keeps(&self, row: &CaseloadRow, today: NaiveDate) -> bool {
        self.modality.is_none_or(|m| row.modality == m)
            && self.stage.is_none_or(|s| row.stage == Some(s))
            && self.alert.is_none_or(|a| match a {
                AlertFilter::Any => !row.assessment.open.is_empty(),
                AlertFilter::Kind(kind) => row.assessment.has(kind),
            })
            && (!self.overdue || row.next_due().is_some_and(|d| d.due_on < today))
            && self
                .key_worker
                .as_ref()
                .is_none_or(|(id, _)| row.key_worker_id == *id)
            && self.no_contact_days.is_none_or(|days| {
                row.last_seen
                    .is_none_or(|at| (today - at.date()).num_days() >= i64::from(days))
            })
    }

    /// Short words for each filter in force, for the pane title.
    pub fn labels(&self) -> Vec<String> {
        let mut labels = Vec::new();
        match self.status {
            Statuses::Active => {}
            Statuses::Only(status) => labels.push(status.label().to_lowercase()),
            Statuses::Any => labels.push("any status".into()),
        }
        labels.extend(self.modality.map(|m| m.short().to_owned()));
        labels.extend(self.stage.map(|s| s.short().to_owned()));
        labels.extend(self.alert.map(|a| match a {
            AlertFilter::Any => "any alert".to_owned(),
            AlertFilter::Kind(kind) => kind.label().to_owned(),
        }));
        if self.overdue {
            labels.push("overdue".into());
        }
        labels.extend(self.key_worker.as_ref().map(|(_, n)| n.as_str().to_owned()));
        labels.extend(self.no_contact_days.map(|d| format!("not seen in {d}d")));
        labels
    }
}

/// One line of the chooser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterLine {
    Status,
    Modality,
    Stage,
    Alert,
    Overdue,
    KeyWorker,
    NoContact,
}

impl FilterLine {
    pub const ALL: [FilterLine; 7] = [
        FilterLine::Status,
        FilterLine::Modality,
        FilterLine::Stage,
        FilterLine::Alert,
        FilterLine::Overdue,
        FilterLine::KeyWorker,
        FilterLine::NoContact,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FilterLine::Status => "Status",
            FilterLine::Modality => "Modality",
            FilterLine::Stage => "Stage of change",
            FilterLine::Alert => "Alert",
            FilterLine::Overdue => "Review overdue",
            FilterLine::KeyWorker => "Key worker",
            FilterLine::NoContact => "Not seen in",
        }
    }
}

/// The value after (or before) `current` in `options`, wrapping round.
fn cycle<T: PartialEq + Clone>(options: &[T], current: &T, forward: bool) -> T {
    let at = options.iter().position(|o| o == current).unwrap_or(0);
    let len = options.len();
    let next = if forward {
        (at + 1) % len
    } else {
        (at + len - 1) % len
    };
    options[next].clone()
}

/// `None` then each of `all`: the values of an optional filter.
fn optional<T: Copy>(all: &[T]) -> Vec<Option<T>> {
    std::iter::once(None)
        .chain(all.iter().copied().map(Some))
        .collect()
}

/// The chooser open over the panes: filters being changed, not yet applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Chooser {
    pub draft: Filters,
    pub line: usize,
    /// The key workers to choose from: those on the caseload when the chooser opened.
    pub workers: Vec<(i64, Name)>,
}

impl Chooser {
    pub fn step(&mut self, down: bool) {
        let last = FilterLine::ALL.len() - 1;
        self.line = if down {
            (self.line + 1).min(last)
        } else {
            self.line.saturating_sub(1)
        };
    }

    /// Moves the selected line's value to the next (or previous) choice.
    pub fn cycle(&mut self, forward: bool) {
        let d = &mut self.draft;
        match FilterLine::ALL[self.line] {
            FilterLine::Status => {
                let mut options = vec![Statuses::Active];
                options.extend(
                    [
                        ClientStatus::OnHold,
                        ClientStatus::Discharged,
                        ClientStatus::Transferred,
                    ]
                    .map(Statuses::Only),
                );
                options.push(Statuses::Any);
                d.status = cycle(&options, &d.status, forward);
            }
            FilterLine::Modality => {
                d.modality = cycle(&optional(Modality::ALL), &d.modality, forward)
            }
            FilterLine::Stage => d.stage = cycle(&optional(Stage::ALL), &d.stage, forward),
            FilterLine::Alert => {
                let mut options = vec![None, Some(AlertFilter::Any)];
                options.extend(AlertKind::ALL.map(|k| Some(AlertFilter::Kind(k))));
                d.alert = cycle(&options, &d.alert, forward);
            }
            FilterLine::Overdue => d.overdue = !d.overdue,
            FilterLine::KeyWorker => {
                let mut options = vec![None];
                options.extend(self.workers.iter().cloned().map(Some));
                d.key_worker = cycle(&options, &d.key_worker, forward);
            }
            FilterLine::NoContact => {
                d.no_contact_days = cycle(&optional(&NO_CONTACT_DAYS), &d.no_contact_days, forward)
            }
        }
    }

    /// What a line shows as its value now.
    pub fn value(&self, line: FilterLine) -> String {
        let d = &self.draft;
        let any = || "any".to_owned();
        match line {
            FilterLine::Status => match d.status {
                Statuses::Active => "active (the caseload)".into(),
                Statuses::Only(s) => s.label().into(),
                Statuses::Any => "any, past clients too".into(),
            },
            FilterLine::Modality => d.modality.map_or_else(any, |m| m.label().into()),
            FilterLine::Stage => d.stage.map_or_else(any, |s| s.label().into()),
            FilterLine::Alert => match d.alert {
                None => "any or none".into(),
                Some(AlertFilter::Any) => "any alert".into(),
                Some(AlertFilter::Kind(k)) => k.label().into(),
            },
            FilterLine::Overdue => if d.overdue { "yes" } else { "any" }.into(),
            FilterLine::KeyWorker => d
                .key_worker
                .as_ref()
                .map_or_else(any, |(_, n)| n.as_str().into()),
            FilterLine::NoContact => d
                .no_contact_days
                .map_or_else(any, |days| format!("{days} days or more")),
        }
    }
}

impl App {
    /// Opens the chooser with the filters in force.
    pub(super) fn open_filters(&mut self) {
        let mut workers: Vec<(i64, Name)> = Vec::new();
        for row in &self.caseload.rows {
            if !workers.iter().any(|(id, _)| *id == row.key_worker_id) {
                workers.push((row.key_worker_id, row.key_worker.clone()));
            }
        }
        if let Some(current) = &self.filters.key_worker
            && !workers.contains(current)
        {
            workers.push(current.clone());
        }
        workers.sort_by(|a, b| a.1.as_str().cmp(b.1.as_str()));
        self.modal.open_filters(Chooser {
            draft: self.filters.clone(),
            line: 0,
            workers,
        });
    }

    /// Enter in the chooser: its filters are put in force and the caseload reloaded.
    pub(super) fn apply_filters(&mut self, store: &Store) -> Result<()> {
        if let Some(chooser) = self.modal.take_filters() {
            self.set_filters(chooser.draft, store)?;
        }
        Ok(())
    }

    /// `F`: every filter off, back to the whole caseload (in the chooser: its draft cleared).
    pub(super) fn clear_filters(&mut self, store: &Store) -> Result<()> {
        if let Some(chooser) = self.modal.filters_mut() {
            chooser.draft = Filters::default();
            return Ok(());
        }
        self.set_filters(Filters::default(), store)?;
        self.message = Some("Filters cleared: the whole caseload.".into());
        Ok(())
    }

    /// Puts `filters` in force, keeping the selection on the same client where they still show.
    pub fn set_filters(&mut self, filters: Filters, store: &Store) -> Result<()> {
        self.filters = filters;
        self.reload(store)?;
        self.sync_selection(store, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycling_wraps_round_both_ways() {
        let options = [1, 2, 3];
        assert_eq!(cycle(&options, &3, true), 1);
        assert_eq!(cycle(&options, &1, false), 3);
    }

    #[test]
    fn no_filters_is_empty_and_has_no_labels() {
        assert!(Filters::default().is_empty());
        assert!(Filters::default().labels().is_empty());
    }
}
