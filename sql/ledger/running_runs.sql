-- The runs still loading, newest first: who holds the warehouse when a run is refused, with when each last
-- said it was alive and the warehouse's clock now (both the warehouse's, so the client's clock plays no part).
SELECT run_id, mode, first_day, last_day, started_at, target, run_by,
       COALESCE(heartbeat_at, started_at) AS heartbeat_at, GETDATE() AS now_at
FROM etl_runs
WHERE status = 'running'
ORDER BY started_at DESC;
