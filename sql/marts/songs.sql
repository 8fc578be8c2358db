-- songs: one row per song id of the catalogue. Text values are RTRIMmed of trailing spaces, as in every star
-- table (see songplays.sql), so that ids and titles compare the same on Redshift and Postgres.
-- Key: song_id, tested by @test unique and deliberately not declared (see docs/redshift.md, Keys).
-- @test not_empty
-- @test unique: song_id
-- @test not_null: song_id, title, artist_id

-- DISTSTYLE ALL: a small dimension joined by the popularity questions; a copy on every node means the join
-- never redistributes songplays. SORTKEY song_id serves the join.
CREATE TABLE songs_next (
    song_id   VARCHAR(32)   NOT NULL,
    title     VARCHAR(1024),
    artist_id VARCHAR(32),
    year      SMALLINT,            -- NULL where the catalogue says 0 (unknown)
    duration  DOUBLE PRECISION
)
DISTSTYLE ALL
SORTKEY (song_id);

-- A song id listed twice keeps one row, chosen by a total order of the trimmed values, so every run keeps
-- the same one on either engine.
INSERT INTO songs_next (song_id, title, artist_id, year, duration)
SELECT song_id, title, artist_id, NULLIF(year, 0), duration
FROM (
    SELECT song_id, title, artist_id, year, duration,
           ROW_NUMBER() OVER (PARTITION BY song_id ORDER BY artist_id, title, duration, year) AS rn
    FROM (
        SELECT RTRIM(song_id) AS song_id, RTRIM(title) AS title, RTRIM(artist_id) AS artist_id, year, duration
        FROM staging_songs
    ) AS trimmed
) AS ranked
WHERE rn = 1;
