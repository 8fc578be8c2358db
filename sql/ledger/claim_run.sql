-- A run begins, on a warehouse where no other run is loading: two runs at once would share the staging and
-- *_day tables. Run as ONE transaction (a Data API batch is one). LOCK takes etl_runs in ACCESS EXCLUSIVE
-- mode until the transaction ends, so two runs starting together claim one after the other: the second waits,
-- then sees the first's committed 'running' row and inserts nothing. A 'running' row older than :stale_before
-- is a run that was killed before it could record its end, and no longer blocks.
LOCK etl_runs;
INSERT INTO etl_runs (run_id, mode, first_day, last_day, started_at, status, target, run_by)
SELECT :run_id, :mode, CAST(:first_day AS DATE), CAST(:last_day AS DATE), CAST(:started_at AS TIMESTAMP), 'running', :target, :run_by
FROM (
    SELECT COUNT(*) AS n FROM etl_runs WHERE status = 'running' AND started_at > CAST(:stale_before AS TIMESTAMP)
) AS busy
WHERE busy.n = 0;
