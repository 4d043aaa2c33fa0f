-- keywork schema, version 19: an erasure always reaches colleagues' open screens.
--
-- Since schema 9 the clients DELETE trigger removed the erased client's row of
-- `client_changes` and then stamped the whole service with the next change number. When the
-- erased client held the latest number, "next" was computed without it and came out no higher
-- than what open screens had already seen: they saw no change and kept showing the client. The
-- whole service is stamped first now, while the client's number still counts.
DROP TRIGGER summary_clients_delete;
CREATE TRIGGER summary_clients_delete AFTER DELETE ON clients
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'summary_paused')
BEGIN
    INSERT INTO client_changes (client_id, seq)
        SELECT 0, (SELECT coalesce(max(seq), 0) + 1 FROM client_changes) WHERE true
        ON CONFLICT (client_id) DO UPDATE SET seq = excluded.seq;
    DELETE FROM client_summary WHERE client_id = OLD.id;
    DELETE FROM client_changes WHERE client_id = OLD.id;
END;
