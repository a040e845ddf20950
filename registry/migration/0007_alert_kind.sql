-- Alert kinds: what an alert is about. 'name' is one DNS name (every alert
-- before this migration that was not a flow or TXT alert), 'client' a client
-- IP whose names in a window crossed the threshold, 'tunnel' a registrable
-- domain whose names look like a tunnel, 'flow' a source IP window, 'txt' a
-- TXT record. Client alerts carry their window, the distinct names over the
-- threshold (at most 20), the NXDOMAIN share of the client's answered
-- queries (NULL when the source had no response codes) and the median
-- score of those names.
ALTER TABLE alerts ADD COLUMN kind TEXT NOT NULL DEFAULT 'name'
    CHECK (kind IN ('name', 'client', 'tunnel', 'flow', 'txt'));
ALTER TABLE alerts ADD COLUMN window_start   TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN window_seconds INTEGER;
ALTER TABLE alerts ADD COLUMN names          TEXT[];
ALTER TABLE alerts ADD COLUMN nxdomain_share DOUBLE PRECISION;
ALTER TABLE alerts ADD COLUMN median_score   DOUBLE PRECISION;
-- Older rows: conn.log alerts are flow windows; a TXT record's alert names
-- the query it answered in its detail.
UPDATE alerts SET kind = 'flow' WHERE source = 'zeek-conn';
UPDATE alerts SET kind = 'txt' WHERE source <> 'zeek-conn' AND detail ? 'query';
CREATE INDEX alerts_kind_seen_idx ON alerts (kind, seen_at);
