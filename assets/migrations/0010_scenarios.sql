-- keywork schema, version 10: scenario clients. A generated (demo) service names a few clients
-- whose whole record tells one story each, for trainers; the story is kept here so a generated
-- file lists its scenarios after restarts. Real databases have no rows in this table.

CREATE TABLE scenarios (
    client_id INTEGER PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    number    INTEGER NOT NULL UNIQUE CHECK (number BETWEEN 1 AND 99),
    story     TEXT NOT NULL CHECK (length(trim(story)) > 0 AND length(story) <= 200)
) STRICT;
