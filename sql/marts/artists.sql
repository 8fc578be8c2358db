-- artists: one row per artist id of the catalogue.
-- @test not_empty
-- @test unique: artist_id
-- @test not_null: artist_id

-- DISTSTYLE ALL for the same reason as songs: small, and joined by the popularity questions.
CREATE TABLE artists_next (
    artist_id VARCHAR(32)   NOT NULL,
    name      VARCHAR(1024),
    location  VARCHAR(512),
    latitude  DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    PRIMARY KEY (artist_id)
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
               ORDER BY CASE WHEN artist_location IS NULL THEN 1 ELSE 0 END, artist_name, artist_location, song_id
           ) AS rn
    FROM staging_songs
) AS ranked
WHERE rn = 1;
