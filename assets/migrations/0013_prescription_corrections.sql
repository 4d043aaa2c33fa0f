-- keywork schema, version 13: prescriptions are correctable like every other entry (issue 20).
-- A prescription can be marked entered in error (when, by whom, why: the same three columns as
-- 0005 gave the other entries), and its earlier versions are kept in `earlier_versions`, whose
-- CHECK on the record type learns 'prescription'. A prescription also keeps the client's
-- treatment before it started it, so marking a start entered in error can give that back
-- (NULL for prescriptions recorded before this version: nothing is known of it).

ALTER TABLE prescriptions ADD COLUMN in_error_at TEXT
    CHECK (in_error_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', in_error_at) IS in_error_at);
ALTER TABLE prescriptions ADD COLUMN in_error_by TEXT
    CHECK (in_error_by IS NULL OR length(in_error_by) BETWEEN 1 AND 32);
ALTER TABLE prescriptions ADD COLUMN in_error_reason TEXT
    CHECK (in_error_reason IS NULL OR (length(trim(in_error_reason)) > 0 AND length(in_error_reason) <= 500))
    CHECK ((in_error_at IS NULL) = (in_error_by IS NULL) AND (in_error_at IS NULL) = (in_error_reason IS NULL));
ALTER TABLE prescriptions ADD COLUMN modality_before TEXT
    CHECK (modality_before IS NULL OR modality_before IN ('ost_methadone', 'ost_buprenorphine', 'lai_buprenorphine',
                                                          'heroin_assisted', 'psychosocial', 'detox', 'alcohol'));

-- SQLite cannot change a CHECK in place: earlier_versions is made again with its rows copied as
-- they are and its id sequence carried over (ids are never given twice, migration 11). Dropping
-- the old table drops its triggers before its rows, so the copy never trips them.
CREATE TABLE earlier_versions_v13 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    record_type TEXT NOT NULL CHECK (record_type IN ('session', 'readiness_note', 'goal', 'goal_action', 'review',
                                                     'top', 'alert_ack', 'prescription')),
    record_id   INTEGER NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    content     TEXT NOT NULL CHECK (json_valid(content) AND length(content) <= 400000),
    written_by  TEXT CHECK (written_by IS NULL OR length(written_by) BETWEEN 1 AND 32),
    written_at  TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', written_at) IS written_at),
    change      TEXT NOT NULL CHECK (change IN ('amend', 'update', 'void', 'unvoid')),
    replaced_by TEXT NOT NULL CHECK (length(replaced_by) BETWEEN 1 AND 32),
    replaced_at TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', replaced_at) IS replaced_at),
    UNIQUE (record_type, record_id, version)
) STRICT;
INSERT INTO earlier_versions_v13 SELECT * FROM earlier_versions ORDER BY id;
DELETE FROM sqlite_sequence WHERE name = 'earlier_versions_v13';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'earlier_versions_v13', max(seq) FROM sqlite_sequence WHERE name = 'earlier_versions'
    HAVING count(*) > 0;
DROP TABLE earlier_versions;
ALTER TABLE earlier_versions_v13 RENAME TO earlier_versions;
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
