-- npm run status: the latest runs, newest first.
SELECT run_id, mode, first_day, last_day, days, started_at, ended_at, heartbeat_at, status, rows_loaded, rows_rejected, target, run_by, message
FROM etl_runs
ORDER BY started_at DESC, run_id
LIMIT {{limit}};
