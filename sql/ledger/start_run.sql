-- A run begins: its row, before any of its work, with its first heartbeat on the warehouse's clock.
INSERT INTO etl_runs (run_id, mode, first_day, last_day, started_at, heartbeat_at, status, target, run_by)
VALUES (:run_id, :mode, CAST(:first_day AS DATE), CAST(:last_day AS DATE), CAST(:started_at AS TIMESTAMP), GETDATE(), 'running', :target, :run_by);
