//! The service's rules, one set for the whole team: stored in the database, changed by a team
//! lead, read by every screen and report of every worker.

use super::{Result, Store, StoreError};
use crate::domain::{AuditAction, Interval, RecordType, ReviewIntervals};
use rusqlite::params;

/// A service setting `keywork settings set` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKey {
    CarePlan,
    Prescribing,
    PrescribingFirst,
    Outcomes,
    Risk,
    RiskAfterChange,
}

impl SettingKey {
    pub const ALL: &'static [SettingKey] = &[
        SettingKey::CarePlan,
        SettingKey::Prescribing,
        SettingKey::PrescribingFirst,
        SettingKey::Outcomes,
        SettingKey::Risk,
        SettingKey::RiskAfterChange,
    ];

    /// The key as stored and typed (the names `[review_intervals]` used).
    pub fn code(self) -> &'static str {
        match self {
            SettingKey::CarePlan => "care_plan",
            SettingKey::Prescribing => "prescribing",
            SettingKey::PrescribingFirst => "prescribing_first",
            SettingKey::Outcomes => "outcomes",
            SettingKey::Risk => "risk",
            SettingKey::RiskAfterChange => "risk_after_change",
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
        }
    }

    pub fn parse(code: &str) -> Option<SettingKey> {
        SettingKey::ALL.iter().copied().find(|k| k.code() == code)
    }

    fn slot(self, intervals: &mut ReviewIntervals) -> &mut Interval {
        match self {
            SettingKey::CarePlan => &mut intervals.care_plan,
            SettingKey::Prescribing => &mut intervals.prescribing,
            SettingKey::PrescribingFirst => &mut intervals.prescribing_first,
            SettingKey::Outcomes => &mut intervals.outcomes,
            SettingKey::Risk => &mut intervals.risk,
            SettingKey::RiskAfterChange => &mut intervals.risk_after_change,
        }
    }

    pub fn get(self, intervals: &ReviewIntervals) -> Interval {
        *self.slot(&mut intervals.clone())
    }
}

impl Store {
    /// The service's review intervals: the defaults, overridden by what a team lead has set.
    pub fn review_intervals(&self) -> Result<ReviewIntervals> {
        let mut intervals = ReviewIntervals::default();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, value FROM service_settings")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let key: String = row.get(0)?;
            let value: String = row.get(1)?;
            // A value written by another version that this one cannot read keeps the default
            // rather than stopping every screen; `settings show` marks it.
            if let (Some(key), Ok(interval)) = (SettingKey::parse(&key), Interval::parse(&value)) {
                *key.slot(&mut intervals) = interval;
            }
        }
        Ok(intervals)
    }

    /// Which settings a team lead has set (the rest are defaults).
    pub fn settings_set(&self) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, value, updated_at FROM service_settings ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sets one service setting (team lead only), audited with the old and new value.
    /// Returns the old value.
    pub fn set_setting(&mut self, key: SettingKey, value: Interval) -> Result<Interval> {
        let old = key.get(&self.review_intervals()?);
        let text = value.code();
        self.write_as_lead(|w| {
            w.tx.execute(
                "INSERT INTO service_settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                params![key.code(), text, w.stamp],
            )?;
            let detail = format!("{}: {} -> {text}", key.code(), old.code());
            w.audit_detail(AuditAction::Setting, RecordType::Service, None, Some(&detail))
        })?;
        Ok(old)
    }
}

/// A setting's value, checked as `[review_intervals]` values always were.
pub fn parse_value(key: SettingKey, text: &str) -> Result<Interval> {
    Interval::parse(text).map_err(|e| StoreError::BadSetting(key.code(), e))
}
