//! Keeping the panes current: everything read again ([`App::reload`]), or, cheaply, after a
//! colleague's save only the clients it touched ([`App::reload_clients`]), with the same result;
//! and while a navigation key is held the lower panes (readiness, plan) wait for a pause in
//! typing instead of loading and redrawing at every step.

use super::{App, Overlay, Pane, filter, review_lines};
use crate::domain::ClientStatus;
use crate::store::{Changes, Result, Store, due_within, sort_due};
use chrono::{Duration, NaiveDate};

/// Which client's notes and plan the lower panes hold, and whether they wait for a pause.
#[derive(Debug, Default)]
pub struct DetailPanes {
    /// The client whose notes and plan are loaded.
    pub(super) loaded_for: Option<i64>,
    /// The selection moved on and the panes have not followed yet.
    pub(super) pending: bool,
    /// Load on a pause in typing (the running screen) rather than at once (tests, benches).
    pub defer: bool,
}

impl App {
    /// Reloads everything the panes show, keeping the selection on the same client (and review)
    /// where it can: a colleague's save must not move what the worker is reading.
    pub fn reload(&mut self, store: &Store) -> Result<()> {
        let keep = self.selected_client;
        let keep_review = self.selected_review_key();
        // The service's rules and this login's standing, re-read with the records: a team lead
        // may have changed them.
        self.intervals = store.review_intervals()?;
        self.refusal = store.refusal()?;
        let intervals = self.intervals;
        let mut rows = store.caseload_of_status(self.scope, self.status_shown(), &intervals)?;
        self.caseload_total = rows.len();
        let today = self.today;
        rows.retain(|row| self.filters.keeps(row, today));
        self.caseload.rows = rows;
        self.sort_caseload_keeping(keep);
        if let Some(find) = self.modal.find_mut() {
            find.search(&self.caseload.rows);
        }
        let mut exited = if self.lists_exit_tops() {
            store.exited_owing_top(self.scope, &intervals)?
        } else {
            Vec::new()
        };
        exited.retain(|row| self.filters.keeps(row, today));
        self.reviews.rows = due_within(
            self.caseload.rows.iter().chain(&exited),
            self.reviews_until(),
        );
        self.reviews.lines = review_lines(&self.reviews.rows, self.today);
        self.restore_review_selection(keep_review);
        self.sync_selection(store, true)?;
        self.refresh_record(store)?;
        self.refresh_structure(store)
    }

    /// The status the caseload shows (`None`: any), by its status filter.
    fn status_shown(&self) -> Option<ClientStatus> {
        match self.filters.status {
            filter::Statuses::Active => Some(ClientStatus::Active),
            filter::Statuses::Only(status) => Some(status),
            filter::Statuses::Any => None,
        }
    }

    /// Whether Next reviews also lists past clients owing an exit TOP: unless a status filter
    /// already lists them.
    fn lists_exit_tops(&self) -> bool {
        self.filters.status == filter::Statuses::Active
    }

    /// The last day Next reviews looks ahead to.
    fn reviews_until(&self) -> NaiveDate {
        self.today + Duration::days(i64::from(self.settings.review_window_days))
    }

    /// The review the Next reviews pane points at: client and kind, which outlive a reload.
    fn selected_review_key(&self) -> Option<(i64, crate::domain::ReviewKind)> {
        self.reviews
            .rows
            .get(self.reviews.cursor.selected)
            .map(|r| (r.client_id, r.due.kind))
    }

    /// Points the Next reviews pane at the same review after its rows changed.
    fn restore_review_selection(&mut self, keep: Option<(i64, crate::domain::ReviewKind)>) {
        if let Some(index) = keep.and_then(|keep| {
            self.reviews
                .rows
                .iter()
                .position(|r| (r.client_id, r.due.kind) == keep)
        }) {
            self.reviews.cursor.selected = index;
        }
        self.reviews.cursor.clamp(self.reviews.rows.len());
        self.follow_reviews();
    }

    /// The client whose record is open, if one is.
    fn open_record_client(&self) -> Option<i64> {
        match self.modal.view() {
            Some(Overlay::Record { client_id, .. }) => Some(*client_id),
            _ => None,
        }
    }

    /// Moves the lower panes' client to the selection: at once, or on the next pause when the
    /// screen defers them (a held `j` then writes the two changed list rows, not half a screen).
    pub(super) fn follow_selection(&mut self, store: &Store) -> Result<()> {
        if !self.details.defer {
            return self.sync_selection(store, false);
        }
        self.selected_client = self.client_in_focus();
        self.details.pending = self.details.loaded_for != self.selected_client;
        self.point_caseload_at_selected();
        Ok(())
    }

    /// Whether the lower panes wait for a pause in typing.
    pub fn details_pending(&self) -> bool {
        self.details.pending
    }

    /// Typing paused (or a key other than a move came): the lower panes catch up with the
    /// selection. Answers whether anything changed.
    pub fn settle(&mut self, store: &Store) -> Result<bool> {
        if !self.details.pending {
            return Ok(false);
        }
        self.load_client(store, self.selected_client)?;
        Ok(true)
    }

    /// After this worker's own write, which began at change number `before`: reloads the clients
    /// it touched (their triggers stamped them), as after a colleague's save, rather than
    /// everything: on a service's team view a full reload costs a tenth of a second a save
    /// (issue 22). A write the change stamps do not show reloads everything, as before.
    pub(super) fn reload_after_write(&mut self, before: i64, store: &Store) -> Result<()> {
        match store.changes_since(before)?.0 {
            Changes::Clients(clients) => self.reload_clients(store, &clients),
            Changes::None | Changes::Everything => self.reload(store),
        }
    }

    /// A colleague's save touched `clients` (ids in ascending order): their rows are read again
    /// and put in place, the rest stay as they are. The selection, scroll and any open form are
    /// kept; the result is the same as [`App::reload`]'s.
    pub fn reload_clients(&mut self, store: &Store, clients: &[i64]) -> Result<()> {
        let keep = self.selected_client;
        let keep_review = self.selected_review_key();
        let status = self.status_shown();
        let changed = |id: &i64| clients.binary_search(id).is_ok();
        let today = self.today;
        let mut fresh = store.caseload_rows_of(self.scope, status, clients, &self.intervals)?;
        self.caseload_total = store.client_count_of_status(self.scope, status)?;
        fresh.retain(|row| self.filters.keeps(row, today));
        self.caseload.rows.retain(|row| !changed(&row.client_id));
        self.caseload.rows.extend(fresh);
        // Ties sort by reference, so this order is a full reload's.
        self.sort_caseload_keeping(keep);
        if let Some(find) = self.modal.find_mut() {
            find.search(&self.caseload.rows);
        }
        let mut exited = if self.lists_exit_tops() {
            store.exited_owing_top_of(self.scope, clients, &self.intervals)?
        } else {
            Vec::new()
        };
        exited.retain(|row| self.filters.keeps(row, today));
        let fresh_rows = self.caseload.rows.iter().filter(|r| changed(&r.client_id));
        let due = due_within(fresh_rows.chain(&exited), self.reviews_until());
        self.reviews.rows.retain(|r| !changed(&r.client_id));
        self.reviews.rows.extend(due);
        sort_due(&mut self.reviews.rows);
        self.reviews.lines = review_lines(&self.reviews.rows, today);
        self.restore_review_selection(keep_review);
        let selected_changed = self.selected_client.is_some_and(|id| changed(&id));
        self.sync_selection(store, selected_changed)?;
        if self.open_record_client().is_some_and(|id| changed(&id)) {
            self.refresh_record(store)?;
        }
        if self
            .modal
            .structure()
            .is_some_and(|view| changed(&view.client_id))
        {
            self.refresh_structure(store)?;
        }
        Ok(())
    }

    /// The client the focused list points at (the lower panes' client for those panes).
    pub(super) fn client_in_focus(&self) -> Option<i64> {
        let at_cursor = self
            .caseload
            .rows
            .get(self.caseload.cursor.selected)
            .map(|r| r.client_id);
        match self.focus {
            Pane::Caseload => at_cursor,
            Pane::Reviews => self
                .reviews
                .rows
                .get(self.reviews.cursor.selected)
                .map(|r| r.client_id),
            Pane::Readiness | Pane::Plan => self
                .selected_client
                .filter(|id| self.caseload.rows.iter().any(|r| r.client_id == *id))
                .or(at_cursor),
        }
    }
}
