-- --reload-catalogue: every published play matched again against the newly loaded catalogue
-- (song_catalogue_next), as sql/marts/songplays.sql matches events, so that song_id and artist_id are what a
-- full load would give with this catalogue. Everything else of a play is kept as it is. Built under
-- songplays_next, tested, and published with songs, artists and song_catalogue in one transaction.
DROP TABLE IF EXISTS songplays_next;
CREATE TABLE songplays_next (LIKE songplays);
INSERT INTO songplays_next (
    songplay_id, start_time, user_id, level, song_id, artist_id, session_id, item_in_session,
    location, user_agent, song_title, artist_name, song_length
)
SELECT p.songplay_id, p.start_time, p.user_id, p.level, m.song_id, m.artist_id, p.session_id, p.item_in_session,
       p.location, p.user_agent, p.song_title, p.artist_name, p.song_length
FROM songplays AS p
LEFT JOIN (
    SELECT sp.songplay_id, s.song_id, s.artist_id,
           ROW_NUMBER() OVER (
               PARTITION BY sp.songplay_id
               ORDER BY ABS(s.duration - sp.song_length), s.song_id, s.artist_id
           ) AS rn
    FROM songplays AS sp
    JOIN song_catalogue_next AS s ON s.title = sp.song_title AND s.artist_name = sp.artist_name
) AS m
    ON m.songplay_id = p.songplay_id AND m.rn = 1;
