-- Model history: only the newest versions of a model keep their artifact
-- bytes (seed 001 keeps 10); an older version's bytes are pruned unless an
-- alias or an alias's history points at it. The version's row, manifest
-- and evaluations stay, with when its bytes were pruned.
ALTER TABLE models ALTER COLUMN artifact DROP NOT NULL;
ALTER TABLE models ADD COLUMN pruned_at TIMESTAMPTZ;
