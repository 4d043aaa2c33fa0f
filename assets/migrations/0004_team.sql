-- keywork schema, version 4: a team on one server. Workers are retired rather than removed, the
-- team always keeps a team lead, the service's review rules live in the database (one set for
-- everyone), and the audit trail becomes a hash chain that `keywork check` verifies.

-- A retired worker stays for history and the audit but can no longer write.
ALTER TABLE workers ADD COLUMN retired_on TEXT
    CHECK (retired_on IS NULL OR date(retired_on) IS retired_on);

-- A team list locked by an earlier keywork (its first worker was made a plain key worker, so
-- nobody could add anyone) is opened by making its first worker the team lead.
UPDATE workers SET role = 'team_lead'
WHERE id = (SELECT min(id) FROM workers)
  AND NOT EXISTS (SELECT 1 FROM workers WHERE role = 'team_lead');

CREATE TRIGGER workers_keep_a_team_lead AFTER UPDATE OF role, retired_on ON workers
WHEN NOT EXISTS (SELECT 1 FROM workers WHERE role = 'team_lead' AND retired_on IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'the team must keep at least one team lead');
END;

CREATE TRIGGER workers_are_retired_not_deleted BEFORE DELETE ON workers
BEGIN
    SELECT RAISE(ABORT, 'workers are retired, never deleted');
END;

-- The service's rules, set by a team lead with `keywork settings set`; a missing key means the
-- built-in default. Values are validated by keywork before they are written.
CREATE TABLE service_settings (
    key        TEXT PRIMARY KEY CHECK (key IN ('care_plan', 'prescribing', 'prescribing_first', 'outcomes',
                                               'risk', 'risk_after_change')),
    value      TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 20),
    updated_at TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at)
) STRICT;

-- The new audit table: what is done with records (now also who viewed one, erasures, settings
-- and role changes), a short non-clinical detail (a setting's old and new value, a role change,
-- an erased client's reference; never the text of a note), and each row's SHA-256 over its own
-- fields and the previous row's hash. The rows are copied across by keywork, which computes the
-- chain, between this file and 0004_team_after_chain.sql.
CREATE TABLE audit_v4 (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', at) IS at),
    login       TEXT NOT NULL CHECK (length(login) BETWEEN 1 AND 32),
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'complete', 'generate', 'export',
                                                'acknowledge', 'view', 'erase', 'init', 'retire', 'role',
                                                'setting')),
    record_type TEXT NOT NULL CHECK (record_type IN ('service', 'worker', 'client', 'prescription', 'session',
                                                     'readiness_note', 'goal', 'goal_action', 'review', 'top',
                                                     'alert_ack')),
    record_id   INTEGER,
    detail      TEXT CHECK (detail IS NULL OR length(detail) <= 200),
    hash        TEXT NOT NULL CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*')
) STRICT;

-- Which client each audited record belongs to, so the trail of one client can be listed.
CREATE VIEW client_records (client_id, record_type, record_id) AS
    SELECT id, 'client', id FROM clients
    UNION ALL SELECT client_id, 'prescription', id FROM prescriptions
    UNION ALL SELECT client_id, 'session', id FROM sessions
    UNION ALL SELECT client_id, 'readiness_note', id FROM readiness_notes
    UNION ALL SELECT client_id, 'goal', id FROM goals
    UNION ALL SELECT g.client_id, 'goal_action', a.id FROM goal_actions a JOIN goals g ON g.id = a.goal_id
    UNION ALL SELECT client_id, 'review', id FROM reviews
    UNION ALL SELECT client_id, 'top', id FROM tops
    UNION ALL SELECT client_id, 'alert_ack', id FROM alert_acks;
