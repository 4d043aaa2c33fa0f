-- keywork schema, version 5: corrections. Clinical records are corrected, never erased: an
-- amendment keeps the earlier version (who wrote what, when), and an entry made by mistake is
-- marked "entered in error" with a reason, stays visible, and counts for nothing in the rules.

-- "Entered in error": when, by which login and why; all three or none.
ALTER TABLE sessions ADD COLUMN in_error_at TEXT
    CHECK (in_error_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', in_error_at) IS in_error_at);
ALTER TABLE sessions ADD COLUMN in_error_by TEXT
    CHECK (in_error_by IS NULL OR length(in_error_by) BETWEEN 1 AND 32);
ALTER TABLE sessions ADD COLUMN in_error_reason TEXT
    CHECK (in_error_reason IS NULL OR (length(trim(in_error_reason)) > 0 AND length(in_error_reason) <= 500))
    CHECK ((in_error_at IS NULL) = (in_error_by IS NULL) AND (in_error_at IS NULL) = (in_error_reason IS NULL));

ALTER TABLE readiness_notes ADD COLUMN in_error_at TEXT
    CHECK (in_error_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', in_error_at) IS in_error_at);
ALTER TABLE readiness_notes ADD COLUMN in_error_by TEXT
    CHECK (in_error_by IS NULL OR length(in_error_by) BETWEEN 1 AND 32);
ALTER TABLE readiness_notes ADD COLUMN in_error_reason TEXT
    CHECK (in_error_reason IS NULL OR (length(trim(in_error_reason)) > 0 AND length(in_error_reason) <= 500))
    CHECK ((in_error_at IS NULL) = (in_error_by IS NULL) AND (in_error_at IS NULL) = (in_error_reason IS NULL));

ALTER TABLE goals ADD COLUMN in_error_at TEXT
    CHECK (in_error_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', in_error_at) IS in_error_at);
ALTER TABLE goals ADD COLUMN in_error_by TEXT
    CHECK (in_error_by IS NULL OR length(in_error_by) BETWEEN 1 AND 32);
ALTER TABLE goals ADD COLUMN in_error_reason TEXT
    CHECK (in_error_reason IS NULL OR (length(trim(in_error_reason)) > 0 AND length(in_error_reason) <= 500))
    CHECK ((in_error_at IS NULL) = (in_error_by IS NULL) AND (in_error_at IS NULL) = (in_error_reason IS NULL));

ALTER TABLE goal_actions ADD COLUMN in_error_at TEXT
    CHECK (in_error_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', in_error_at) IS in_error_at);
ALTER TABLE goal_actions ADD COLUMN in_error_by TEXT
    CHECK (in_error_by IS NULL OR length(in_error_by) BETWEEN 1 AND 32);
ALTER TABLE goal_actions ADD COLUMN in_error_reason TEXT
    CHECK (in_error_reason IS NULL OR (length(trim(in_error_reason)) > 0 AND length(in_error_reason) <= 500))
    CHECK ((in_error_at IS NULL) = (in_error_by IS NULL) AND (in_error_at IS NULL) = (in_error_reason IS NULL));

ALTER TABLE reviews ADD COLUMN in_error_at TEXT
    CHECK (in_error_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', in_error_at) IS in_error_at);
ALTER TABLE reviews ADD COLUMN in_error_by TEXT
    CHECK (in_error_by IS NULL OR length(in_error_by) BETWEEN 1 AND 32);
ALTER TABLE reviews ADD COLUMN in_error_reason TEXT
    CHECK (in_error_reason IS NULL OR (length(trim(in_error_reason)) > 0 AND length(in_error_reason) <= 500))
    CHECK ((in_error_at IS NULL) = (in_error_by IS NULL) AND (in_error_at IS NULL) = (in_error_reason IS NULL));

ALTER TABLE tops ADD COLUMN in_error_at TEXT
    CHECK (in_error_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', in_error_at) IS in_error_at);
ALTER TABLE tops ADD COLUMN in_error_by TEXT
    CHECK (in_error_by IS NULL OR length(in_error_by) BETWEEN 1 AND 32);
ALTER TABLE tops ADD COLUMN in_error_reason TEXT
    CHECK (in_error_reason IS NULL OR (length(trim(in_error_reason)) > 0 AND length(in_error_reason) <= 500))
    CHECK ((in_error_at IS NULL) = (in_error_by IS NULL) AND (in_error_at IS NULL) = (in_error_reason IS NULL));

ALTER TABLE alert_acks ADD COLUMN in_error_at TEXT
    CHECK (in_error_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', in_error_at) IS in_error_at);
ALTER TABLE alert_acks ADD COLUMN in_error_by TEXT
    CHECK (in_error_by IS NULL OR length(in_error_by) BETWEEN 1 AND 32);
ALTER TABLE alert_acks ADD COLUMN in_error_reason TEXT
    CHECK (in_error_reason IS NULL OR (length(trim(in_error_reason)) > 0 AND length(in_error_reason) <= 500))
    CHECK ((in_error_at IS NULL) = (in_error_by IS NULL) AND (in_error_at IS NULL) = (in_error_reason IS NULL));

-- Earlier versions of entries: one row per version replaced, appended before each amendment,
-- marking in error or restoring. `content` is the whole entry as it stood (its child rows too) as
-- JSON; `written_by`/`written_at` say who saved that version and when (`written_by` is NULL for
-- rows loaded in bulk, which have no audit row of their own). Never changed or deleted, except
-- with the client's whole record by a lawful erasure (the cascade from clients).
CREATE TABLE earlier_versions (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    record_type TEXT NOT NULL CHECK (record_type IN ('session', 'readiness_note', 'goal', 'goal_action', 'review',
                                                     'top', 'alert_ack')),
    record_id   INTEGER NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    content     TEXT NOT NULL CHECK (json_valid(content) AND length(content) <= 400000),
    written_by  TEXT CHECK (written_by IS NULL OR length(written_by) BETWEEN 1 AND 32),
    written_at  TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', written_at) IS written_at),
    -- What replaced it: an amendment, an ordinary update (goals), marking in error, or restoring.
    change      TEXT NOT NULL CHECK (change IN ('amend', 'update', 'void', 'unvoid')),
    replaced_by TEXT NOT NULL CHECK (length(replaced_by) BETWEEN 1 AND 32),
    replaced_at TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', replaced_at) IS replaced_at),
    UNIQUE (record_type, record_id, version)
) STRICT;

CREATE INDEX earlier_versions_by_client ON earlier_versions (client_id, record_type, record_id);

CREATE TRIGGER earlier_versions_are_kept_update BEFORE UPDATE ON earlier_versions
BEGIN
    SELECT RAISE(ABORT, 'earlier versions cannot be changed');
END;

-- The cascade of an erasure runs once the client row is gone; nothing else may delete.
CREATE TRIGGER earlier_versions_are_kept_delete BEFORE DELETE ON earlier_versions
WHEN EXISTS (SELECT 1 FROM clients WHERE id = OLD.client_id)
BEGIN
    SELECT RAISE(ABORT, 'earlier versions cannot be deleted');
END;

-- The rules read only entries not in error: the indexes they seek carry the mark, so each read
-- stays one covering seek.
DROP INDEX sessions_by_client;
CREATE INDEX sessions_by_client ON sessions (client_id, started_at DESC, attendance, in_error_at);
DROP INDEX readiness_by_client;
CREATE INDEX readiness_by_client ON readiness_notes (client_id, noted_on DESC, id DESC, stage, in_error_at);
DROP INDEX tops_by_client;
CREATE INDEX tops_by_client ON tops (client_id, completed_on DESC, id DESC, stage, in_error_at);
DROP INDEX reviews_done_by_client;
CREATE INDEX reviews_done_by_client ON reviews (client_id, kind, completed_on, in_error_at);
DROP INDEX goals_progress_by_client;
CREATE INDEX goals_progress_by_client ON goals (client_id, progress_on, in_error_at);
DROP INDEX goals_by_client_domain_status;
CREATE INDEX goals_by_client_domain_status ON goals (client_id, domain, status, in_error_at);
DROP INDEX alert_acks_by_client;
CREATE INDEX alert_acks_by_client ON alert_acks (client_id, alert, cause, in_error_at);

-- The audit learns the actions amend, void and unvoid. SQLite cannot change a CHECK in place, so
-- the table is rebuilt with every row copied unchanged, hashes included: each hash covers the
-- row's fields and the one before, never the table, so the chain and `meta.audit_head` still hold.
-- Dropping the old table drops its append-only triggers first, so the copy never trips them.
CREATE TABLE audit_v5 (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', at) IS at),
    login       TEXT NOT NULL CHECK (length(login) BETWEEN 1 AND 32),
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'complete', 'generate', 'export',
                                                'acknowledge', 'view', 'erase', 'init', 'retire', 'role',
                                                'setting', 'amend', 'void', 'unvoid')),
    record_type TEXT NOT NULL CHECK (record_type IN ('service', 'worker', 'client', 'prescription', 'session',
                                                     'readiness_note', 'goal', 'goal_action', 'review', 'top',
                                                     'alert_ack')),
    record_id   INTEGER,
    detail      TEXT CHECK (detail IS NULL OR length(detail) <= 200),
    hash        TEXT NOT NULL CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*')
) STRICT;
INSERT INTO audit_v5 (id, at, login, action, record_type, record_id, detail, hash)
    SELECT id, at, login, action, record_type, record_id, detail, hash FROM audit ORDER BY id;
DROP TABLE audit;
ALTER TABLE audit_v5 RENAME TO audit;
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
