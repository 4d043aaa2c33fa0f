-- keywork schema, version 18: an index on the interventions by their code.
--
-- The BBV pathway's alert needs, for every client on screen, the latest attended session that
-- referred them for hep C treatment. Without this index SQLite walks every session of every
-- client to find the few interventions with that code (427,000 sessions in a generated service of
-- 10,000 clients: about 100 ms of the team view's load); with it, it reads those few rows.
CREATE INDEX session_interventions_by_code ON session_interventions (intervention, session_id);
