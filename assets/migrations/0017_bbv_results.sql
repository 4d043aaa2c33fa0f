-- keywork schema, version 17: blood-borne virus test results, each test with the day its sample
-- was taken and its result (`domain::bbv`), and the hep C treatment referral as an intervention.
-- The Rust step (`store::migrate::intervention_codes`) rebuilds `session_interventions` with the
-- new code in its CHECK.

-- One row per result recorded. A result that arrives later is a new row for the same test and
-- day (the latest stands; the earlier, "not known", stays on the record).
CREATE TABLE bbv_results (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id       INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    test            TEXT NOT NULL CHECK (test IN ('hep_c_antibody', 'hep_c_rna', 'hiv', 'hep_b_immunity')),
    taken_on        TEXT NOT NULL CHECK (date(taken_on) IS taken_on),
    result          TEXT NOT NULL CHECK (result IN ('negative', 'positive', 'declined', 'not_known')),
    worker_id       INTEGER NOT NULL REFERENCES workers (id),
    created_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    in_error_at     TEXT,
    in_error_by     TEXT,
    in_error_reason TEXT CHECK (in_error_reason IS NULL
                                OR (length(trim(in_error_reason)) > 0 AND length(in_error_reason) <= 500))
) STRICT;
CREATE INDEX bbv_results_by_client ON bbv_results (client_id, taken_on);

-- An open screen reloads the client whose results changed (the shape of `store::summary`'s
-- change-only triggers, written out so this migration never changes).
CREATE TRIGGER summary_bbv_results_insert AFTER INSERT ON bbv_results
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT x, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes) FROM (SELECT NEW.client_id AS x)
      WHERE x = 0 OR EXISTS (SELECT 1 FROM clients WHERE id = x)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER summary_bbv_results_update AFTER UPDATE ON bbv_results
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT x, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes) FROM (SELECT NEW.client_id AS x)
      WHERE x = 0 OR EXISTS (SELECT 1 FROM clients WHERE id = x)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER summary_bbv_results_delete AFTER DELETE ON bbv_results
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
      SELECT x, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes) FROM (SELECT OLD.client_id AS x)
      WHERE x = 0 OR EXISTS (SELECT 1 FROM clients WHERE id = x)
      ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
END;
