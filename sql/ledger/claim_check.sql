-- The first statements of every publishing transaction: the run's heartbeat, then a statement that fails, and
-- so rolls the whole transaction back, if this run no longer holds the warehouse (its row was closed by a
-- run that took over after its heartbeat went stale). Redshift has no DO blocks: the failure is a CAST of an
-- explanatory text to INTEGER, taken only when the run's 'running' row is gone. The text is chosen at run
-- time, by the count (not a constant the planner could fold and fail on at once); an aggregate over the
-- table, not a subquery, so that Redshift runs it as any other query.
UPDATE etl_runs SET heartbeat_at = GETDATE() WHERE run_id = :run_id AND status = 'running';
SELECT CAST(
    CASE WHEN COUNT(*) = 1 THEN '1' ELSE 'run ' || :run_id || ' no longer holds the warehouse' END
    AS INTEGER) AS claim_held
FROM etl_runs
WHERE run_id = :run_id AND status = 'running';
