-- mlctl tune: one row per tuning run (the Tune workflow) and one per trial.
CREATE TABLE IF NOT EXISTS tuning_runs (
    id            text PRIMARY KEY,               -- the Tune workflow's ID
    algo          text NOT NULL,
    datasets      text[] NOT NULL,                -- resolved versions, e.g. {dga@3}
    spec          jsonb NOT NULL,                 -- space, objective, folds, grouping, trials, parallel, seed, rungs
    status        text NOT NULL DEFAULT 'running',-- running, done, failed
    best_trial    integer,
    model         text NOT NULL DEFAULT '',       -- the published best model, once retrained
    model_version integer NOT NULL DEFAULT 0,
    error         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX IF NOT EXISTS tuning_runs_created ON tuning_runs (created_at DESC);

CREATE TABLE IF NOT EXISTS tuning_trials (
    run_id      text NOT NULL REFERENCES tuning_runs (id) ON DELETE CASCADE,
    trial       integer NOT NULL,
    params      jsonb NOT NULL,
    status      text NOT NULL,                    -- running, complete, pruned, failed
    rung        integer NOT NULL DEFAULT 0,       -- the last rung scored
    units       integer NOT NULL DEFAULT 0,       -- its trees or epochs
    value       double precision,                 -- mean of fold_values
    fold_values double precision[] NOT NULL DEFAULT '{}',
    seconds     double precision NOT NULL DEFAULT 0, -- training seconds, summed over folds and rungs
    workers     text[] NOT NULL DEFAULT '{}',     -- the workers that ran its folds
    error       text NOT NULL DEFAULT '',
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    PRIMARY KEY (run_id, trial)
);
