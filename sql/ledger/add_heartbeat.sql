-- An etl_runs made before runs kept a heartbeat gains the column (NULL in the old rows; claim_run.sql reads a
-- missing heartbeat as the run's start).
ALTER TABLE etl_runs ADD COLUMN heartbeat_at TIMESTAMP;
