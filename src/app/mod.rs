//! The application's state and how it changes: key actions come in, `update` changes the state
//! and asks the store for what the screen needs. Drawing lives in `ui` and only reads this state.

mod action;
mod corrections;
mod dosing;
mod drafts;
mod editor;
pub mod filter;
pub mod find;
pub mod help;
pub mod keymap;
pub mod modal;
pub mod palette;
pub mod record;
mod refresh;
mod scroll;
mod state;
pub mod structure;
pub mod today;
pub mod tour;
pub mod trends;

use crate::config::Settings;
use crate::domain::{Name, ReadinessNote, Refusal, ReviewIntervals, Stored};
use crate::form::forms::FormKind;
use crate::store::{CaseloadRow, DueReview, PlanGoal, Result, Scope, Store};
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
pub use editor::Editor;
pub use keymap::{Action, Pane, Situation};
pub use modal::Modal;
pub use record::{DocLine, LineKind};
pub use scroll::Cursor;
pub use state::*;

pub struct App {
    pub today: NaiveDate,
    /// The worker's own choices (theme, ASCII, mouse, review window).
    pub settings: Settings,
    /// The service's review intervals, from the database: the same for every worker.
    pub intervals: ReviewIntervals,
    pub identity: Identity,
    pub masthead: Masthead,
    pub scope: Scope,
    pub focus: Pane,
    pub sort: Sort,
    pub caseload: ListPane<CaseloadRow>,
    /// The filters in force over the caseload (none by default).
    pub filters: filter::Filters,
    /// Clients the caseload query found before the filters: the "of 60" in "12 of 60".
    pub caseload_total: usize,
    /// The reviews due, and the pane's lines: group headings between them.
    pub reviews: ListPane<DueReview, ReviewLine>,
    pub selected_client: Option<i64>,
    /// Whose notes and plan the lower panes hold, and whether they wait for a pause in typing.
    pub details: refresh::DetailPanes,
    pub readiness: ListPane<Stored<ReadinessNote>>,
    /// The plan's goals, and the pane's lines: domain headings, two lines a goal.
    pub plan: ListPane<PlanGoal, PlanLine>,
    /// What is open over the panes: a view, the help, a form, a question.
    pub modal: Modal,
    pub message: Option<String>,
    /// Why this run may not record, if it may not (not on the team, read-only, retired,
    /// `--read-only`, `--today` on real data, a damaged file): every form key says so.
    pub refusal: Option<Refusal>,
    /// Records opened whose `view` audit row could not be written yet (the file busy): retried.
    pending_views: Vec<i64>,
    pub viewport: Viewport,
    /// The guided tour given at start (`--tour FILE`), which the tour key takes again.
    pub tour_script: Option<tour::Script>,
    pub quit: bool,
}

impl App {
    /// Opens a key worker on their own caseload; prescribers and team leads, and anyone with no
    /// clients of their own (a new worker, a trainer, someone not on the team), on the team's.
    pub fn new(
        store: &Store,
        settings: Settings,
        identity: Identity,
        viewport: Viewport,
    ) -> Result<Self> {
        let own = match &identity.worker {
            Some(worker)
                if !worker.record.role.opens_on_team()
                    && store.active_client_count(Scope::Worker(worker.id))? > 0 =>
            {
                Some(worker.id)
            }
            _ => None,
        };
        let masthead = Masthead {
            service: store
                .meta(crate::store::META_SERVICE_NAME)?
                .unwrap_or_else(|| file_name(store)),
            demo: store.is_demo()?,
        };
        let mut app = App {
            today: store.today(),
            settings,
            intervals: store.review_intervals()?,
            identity,
            masthead,
            scope: own.map_or(Scope::Team, Scope::Worker),
            focus: Pane::Caseload,
            sort: Sort::Due,
            caseload: ListPane::default(),
            filters: filter::Filters::default(),
            caseload_total: 0,
            reviews: ListPane::default(),
            selected_client: None,
            details: refresh::DetailPanes::default(),
            readiness: ListPane::default(),
            plan: ListPane::default(),
            modal: Modal::Panes,
            message: None,
            refusal: store.refusal()?,
            pending_views: Vec::new(),
            viewport,
            tour_script: None,
            quit: false,
        };
        app.reload(store)?;
        app.offer_next_draft(store)?;
        if app.message.is_none() {
            app.message = app.refusal.as_ref().map(Refusal::notice);
        }
        Ok(app)
    }

    /// Which bindings apply now.
    pub fn situation(&self) -> Situation {
        match &self.modal {
            Modal::Tour { .. } => Situation::Tour,
            Modal::Structure { .. } => Situation::Structure,
            Modal::Asking { .. } => Situation::Question,
            Modal::Find { .. } => Situation::Find,
            Modal::Filters { .. } => Situation::Filters,
            Modal::Palette { .. } => Situation::Palette,
            Modal::Form { .. } => Situation::Form,
            Modal::Help { .. } | Modal::Reader(_) => Situation::Reader,
            Modal::Panes => Situation::Panes(self.focus),
        }
    }

    /// A key press: the keymap's action for it here, or typing into the open form.
    pub fn key(&mut self, key: KeyEvent, store: &mut Store) -> Result<()> {
        let situation = self.situation();
        match keymap::action_for(&key, situation) {
            Some(Action::Type) | None if situation == Situation::Form => self.type_key(key, store),
            None if situation == Situation::Find => {
                self.find_key(key);
                Ok(())
            }
            None if situation == Situation::Palette => {
                self.palette_key(key);
                Ok(())
            }
            Some(action) => self.update(action, store),
            None => Ok(()),
        }
    }

    /// The full-screen view open (the record, a text), if any.
    pub fn overlay(&self) -> Option<&Overlay> {
        self.modal.view()
    }

    /// How far the help is scrolled, if it is open.
    pub fn help(&self) -> Option<usize> {
        self.modal.help()
    }

    /// The open form, if any.
    pub fn editor(&self) -> Option<&Editor> {
        self.modal.editor()
    }

    pub fn editor_mut(&mut self) -> Option<&mut Editor> {
        self.modal.editor_mut()
    }

    /// The question waiting for an answer, if any.
    pub fn question(&self) -> Option<&Question> {
        self.modal.question()
    }

    pub fn worker_name(&self) -> Option<&Name> {
        self.identity
            .worker
            .as_ref()
            .map(|w| &w.record.display_name)
    }

    /// Applies one action. Store errors come back to the caller, which shows them in the footer.
    pub fn update(&mut self, action: Action, store: &mut Store) -> Result<()> {
        self.message = None;
        // Anything but another step acts on what the panes show: they catch up first.
        if !action.is_step() {
            self.settle(store)?;
        }
        match action {
            Action::Find => self.open_find(),
            Action::Pick => self.pick_found(store)?,
            Action::Cancel if self.situation() == Situation::Find => self.cancel_find(),
            Action::Palette => self.open_palette(),
            Action::RunCommand => self.run_palette(store)?,
            Action::Cancel if self.situation() == Situation::Palette => {
                self.modal.take_palette();
            }
            Action::Up | Action::Down if self.situation() == Situation::Palette => {
                if let Some(palette) = self.modal.palette_mut() {
                    palette.step(action == Action::Down);
                }
            }
            Action::OpenFilters => self.open_filters(),
            Action::ClearFilters => self.clear_filters(store)?,
            Action::Apply => self.apply_filters(store)?,
            Action::NextValue | Action::PreviousValue => {
                if let Some(chooser) = self.modal.filters_mut() {
                    chooser.cycle(action == Action::NextValue);
                }
            }
            Action::Cancel if self.situation() == Situation::Filters => {
                self.modal.take_filters();
            }
            Action::Up | Action::Down if self.situation() == Situation::Filters => {
                if let Some(chooser) = self.modal.filters_mut() {
                    chooser.step(action == Action::Down);
                }
            }
            Action::Up | Action::Down if self.situation() == Situation::Find => {
                if let Some(find) = self.modal.find_mut() {
                    find.step(action == Action::Down);
                }
            }
            Action::Quit => {
                // An open form is kept as a draft and offered back next time; if it cannot be
                // kept, the worker is told and stays, rather than losing it.
                self.quit = self.keep_draft(store);
            }
            Action::Keep | Action::Yes | Action::No | Action::Discard => {
                self.answer(action, store)?
            }
            Action::NextField | Action::PreviousField => {
                if let Some(editor) = self.modal.editor_mut() {
                    editor.form.step(action == Action::NextField);
                }
            }
            Action::Save => self.save_form(store)?,
            Action::Cancel => self.cancel_form(store)?,
            Action::Type => {}
            Action::RecordSession => self.open_form(FormKind::Session, false, store)?,
            Action::RecordDna => self.open_form(FormKind::Dna, false, store)?,
            Action::AddReadiness => self.open_form(FormKind::Readiness, false, store)?,
            Action::AddGoal => self.open_form(FormKind::Goal, false, store)?,
            Action::NewClient => self.open_form(FormKind::Client, false, store)?,
            Action::ExportClient => self.open_form(FormKind::Export, false, store)?,
            Action::Edit if self.focus == Pane::Plan => {
                self.open_form(FormKind::Goal, true, store)?
            }
            Action::Edit if self.focus == Pane::Readiness => self.amend_selected(store)?,
            Action::Edit => self.open_form(FormKind::Client, true, store)?,
            Action::CompleteReview => self.open_form(FormKind::Review, false, store)?,
            Action::RecordTop => self.open_form(FormKind::Top, false, store)?,
            Action::RecordPrescription => self.open_form(FormKind::Prescription, false, store)?,
            Action::Acknowledge => self.open_form(FormKind::Acknowledge, false, store)?,
            Action::RecordMissedDoses => self.open_form(FormKind::MissedDoses, false, store)?,
            Action::RecordBbvTest => self.open_form(FormKind::Bbv, false, store)?,
            Action::RecordEcg => self.open_form(FormKind::Ecg, false, store)?,
            Action::Today => self.show_today(store)?,
            Action::ToggleHelp => {
                if !self.modal.close_help() {
                    self.modal.open_help();
                }
            }
            Action::Back => self.back(),
            Action::NextEntry => self.select_entry(true),
            Action::PreviousEntry => self.select_entry(false),
            Action::Amend => self.amend_selected(store)?,
            Action::MarkInError => self.toggle_in_error(store)?,
            Action::EarlierVersions => self.show_versions(store)?,
            Action::PlanStructure => self.open_structure(store, false)?,
            Action::Explain => self.toggle_explain(),
            Action::StartTour => self.take_tour_key(store)?,
            Action::TourNext => self.tour_next(store)?,
            Action::TourBack => self.tour_back(store)?,
            Action::LeaveTour => self.leave_tour(),
            Action::Reserved(what) => {
                self.message = Some(format!(
                    "Not built yet: {what} arrives in the next release."
                ))
            }
            _ if self.situation() == Situation::Structure => self.scroll_structure(action),
            _ if self.situation() == Situation::Reader => self.scroll_reader(action),
            Action::NextPane => self.focus_pane(self.focus.next(), store)?,
            Action::PreviousPane => self.focus_pane(self.focus.previous(), store)?,
            Action::FocusPane(pane) => self.focus_pane(pane, store)?,
            Action::ToggleScope => self.toggle_scope(store)?,
            Action::CycleSort => {
                self.sort = self.sort.next();
                self.sort_caseload();
                self.message = Some(format!("Caseload sorted by {}.", self.sort.label()));
            }
            Action::Open => self.open_record(store)?,
            Action::Up
            | Action::Down
            | Action::First
            | Action::Last
            | Action::PageUp
            | Action::PageDown => {
                self.move_in_pane(action, store)?;
            }
        }
        Ok(())
    }

    /// Lays the open client record out again (new data, or a new width), at the same place.
    fn refresh_record(&mut self, store: &Store) -> Result<()> {
        if let Some(Overlay::Record {
            client_id,
            scroll,
            entries,
            selected,
            ..
        }) = self.modal.view()
        {
            let keep = selected.and_then(|i| entries.get(i)).map(|(_, e)| *e);
            let (client_id, scroll) = (*client_id, *scroll);
            self.show_record(store, client_id, scroll)?;
            if let Some(Overlay::Record {
                entries, selected, ..
            }) = self.modal.view_mut()
            {
                *selected = keep.and_then(|k| entries.iter().position(|(_, e)| *e == k));
            }
        }
        Ok(())
    }

    /// The date changed while the program was open: days, due dates and forms follow it.
    pub fn new_day(&mut self, store: &Store) -> Result<()> {
        self.today = store.today();
        self.reload(store)
    }

    /// The terminal changed size: keep selections in view and re-wrap the record.
    pub fn resize(&mut self, viewport: Viewport, store: &Store) -> Result<()> {
        self.viewport = viewport;
        self.caseload
            .cursor
            .fill(self.caseload.rows.len(), viewport.caseload);
        self.reviews
            .cursor
            .fill(self.reviews.lines.len(), viewport.reviews);
        self.readiness
            .cursor
            .fill(self.readiness.rows.len(), viewport.readiness);
        self.plan.cursor.fill(self.plan.lines.len(), viewport.plan);
        self.caseload
            .cursor
            .follow(self.caseload.cursor.selected, 1, viewport.caseload);
        self.follow_reviews();
        self.readiness
            .cursor
            .follow(self.readiness.cursor.selected, 1, viewport.readiness);
        self.follow_plan();
        self.refresh_record(store)?;
        self.refresh_structure(store)
    }

    fn back(&mut self) {
        if self.modal.close_help() || self.modal.take_structure().is_some() {
            return;
        }
        if let Some(Overlay::Text {
            back: Some(back), ..
        }) = self.modal.take_view()
        {
            self.modal.set_view(Some(*back));
        }
    }

    fn scroll_reader(&mut self, action: Action) {
        let page = self.viewport.reader.max(1);
        let help_len = help::document().len();
        let (scroll, len) = match &mut self.modal {
            Modal::Help { scroll, .. } => (scroll, help_len),
            Modal::Reader(
                Overlay::Record { scroll, lines, .. } | Overlay::Text { scroll, lines, .. },
            ) => (scroll, lines.len()),
            _ => return,
        };
        let max = len.saturating_sub(page);
        *scroll = match action {
            Action::Up => scroll.saturating_sub(1),
            Action::Down => (*scroll + 1).min(max),
            Action::PageUp => scroll.saturating_sub(page),
            Action::PageDown => (*scroll + page).min(max),
            Action::First => 0,
            Action::Last => max,
            _ => *scroll,
        };
    }

    fn focus_pane(&mut self, pane: Pane, store: &Store) -> Result<()> {
        self.focus = pane;
        self.sync_selection(store, false)
    }

    fn toggle_scope(&mut self, store: &Store) -> Result<()> {
        match (self.scope, &self.identity.worker) {
            (Scope::Team, Some(worker)) => {
                self.scope = Scope::Worker(worker.id);
                self.message = Some("Showing my caseload.".into());
            }
            (Scope::Team, None) => {
                self.message = Some(
                    "You are not on the team list, so there is no caseload of your own.".into(),
                );
                return Ok(());
            }
            (Scope::Worker(_), _) => {
                self.scope = Scope::Team;
                self.message = Some("Showing the whole team's caseload.".into());
            }
        }
        self.caseload.cursor = Cursor::default();
        self.reviews.cursor = Cursor::default();
        self.reload(store)
    }

    fn sort_caseload(&mut self) {
        let keep = self
            .caseload
            .rows
            .get(self.caseload.cursor.selected)
            .map(|r| r.client_id);
        self.sort_caseload_keeping(keep);
    }

    fn sort_caseload_keeping(&mut self, keep: Option<i64>) {
        let today = self.today;
        // Ties go by reference, so the order never depends on how the rows came (a full read, a
        // few clients read again, the sort before).
        let rows = &mut self.caseload.rows;
        match self.sort {
            Sort::Due => rows.sort_by(|a, b| {
                let due = |r: &CaseloadRow| r.next_due().map_or(NaiveDate::MAX, |d| d.due_on);
                due(a)
                    .cmp(&due(b))
                    .then_with(|| a.reference.cmp(&b.reference))
            }),
            Sort::Name => rows.sort_by_cached_key(|r| {
                (
                    r.family_name.as_str().to_lowercase(),
                    r.known_as.as_str().to_lowercase(),
                    r.reference.clone(),
                )
            }),
            Sort::DaysInTreatment => rows.sort_by(|a, b| {
                let days = |r: &CaseloadRow| r.treatment_start.map(|s| (today - s).num_days());
                days(b)
                    .cmp(&days(a))
                    .then_with(|| a.reference.cmp(&b.reference))
            }),
            Sort::LastSeen => {
                rows.sort_by(|a, b| (a.last_seen, &a.reference).cmp(&(b.last_seen, &b.reference)))
            }
        }
        let index = keep.and_then(|id| self.caseload.rows.iter().position(|r| r.client_id == id));
        self.caseload.cursor.selected = index.unwrap_or(self.caseload.cursor.selected);
        self.caseload.cursor.clamp(self.caseload.rows.len());
        self.caseload
            .cursor
            .follow(self.caseload.cursor.selected, 1, self.viewport.caseload);
    }

    fn move_in_pane(&mut self, action: Action, store: &Store) -> Result<()> {
        match self.focus {
            Pane::Caseload => {
                self.caseload.cursor.apply(
                    action,
                    self.caseload.rows.len(),
                    self.viewport.caseload,
                );
                self.caseload.cursor.follow(
                    self.caseload.cursor.selected,
                    1,
                    self.viewport.caseload,
                );
                self.follow_selection(store)?;
            }
            Pane::Reviews => {
                self.reviews
                    .cursor
                    .apply(action, self.reviews.rows.len(), self.viewport.reviews);
                self.follow_reviews();
                self.follow_selection(store)?;
            }
            Pane::Readiness => {
                self.readiness.cursor.apply(
                    action,
                    self.readiness.rows.len(),
                    self.viewport.readiness,
                );
                self.readiness.cursor.follow(
                    self.readiness.cursor.selected,
                    1,
                    self.viewport.readiness,
                );
            }
            Pane::Plan => {
                self.plan
                    .cursor
                    .apply(action, self.plan.rows.len(), self.viewport.plan / 2);
                self.follow_plan();
            }
        }
        Ok(())
    }

    /// Decides the client whose notes and plan the lower panes show, and keeps the caseload
    /// pointer on them: the one selected in the caseload, or in the reviews pane while that has
    /// focus; with Readiness or Plan focused, the client already shown while they are still on
    /// the caseload. `refresh` reloads their notes and plan even if the client is the same.
    fn sync_selection(&mut self, store: &Store, refresh: bool) -> Result<()> {
        let client = self.client_in_focus();
        if refresh || client != self.selected_client || self.details.pending {
            self.load_client(store, client)?;
        }
        self.point_caseload_at_selected();
        Ok(())
    }

    /// Keeps the caseload's selection on the client chosen elsewhere, so going back finds them.
    fn point_caseload_at_selected(&mut self) {
        if let Some(index) = self
            .caseload
            .rows
            .iter()
            .position(|r| Some(r.client_id) == self.selected_client)
        {
            self.caseload.cursor.selected = index;
            self.caseload
                .cursor
                .follow(index, 1, self.viewport.caseload);
        }
    }

    /// Loads a client's notes and plan; the same client keeps its place in both lists.
    fn load_client(&mut self, store: &Store, client: Option<i64>) -> Result<()> {
        let same = client == self.details.loaded_for;
        self.selected_client = client;
        self.details.loaded_for = client;
        self.details.pending = false;
        self.readiness.rows = client
            .map(|id| store.readiness_in_force(id))
            .transpose()?
            .unwrap_or_default();
        self.plan.rows = client
            .map(|id| store.plan(id))
            .transpose()?
            .unwrap_or_default();
        self.plan.lines = plan_lines(&self.plan.rows);
        if same {
            self.readiness.cursor.clamp(self.readiness.rows.len());
            self.plan.cursor.clamp(self.plan.rows.len());
        } else {
            self.readiness.cursor = Cursor::default();
            self.plan.cursor = Cursor::default();
        }
        Ok(())
    }

    fn open_record(&mut self, store: &mut Store) -> Result<()> {
        match self.selected_client {
            Some(client_id) => {
                // Noted first, so the record's own Audit section shows this look at it.
                self.pending_views.push(client_id);
                self.record_views(store);
                self.show_record(store, client_id, 0)
            }
            None => {
                self.message = Some("No client selected.".into());
                Ok(())
            }
        }
    }

    /// Writes the `view` audit rows of records opened. A file busy with a colleague's long write
    /// does not hold the screen: the rows wait and are tried again on the next refresh.
    pub fn record_views(&mut self, store: &mut Store) {
        while let Some(&client_id) = self.pending_views.first() {
            match store.record_view(client_id) {
                Ok(_) => {
                    self.pending_views.remove(0);
                }
                Err(e) if e.is_busy() => break,
                Err(e) => {
                    self.pending_views.remove(0);
                    self.message = Some(format!("Could not note this view in the audit: {e}"));
                }
            }
        }
    }

    /// Whether views wait to be written to the audit.
    pub fn views_pending(&self) -> bool {
        !self.pending_views.is_empty()
    }

    /// A store error met while working: damage stops all writing for the rest of the run.
    pub fn store_failed(&mut self, error: crate::store::StoreError, store: &mut Store) -> String {
        let error = store.note_damage(error);
        if error.is_damage() {
            self.refusal = store.refusal().ok().flatten();
        }
        error.to_string()
    }

    fn show_record(&mut self, store: &Store, client_id: i64, scroll: usize) -> Result<()> {
        let record = store.client_record(client_id, &self.intervals)?;
        let layout = record::Layout {
            today: self.today,
            width: self.viewport.reader_width,
            intervals: self.intervals,
            ascii: self.settings.ascii,
        };
        let doc = record::document(&record, &layout);
        let scroll = scroll.min(doc.lines.len().saturating_sub(self.viewport.reader.max(1)));
        self.modal.set_view(Some(Overlay::Record {
            client_id,
            lines: doc.lines,
            entries: doc.entries,
            scroll,
            selected: None,
        }));
        Ok(())
    }

    /// Moves the record's selection to the next or previous entry, scrolling it into view.
    fn select_entry(&mut self, forward: bool) {
        let page = self.viewport.reader.max(1);
        let Some(Overlay::Record {
            entries,
            scroll,
            selected,
            lines,
            ..
        }) = self.modal.view_mut()
        else {
            return;
        };
        if entries.is_empty() {
            self.message = Some("This record has no entries to select yet.".into());
            return;
        }
        let last = entries.len() - 1;
        let next = match (*selected, forward) {
            (None, true) => entries
                .iter()
                .position(|(line, _)| *line >= *scroll)
                .unwrap_or(last),
            (None, false) => entries
                .iter()
                .rposition(|(line, _)| *line < *scroll + page)
                .unwrap_or(0),
            (Some(i), true) => (i + 1).min(last),
            (Some(i), false) => i.saturating_sub(1),
        };
        *selected = Some(next);
        let line = entries[next].0;
        if line < *scroll {
            *scroll = line;
        } else if line >= *scroll + page {
            *scroll = (line + 1).saturating_sub(page);
        }
        *scroll = (*scroll).min(lines.len().saturating_sub(page));
    }

    /// The entry selected to correct: in the open record, or the readiness note or goal
    /// selected in its pane.
    pub fn selected_entry(&self) -> Option<record::EntryRef> {
        use crate::domain::RecordType;
        match (self.modal.view(), self.focus) {
            (
                Some(Overlay::Record {
                    entries, selected, ..
                }),
                _,
            ) => selected.and_then(|i| entries.get(i)).map(|(_, e)| *e),
            (Some(_), _) => None,
            (None, Pane::Readiness) => {
                self.readiness
                    .rows
                    .get(self.readiness.cursor.selected)
                    .map(|n| record::EntryRef {
                        what: RecordType::ReadinessNote,
                        id: n.id,
                        missed_dose: None,
                    })
            }
            (None, Pane::Plan) => {
                self.plan
                    .rows
                    .get(self.plan.cursor.selected)
                    .map(|g| record::EntryRef {
                        what: RecordType::Goal,
                        id: g.goal.id,
                        missed_dose: None,
                    })
            }
            (None, _) => None,
        }
    }

    fn follow_reviews(&mut self) {
        let line = self
            .reviews
            .lines
            .iter()
            .position(|l| *l == ReviewLine::Review(self.reviews.cursor.selected));
        // Show the group heading above the first review of a group too.
        let line = line.unwrap_or(0);
        let heading_above =
            line > 0 && matches!(self.reviews.lines[line - 1], ReviewLine::Group(_));
        let start = if heading_above { line - 1 } else { line };
        self.reviews
            .cursor
            .follow(start, line - start + 1, self.viewport.reviews);
    }

    fn follow_plan(&mut self) {
        let selected = self.plan.cursor.selected;
        let line = self
            .plan
            .lines
            .iter()
            .position(|l| *l == PlanLine::Words(selected))
            .unwrap_or(0);
        let heading_above = line > 0 && matches!(self.plan.lines[line - 1], PlanLine::Domain(_));
        let start = if heading_above { line - 1 } else { line };
        self.plan
            .cursor
            .follow(start, line - start + 2, self.viewport.plan);
    }
}

fn file_name(store: &Store) -> String {
    store
        .path()
        .file_name()
        .map_or_else(|| "keywork".into(), |n| n.to_string_lossy().into_owned())
}
