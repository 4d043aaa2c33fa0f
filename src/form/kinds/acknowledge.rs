//! Acknowledging an alert with a reason: it stays quiet until its cause changes.

use super::*;
use crate::domain::*;
use crate::form::{Form, Kind, Now, Opt, Spec};

/// The fields of this form, by key: what drafts, errors and the command line name them by.
pub mod key {
    pub const ALERT: &str = "alert";
    pub const REASON: &str = "reason";
}

/// Acknowledging one of the client's open alerts, with the reason no action is needed now.
pub fn acknowledge_form(
    title: String,
    now: Now,
    open: &[Alert],
    preset: Option<AlertKind>,
) -> Form {
    let alerts = open
        .iter()
        .map(|a| Opt::new(a.kind.code(), format!("{}: {}", a.kind.label(), a.reason)))
        .collect();
    let specs = vec![
        Spec::new(key::ALERT, "Alert", Kind::Choice(alerts)).required(),
        Spec::new(key::REASON, "Why", Kind::Line { max: 500 }).required(),
    ];
    let first = preset.or(open.first().map(|a| a.kind));
    let mut form = Form::new(
        title,
        specs,
        &[(
            key::ALERT,
            first.map_or(String::new(), |k| k.code().to_owned()),
        )],
        now,
    );
    form.focus_key(key::REASON);
    form
}

/// The acknowledgement of the chosen alert, answering the cause it had in `open` (the alerts as
/// the form showed them; the caller refuses it if that cause has changed since).
pub fn build_acknowledgement(
    form: &Form,
    client_id: i64,
    worker_id: i64,
    open: &[Alert],
) -> Result<AlertAck, Errors> {
    let mut errors = Errors::new();
    let chosen = AlertKind::from_code(&form.text(key::ALERT))
        .and_then(|kind| open.iter().find(|a| a.kind == kind));
    if chosen.is_none() {
        errors.push(err(
            key::ALERT,
            "this alert is no longer open (its cause changed or a colleague acknowledged it)",
        ));
    }
    let reason = ShortText::new(form.text(key::REASON).trim().to_owned())
        .map_err(|e| errors.push(err(key::REASON, e.to_string())))
        .ok();
    match (chosen, reason) {
        (Some(alert), Some(reason)) if errors.is_empty() => Ok(AlertAck {
            client_id,
            kind: alert.kind,
            cause: alert.cause.clone(),
            reason,
            worker_id,
            acknowledged_on: form.now.today,
        }),
        _ => Err(errors),
    }
}

/// An open acknowledgement form: the alerts as the worker saw them. The acknowledgement answers
/// that cause, and is refused if the cause has changed since.
#[derive(Debug)]
pub struct AcknowledgeForm {
    shown: Vec<Alert>,
    /// The acknowledgement being amended (its reason only), if it is one.
    amending: Option<Stored<AlertAck>>,
}

/// The form to amend an acknowledgement's reason: the alert it answered stays as it was.
fn open_amendment(o: &Opening<'_>, ack: Stored<AlertAck>) -> Opens {
    let client = ack.record.client_id;
    let title = o.client_title("Amend acknowledgement", client)?;
    let specs = vec![
        Spec::new(
            key::ALERT,
            "Alert",
            Kind::Choice(vec![Opt::new(
                ack.record.kind.code(),
                ack.record.kind.label(),
            )]),
        )
        .required(),
        Spec::new(key::REASON, "Why", Kind::Line { max: 500 }).required(),
    ];
    let mut form = Form::new(
        title,
        specs,
        &[(key::ALERT, ack.record.kind.code().to_owned())],
        o.now,
    );
    prefill(
        &mut form,
        &[(key::REASON, ack.record.reason.as_str().to_owned())],
    );
    form.focus_key(key::REASON);
    Ok(Ok(Opened {
        form,
        client_id: Some(client),
        handler: Box::new(AcknowledgeForm {
            shown: Vec::new(),
            amending: Some(ack),
        }),
    }))
}

pub fn open(o: &Opening<'_>) -> Opens {
    let amend = match (o.entry, o.draft) {
        (Some((RecordType::AlertAck, id)), _) => Some(id),
        (_, Some(draft)) => draft.target_id,
        _ => None,
    };
    if let Some(id) = amend {
        return open_amendment(o, o.store.get::<AlertAck>(id)?);
    }
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let status = o.store.client_status(client, o.intervals)?;
    if status.assessment.open.is_empty() {
        return Ok(Err("This client has no open alerts to acknowledge.".into()));
    }
    let preset = o.selected_review.and_then(|due| {
        let kind = AlertKind::ReviewOverdue(due.kind);
        status.assessment.has(kind).then_some(kind)
    });
    let title = o.client_title("Acknowledge an alert", client)?;
    Ok(Ok(Opened {
        form: acknowledge_form(title, o.now, &status.assessment.open, preset),
        client_id: Some(client),
        handler: Box::new(AcknowledgeForm {
            shown: status.assessment.open,
            amending: None,
        }),
    }))
}

impl Handler for AcknowledgeForm {
    fn check(&self, form: &Form, s: &Saving<'_>) -> Errors {
        if self.amending.is_some() {
            return Vec::new();
        }
        build_acknowledgement(form, s.client_id, s.worker_id, &self.shown)
            .err()
            .unwrap_or_default()
    }

    fn target(&self) -> (Option<i64>, Option<i64>) {
        super::target_of(&self.amending)
    }

    fn adopt_versions(&mut self, target: Option<i64>, _version: &dyn Fn(&str) -> Option<i64>) {
        adopt_target(&mut self.amending, target);
    }

    fn accept_current(&mut self, what: RecordType, id: i64, current: i64, _store: &Store) {
        accept_target(&mut self.amending, what, id, current);
    }

    fn kind(&self) -> FormKind {
        FormKind::Acknowledge
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        if let Some(previous) = &self.amending {
            let reason = match ShortText::new(form.text(key::REASON).trim().to_owned()) {
                Ok(reason) => reason,
                Err(e) => return Ok(Err(vec![err(key::REASON, e.to_string())])),
            };
            let amended = AlertAck {
                reason,
                ..previous.record.clone()
            };
            write_and_forget_draft(store, s.draft_id, |w| {
                w.amend(previous.id, previous.row_version, &amended)
            })?;
            return Ok(Ok(Saved::said(
                "Acknowledgement amended; the earlier version is kept (v on it shows it).",
            )));
        }
        let ack = built!(build_acknowledgement(
            form,
            s.client_id,
            s.worker_id,
            &self.shown
        ));
        let now_open = store
            .client_status(s.client_id, s.intervals)?
            .assessment
            .open;
        if !now_open
            .iter()
            .any(|a| a.kind == ack.kind && a.cause == ack.cause)
        {
            return Ok(Err(vec![err(
                key::ALERT,
                "this alert has changed since the form opened (a new cause, or a colleague \
                 acknowledged it): Esc and open the form again",
            )]));
        }
        write_and_forget_draft(store, s.draft_id, |w| w.acknowledge(&ack))?;
        Ok(Ok(Saved::said(format!(
            "{} acknowledged; it stays quiet until its cause changes.",
            ack.kind.label()
        ))))
    }
}
