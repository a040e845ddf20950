-- Retraining: the watermark of new-data files each Retrain ingested, the
-- decision of every Retrain run, shadow scoring of a challenger beside an
-- alias's champion, and the live feature samples drift checks compare.

-- The watermark: a file (path and content) is ingested into a dataset
-- once. A file that changes is new content and is read again (its rows
-- deduplicate against the dataset's).
CREATE TABLE ingested_files (
    dataset     TEXT        NOT NULL,
    path        TEXT        NOT NULL,
    sha256      TEXT        NOT NULL,
    size        BIGINT      NOT NULL,
    lines       INTEGER     NOT NULL,
    rows        INTEGER     NOT NULL,
    bad         INTEGER     NOT NULL,
    dataset_id  BIGINT      NOT NULL REFERENCES datasets(id),
    workflow_id TEXT        NOT NULL,
    ingested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, path, sha256)
);
CREATE INDEX ingested_files_workflow ON ingested_files (workflow_id);

-- One decision per Retrain run, whatever its outcome.
CREATE TABLE retrain_decisions (
    id            BIGSERIAL   PRIMARY KEY,
    workflow_id   TEXT        NOT NULL UNIQUE,
    schedule      TEXT        NOT NULL,
    model         TEXT        NOT NULL,
    alias         TEXT        NOT NULL,
    outcome       TEXT        NOT NULL,
    reason        TEXT        NOT NULL,
    dataset_id    BIGINT      REFERENCES datasets(id),
    challenger_id BIGINT      REFERENCES models(id),
    champion_id   BIGINT      REFERENCES models(id),
    detail        JSONB       NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX retrain_decisions_schedule ON retrain_decisions (schedule, id);

-- A challenger scored beside an alias's champion on live traffic; at most
-- one open shadow per alias.
CREATE TABLE shadows (
    id            BIGSERIAL   PRIMARY KEY,
    alias         TEXT        NOT NULL,
    champion_id   BIGINT      NOT NULL REFERENCES models(id),
    challenger_id BIGINT      NOT NULL REFERENCES models(id),
    workflow_id   TEXT        NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at      TIMESTAMPTZ,
    outcome       TEXT
);
CREATE UNIQUE INDEX shadows_one_open ON shadows (alias) WHERE ended_at IS NULL;

-- Each scorer's running totals for a shadow (upserted as it scores).
CREATE TABLE shadow_stats (
    shadow_id         BIGINT      NOT NULL REFERENCES shadows(id),
    scorer_id         TEXT        NOT NULL,
    scored            BIGINT      NOT NULL,
    disagreements     BIGINT      NOT NULL,
    champion_alerts   BIGINT      NOT NULL,
    challenger_alerts BIGINT      NOT NULL,
    champion_hist     BIGINT[]    NOT NULL,
    challenger_hist   BIGINT[]    NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (shadow_id, scorer_id)
);

-- Each scorer's reservoir sample of the feature vectors a model scored.
CREATE TABLE live_samples (
    model_id   BIGINT      NOT NULL REFERENCES models(id),
    scorer_id  TEXT        NOT NULL,
    columns    TEXT[]      NOT NULL,
    rows       INTEGER     NOT NULL,
    seen       BIGINT      NOT NULL,
    sample     BYTEA       NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (model_id, scorer_id)
);

-- Drift checks of live samples are recorded beside those of files.
ALTER TABLE drift_reports ADD COLUMN source TEXT NOT NULL DEFAULT 'file';
ALTER TABLE drift_reports ADD COLUMN workflow_id TEXT;
