-- --reload-catalogue: every published play matched again against the newly loaded catalogue
-- (song_catalogue_next) by the one statement of the song match, sql/marts/songplays_rows.sql, so that song_id
-- and artist_id are what a full load would give with this catalogue. Each play is given back here as the event
-- it was made from: songplays keeps every field of the event that a play's row reads (a play's id is the MD5
-- of its session, item and time, so it comes out the same), and the match reads the rest from the catalogue.
-- Then songplays_rows.sql fills songplays_next from songplay_events_next; both are built in the catalogue's
-- build transaction, tested, and published with songs, artists and song_catalogue in one transaction.
-- Columns as sql/staging/staging_events.sql types them (staging_events itself may not exist yet: a new
-- warehouse's first --date … --reload-catalogue reloads the catalogue before its first day).
DROP TABLE IF EXISTS songplays_next;
CREATE TABLE songplays_next (LIKE songplays);
DROP TABLE IF EXISTS songplay_events_next;
CREATE TABLE songplay_events_next (
    artist          VARCHAR(1024),
    item_in_session INTEGER,
    length          DOUBLE PRECISION,
    level           VARCHAR(16),
    location        VARCHAR(512),
    page            VARCHAR(64),
    session_id      INTEGER,
    song            VARCHAR(1024),
    ts              TIMESTAMP,
    user_agent      VARCHAR(1024),
    user_id         INTEGER
)
DISTSTYLE EVEN;
INSERT INTO songplay_events_next (artist, item_in_session, length, level, location, page, session_id, song, ts, user_agent, user_id)
SELECT artist_name, item_in_session, song_length, level, location, 'NextSong', session_id, song_title, start_time, user_agent, user_id
FROM songplays;
