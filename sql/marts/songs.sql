-- songs: one row per song id of the catalogue.
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
    duration  DOUBLE PRECISION,
    PRIMARY KEY (song_id)
)
DISTSTYLE ALL
SORTKEY (song_id);

-- A song id listed twice keeps one row, chosen by a total order so every run keeps the same one.
INSERT INTO songs_next (song_id, title, artist_id, year, duration)
SELECT song_id, title, artist_id, NULLIF(year, 0), duration
FROM (
    SELECT song_id, title, artist_id, year, duration,
           ROW_NUMBER() OVER (PARTITION BY song_id ORDER BY artist_id, title, duration, year) AS rn
    FROM staging_songs
) AS ranked
WHERE rn = 1;
