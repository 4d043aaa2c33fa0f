//! A client's details, new or edited.

use super::*;
use crate::domain::*;
use crate::form::dates::show_date;
use crate::form::{Form, Kind, Now, Opt, Spec};
use crate::store::{StoreError, UniqueField};
use std::collections::BTreeSet;

pub struct ClientContext<'a> {
    pub existing: Option<&'a Stored<Client>>,
    /// Key workers to choose from: id and name.
    pub workers: &'a [(i64, String)],
    pub default_worker: Option<i64>,
    pub suggested_reference: ServiceRef,
}

pub fn client_form(title: String, now: Now, ctx: &ClientContext<'_>) -> Form {
    let workers: Vec<Opt> = ctx
        .workers
        .iter()
        .map(|(id, name)| Opt::new(id.to_string(), name.clone()))
        .collect();
    let substances = coded_options!(Substance);
    let specs = vec![
        Spec::new("reference", "Reference", Kind::Line { max: 12 }).required(),
        Spec::new("given", "Given name", Kind::Line { max: 100 }).required(),
        Spec::new("family", "Family name", Kind::Line { max: 100 }).required(),
        Spec::new("preferred", "Preferred name", Kind::Line { max: 100 }),
        Spec::new("dob", "Date of birth", Kind::Date).required(),
        Spec::new("nhs", "NHS number", Kind::Line { max: 12 }),
        Spec::new("worker", "Key worker", Kind::Choice(workers)).required(),
        Spec::new(
            "status",
            "Status",
            Kind::Choice(coded_options!(ClientStatus)),
        )
        .required(),
        Spec::new("referral", "Referral date", Kind::Date).required(),
        Spec::new("start", "Treatment start", Kind::Date),
        Spec::new(
            "modality",
            "Treatment",
            Kind::Choice(coded_options!(Modality)),
        )
        .required(),
        Spec::new(
            "primary",
            "Primary substance",
            Kind::Choice(substances.clone()),
        )
        .required(),
        Spec::new("others", "Other substances", Kind::Multi(substances)),
        Spec::new(
            "injecting",
            "Injecting",
            Kind::Choice(coded_options!(InjectingStatus)),
        )
        .required(),
        Spec::new("shared_care", "Shared-care GP", Kind::Line { max: 100 }),
        Spec::new("overdose", "Overdose risk", Kind::YesNo),
        Spec::new("naloxone", "Naloxone held", Kind::YesNo),
        Spec::new("naloxone_on", "Naloxone supplied", Kind::Date),
        Spec::new("safeguarding", "Safeguarding", Kind::YesNo),
        Spec::new("prison", "Prison release", Kind::Date),
        Spec::new(
            "hep_b",
            "Hep B vaccination",
            Kind::Choice(with_none("not recorded", coded_options!(HepBStatus))),
        ),
        Spec::new("hep_c", "Hep C tested", Kind::Date),
        Spec::new("hiv", "HIV tested", Kind::Date),
    ];
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let date = |d: Option<chrono::NaiveDate>| d.map(show_date).unwrap_or_default();
    let initial: Vec<(&str, String)> = match ctx.existing {
        Some(stored) => {
            let c = &stored.record;
            let r = &c.risk;
            vec![
                ("reference", c.reference.to_string()),
                ("given", c.given_name.to_string()),
                ("family", c.family_name.to_string()),
                (
                    "preferred",
                    c.preferred_name
                        .as_ref()
                        .map(Name::to_string)
                        .unwrap_or_default(),
                ),
                ("dob", show_date(c.date_of_birth)),
                (
                    "nhs",
                    c.nhs_number
                        .as_ref()
                        .map(|n| n.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                ("worker", c.key_worker_id.to_string()),
                ("status", c.status.code().into()),
                ("referral", show_date(c.referral_date)),
                ("start", date(c.treatment_start)),
                ("modality", c.modality.code().into()),
                ("primary", c.primary_substance.code().into()),
                (
                    "others",
                    c.other_substances
                        .iter()
                        .map(|s| s.code())
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                ("injecting", c.injecting.code().into()),
                (
                    "shared_care",
                    c.shared_care
                        .as_ref()
                        .map(Name::to_string)
                        .unwrap_or_default(),
                ),
                ("overdose", yes(r.overdose_risk)),
                ("naloxone", yes(r.naloxone_held)),
                ("naloxone_on", date(r.naloxone_supplied_on)),
                ("safeguarding", yes(r.safeguarding_children)),
                ("prison", date(r.prison_release_on)),
                (
                    "hep_b",
                    r.hep_b.map(|h| h.code().to_owned()).unwrap_or_default(),
                ),
                ("hep_c", date(r.hep_c_tested_on)),
                ("hiv", date(r.hiv_tested_on)),
            ]
        }
        None => vec![
            ("reference", ctx.suggested_reference.to_string()),
            (
                "worker",
                ctx.default_worker
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
            ),
            ("status", ClientStatus::Active.code().into()),
            ("referral", show_date(now.today)),
            ("injecting", InjectingStatus::Never.code().into()),
        ],
    };
    let mut form = Form::new(title, specs, &initial, now);
    form.focus_key(if ctx.existing.is_some() {
        "preferred"
    } else {
        "given"
    });
    form
}

pub fn build_client(form: &Form) -> Result<Client, Errors> {
    let mut errors = Errors::new();
    let mut name = |key: &str| -> Option<Name> {
        form.optional(key).and_then(|n| {
            Name::new(n)
                .map_err(|e| errors.push(err(key, e.to_string())))
                .ok()
        })
    };
    let given = name("given");
    let family = name("family");
    let preferred = name("preferred");
    let shared_care = name("shared_care");
    let reference = ServiceRef::new(&form.text("reference"))
        .map_err(|e| errors.push(err("reference", e.to_string())))
        .ok();
    let nhs_number = form.optional("nhs").and_then(|n| {
        NhsNumber::new(&n)
            .map_err(|e| errors.push(err("nhs", e.to_string())))
            .ok()
    });
    let key_worker_id = form.text("worker").parse::<i64>().ok();
    let primary: Option<Substance> = parse_code(form, "primary", &mut errors);
    let others: BTreeSet<Substance> = form
        .codes("others")
        .iter()
        .filter_map(|c| Substance::from_code(c))
        .collect();
    let client = match (
        reference,
        given,
        family,
        form.date("dob"),
        key_worker_id,
        form.date("referral"),
        primary,
    ) {
        (
            Some(reference),
            Some(given_name),
            Some(family_name),
            Some(date_of_birth),
            Some(key_worker_id),
            Some(referral_date),
            Some(primary_substance),
        ) => Some(Client {
            reference,
            given_name,
            family_name,
            preferred_name: preferred,
            date_of_birth,
            nhs_number,
            key_worker_id,
            status: parse_code(form, "status", &mut errors).unwrap_or(ClientStatus::Active),
            referral_date,
            treatment_start: form.date("start"),
            primary_substance,
            other_substances: others,
            injecting: parse_code(form, "injecting", &mut errors).unwrap_or(InjectingStatus::Never),
            modality: parse_code(form, "modality", &mut errors).unwrap_or(Modality::Psychosocial),
            shared_care,
            risk: RiskFlags {
                overdose_risk: form.yes("overdose"),
                naloxone_held: form.yes("naloxone"),
                naloxone_supplied_on: form.date("naloxone_on"),
                safeguarding_children: form.yes("safeguarding"),
                prison_release_on: form.date("prison"),
                hep_b: parse_code(form, "hep_b", &mut errors),
                hep_c_tested_on: form.date("hep_c"),
                hiv_tested_on: form.date("hiv"),
            },
        }),
        _ => None,
    };
    if let Some(client) = &client
        && let Err(e) = client.validate(form.now.today)
    {
        let message = e.to_string();
        let key = if message.contains("birth") {
            "dob"
        } else if message.contains("treatment start") {
            "start"
        } else if message.contains("substance") {
            "others"
        } else {
            "referral"
        };
        errors.push(err(key, message));
    }
    match client {
        Some(client) if errors.is_empty() => Ok(client),
        _ => Err(errors),
    }
}

/// The field of this form holding a value no two clients may share.
fn duplicate_key(field: UniqueField) -> &'static str {
    match field {
        UniqueField::Reference => "reference",
        UniqueField::NhsNumber => "nhs",
    }
}

/// An open client form: the client edited, if any, with the version read.
#[derive(Debug)]
pub struct ClientForm {
    existing: Option<Stored<Client>>,
}

pub fn open(o: &Opening<'_>) -> Opens {
    let target = match o.draft {
        Some(d) => d.target_id,
        None if o.edit => match o.client_id {
            Some(id) => Some(id),
            None => return Ok(Err("Select a client first.".into())),
        },
        None => None,
    };
    let existing = target.map(|id| o.store.get::<Client>(id)).transpose()?;
    let workers = o.store.key_workers()?;
    let ctx = ClientContext {
        existing: existing.as_ref(),
        workers: &workers,
        default_worker: o.default_worker,
        suggested_reference: o.store.next_reference()?,
    };
    let title = match &existing {
        Some(c) => o.client_title("Edit client", c.id)?,
        None => "New client".to_owned(),
    };
    Ok(Ok(Opened {
        form: client_form(title, o.now, &ctx),
        client_id: existing.as_ref().map(|c| c.id),
        handler: Box::new(ClientForm { existing }),
    }))
}

impl Handler for ClientForm {
    fn kind(&self) -> FormKind {
        FormKind::Client
    }

    fn target(&self) -> (Option<i64>, Option<i64>) {
        self.existing
            .as_ref()
            .map_or((None, None), |c| (Some(c.id), Some(c.row_version)))
    }

    fn adopt_versions(&mut self, target: Option<i64>, _version: &dyn Fn(&str) -> Option<i64>) {
        if let Some(c) = &mut self.existing {
            c.row_version = target.unwrap_or(c.row_version);
        }
    }

    fn accept_current(&mut self, what: RecordType, id: i64, current: i64, _store: &Store) {
        if let Some(c) = self.existing.as_mut().filter(|c| c.id == id)
            && what == RecordType::Client
        {
            c.row_version = current;
        }
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let client = built!(build_client(form));
        let written = match &self.existing {
            Some(c) => write_and_forget_draft(store, s.draft_id, |w| {
                w.update_client(c.id, c.row_version, &client)
            }),
            None => write_and_forget_draft(store, s.draft_id, |w| w.insert(&client).map(drop)),
        };
        match written {
            Ok(()) => Ok(Ok(Saved::said(format!(
                "Client {} saved.",
                client.reference
            )))),
            Err(StoreError::Duplicate(field)) => Ok(Err(vec![err(
                duplicate_key(field),
                format!("another client already has this {field}; nothing was saved"),
            )])),
            Err(e) => Err(e),
        }
    }
}
