//! A client's details, new or edited.

use super::*;
use crate::domain::*;
use crate::form::dates::show_date;
use crate::form::{Form, Kind, Now, Opt, Rule, Spec};
use crate::store::{StoreError, UniqueField};
use std::collections::BTreeSet;

/// The fields of this form, by key: what drafts, errors and the command line name them by.
pub mod key {
    pub const REFERENCE: &str = "reference";
    pub const GIVEN: &str = "given";
    pub const FAMILY: &str = "family";
    pub const PREFERRED: &str = "preferred";
    pub const DOB: &str = "dob";
    pub const NHS: &str = "nhs";
    pub const WORKER: &str = "worker";
    pub const STATUS: &str = "status";
    pub const REFERRAL: &str = "referral";
    pub const START: &str = "start";
    pub const MODALITY: &str = "modality";
    pub const PRIMARY: &str = "primary";
    pub const OTHERS: &str = "others";
    pub const INJECTING: &str = "injecting";
    pub const SHARED_CARE: &str = "shared_care";
    pub const OVERDOSE: &str = "overdose";
    pub const NALOXONE: &str = "naloxone";
    pub const NALOXONE_ON: &str = "naloxone_on";
    pub const SAFEGUARDING: &str = "safeguarding";
    pub const PRISON: &str = "prison";
    pub const HEP_B: &str = "hep_b";
    pub const HEP_C: &str = "hep_c";
    pub const HIV: &str = "hiv";
}

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
        Spec::new(key::REFERENCE, "Reference", Kind::Line { max: 12 }).required(),
        Spec::new(key::GIVEN, "Given name", Kind::Line { max: 100 }).required(),
        Spec::new(key::FAMILY, "Family name", Kind::Line { max: 100 }).required(),
        Spec::new(key::PREFERRED, "Preferred name", Kind::Line { max: 100 }),
        Spec::new(key::DOB, "Date of birth", Kind::Date)
            .required()
            .rule(Rule {
                name: "birth date not ahead",
                check: birth_not_ahead,
            }),
        Spec::new(key::NHS, "NHS number", Kind::Line { max: 12 }).rule(Rule {
            name: "NHS checksum",
            check: nhs_checksum,
        }),
        Spec::new(key::WORKER, "Key worker", Kind::Choice(workers)).required(),
        Spec::new(
            key::STATUS,
            "Status",
            Kind::Choice(coded_options!(ClientStatus)),
        )
        .required(),
        Spec::new(key::REFERRAL, "Referral date", Kind::Date).required(),
        Spec::new(key::START, "Treatment start", Kind::Date),
        Spec::new(
            key::MODALITY,
            "Treatment",
            Kind::Choice(coded_options!(Modality)),
        )
        .required(),
        Spec::new(
            key::PRIMARY,
            "Primary substance",
            Kind::Choice(substances.clone()),
        )
        .required(),
        Spec::new(key::OTHERS, "Other substances", Kind::Multi(substances)),
        Spec::new(
            key::INJECTING,
            "Injecting",
            Kind::Choice(coded_options!(InjectingStatus)),
        )
        .required(),
        Spec::new(key::SHARED_CARE, "Shared-care GP", Kind::Line { max: 100 }),
        Spec::new(key::OVERDOSE, "Overdose risk", Kind::YesNo),
        Spec::new(key::NALOXONE, "Naloxone held", Kind::YesNo),
        Spec::new(key::NALOXONE_ON, "Naloxone supplied", Kind::Date),
        Spec::new(key::SAFEGUARDING, "Safeguarding", Kind::YesNo),
        Spec::new(key::PRISON, "Prison release", Kind::Date),
        Spec::new(
            key::HEP_B,
            "Hep B vaccination",
            Kind::Choice(with_none("not recorded", coded_options!(HepBStatus))),
        ),
        Spec::new(key::HEP_C, "Hep C tested", Kind::Date),
        Spec::new(key::HIV, "HIV tested", Kind::Date),
    ];
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let date = |d: Option<chrono::NaiveDate>| d.map(show_date).unwrap_or_default();
    let initial: Vec<(&str, String)> = match ctx.existing {
        Some(stored) => {
            let c = &stored.record;
            let r = &c.risk;
            vec![
                (key::REFERENCE, c.reference.to_string()),
                (key::GIVEN, c.given_name.to_string()),
                (key::FAMILY, c.family_name.to_string()),
                (
                    key::PREFERRED,
                    c.preferred_name
                        .as_ref()
                        .map(Name::to_string)
                        .unwrap_or_default(),
                ),
                (key::DOB, show_date(c.date_of_birth)),
                (
                    key::NHS,
                    c.nhs_number
                        .as_ref()
                        .map(|n| n.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                (key::WORKER, c.key_worker_id.to_string()),
                (key::STATUS, c.status.code().into()),
                (key::REFERRAL, show_date(c.referral_date)),
                (key::START, date(c.treatment_start)),
                (key::MODALITY, c.modality.code().into()),
                (key::PRIMARY, c.primary_substance.code().into()),
                (
                    key::OTHERS,
                    c.other_substances
                        .iter()
                        .map(|s| s.code())
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                (key::INJECTING, c.injecting.code().into()),
                (
                    key::SHARED_CARE,
                    c.shared_care
                        .as_ref()
                        .map(Name::to_string)
                        .unwrap_or_default(),
                ),
                (key::OVERDOSE, yes(r.overdose_risk)),
                (key::NALOXONE, yes(r.naloxone_held)),
                (key::NALOXONE_ON, date(r.naloxone_supplied_on)),
                (key::SAFEGUARDING, yes(r.safeguarding_children)),
                (key::PRISON, date(r.prison_release_on)),
                (
                    key::HEP_B,
                    r.hep_b.map(|h| h.code().to_owned()).unwrap_or_default(),
                ),
                (key::HEP_C, date(r.hep_c_tested_on)),
                (key::HIV, date(r.hiv_tested_on)),
            ]
        }
        None => vec![
            (key::REFERENCE, ctx.suggested_reference.to_string()),
            (
                key::WORKER,
                ctx.default_worker
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
            ),
            (key::STATUS, ClientStatus::Active.code().into()),
            (key::REFERRAL, show_date(now.today)),
            (key::INJECTING, InjectingStatus::Never.code().into()),
        ],
    };
    let mut form = Form::new(title, specs, &initial, now);
    form.focus_key(if ctx.existing.is_some() {
        key::PREFERRED
    } else {
        key::GIVEN
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
    let given = name(key::GIVEN);
    let family = name(key::FAMILY);
    let preferred = name(key::PREFERRED);
    let shared_care = name(key::SHARED_CARE);
    let reference = ServiceRef::new(&form.text(key::REFERENCE))
        .map_err(|e| errors.push(err(key::REFERENCE, e.to_string())))
        .ok();
    let nhs_number = form.optional(key::NHS).and_then(|n| {
        NhsNumber::new(&n)
            .map_err(|e| errors.push(err(key::NHS, e.to_string())))
            .ok()
    });
    let key_worker_id = form.text(key::WORKER).parse::<i64>().ok();
    let primary: Option<Substance> = parse_code(form, key::PRIMARY, &mut errors);
    let others: BTreeSet<Substance> = form
        .codes(key::OTHERS)
        .iter()
        .filter_map(|c| Substance::from_code(c))
        .collect();
    let client = match (
        reference,
        given,
        family,
        form.date(key::DOB),
        key_worker_id,
        form.date(key::REFERRAL),
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
            status: parse_code(form, key::STATUS, &mut errors).unwrap_or(ClientStatus::Active),
            referral_date,
            treatment_start: form.date(key::START),
            primary_substance,
            other_substances: others,
            injecting: parse_code(form, key::INJECTING, &mut errors)
                .unwrap_or(InjectingStatus::Never),
            modality: parse_code(form, key::MODALITY, &mut errors)
                .unwrap_or(Modality::Psychosocial),
            shared_care,
            risk: RiskFlags {
                overdose_risk: form.yes(key::OVERDOSE),
                naloxone_held: form.yes(key::NALOXONE),
                naloxone_supplied_on: form.date(key::NALOXONE_ON),
                safeguarding_children: form.yes(key::SAFEGUARDING),
                prison_release_on: form.date(key::PRISON),
                hep_b: parse_code(form, key::HEP_B, &mut errors),
                hep_c_tested_on: form.date(key::HEP_C),
                hiv_tested_on: form.date(key::HIV),
            },
        }),
        _ => None,
    };
    if let Some(client) = &client
        && let Err(e) = client.validate(form.now.today)
    {
        let message = e.to_string();
        let key = if message.contains("birth") {
            key::DOB
        } else if message.contains("treatment start") {
            key::START
        } else if message.contains("substance") {
            key::OTHERS
        } else {
            key::REFERRAL
        };
        errors.push(err(key, message));
    }
    match client {
        Some(client) if errors.is_empty() => Ok(client),
        _ => Err(errors),
    }
}

/// A date of birth is never ahead of today: checked with the other fields, so it is reported in
/// the same round as a missing substance rather than one save later.
fn birth_not_ahead(text: &str, now: Now) -> std::result::Result<(), String> {
    match crate::form::dates::parse_date(text, now.today) {
        Ok(date) if date > now.today => Err("date of birth is in the future".into()),
        _ => Ok(()),
    }
}

/// An NHS number passes its Modulus 11 check digit.
fn nhs_checksum(text: &str, _: Now) -> std::result::Result<(), String> {
    NhsNumber::new(text).map(drop).map_err(|e| e.to_string())
}

/// The field of this form holding a value no two clients may share.
fn duplicate_key(field: UniqueField) -> &'static str {
    match field {
        UniqueField::Reference => key::REFERENCE,
        UniqueField::NhsNumber => key::NHS,
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
    fn check(&self, form: &Form, _: &Saving<'_>) -> Errors {
        build_client(form).err().unwrap_or_default()
    }

    fn kind(&self) -> FormKind {
        FormKind::Client
    }

    fn target(&self) -> (Option<i64>, Option<i64>) {
        super::target_of(&self.existing)
    }

    fn adopt_versions(&mut self, target: Option<i64>, _version: &dyn Fn(&str) -> Option<i64>) {
        adopt_target(&mut self.existing, target);
    }

    fn accept_current(&mut self, what: RecordType, id: i64, current: i64, _store: &Store) {
        accept_target(&mut self.existing, what, id, current);
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
