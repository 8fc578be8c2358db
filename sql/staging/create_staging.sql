-- Staging tables: raw copies of the S3 files, rebuilt on every run (they hold nothing the next run needs).
-- DISTSTYLE EVEN: each is read once, whole, by the transform, so an even spread keeps every slice busy.
-- Widths are bytes, as Redshift measures VARCHAR; a longer value fails the COPY (never truncated quietly).
-- The COPYs leave STATUPDATE at its default: a COPY into an empty table (these always are) updates the
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

DROP TABLE IF EXISTS staging_songs;

-- Loaded with FORMAT AS JSON 'auto': the song files' keys are already lowercase column names.
CREATE TABLE staging_songs (
    num_songs        INTEGER,
    artist_id        VARCHAR(32),
    artist_latitude  DOUBLE PRECISION,
    artist_longitude DOUBLE PRECISION,
    artist_location  VARCHAR(512),
    artist_name      VARCHAR(1024),
    song_id          VARCHAR(32),
    title            VARCHAR(1024),
    duration         DOUBLE PRECISION,
    year             SMALLINT
)
DISTSTYLE EVEN;
