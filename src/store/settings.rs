//! The service's rules, one set for the whole team: stored in the database, changed by a team
//! lead, read by every screen and report of every worker. Two kinds: the intervals reviews and
//! prompts fall due by ([`ReviewIntervals`]) and the limits the safe-prescribing checks apply
//! ([`DoseLimits`]). A key never set means the built-in default, the guideline's value.

use super::{Result, Store, StoreError};
use crate::domain::dose_check::{DoseLimits, MAX_LIMIT_MG};
use crate::domain::{AuditAction, Interval, RecordType, ReviewIntervals};
use rusqlite::{Connection, params};

/// A service setting `keywork settings set` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKey {
    CarePlan,
    Prescribing,
    PrescribingFirst,
    Outcomes,
    Risk,
    RiskAfterChange,
    BbvRetest,
    ReadinessCheck,
    ExitPlan,
    MethadoneInduction,
    MethadoneStep,
    MethadoneWeek,
    MethadoneCeiling,
    BuprenorphineInduction,
    BuprenorphineStep,
    BuprenorphineCeiling,
    DaysAhead,
    EcgMethadone,
    EcgValidFor,
}

/// What a setting's value counts, and so how it is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// `12w`, `6m`, `28d`.
    Interval,
    /// `30mg` (or a bare number of mg).
    Mg,
    /// `28d` or `4w`: a whole number of days.
    Days,
}

/// A setting's value, as [`SettingKey::parse_value`] reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SettingValue {
    Interval(Interval),
    Mg(f64),
    Days(i64),
}

impl SettingValue {
    /// The short form stored and shown, which parsing reads back: `12w`, `30mg`, `28d`.
    pub fn code(self) -> String {
        match self {
            SettingValue::Interval(interval) => interval.code(),
            SettingValue::Mg(mg) => format!("{mg}mg"),
            SettingValue::Days(days) => format!("{days}d"),
        }
    }
}

/// Every setting the service has: what falls due when, and the dose checks' limits.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ServiceSettings {
    pub intervals: ReviewIntervals,
    pub limits: DoseLimits,
}

/// The longest a start may be dated ahead: further is a typing slip, not a policy.
const MAX_DAYS_AHEAD: i64 = 366;

impl SettingKey {
    pub const ALL: &'static [SettingKey] = &[
        SettingKey::CarePlan,
        SettingKey::Prescribing,
        SettingKey::PrescribingFirst,
        SettingKey::Outcomes,
        SettingKey::Risk,
        SettingKey::RiskAfterChange,
        SettingKey::BbvRetest,
        SettingKey::ReadinessCheck,
        SettingKey::ExitPlan,
        SettingKey::MethadoneInduction,
        SettingKey::MethadoneStep,
        SettingKey::MethadoneWeek,
        SettingKey::MethadoneCeiling,
        SettingKey::BuprenorphineInduction,
        SettingKey::BuprenorphineStep,
        SettingKey::BuprenorphineCeiling,
        SettingKey::DaysAhead,
        SettingKey::EcgMethadone,
        SettingKey::EcgValidFor,
    ];

    /// The key as stored and typed (the review intervals keep the names `[review_intervals]`
    /// used). Migration 16's CHECK lists exactly these.
    pub fn code(self) -> &'static str {
        match self {
            SettingKey::CarePlan => "care_plan",
            SettingKey::Prescribing => "prescribing",
            SettingKey::PrescribingFirst => "prescribing_first",
            SettingKey::Outcomes => "outcomes",
            SettingKey::Risk => "risk",
            SettingKey::RiskAfterChange => "risk_after_change",
            SettingKey::BbvRetest => "bbv_retest",
            SettingKey::ReadinessCheck => "readiness_check",
            SettingKey::ExitPlan => "exit_plan",
            SettingKey::MethadoneInduction => "methadone_induction",
            SettingKey::MethadoneStep => "methadone_step",
            SettingKey::MethadoneWeek => "methadone_week",
            SettingKey::MethadoneCeiling => "methadone_ceiling",
            SettingKey::BuprenorphineInduction => "buprenorphine_induction",
            SettingKey::BuprenorphineStep => "buprenorphine_step",
            SettingKey::BuprenorphineCeiling => "buprenorphine_ceiling",
            SettingKey::DaysAhead => "days_ahead",
            SettingKey::EcgMethadone => "ecg_methadone",
            SettingKey::EcgValidFor => "ecg_valid_for",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            SettingKey::CarePlan => "care-plan review interval",
            SettingKey::Prescribing => "prescribing review interval",
            SettingKey::PrescribingFirst => "first prescribing review after starting OST",
            SettingKey::Outcomes => "TOP review interval",
            SettingKey::Risk => "risk review interval",
            SettingKey::RiskAfterChange => {
                "risk review after a risk flag changes or a release from prison"
            }
            SettingKey::BbvRetest => "BBV re-test interval while injecting",
            SettingKey::ReadinessCheck => "readiness check due after no readiness note for",
            SettingKey::ExitPlan => "exit plan not yet discussed after in treatment for",
            SettingKey::MethadoneInduction => "methadone: highest usual first dose a day",
            SettingKey::MethadoneStep => "methadone: largest usual increase at a time",
            SettingKey::MethadoneWeek => "methadone: largest usual increase in a week",
            SettingKey::MethadoneCeiling => "methadone: refused above (a typing slip)",
            SettingKey::BuprenorphineInduction => "buprenorphine: highest usual first-day dose",
            SettingKey::BuprenorphineStep => "buprenorphine: largest usual increase at a time",
            SettingKey::BuprenorphineCeiling => "buprenorphine: refused above (licensed maximum)",
            SettingKey::DaysAhead => "a start or change dated at most this far ahead",
            SettingKey::EcgMethadone => "ECG recommended for methadone above (mg a day)",
            SettingKey::EcgValidFor => "an ECG counts as current for",
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            SettingKey::CarePlan
            | SettingKey::Prescribing
            | SettingKey::PrescribingFirst
            | SettingKey::Outcomes
            | SettingKey::Risk
            | SettingKey::RiskAfterChange
            | SettingKey::BbvRetest
            | SettingKey::ReadinessCheck
            | SettingKey::ExitPlan
            | SettingKey::EcgValidFor => Unit::Interval,
            SettingKey::DaysAhead => Unit::Days,
            SettingKey::MethadoneInduction
            | SettingKey::MethadoneStep
            | SettingKey::MethadoneWeek
            | SettingKey::MethadoneCeiling
            | SettingKey::BuprenorphineInduction
            | SettingKey::BuprenorphineStep
            | SettingKey::BuprenorphineCeiling
            | SettingKey::EcgMethadone => Unit::Mg,
        }
    }

    /// Whether this is a limit of the safe-prescribing checks (else an interval something falls
    /// due by): `settings show` lists the two groups apart.
    pub fn is_dose_limit(self) -> bool {
        self.unit() != Unit::Interval || self == SettingKey::EcgValidFor
    }

    pub fn parse(code: &str) -> Option<SettingKey> {
        SettingKey::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// Reads a value typed for this setting; the error is a sentence for whoever typed it.
    pub fn parse_value(self, text: &str) -> std::result::Result<SettingValue, String> {
        match self.unit() {
            Unit::Interval => Interval::parse(text).map(SettingValue::Interval),
            Unit::Mg => parse_mg(text).map(SettingValue::Mg),
            Unit::Days => parse_days(text).map(SettingValue::Days),
        }
    }

    /// This setting's value in `settings`.
    pub fn get(self, settings: &ServiceSettings) -> SettingValue {
        let (i, l) = (&settings.intervals, &settings.limits);
        match self {
            SettingKey::CarePlan => SettingValue::Interval(i.care_plan),
            SettingKey::Prescribing => SettingValue::Interval(i.prescribing),
            SettingKey::PrescribingFirst => SettingValue::Interval(i.prescribing_first),
            SettingKey::Outcomes => SettingValue::Interval(i.outcomes),
            SettingKey::Risk => SettingValue::Interval(i.risk),
            SettingKey::RiskAfterChange => SettingValue::Interval(i.risk_after_change),
            SettingKey::BbvRetest => SettingValue::Interval(i.bbv_retest),
            SettingKey::ReadinessCheck => SettingValue::Interval(i.readiness_check),
            SettingKey::ExitPlan => SettingValue::Interval(i.exit_plan),
            SettingKey::MethadoneInduction => SettingValue::Mg(l.methadone_induction_mg),
            SettingKey::MethadoneStep => SettingValue::Mg(l.methadone_step_mg),
            SettingKey::MethadoneWeek => SettingValue::Mg(l.methadone_week_mg),
            SettingKey::MethadoneCeiling => SettingValue::Mg(l.methadone_ceiling_mg),
            SettingKey::BuprenorphineInduction => SettingValue::Mg(l.buprenorphine_induction_mg),
            SettingKey::BuprenorphineStep => SettingValue::Mg(l.buprenorphine_step_mg),
            SettingKey::BuprenorphineCeiling => SettingValue::Mg(l.buprenorphine_ceiling_mg),
            SettingKey::DaysAhead => SettingValue::Days(l.days_ahead),
            SettingKey::EcgMethadone => SettingValue::Mg(l.ecg_methadone_mg),
            SettingKey::EcgValidFor => SettingValue::Interval(l.ecg_valid_for),
        }
    }

    /// Puts `value` in `settings`; a value of another unit than the key's changes nothing
    /// (values come from [`SettingKey::parse_value`] of the same key).
    fn put(self, settings: &mut ServiceSettings, value: SettingValue) {
        let (i, l) = (&mut settings.intervals, &mut settings.limits);
        match (self, value) {
            (SettingKey::CarePlan, SettingValue::Interval(v)) => i.care_plan = v,
            (SettingKey::Prescribing, SettingValue::Interval(v)) => i.prescribing = v,
            (SettingKey::PrescribingFirst, SettingValue::Interval(v)) => i.prescribing_first = v,
            (SettingKey::Outcomes, SettingValue::Interval(v)) => i.outcomes = v,
            (SettingKey::Risk, SettingValue::Interval(v)) => i.risk = v,
            (SettingKey::RiskAfterChange, SettingValue::Interval(v)) => i.risk_after_change = v,
            (SettingKey::BbvRetest, SettingValue::Interval(v)) => i.bbv_retest = v,
            (SettingKey::ReadinessCheck, SettingValue::Interval(v)) => i.readiness_check = v,
            (SettingKey::ExitPlan, SettingValue::Interval(v)) => i.exit_plan = v,
            (SettingKey::MethadoneInduction, SettingValue::Mg(v)) => l.methadone_induction_mg = v,
            (SettingKey::MethadoneStep, SettingValue::Mg(v)) => l.methadone_step_mg = v,
            (SettingKey::MethadoneWeek, SettingValue::Mg(v)) => l.methadone_week_mg = v,
            (SettingKey::MethadoneCeiling, SettingValue::Mg(v)) => l.methadone_ceiling_mg = v,
            (SettingKey::BuprenorphineInduction, SettingValue::Mg(v)) => {
                l.buprenorphine_induction_mg = v
            }
            (SettingKey::BuprenorphineStep, SettingValue::Mg(v)) => l.buprenorphine_step_mg = v,
            (SettingKey::BuprenorphineCeiling, SettingValue::Mg(v)) => {
                l.buprenorphine_ceiling_mg = v
            }
            (SettingKey::DaysAhead, SettingValue::Days(v)) => l.days_ahead = v,
            (SettingKey::EcgMethadone, SettingValue::Mg(v)) => l.ecg_methadone_mg = v,
            (SettingKey::EcgValidFor, SettingValue::Interval(v)) => l.ecg_valid_for = v,
            _ => {}
        }
    }
}

/// A limit in mg: `30mg`, `30 mg`, `7.5` (a bare number is mg, the only unit a dose has here).
fn parse_mg(text: &str) -> std::result::Result<f64, String> {
    let trimmed = text.trim();
    let number = trimmed
        .strip_suffix("mg")
        .or_else(|| trimmed.strip_suffix("MG"))
        .unwrap_or(trimmed)
        .trim();
    let mg: f64 = number
        .parse()
        .ok()
        .filter(|mg: &f64| mg.is_finite())
        .ok_or_else(|| format!("'{trimmed}' is not a dose; write it in mg, like 30mg"))?;
    if mg <= 0.0 || mg > MAX_LIMIT_MG {
        return Err(format!(
            "{mg} mg is out of range; a limit is more than 0 mg and at most {MAX_LIMIT_MG} mg"
        ));
    }
    Ok(mg)
}

/// A number of days: `28d` or `4w` (months are not a fixed number of days).
fn parse_days(text: &str) -> std::result::Result<i64, String> {
    let days = match Interval::parse(text)? {
        Interval::Days(n) => i64::from(n),
        Interval::Weeks(n) => i64::from(n) * 7,
        Interval::Months(_) => {
            return Err("counted in days: write it like 28d or 4w".into());
        }
    };
    if days > MAX_DAYS_AHEAD {
        return Err(format!(
            "{days} days is out of range; use 1 to {MAX_DAYS_AHEAD} days"
        ));
    }
    Ok(days)
}

/// The stored settings over the defaults. A value this version cannot read (written by another
/// version) keeps the default rather than stopping every screen; `settings show` marks it.
pub(super) fn read_settings(conn: &Connection) -> Result<ServiceSettings> {
    let mut settings = ServiceSettings::default();
    let mut stmt = conn.prepare_cached("SELECT key, value FROM service_settings")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let key: String = row.get(0)?;
        let value: String = row.get(1)?;
        if let Some(key) = SettingKey::parse(&key)
            && let Ok(value) = key.parse_value(&value)
        {
            key.put(&mut settings, value);
        }
    }
    Ok(settings)
}

impl super::Writer<'_> {
    /// The limits the safe-prescribing checks apply, read in the write's own transaction.
    pub(super) fn dose_limits(&self) -> Result<DoseLimits> {
        Ok(read_settings(&self.tx)?.limits)
    }
}

impl Store {
    /// Every service setting: the defaults, overridden by what a team lead has set.
    pub fn service_settings(&self) -> Result<ServiceSettings> {
        read_settings(&self.conn)
    }

    /// The service's review intervals: the defaults, overridden by what a team lead has set.
    pub fn review_intervals(&self) -> Result<ReviewIntervals> {
        Ok(self.service_settings()?.intervals)
    }

    /// The limits the safe-prescribing checks apply here.
    pub fn dose_limits(&self) -> Result<DoseLimits> {
        Ok(self.service_settings()?.limits)
    }

    /// Which settings a team lead has set (the rest are defaults).
    pub fn settings_set(&self) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, value, updated_at FROM service_settings ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sets one service setting (team lead only), audited with the old and new value. Returns
    /// the old value. The dose limits are checked together ([`DoseLimits::check`]) in the same
    /// transaction as the write, so two leads changing two limits at once cannot leave a set
    /// that contradicts itself.
    pub fn set_setting(&mut self, key: SettingKey, value: SettingValue) -> Result<SettingValue> {
        let text = value.code();
        self.write_as_lead(|w| {
            let mut settings = read_settings(&w.tx)?;
            let old = key.get(&settings);
            key.put(&mut settings, value);
            settings
                .limits
                .check()
                .map_err(|e| StoreError::BadSetting(key.code(), e))?;
            w.tx.execute(
                "INSERT INTO service_settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                params![key.code(), text, w.stamp],
            )?;
            let detail = format!("{}: {} -> {text}", key.code(), old.code());
            w.audit_detail(AuditAction::Setting, RecordType::Service, None, Some(&detail))?;
            Ok(old)
        })
    }
}

/// A setting's value, checked before anything is opened for writing.
pub fn parse_value(key: SettingKey, text: &str) -> Result<SettingValue> {
    key.parse_value(text)
        .map_err(|e| StoreError::BadSetting(key.code(), e))
}
