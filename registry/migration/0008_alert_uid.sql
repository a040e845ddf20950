-- Alert IDs: a scorer gives each alert a UUID when it raises it, before any
-- sink sees it. A batch retried after an outage (the first try may have been
-- stored before its acknowledgement was lost) is stored once: rows whose
-- alert_uid is already there are skipped. Rows from before this migration
-- have none (NULLs never conflict).
ALTER TABLE alerts ADD COLUMN alert_uid UUID;
CREATE UNIQUE INDEX alerts_uid_idx ON alerts (alert_uid);
