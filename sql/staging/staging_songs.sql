-- A staging table: a raw copy of S3 files, dropped and re-created by every run that loads it (it holds nothing
-- the next run needs; a daily load re-creates staging_events only). Loaded by staging/staging_songs.copy.sql.
-- DISTSTYLE EVEN: it is read once, whole, by the transform, so an even spread keeps every slice busy.
-- Widths are bytes, as Redshift measures VARCHAR; a longer value fails the COPY (never truncated quietly).
-- The COPY leaves STATUPDATE at its default: a COPY into an empty table (this always is) updates the
-- table's statistics, which the planner needs for the star build's joins and window functions that read
-- them next. COMPUPDATE OFF stays: compression analysis pays off for tables kept, not for rebuilt staging.

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
