-- keywork schema: booked appointments. A session's "next appointment" books one; on the day it
-- is attended (a session links to it) or missed (the DNA links to it). One outcome each: once
-- attended or missed it stays so, which is how a second DNA for one appointment is refused.

CREATE TABLE appointments (
    id                 INTEGER PRIMARY KEY,
    client_id          INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    worker_id          INTEGER NOT NULL REFERENCES workers (id),
    at                 TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M', at) IS at),
    kind               TEXT NOT NULL CHECK (kind IN ('key_work', 'group', 'phone', 'video', 'home_visit', 'outreach')),
    status             TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'attended', 'dna')),
    -- The session that set it as its next appointment (none for one booked another way).
    booked_by_session  INTEGER REFERENCES sessions (id) ON DELETE CASCADE,
    -- The session that attended it, or the DNA recorded against it: there exactly when it is
    -- no longer booked, and one appointment per session.
    outcome_session    INTEGER UNIQUE REFERENCES sessions (id) ON DELETE CASCADE
                       CHECK ((status = 'booked') = (outcome_session IS NULL)),
    created_at         TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at         TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version        INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1),
    -- A client is not booked twice for the same minute.
    UNIQUE (client_id, at)
) STRICT;

-- The day's list, for one worker or the team.
CREATE INDEX appointments_by_time ON appointments (at, worker_id);

-- An outcome is final: an attended or missed appointment is not settled again.
CREATE TRIGGER appointments_outcome_is_final BEFORE UPDATE OF status, outcome_session ON appointments
WHEN OLD.status <> 'booked'
BEGIN
    SELECT RAISE(ABORT, 'this appointment already has its outcome');
END;

DROP VIEW client_records;
CREATE VIEW client_records (client_id, record_type, record_id) AS
    SELECT id, 'client', id FROM clients
    UNION ALL SELECT client_id, 'prescription', id FROM prescriptions
    UNION ALL SELECT client_id, 'session', id FROM sessions
    UNION ALL SELECT client_id, 'readiness_note', id FROM readiness_notes
    UNION ALL SELECT client_id, 'goal', id FROM goals
    UNION ALL SELECT g.client_id, 'goal_action', a.id FROM goal_actions a JOIN goals g ON g.id = a.goal_id
    UNION ALL SELECT client_id, 'review', id FROM reviews
    UNION ALL SELECT client_id, 'top', id FROM tops
    UNION ALL SELECT client_id, 'alert_ack', id FROM alert_acks
    UNION ALL SELECT client_id, 'appointment', id FROM appointments;

-- The audit learns the record type appointment. As in version 5, the table is rebuilt with every
-- row copied unchanged, hashes included: each hash covers the row's fields and the one before,
-- never the table, so the chain and `meta.audit_head` still hold.
CREATE TABLE audit_v7 (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', at) IS at),
    login       TEXT NOT NULL CHECK (length(login) BETWEEN 1 AND 32),
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'complete', 'generate', 'export',
                                                'acknowledge', 'view', 'erase', 'init', 'retire', 'role',
                                                'setting', 'amend', 'void', 'unvoid')),
    record_type TEXT NOT NULL CHECK (record_type IN ('service', 'worker', 'client', 'prescription', 'session',
                                                     'readiness_note', 'goal', 'goal_action', 'review', 'top',
                                                     'alert_ack', 'appointment')),
    record_id   INTEGER,
    detail      TEXT CHECK (detail IS NULL OR length(detail) <= 200),
    hash        TEXT NOT NULL CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*')
) STRICT;
INSERT INTO audit_v7 (id, at, login, action, record_type, record_id, detail, hash)
    SELECT id, at, login, action, record_type, record_id, detail, hash FROM audit ORDER BY id;
DROP TABLE audit;
ALTER TABLE audit_v7 RENAME TO audit;
CREATE INDEX audit_by_record ON audit (record_type, record_id);
CREATE INDEX audit_by_login ON audit (login, at);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;
