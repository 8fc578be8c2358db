-- loaded_days: one row per day whose events the published star schema holds (the event's UTC date), with
-- its counts and when it was loaded. A full run rewrites it from all the events it loaded; a daily run
-- replaces its day's row in its publish transaction. npm run status reads the loaded days and gaps here.
-- @test unique: day

CREATE TABLE {{table}} (
    day       DATE      NOT NULL,
    events    INTEGER   NOT NULL,
    songplays INTEGER   NOT NULL,
    loaded_at TIMESTAMP NOT NULL
)
DISTSTYLE ALL
SORTKEY (day);

INSERT INTO {{table}} (day, events, songplays, loaded_at)
SELECT CAST(ts AS DATE), COUNT(*), SUM(CASE WHEN page = 'NextSong' THEN 1 ELSE 0 END), GETDATE()
FROM staging_events
GROUP BY CAST(ts AS DATE);
