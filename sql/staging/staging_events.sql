-- A staging table: a raw copy of S3 files, dropped and re-created by every run that loads it (it holds nothing
-- the next run needs; a daily load re-creates staging_events only). Loaded by staging/staging_events.copy.sql.
-- DISTSTYLE EVEN: it is read once, whole, by the transform, so an even spread keeps every slice busy.
-- Widths are bytes, as Redshift measures VARCHAR; a longer value fails the COPY (never truncated quietly).
-- The COPY leaves STATUPDATE at its default: a COPY into an empty table (this always is) updates the
-- table's statistics, which the planner needs for the star build's joins and window functions that read
-- them next. COMPUPDATE OFF stays: compression analysis pays off for tables kept, not for rebuilt staging.

DROP TABLE IF EXISTS staging_events;

-- Columns in the order of log_json_path.json, which maps the event keys to columns by position.
CREATE TABLE staging_events (
    artist          VARCHAR(1024),
    auth            VARCHAR(32),
    first_name      VARCHAR(256),
    gender          VARCHAR(16),
    item_in_session INTEGER,
    last_name       VARCHAR(256),
    length          DOUBLE PRECISION,
    level           VARCHAR(16),
    location        VARCHAR(512),
    method          VARCHAR(16),
    page            VARCHAR(64),
    registration    DOUBLE PRECISION,  -- epoch milliseconds written as a float (1540919166796.0)
    session_id      INTEGER,
    song            VARCHAR(1024),
    status          SMALLINT,
    ts              TIMESTAMP,         -- epoch milliseconds in the files: COPY … TIMEFORMAT 'epochmillisecs'
    user_agent      VARCHAR(1024),
    user_id         INTEGER            -- a string in the files; "" (logged-out visitors) loads as NULL
)
DISTSTYLE EVEN;
