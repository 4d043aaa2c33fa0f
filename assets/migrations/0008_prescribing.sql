-- keywork schema, version 8: prescribing (OST). A prescription now says who prescribed it (a
-- prescriber on the team, or a shared-care GP by name), where it is dispensed, how many
-- take-home days a week, a depot's interval in days, and why it ended or why take-home doses
-- came early (NICE TA114). A medicine outside the four named ones is recorded by its name.
-- A prescribing review keeps its checklist (dose, supervision, on-top use...) as JSON.
--
-- SQLite cannot change a CHECK in place, so the prescriptions table is rebuilt with its rows
-- copied; the supervision codes become the words prescribers use (some / all take-home). The
-- view naming each record's client reads the table, so it is dropped and made again around it.

DROP VIEW client_records;

CREATE TABLE prescriptions_v6 (
    id               INTEGER PRIMARY KEY,
    client_id        INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    medicine         TEXT NOT NULL CHECK (medicine IN ('methadone', 'buprenorphine', 'buprenorphine_depot',
                                                       'diamorphine', 'other')),
    -- The medicine's name when it is none of the named ones; only then.
    medicine_name    TEXT CHECK (medicine_name IS NULL
                                 OR (length(trim(medicine_name)) > 0 AND length(medicine_name) <= 100)),
    dose_mg          REAL NOT NULL CHECK (dose_mg > 0 AND dose_mg <= 1000),
    interval         TEXT NOT NULL CHECK (interval IN ('daily', 'weekly', 'monthly')),
    -- A depot injection's interval in days.
    interval_days    INTEGER CHECK (interval_days IS NULL OR interval_days BETWEEN 1 AND 90),
    started_on       TEXT NOT NULL CHECK (date(started_on) IS started_on),
    ended_on         TEXT CHECK (ended_on IS NULL OR (date(ended_on) IS ended_on AND ended_on >= started_on)),
    supervision      TEXT NOT NULL CHECK (supervision IN ('daily_supervised', 'some_take_home', 'all_take_home',
                                                          'clinic_administered')),
    take_home_days   INTEGER CHECK (take_home_days IS NULL OR take_home_days BETWEEN 1 AND 6),
    pharmacy         TEXT CHECK (pharmacy IS NULL OR (length(trim(pharmacy)) > 0 AND length(pharmacy) <= 200)),
    prescriber_id    INTEGER REFERENCES workers (id),
    -- A shared-care GP who prescribes while the service key-works.
    prescriber_name  TEXT CHECK (prescriber_name IS NULL
                                 OR (length(trim(prescriber_name)) > 0 AND length(prescriber_name) <= 100)),
    -- Why take-home doses within the first three months of OST (NICE TA114).
    take_home_reason TEXT CHECK (take_home_reason IS NULL
                                 OR (length(trim(take_home_reason)) > 0 AND length(take_home_reason) <= 500)),
    -- Why it ended (a change, a stop).
    end_reason       TEXT CHECK (end_reason IS NULL
                                 OR (length(trim(end_reason)) > 0 AND length(end_reason) <= 500)),
    created_at       TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at       TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version      INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1),
    CHECK ((medicine = 'other') = (medicine_name IS NOT NULL)),
    CHECK (take_home_days IS NULL OR supervision = 'some_take_home')
) STRICT;

INSERT INTO prescriptions_v6 (id, client_id, medicine, dose_mg, interval, started_on, ended_on, supervision,
                              created_at, updated_at, row_version)
    SELECT id, client_id, medicine, dose_mg, interval, started_on, ended_on,
           CASE supervision WHEN 'partly_supervised' THEN 'some_take_home'
                            WHEN 'take_home' THEN 'all_take_home'
                            ELSE supervision END,
           created_at, updated_at, row_version
    FROM prescriptions;
DROP TABLE prescriptions;
ALTER TABLE prescriptions_v6 RENAME TO prescriptions;
CREATE INDEX prescriptions_by_client ON prescriptions (client_id, started_on DESC);

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

-- A prescribing review's checklist: what was decided and checked, as JSON.
ALTER TABLE reviews ADD COLUMN checklist TEXT
    CHECK (checklist IS NULL OR (json_valid(checklist) AND length(checklist) <= 4000));

-- Drafts learn the prescription form.
CREATE TABLE drafts_v6 (
    id             INTEGER PRIMARY KEY,
    login          TEXT NOT NULL CHECK (length(login) BETWEEN 1 AND 32),
    form           TEXT NOT NULL CHECK (form IN ('session', 'dna', 'readiness', 'goal', 'client', 'review', 'top',
                                                 'acknowledge', 'prescription')),
    client_id      INTEGER REFERENCES clients (id) ON DELETE CASCADE,
    target_id      INTEGER,
    target_version INTEGER CHECK (target_version IS NULL OR target_version >= 1),
    content        TEXT NOT NULL CHECK (json_valid(content) AND length(content) <= 400000),
    created_at     TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at     TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version    INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1)
) STRICT;
INSERT INTO drafts_v6 (id, login, form, client_id, target_id, target_version, content, created_at,
                       updated_at, row_version)
    SELECT id, login, form, client_id, target_id, target_version, content, created_at, updated_at,
           row_version FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_v6 RENAME TO drafts;
CREATE INDEX drafts_by_login ON drafts (login, updated_at DESC);
