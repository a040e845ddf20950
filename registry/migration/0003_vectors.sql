-- Flow and tabular datasets: each row is a key (a source IP in a window, a
-- client) with a vector of numbers; the dataset names the columns.
ALTER TABLE datasets ADD COLUMN columns JSONB NOT NULL DEFAULT '[]';
ALTER TABLE dataset_rows ADD COLUMN vals DOUBLE PRECISION[];

-- Drift checks: per-feature two-sample KS tests of a model's training data
-- against a recent sample.
CREATE TABLE drift_reports (
    id            BIGSERIAL        PRIMARY KEY,
    model_id      BIGINT           NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    sample_rows   BIGINT           NOT NULL,
    drifted_share DOUBLE PRECISION NOT NULL,
    drifted       BOOLEAN          NOT NULL,
    report        JSONB            NOT NULL,
    created_at    TIMESTAMPTZ      NOT NULL DEFAULT now()
);
CREATE INDEX drift_reports_model_idx ON drift_reports (model_id, id);

-- Campaigns: alerts clustered together (DBSCAN over their feature vectors);
-- -1 is none.
ALTER TABLE alerts ADD COLUMN campaign_id INTEGER NOT NULL DEFAULT -1;
