-- Where nothing else can be loading (the local warehouse, whose writer lock this run holds), every row still
-- 'running' is a run whose process died before it could record its end: closed as killed, when noticed.
UPDATE etl_runs
SET status = 'killed',
    ended_at = GETDATE(),
    message = 'killed: its process ended without recording its end; noticed by run ' || :run_id
WHERE status = 'running';
