-- song_catalogue: the song files as the song match reads them (title, artist name, duration), kept between
-- runs so that a daily load matches its plays against the same catalogue a full load would, without reading
-- the 14,896 song files again. Built from staging_songs by a full run or --reload-catalogue only, and
-- published in the same transaction as songs and artists, so the three always come from one catalogue.
-- Rows with no title or artist name are left out: the match compares both, and NULL equals nothing.
-- @test not_empty
-- @test not_null: song_id, title, artist_name

-- DISTSTYLE ALL: joined to every day's plays on title and artist name; SORTKEY title serves that join.
CREATE TABLE {{table}} (
    song_id     VARCHAR(32)   NOT NULL,
    title       VARCHAR(1024) NOT NULL,
    artist_id   VARCHAR(32),
    artist_name VARCHAR(1024) NOT NULL,
    duration    DOUBLE PRECISION
)
DISTSTYLE ALL
SORTKEY (title);

-- Text values RTRIMmed of trailing spaces, as the star tables store them (sql/marts/songplays.sql).
INSERT INTO {{table}} (song_id, title, artist_id, artist_name, duration)
SELECT RTRIM(song_id), RTRIM(title), RTRIM(artist_id), RTRIM(artist_name), duration
FROM staging_songs
WHERE title IS NOT NULL AND artist_name IS NOT NULL AND song_id IS NOT NULL;
