-- The latest runs that succeeded, for a run with a time budget to estimate what it can finish
-- (lib/pipeline/budget.ts): how long each took, how many days it published, whether it loaded the catalogue.
SELECT mode, days, started_at, ended_at, rows_loaded
FROM etl_runs
WHERE status = 'succeeded' AND ended_at IS NOT NULL
ORDER BY started_at DESC
LIMIT 20;
