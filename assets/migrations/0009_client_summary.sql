-- Schema 9: what the review and alert rules read about each client, kept per client so the team
-- view reads one row per client instead of a dozen correlated lookups; and a change sequence, so
-- an open screen reloads only the clients a colleague's save touched.
--
-- `client_facts_computed` is the definition: the facts computed from the records themselves.
-- `client_summary` holds the same columns, kept equal to the view by triggers (created by the
-- Rust step of this migration, `store::migrate::client_summary`) in the same transaction as
-- every write. `keywork check` compares the two.

CREATE VIEW client_facts_computed AS
SELECT c.id AS client_id,
    EXISTS (SELECT 1 FROM client_substances o
            WHERE o.client_id = c.id AND o.substance IN ('heroin', 'prescribed_opioids')) AS other_opioids,
    (SELECT stage FROM readiness_notes r WHERE r.client_id = c.id AND r.in_error_at IS NULL
        ORDER BY noted_on DESC, id DESC LIMIT 1) AS stage,
    (SELECT max(completed_on) FROM reviews v WHERE v.client_id = c.id AND v.kind = 'care_plan'
        AND v.in_error_at IS NULL) AS last_care_plan,
    (SELECT max(completed_on) FROM reviews v WHERE v.client_id = c.id AND v.kind = 'prescribing'
        AND v.in_error_at IS NULL) AS last_prescribing,
    (SELECT max(completed_on) FROM reviews v WHERE v.client_id = c.id AND v.kind = 'risk'
        AND v.in_error_at IS NULL) AS last_risk,
    -- Recording a TOP is the outcomes review; before schema 3 it was a review row.
    max(coalesce((SELECT max(completed_on) FROM tops p WHERE p.client_id = c.id AND p.in_error_at IS NULL), ''),
        coalesce((SELECT max(completed_on) FROM reviews v WHERE v.client_id = c.id AND v.kind = 'outcomes'
                  AND v.in_error_at IS NULL), '')) AS last_top,
    (SELECT max(completed_on) FROM tops p WHERE p.client_id = c.id AND p.stage = 'exit'
        AND p.in_error_at IS NULL) AS last_exit_top,
    (SELECT group_concat(completed_on || char(31) || stage || char(31) || coalesce(opiates, ''), char(30)) FROM
        (SELECT p.completed_on, p.stage,
            (SELECT a.value FROM top_answers a WHERE a.top_id = p.id AND a.item = 'opiates_days') AS opiates
         FROM tops p WHERE p.client_id = c.id AND p.in_error_at IS NULL
         ORDER BY p.completed_on DESC, p.id DESC LIMIT 2)) AS recent_tops,
    (SELECT group_concat(started_at || char(31) || attendance, char(30)) FROM
        (SELECT started_at, attendance FROM sessions s WHERE s.client_id = c.id AND s.in_error_at IS NULL
         ORDER BY started_at DESC LIMIT 3)) AS recent_attendance,
    (SELECT started_at FROM sessions s WHERE s.client_id = c.id AND s.attendance = 'attended'
        AND s.in_error_at IS NULL ORDER BY started_at DESC LIMIT 1) AS last_seen,
    (SELECT max(progress_on) FROM goals g WHERE g.client_id = c.id AND g.in_error_at IS NULL) AS last_progress,
    EXISTS (SELECT 1 FROM goals g WHERE g.client_id = c.id AND g.domain = 'exit' AND g.status <> 'dropped'
            AND g.in_error_at IS NULL) AS has_exit_goal,
    (SELECT group_concat(alert || char(31) || cause, char(30)) FROM alert_acks k WHERE k.client_id = c.id
        AND k.in_error_at IS NULL) AS acks
FROM clients c;

-- Columns without a declared type keep each value exactly as the view gives it.
CREATE TABLE client_summary (
    client_id INTEGER PRIMARY KEY,
    other_opioids, stage, last_care_plan, last_prescribing, last_risk, last_top, last_exit_top,
    recent_tops, recent_attendance, last_seen, last_progress, has_exit_goal, acks
);

-- The latest change to each client's records, by a sequence that only grows. Client 0 stands
-- for the whole service (the team list, the settings, a bulk load): everything reloads.
CREATE TABLE client_changes (
    client_id INTEGER PRIMARY KEY,
    seq       INTEGER NOT NULL
) STRICT;
CREATE INDEX client_changes_by_seq ON client_changes (seq);
