-- A run begins, on a warehouse where no other run is loading: two runs at once would share the staging and
-- *_day tables. Run as ONE transaction (a Data API batch is one). LOCK takes etl_runs in ACCESS EXCLUSIVE
-- mode until the transaction ends, so two runs starting together claim one after the other: the second waits,
-- then sees the first's committed 'running' row and inserts nothing.
-- A run is alive while its heartbeat (updated on the warehouse's clock as it works, and in each publishing
-- transaction: claim_check.sql) is younger than :stale_seconds. A 'running' row with an older one was killed
-- before it could record its end: it is closed as killed, when noticed, and no longer blocks.
LOCK etl_runs;
UPDATE etl_runs
SET status = 'killed',
    ended_at = GETDATE(),
    message = 'killed: no heartbeat since ' || CAST(COALESCE(heartbeat_at, started_at) AS VARCHAR(32)) || ' UTC; noticed by run ' || :run_id
WHERE status = 'running' AND COALESCE(heartbeat_at, started_at) <= DATEADD(second, -CAST(:stale_seconds AS INTEGER), GETDATE());
INSERT INTO etl_runs (run_id, mode, first_day, last_day, started_at, heartbeat_at, status, target, run_by)
SELECT :run_id, :mode, CAST(:first_day AS DATE), CAST(:last_day AS DATE), CAST(:started_at AS TIMESTAMP), GETDATE(), 'running', :target, :run_by
FROM (
    SELECT COUNT(*) AS n FROM etl_runs WHERE status = 'running'
) AS busy
WHERE busy.n = 0;
