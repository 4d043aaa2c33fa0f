-- keywork schema, version 15: doses the pharmacy reports missed (three in a row stop dispensing
-- until the prescriber reassesses: the Orange Book 2017), whether safe storage was discussed for
-- take-home doses, and three new alert kinds. The Rust step (`store::migrate::alert_kinds`)
-- rebuilds `alert_acks` with the new codes in its CHECK.

-- One row per day a dose was missed, against the prescription the pharmacy dispenses.
CREATE TABLE missed_doses (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id       INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    prescription_id INTEGER NOT NULL REFERENCES prescriptions (id) ON DELETE CASCADE,
    missed_on       TEXT NOT NULL CHECK (date(missed_on) IS missed_on),
    worker_id       INTEGER NOT NULL REFERENCES workers (id),
    created_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    in_error_at     TEXT,
    in_error_by     TEXT,
    in_error_reason TEXT CHECK (in_error_reason IS NULL
                                OR (length(trim(in_error_reason)) > 0 AND length(in_error_reason) <= 500))
) STRICT;
-- A day is missed once; a row marked in error no longer counts.
CREATE UNIQUE INDEX missed_doses_once ON missed_doses (client_id, missed_on) WHERE in_error_at IS NULL;

-- An open screen reloads the client whose missed doses changed (the shape of
-- `store::summary`'s change-only triggers, written out so this migration never changes).
CREATE TRIGGER summary_missed_doses_insert AFTER INSERT ON missed_doses
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT x, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes) FROM (SELECT NEW.client_id AS x)
      WHERE x = 0 OR EXISTS (SELECT 1 FROM clients WHERE id = x)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER summary_missed_doses_update AFTER UPDATE ON missed_doses
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT x, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes) FROM (SELECT NEW.client_id AS x)
      WHERE x = 0 OR EXISTS (SELECT 1 FROM clients WHERE id = x)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER summary_missed_doses_delete AFTER DELETE ON missed_doses
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT x, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes) FROM (SELECT OLD.client_id AS x)
      WHERE x = 0 OR EXISTS (SELECT 1 FROM clients WHERE id = x)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;

-- With the safeguarding (children) flag, take-home doses need safe storage discussed
-- (`domain::dose_check`); NULL on prescriptions from before the question was asked.
ALTER TABLE prescriptions ADD COLUMN safe_storage_discussed INTEGER
    CHECK (safe_storage_discussed IS NULL OR safe_storage_discussed IN (0, 1));
