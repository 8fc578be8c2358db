-- Which songs are the most popular?
-- Counted by the title and artist each play names (songplays keeps them as played), so plays of songs the
-- catalogue lacks count too; song_id is the catalogue's id where the play matched one, otherwise NULL.
SELECT song_title,
       artist_name,
       COUNT(*) AS plays,
       MAX(song_id) AS song_id
FROM songplays
WHERE song_title IS NOT NULL
GROUP BY song_title, artist_name
ORDER BY plays DESC, song_title, artist_name
LIMIT 10;
