-- keywork schema, version 2: drafts of open forms, so a dropped connection, a killed terminal or a
-- crash never costs a worker what they typed. A draft lives from the first keystroke until the
-- form is saved or deliberately discarded.

CREATE TABLE drafts (
    id             INTEGER PRIMARY KEY,
    login          TEXT NOT NULL CHECK (length(login) BETWEEN 1 AND 32),
    form           TEXT NOT NULL CHECK (form IN ('session', 'dna', 'readiness', 'goal', 'client', 'review')),
    client_id      INTEGER REFERENCES clients (id) ON DELETE CASCADE,
    -- The record the form edits (a goal, a client, a review) and the version it was read at.
    target_id      INTEGER,
    target_version INTEGER CHECK (target_version IS NULL OR target_version >= 1),
    -- Field key to text, as JSON; large enough for a note at its limit in every field.
    content        TEXT NOT NULL CHECK (json_valid(content) AND length(content) <= 400000),
    created_at     TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at     TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version    INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1)
) STRICT;

CREATE INDEX drafts_by_login ON drafts (login, updated_at DESC);
