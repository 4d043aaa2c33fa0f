-- keywork schema, version 16: the clinical limits become service settings (the BBV re-test,
-- readiness-check and exit-plan intervals, and every limit of the safe-prescribing checks with
-- the ECG's), and ECGs are recorded.
--
-- `service_settings` keeps its CHECK on the key, extended, rather than dropping it and
-- validating in Rust alone: the database then refuses a key no keywork reads (a typo from the
-- sqlite3 shell or a script would otherwise be stored and silently ignored), and the price, a
-- rebuild of a three-column table with no rows pointing at it, is paid once per new key.
-- Dropping the table drops its three change triggers (migration 9's), made again below as
-- they were, written out so this migration never changes.
CREATE TABLE service_settings_v16 (
    key        TEXT PRIMARY KEY CHECK (key IN ('care_plan', 'prescribing', 'prescribing_first', 'outcomes',
                                               'risk', 'risk_after_change', 'bbv_retest', 'readiness_check',
                                               'exit_plan', 'methadone_induction', 'methadone_step',
                                               'methadone_week', 'methadone_ceiling', 'buprenorphine_induction',
                                               'buprenorphine_step', 'buprenorphine_ceiling', 'days_ahead',
                                               'ecg_methadone', 'ecg_valid_for')),
    value      TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 20),
    updated_at TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at)
) STRICT;
INSERT INTO service_settings_v16 (key, value, updated_at)
    SELECT key, value, updated_at FROM service_settings;
DROP TABLE service_settings;
ALTER TABLE service_settings_v16 RENAME TO service_settings;

-- A changed setting reloads every open screen (client 0 stands for everyone).
CREATE TRIGGER summary_service_settings_insert AFTER INSERT ON service_settings
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT 0, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER summary_service_settings_update AFTER UPDATE ON service_settings
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT 0, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER summary_service_settings_delete AFTER DELETE ON service_settings
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT 0, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;

-- ECGs: methadone above the service's threshold (100 mg a day by default) with no ECG in the
-- last 12 months asks for one (`domain::dose_check::check_ecg`; the Orange Book 2017 and the
-- MHRA's 2006 advice on methadone and QT prolongation). The date and, when known, the QTc.
CREATE TABLE ecgs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id       INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    taken_on        TEXT NOT NULL CHECK (date(taken_on) IS taken_on),
    qtc_ms          INTEGER CHECK (qtc_ms IS NULL OR qtc_ms BETWEEN 300 AND 700),
    worker_id       INTEGER NOT NULL REFERENCES workers (id),
    created_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    in_error_at     TEXT,
    in_error_by     TEXT,
    in_error_reason TEXT CHECK (in_error_reason IS NULL
                                OR (length(trim(in_error_reason)) > 0 AND length(in_error_reason) <= 500))
) STRICT;
CREATE INDEX ecgs_by_client ON ecgs (client_id, taken_on DESC);

-- An open screen reloads the client whose ECGs changed (the shape of `store::summary`'s
-- change-only triggers, written out so this migration never changes).
CREATE TRIGGER summary_ecgs_insert AFTER INSERT ON ecgs
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT x, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes) FROM (SELECT NEW.client_id AS x)
      WHERE x = 0 OR EXISTS (SELECT 1 FROM clients WHERE id = x)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER summary_ecgs_update AFTER UPDATE ON ecgs
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT x, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes) FROM (SELECT NEW.client_id AS x)
      WHERE x = 0 OR EXISTS (SELECT 1 FROM clients WHERE id = x)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER summary_ecgs_delete AFTER DELETE ON ecgs
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT x, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes) FROM (SELECT OLD.client_id AS x)
      WHERE x = 0 OR EXISTS (SELECT 1 FROM clients WHERE id = x)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;
