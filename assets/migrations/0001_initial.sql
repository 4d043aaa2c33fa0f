-- keywork schema, version 1: the record of a caseload.
-- Every rule the Rust types enforce is repeated here so no path can write a bad row.
-- Dates are ISO 8601 text ('2026-11-23'), local date-times 'YYYY-MM-DD HH:MM', and
-- bookkeeping timestamps UTC 'YYYY-MM-DDTHH:MM:SSZ'.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE workers (
    id           INTEGER PRIMARY KEY,
    login        TEXT NOT NULL UNIQUE
                 CHECK (length(login) BETWEEN 1 AND 32 AND login NOT GLOB '*[^A-Za-z0-9._-]*'
                        AND substr(login, 1, 1) <> '-'),
    display_name TEXT NOT NULL CHECK (length(trim(display_name)) > 0 AND length(display_name) <= 100),
    role         TEXT NOT NULL CHECK (role IN ('key_worker', 'prescriber', 'team_lead', 'read_only')),
    created_at   TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at   TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version  INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1)
) STRICT;

CREATE TABLE clients (
    id                    INTEGER PRIMARY KEY,
    reference             TEXT NOT NULL UNIQUE
                          CHECK (reference GLOB 'KW-[0-9][0-9][0-9][0-9][0-9]*'
                                 AND substr(reference, 4) NOT GLOB '*[^0-9]*'
                                 AND length(reference) <= 12),
    given_name            TEXT NOT NULL CHECK (length(trim(given_name)) > 0 AND length(given_name) <= 100),
    family_name           TEXT NOT NULL CHECK (length(trim(family_name)) > 0 AND length(family_name) <= 100),
    preferred_name        TEXT CHECK (preferred_name IS NULL
                                      OR (length(trim(preferred_name)) > 0 AND length(preferred_name) <= 100)),
    date_of_birth         TEXT NOT NULL CHECK (date(date_of_birth) IS date_of_birth AND date_of_birth >= '1900-01-01'),
    -- Ten digits whose last is the Modulus 11 check digit of the first nine.
    nhs_number            TEXT UNIQUE CHECK (nhs_number IS NULL OR (
                              length(nhs_number) = 10 AND nhs_number NOT GLOB '*[^0-9]*'
                              AND (11 - (( substr(nhs_number, 1, 1) * 10 + substr(nhs_number, 2, 1) * 9
                                         + substr(nhs_number, 3, 1) * 8 + substr(nhs_number, 4, 1) * 7
                                         + substr(nhs_number, 5, 1) * 6 + substr(nhs_number, 6, 1) * 5
                                         + substr(nhs_number, 7, 1) * 4 + substr(nhs_number, 8, 1) * 3
                                         + substr(nhs_number, 9, 1) * 2) % 11)) % 11
                                  = CAST(substr(nhs_number, 10, 1) AS INTEGER))),
    key_worker_id         INTEGER NOT NULL REFERENCES workers (id),
    status                TEXT NOT NULL CHECK (status IN ('active', 'on_hold', 'discharged', 'transferred')),
    referral_date         TEXT NOT NULL CHECK (date(referral_date) IS referral_date AND referral_date >= date_of_birth),
    treatment_start       TEXT CHECK (treatment_start IS NULL
                                      OR (date(treatment_start) IS treatment_start AND treatment_start >= referral_date)),
    primary_substance     TEXT NOT NULL CHECK (primary_substance IN (
                              'heroin', 'crack', 'cocaine', 'alcohol', 'cannabis', 'benzodiazepines',
                              'amphetamines', 'ketamine', 'synthetic_cannabinoids', 'gabapentinoids',
                              'prescribed_opioids', 'other')),
    injecting             TEXT NOT NULL CHECK (injecting IN ('never', 'previously', 'currently', 'declined')),
    modality              TEXT NOT NULL CHECK (modality IN (
                              'ost_methadone', 'ost_buprenorphine', 'lai_buprenorphine', 'heroin_assisted',
                              'psychosocial', 'detox', 'alcohol')),
    shared_care           TEXT CHECK (shared_care IS NULL OR (length(trim(shared_care)) > 0 AND length(shared_care) <= 100)),
    overdose_risk         INTEGER NOT NULL DEFAULT 0 CHECK (overdose_risk IN (0, 1)),
    naloxone_held         INTEGER NOT NULL DEFAULT 0 CHECK (naloxone_held IN (0, 1)),
    naloxone_supplied_on  TEXT CHECK (naloxone_supplied_on IS NULL OR date(naloxone_supplied_on) IS naloxone_supplied_on),
    safeguarding_children INTEGER NOT NULL DEFAULT 0 CHECK (safeguarding_children IN (0, 1)),
    prison_release_on     TEXT CHECK (prison_release_on IS NULL OR date(prison_release_on) IS prison_release_on),
    hep_b                 TEXT CHECK (hep_b IS NULL OR hep_b IN ('not_started', 'in_progress', 'completed', 'immune', 'declined')),
    hep_c_tested_on       TEXT CHECK (hep_c_tested_on IS NULL OR date(hep_c_tested_on) IS hep_c_tested_on),
    hiv_tested_on         TEXT CHECK (hiv_tested_on IS NULL OR date(hiv_tested_on) IS hiv_tested_on),
    created_at            TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at            TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version           INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1)
) STRICT;

-- A worker's caseload: their clients by status.
CREATE INDEX clients_by_worker ON clients (key_worker_id, status);

-- Substances other than the primary one, one row each.
CREATE TABLE client_substances (
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    substance TEXT NOT NULL CHECK (substance IN (
                  'heroin', 'crack', 'cocaine', 'alcohol', 'cannabis', 'benzodiazepines',
                  'amphetamines', 'ketamine', 'synthetic_cannabinoids', 'gabapentinoids',
                  'prescribed_opioids', 'other')),
    PRIMARY KEY (client_id, substance)
) STRICT, WITHOUT ROWID;

CREATE TABLE prescriptions (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    medicine    TEXT NOT NULL CHECK (medicine IN ('methadone', 'buprenorphine', 'buprenorphine_depot', 'diamorphine')),
    dose_mg     REAL NOT NULL CHECK (dose_mg > 0 AND dose_mg <= 1000),
    interval    TEXT NOT NULL CHECK (interval IN ('daily', 'weekly', 'monthly')),
    started_on  TEXT NOT NULL CHECK (date(started_on) IS started_on),
    ended_on    TEXT CHECK (ended_on IS NULL OR (date(ended_on) IS ended_on AND ended_on >= started_on)),
    supervision TEXT NOT NULL CHECK (supervision IN ('daily_supervised', 'partly_supervised', 'take_home', 'clinic_administered')),
    created_at  TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at  TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1)
) STRICT;

CREATE INDEX prescriptions_by_client ON prescriptions (client_id, started_on DESC);

CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY,
    client_id        INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    worker_id        INTEGER NOT NULL REFERENCES workers (id),
    started_at       TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M', started_at) IS started_at),
    duration_min     INTEGER NOT NULL CHECK (duration_min BETWEEN 0 AND 480),
    kind             TEXT NOT NULL CHECK (kind IN ('key_work', 'group', 'phone', 'video', 'home_visit', 'outreach')),
    attendance       TEXT NOT NULL CHECK (attendance IN ('attended', 'dna', 'cancelled_by_client', 'cancelled_by_service')),
    note             TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 20000),
    next_appointment TEXT CHECK (next_appointment IS NULL
                                 OR (strftime('%Y-%m-%d %H:%M', next_appointment) IS next_appointment
                                     AND next_appointment > started_at)),
    created_at       TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at       TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version      INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1)
) STRICT;

-- A client's timeline, newest first; with attendance it also answers "last seen" and "three DNAs
-- in a row" for the caseload without touching the table.
CREATE INDEX sessions_by_client ON sessions (client_id, started_at DESC, attendance);

CREATE TABLE session_interventions (
    session_id   INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    intervention TEXT NOT NULL CHECK (intervention IN (
                     'motivational_interviewing', 'relapse_prevention', 'contingency_management',
                     'harm_reduction', 'naloxone_supplied', 'bbv_test', 'mutual_aid', 'housing_referral',
                     'employment_referral', 'benefits_debt_referral', 'family_referral', 'medication_review')),
    PRIMARY KEY (session_id, intervention)
) STRICT, WITHOUT ROWID;

CREATE TABLE readiness_notes (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    worker_id   INTEGER NOT NULL REFERENCES workers (id),
    noted_on    TEXT NOT NULL CHECK (date(noted_on) IS noted_on),
    stage       TEXT NOT NULL CHECK (stage IN ('precontemplation', 'contemplation', 'preparation', 'action',
                                               'maintenance', 'relapse')),
    importance  INTEGER CHECK (importance IS NULL OR importance BETWEEN 0 AND 10),
    confidence  INTEGER CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 10),
    readiness   INTEGER CHECK (readiness IS NULL OR readiness BETWEEN 0 AND 10),
    note        TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 20000),
    session_id  INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at  TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1)
) STRICT;

CREATE INDEX readiness_by_client ON readiness_notes (client_id, noted_on DESC, id DESC, stage);

CREATE TABLE goals (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    domain          TEXT NOT NULL CHECK (domain IN ('substance_use', 'physical_health', 'mental_health', 'housing',
                                                    'ete', 'family', 'money_debt', 'offending_legal', 'mutual_aid',
                                                    'exit')),
    -- 1 (abstinence from all drugs) to 6; present exactly for substance-use goals.
    hierarchy_level INTEGER CHECK (hierarchy_level IS NULL OR hierarchy_level BETWEEN 1 AND 6),
    in_own_words    TEXT NOT NULL CHECK (length(trim(in_own_words)) > 0 AND length(in_own_words) <= 500),
    why_it_matters  TEXT CHECK (why_it_matters IS NULL
                                OR (length(trim(why_it_matters)) > 0 AND length(why_it_matters) <= 500)),
    set_on          TEXT NOT NULL CHECK (date(set_on) IS set_on),
    target_date     TEXT CHECK (target_date IS NULL OR (date(target_date) IS target_date AND target_date >= set_on)),
    status          TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'achieved', 'paused', 'dropped')),
    progress        INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 10),
    created_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version     INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1),
    CHECK ((domain = 'substance_use') = (hierarchy_level IS NOT NULL))
) STRICT;

CREATE INDEX goals_by_client ON goals (client_id, domain, set_on DESC);

CREATE TABLE goal_actions (
    id          INTEGER PRIMARY KEY,
    goal_id     INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    step        TEXT NOT NULL CHECK (length(trim(step)) > 0 AND length(step) <= 500),
    owner       TEXT NOT NULL CHECK (owner IN ('client', 'key_worker', 'other_agency')),
    due_on      TEXT CHECK (due_on IS NULL OR date(due_on) IS due_on),
    done_on     TEXT CHECK (done_on IS NULL OR date(done_on) IS done_on),
    created_at  TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at  TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1)
) STRICT;

CREATE INDEX goal_actions_by_goal ON goal_actions (goal_id);

CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('care_plan', 'prescribing', 'outcomes', 'risk')),
    due_on       TEXT NOT NULL CHECK (date(due_on) IS due_on),
    completed_on TEXT CHECK (completed_on IS NULL OR date(completed_on) IS completed_on),
    completed_by INTEGER REFERENCES workers (id),
    outcome      TEXT CHECK (outcome IS NULL OR length(outcome) <= 20000),
    created_at   TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at   TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version  INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1),
    -- Done means done on a date, by someone, with an outcome (possibly empty); all or nothing.
    CHECK ((completed_on IS NULL) = (completed_by IS NULL) AND (completed_on IS NULL) = (outcome IS NULL))
) STRICT;

-- Reviews still open, by due date: the "next reviews" pane.
CREATE INDEX reviews_open_by_due ON reviews (due_on, client_id) WHERE completed_on IS NULL;
CREATE INDEX reviews_by_client ON reviews (client_id, due_on DESC);
-- A client's next open review: one seek per caseload row.
CREATE INDEX reviews_open_by_client ON reviews (client_id, due_on) WHERE completed_on IS NULL;

-- Who did what to which record, when. Never the text of a note.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', at) IS at),
    login       TEXT NOT NULL CHECK (length(login) BETWEEN 1 AND 32),
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'complete', 'generate', 'export')),
    record_type TEXT NOT NULL CHECK (record_type IN ('service', 'worker', 'client', 'prescription', 'session',
                                                     'readiness_note', 'goal', 'goal_action', 'review')),
    record_id   INTEGER
) STRICT;

CREATE INDEX audit_by_record ON audit (record_type, record_id);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;
