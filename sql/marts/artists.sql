-- artists: one row per artist id of the catalogue. Text values are RTRIMmed of trailing spaces, as in every
-- star table (see songplays.sql).
-- Key: artist_id, tested by @test unique and deliberately not declared (see docs/redshift.md, Keys).
-- @test not_empty
-- @test unique: artist_id
-- @test not_null: artist_id

-- DISTSTYLE ALL for the same reason as songs: small, and joined by the popularity questions.
CREATE TABLE artists_next (
    artist_id VARCHAR(32)   NOT NULL,
    name      VARCHAR(1024),
    location  VARCHAR(512),
    latitude  DOUBLE PRECISION,
    longitude DOUBLE PRECISION
)
DISTSTYLE ALL
SORTKEY (artist_id);

-- An artist appears once per song; prefer a row that knows the artist's location, then a total order.
INSERT INTO artists_next (artist_id, name, location, latitude, longitude)
SELECT artist_id, artist_name, artist_location, artist_latitude, artist_longitude
FROM (
    SELECT artist_id, artist_name, artist_location, artist_latitude, artist_longitude,
           ROW_NUMBER() OVER (
               PARTITION BY artist_id
               ORDER BY CASE WHEN artist_location IS NULL THEN 1 ELSE 0 END, artist_name, artist_location, song_id,
                        artist_latitude, artist_longitude
           ) AS rn
    FROM (
        SELECT RTRIM(artist_id) AS artist_id, RTRIM(artist_name) AS artist_name, RTRIM(artist_location) AS artist_location,
               artist_latitude, artist_longitude, RTRIM(song_id) AS song_id
        FROM staging_songs
    ) AS trimmed
) AS ranked
WHERE rn = 1;
