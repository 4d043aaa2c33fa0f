//! Keeping the panes current cheaply: after a colleague's save only the clients it touched are
//! read again, and while a navigation key is held the lower panes (readiness, plan) wait for a
//! pause in typing instead of loading and redrawing at every step.

use super::{App, Pane, filter, review_lines};
use crate::store::{Result, Store, due_within, sort_due};
use chrono::Duration;

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

    /// A colleague's save touched `clients` (ids in ascending order): their rows are read again
    /// and put in place, the rest stay as they are. The selection, scroll and any open form are
    /// kept; the result is the same as [`App::reload`]'s.
    pub fn reload_clients(&mut self, store: &Store, clients: &[i64]) -> Result<()> {
        let keep = self.selected_client;
        let keep_review = self.selected_review_key();
        let status = match self.filters.status {
            filter::Statuses::Active => Some(crate::domain::ClientStatus::Active),
            filter::Statuses::Only(status) => Some(status),
            filter::Statuses::Any => None,
        };
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
        let mut exited = if self.filters.status == filter::Statuses::Active {
            store.exited_owing_top_of(self.scope, clients, &self.intervals)?
        } else {
            Vec::new()
        };
        exited.retain(|row| self.filters.keeps(row, today));
        let until = today + Duration::days(i64::from(self.settings.review_window_days));
        let fresh_rows = self.caseload.rows.iter().filter(|r| changed(&r.client_id));
        let due = due_within(fresh_rows.chain(&exited), until);
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
