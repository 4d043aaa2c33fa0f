-- keywork schema, version 4, second half: the chained audit replaces the old one. Dropping the
-- old table drops its triggers first, so the copy never trips them.
DROP TABLE audit;
ALTER TABLE audit_v4 RENAME TO audit;
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
