-- Aliases: a name (production, staging, ...) that points at a model version.
CREATE TABLE aliases (
    name       TEXT        PRIMARY KEY,
    model_id   BIGINT      NOT NULL REFERENCES models (id),
    -- change_id is the alias_history row that set it: scorers report the
    -- change they have acted on, so a rollout knows who has caught up.
    change_id  BIGINT      NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Every change of an alias, never updated or deleted.
CREATE TABLE alias_history (
    id            BIGSERIAL   PRIMARY KEY,
    alias         TEXT        NOT NULL,
    from_model_id BIGINT      REFERENCES models (id),
    to_model_id   BIGINT      NOT NULL REFERENCES models (id),
    action        TEXT        NOT NULL CHECK (action IN ('promote', 'rollback', 'restore')),
    reason        TEXT        NOT NULL,
    workflow_id   TEXT        NOT NULL,
    changed_by    TEXT        NOT NULL,
    changed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX alias_history_alias_idx ON alias_history (alias, id);
-- One change per workflow and action: a retried activity never moves an alias twice.
CREATE UNIQUE INDEX alias_history_workflow_idx ON alias_history (workflow_id, action) WHERE workflow_id <> '';

-- Serving workers (mlctl serve), one row each, refreshed by heartbeats.
CREATE TABLE scorers (
    id               TEXT        PRIMARY KEY,
    host             TEXT        NOT NULL,
    pid              INTEGER     NOT NULL,
    alias            TEXT        NOT NULL,
    listen           TEXT        NOT NULL,
    model_id         BIGINT      REFERENCES models (id),
    sha256           TEXT        NOT NULL DEFAULT '',
    change_id        BIGINT      NOT NULL DEFAULT 0,
    loaded_at        TIMESTAMPTZ,
    refused_model_id BIGINT      REFERENCES models (id),
    last_error       TEXT        NOT NULL DEFAULT '',
    counters         JSONB       NOT NULL DEFAULT '{}',
    started_at       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    stopped_at       TIMESTAMPTZ
);
CREATE INDEX scorers_alias_idx ON scorers (alias, last_seen);

-- Alerts raised by scorers: inputs scored at or above the model's threshold.
CREATE TABLE alerts (
    id           BIGSERIAL        PRIMARY KEY,
    seen_at      TIMESTAMPTZ      NOT NULL,
    source       TEXT             NOT NULL,
    client_ip    TEXT             NOT NULL,
    input        TEXT             NOT NULL,
    score        DOUBLE PRECISION NOT NULL,
    threshold    DOUBLE PRECISION NOT NULL,
    model_id     BIGINT           REFERENCES models (id),
    model        TEXT             NOT NULL,
    version      INTEGER          NOT NULL,
    sha256       TEXT             NOT NULL,
    scorer_id    TEXT             NOT NULL,
    batch_median DOUBLE PRECISION,
    detail       JSONB            NOT NULL,
    created_at   TIMESTAMPTZ      NOT NULL DEFAULT now()
);
CREATE INDEX alerts_seen_idx ON alerts (seen_at);
