-- keywork schema, version 12: a prescription keeps the reason a prescriber gave for a dose the
-- safe-prescribing checks question (a start above the usual induction dose, a steep increase:
-- `domain::dose_check`, after the Orange Book 2017), so the record shows why.
ALTER TABLE prescriptions ADD COLUMN dose_reason TEXT
    CHECK (dose_reason IS NULL OR (length(trim(dose_reason)) > 0 AND length(dose_reason) <= 200));
