-- Datasets: one row per immutable version; rows live in dataset_rows.
CREATE TABLE datasets (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT        NOT NULL,
    version       INTEGER     NOT NULL,
    kind          TEXT        NOT NULL,
    sha256        TEXT        NOT NULL,
    row_count     BIGINT      NOT NULL,
    label_counts  JSONB       NOT NULL,
    family_counts JSONB       NOT NULL,
    source_files  JSONB       NOT NULL,
    bad_rows      BIGINT      NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (name, version),
    UNIQUE (name, kind, sha256)
);

-- Dataset rows in canonical order (ord), loaded with COPY.
CREATE TABLE dataset_rows (
    dataset_id BIGINT   NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    ord        INTEGER  NOT NULL,
    input      TEXT     NOT NULL,
    label      SMALLINT NOT NULL,
    family     TEXT     NOT NULL DEFAULT '',
    PRIMARY KEY (dataset_id, ord)
);

-- Splits: a seeded assignment of the rows of one or more dataset versions to
-- train (0), validation (1) and test (2), one byte per row in dataset order.
CREATE TABLE splits (
    id               BIGSERIAL PRIMARY KEY,
    dataset_ids      BIGINT[]    NOT NULL,
    seed             BIGINT      NOT NULL,
    holdout_families TEXT[]      NOT NULL DEFAULT '{}',
    assignment       BYTEA       NOT NULL,
    train_rows       INTEGER     NOT NULL,
    validation_rows  INTEGER     NOT NULL,
    test_rows        INTEGER     NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (dataset_ids, seed, holdout_families)
);

-- Published models: immutable, checksummed artifacts.
CREATE TABLE models (
    id               BIGSERIAL PRIMARY KEY,
    name             TEXT        NOT NULL,
    version          INTEGER     NOT NULL,
    algo             TEXT        NOT NULL,
    sha256           TEXT        NOT NULL,
    size_bytes       BIGINT      NOT NULL,
    manifest         JSONB       NOT NULL,
    artifact         BYTEA       NOT NULL,
    dataset_versions JSONB       NOT NULL,
    workflow_id      TEXT        NOT NULL UNIQUE,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (name, version)
);

-- Evaluations of a model on (part of) a dataset.
CREATE TABLE evaluations (
    id            BIGSERIAL PRIMARY KEY,
    model_id      BIGINT           NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    dataset_ids   BIGINT[]         NOT NULL,
    part          TEXT             NOT NULL,
    threshold     DOUBLE PRECISION NOT NULL,
    confusion     JSONB            NOT NULL,
    metrics       JSONB            NOT NULL,
    family_recall JSONB            NOT NULL,
    row_count     BIGINT           NOT NULL,
    created_at    TIMESTAMPTZ      NOT NULL DEFAULT now()
);
CREATE INDEX evaluations_model_idx ON evaluations (model_id);

-- Training checkpoints and unpublished candidates, keyed by workflow.
CREATE TABLE checkpoints (
    id          BIGSERIAL PRIMARY KEY,
    workflow_id TEXT        NOT NULL,
    kind        TEXT        NOT NULL CHECK (kind IN ('checkpoint', 'candidate')),
    progress    INTEGER     NOT NULL,
    sha256      TEXT        NOT NULL,
    artifact    BYTEA       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (workflow_id, kind, progress)
);
