-- etl_runs: the run ledger, one row per ETL run (npm run etl), written outside the run's own transactions:
-- a row when the run starts (status running), completed when it ends, so a failed or interrupted run leaves
-- its row. Never dropped by the pipeline (not even by --fresh): it is the warehouse's history.
--   mode: full (every log file and the catalogue), day (--date) or range (--from/--to)
--   first_day, last_day: the days asked for (NULL for a full run); days: those published, comma-separated
--   status: running, succeeded, failed, interrupted, or killed (a run whose process died before it could record its
--     end, closed by a later run: ended_at is when that run noticed it)
--   heartbeat_at: the warehouse's clock (GETDATE()) when the running run last said it was alive; a run with no
--     heartbeat for --stale-after hours no longer holds the warehouse (claim_run.sql). Added to an older
--     etl_runs by add_heartbeat.sql.
--   rows_loaded, rows_rejected: JSON objects, rows per table (staging tables: rows COPY loaded or rejected;
--     star tables: rows the run wrote)
-- Key: run_id (a UUID the run makes), deliberately not declared, as no table declares one (docs/redshift.md, Keys).
CREATE TABLE IF NOT EXISTS etl_runs (
    run_id        VARCHAR(36)    NOT NULL,
    mode          VARCHAR(8)     NOT NULL,
    first_day     DATE,
    last_day      DATE,
    days          VARCHAR(65535),
    started_at    TIMESTAMP      NOT NULL,
    ended_at      TIMESTAMP,
    heartbeat_at  TIMESTAMP,
    status        VARCHAR(16)    NOT NULL,
    rows_loaded   VARCHAR(65535),
    rows_rejected VARCHAR(65535),
    target        VARCHAR(1024)  NOT NULL,
    run_by        VARCHAR(512)   NOT NULL,
    message       VARCHAR(65535)
)
DISTSTYLE ALL
SORTKEY (started_at);
