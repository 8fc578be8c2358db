-- Which artists are the most popular?
-- Counted by the artist name each play gives (songplays keeps it as played), so artists the catalogue lacks
-- count too; artist_id is the catalogue's id where a play matched one of the artist's songs, otherwise NULL.
SELECT artist_name,
       COUNT(*) AS plays,
       COUNT(DISTINCT song_title) AS songs,
       MAX(artist_id) AS artist_id
FROM songplays
WHERE artist_name IS NOT NULL
GROUP BY artist_name
ORDER BY plays DESC, artist_name
LIMIT 10;
