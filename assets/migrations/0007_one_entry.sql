-- keywork schema: one entry updates the record. A hepatitis B vaccine dose is an intervention a
-- session records (it moves the client's hep B status on), so its code joins the CHECK list.
-- SQLite cannot change a CHECK in place: the table is rebuilt and its rows copied.

CREATE TABLE session_interventions_new (
    session_id   INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    intervention TEXT NOT NULL CHECK (intervention IN (
                     'motivational_interviewing', 'relapse_prevention', 'contingency_management',
                     'harm_reduction', 'naloxone_supplied', 'bbv_test', 'hep_b_vaccination', 'mutual_aid',
                     'housing_referral', 'employment_referral', 'benefits_debt_referral', 'family_referral',
                     'medication_review')),
    PRIMARY KEY (session_id, intervention)
) STRICT, WITHOUT ROWID;

INSERT INTO session_interventions_new (session_id, intervention)
    SELECT session_id, intervention FROM session_interventions;
DROP TABLE session_interventions;
ALTER TABLE session_interventions_new RENAME TO session_interventions;
