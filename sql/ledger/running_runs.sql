-- The runs still loading (not stale), newest first: who holds the warehouse when a run is refused.
SELECT run_id, mode, first_day, last_day, started_at, target, run_by
FROM etl_runs
WHERE status = 'running' AND started_at > CAST(:stale_before AS TIMESTAMP)
ORDER BY started_at DESC;
