-- keywork schema, version 3: reviews computed by rule, Treatment Outcomes Profiles, and alerts
-- acknowledged with a reason.
--
-- Reviews are no longer stored ahead as open rows: the rules (src/domain/schedule.rs) compute
-- what is due from treatment start, the last completed review and events. The reviews table keeps
-- completed reviews only, each with the due date it answered. The open rows held nothing a worker
-- typed (a due date the rules now compute), so they are removed.

-- The dates the review and alert rules read, kept by the store as the client changes.
ALTER TABLE clients ADD COLUMN status_since TEXT
    CHECK (status_since IS NULL OR date(status_since) IS status_since);
ALTER TABLE clients ADD COLUMN modality_since TEXT
    CHECK (modality_since IS NULL OR date(modality_since) IS modality_since);
-- Since when on OST without a break, whichever medicine; NULL when not on OST.
ALTER TABLE clients ADD COLUMN ost_since TEXT
    CHECK (ost_since IS NULL OR date(ost_since) IS ost_since);
ALTER TABLE clients ADD COLUMN risk_changed_on TEXT
    CHECK (risk_changed_on IS NULL OR date(risk_changed_on) IS risk_changed_on);

UPDATE clients SET
    modality_since = coalesce(treatment_start, referral_date),
    ost_since = CASE WHEN modality IN ('ost_methadone', 'ost_buprenorphine', 'lai_buprenorphine', 'heroin_assisted')
                     THEN coalesce(treatment_start, referral_date) END,
    status_since = CASE WHEN status = 'active' THEN coalesce(treatment_start, referral_date)
                        ELSE substr(updated_at, 1, 10) END;

-- The day a goal's progress or status was last recorded.
ALTER TABLE goals ADD COLUMN progress_on TEXT
    CHECK (progress_on IS NULL OR date(progress_on) IS progress_on);
UPDATE goals SET progress_on = max(set_on, substr(updated_at, 1, 10));
-- The latest progress and whether an exit plan exists: one covering seek per client each.
CREATE INDEX goals_progress_by_client ON goals (client_id, progress_on);
CREATE INDEX goals_by_client_domain_status ON goals (client_id, domain, status);

-- A draft of a review outcome named its review by id; it now names the kind in its content.
UPDATE drafts SET content = json_set(content, '$.kind',
        (SELECT kind FROM reviews WHERE reviews.id = drafts.target_id))
    WHERE form = 'review' AND target_id IN (SELECT id FROM reviews);
DELETE FROM reviews WHERE completed_on IS NULL;
DROP INDEX reviews_open_by_due;
DROP INDEX reviews_open_by_client;
-- The latest completed review of each kind: one seek per client and kind.
CREATE INDEX reviews_done_by_client ON reviews (client_id, kind, completed_on);

CREATE TABLE tops (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    worker_id       INTEGER NOT NULL REFERENCES workers (id),
    completed_on    TEXT NOT NULL CHECK (date(completed_on) IS completed_on),
    stage           TEXT NOT NULL CHECK (stage IN ('start', 'review', 'exit')),
    other_substance TEXT CHECK (other_substance IS NULL
                                OR (length(trim(other_substance)) > 0 AND length(other_substance) <= 100)),
    created_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version     INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1)
) STRICT;

CREATE INDEX tops_by_client ON tops (client_id, completed_on DESC, id DESC, stage);

-- One answer per item. Declined is its own state, never a zero; an item not asked has no row.
CREATE TABLE top_answers (
    top_id   INTEGER NOT NULL REFERENCES tops (id) ON DELETE CASCADE,
    item     TEXT NOT NULL CHECK (item IN (
                 'alcohol_days', 'alcohol_units', 'opiates_days', 'opiates_grams', 'crack_days', 'crack_grams',
                 'cocaine_days', 'cocaine_grams', 'amphetamines_days', 'amphetamines_grams', 'cannabis_days',
                 'cannabis_spliffs', 'other_days', 'other_amount', 'injected_days', 'shared_needles',
                 'shared_equipment', 'shoplifting_days', 'selling_days', 'vehicle_theft', 'other_theft', 'fraud',
                 'assault', 'psychological_health', 'physical_health', 'quality_of_life', 'paid_work_days',
                 'college_days', 'acute_housing', 'eviction_risk')),
    declined INTEGER NOT NULL CHECK (declined IN (0, 1)),
    value    REAL CHECK (value IS NULL OR value >= 0),
    CHECK ((declined = 1) = (value IS NULL)),
    -- Days are whole 0-28, wellbeing scales whole 0-20, amounts up to 999.9, the rest yes (1) or no (0).
    CHECK (value IS NULL OR CASE
        WHEN item GLOB '*_days' THEN value <= 28 AND value = CAST(value AS INTEGER)
        WHEN item GLOB '*_grams' OR item = 'alcohol_units' OR item = 'cannabis_spliffs' OR item = 'other_amount'
            THEN value <= 999.9
        WHEN item = 'psychological_health' OR item = 'physical_health' OR item = 'quality_of_life'
            THEN value <= 20 AND value = CAST(value AS INTEGER)
        ELSE value = 0 OR value = 1 END),
    PRIMARY KEY (top_id, item)
) STRICT, WITHOUT ROWID;

-- A worker's acknowledgement of an alert. `cause` is the facts that raised it (a due date, the
-- date of a missed appointment), never client details; the alert stays quiet until they change.
CREATE TABLE alert_acks (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    alert           TEXT NOT NULL CHECK (alert IN (
                        'overdue_care_plan', 'overdue_prescribing', 'overdue_outcomes', 'overdue_risk', 'parked',
                        'six_month_signal', 'three_dnas', 'naloxone', 'bbv_test', 'prison_release')),
    cause           TEXT NOT NULL CHECK (length(cause) BETWEEN 1 AND 200),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0 AND length(reason) <= 2000),
    worker_id       INTEGER NOT NULL REFERENCES workers (id),
    acknowledged_on TEXT NOT NULL CHECK (date(acknowledged_on) IS acknowledged_on),
    created_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version     INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1)
) STRICT;

CREATE INDEX alert_acks_by_client ON alert_acks (client_id, alert, cause);

-- The audit trail and drafts learn the new records and forms. SQLite cannot change a CHECK in
-- place, so each table is rebuilt with its rows copied whole; dropping the old audit table drops
-- its append-only triggers first, so the copy never trips them.
CREATE TABLE audit_v3 (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', at) IS at),
    login       TEXT NOT NULL CHECK (length(login) BETWEEN 1 AND 32),
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'complete', 'generate', 'export',
                                                'acknowledge')),
    record_type TEXT NOT NULL CHECK (record_type IN ('service', 'worker', 'client', 'prescription', 'session',
                                                     'readiness_note', 'goal', 'goal_action', 'review', 'top',
                                                     'alert_ack')),
    record_id   INTEGER
) STRICT;
INSERT INTO audit_v3 (id, at, login, action, record_type, record_id)
    SELECT id, at, login, action, record_type, record_id FROM audit;
DROP TABLE audit;
ALTER TABLE audit_v3 RENAME TO audit;
CREATE INDEX audit_by_record ON audit (record_type, record_id);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

CREATE TABLE drafts_v3 (
    id             INTEGER PRIMARY KEY,
    login          TEXT NOT NULL CHECK (length(login) BETWEEN 1 AND 32),
    form           TEXT NOT NULL CHECK (form IN ('session', 'dna', 'readiness', 'goal', 'client', 'review', 'top',
                                                 'acknowledge')),
    client_id      INTEGER REFERENCES clients (id) ON DELETE CASCADE,
    target_id      INTEGER,
    target_version INTEGER CHECK (target_version IS NULL OR target_version >= 1),
    content        TEXT NOT NULL CHECK (json_valid(content) AND length(content) <= 400000),
    created_at     TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS created_at),
    updated_at     TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%SZ', updated_at) IS updated_at),
    row_version    INTEGER NOT NULL DEFAULT 1 CHECK (row_version >= 1)
) STRICT;
INSERT INTO drafts_v3 (id, login, form, client_id, target_id, target_version, content, created_at,
                       updated_at, row_version)
    SELECT id, login, form, client_id, target_id, target_version, content, created_at, updated_at,
           row_version FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_v3 RENAME TO drafts;
CREATE INDEX drafts_by_login ON drafts (login, updated_at DESC);
