-- A run ends, well or not: its outcome, in a statement of its own (never inside the run's transactions).
UPDATE etl_runs
SET status = :status,
    ended_at = CAST(:ended_at AS TIMESTAMP),
    days = :days,
    rows_loaded = :rows_loaded,
    rows_rejected = :rows_rejected,
    message = :message
WHERE run_id = :run_id;
