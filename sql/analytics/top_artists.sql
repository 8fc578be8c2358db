-- Which artists are the most popular?
-- Counted by the artist name each play gives (songplays keeps it as played), so artists the catalogue lacks
-- count too; artist_id is the catalogue's id where a play matched one of the artist's songs, otherwise NULL.
-- rank is shared by ties; tied counts the rows with this many in all, shown or not, so a list cut at 10 says
-- how many more tie with its last rows.
WITH counted AS (
    SELECT artist_name,
           COUNT(*) AS plays,
           COUNT(DISTINCT song_title) AS songs,
           MAX(artist_id) AS artist_id
    FROM songplays
    WHERE artist_name IS NOT NULL
    GROUP BY artist_name
)
SELECT artist_name,
       plays,
       songs,
       artist_id,
       RANK() OVER (ORDER BY plays DESC) AS rank,
       COUNT(*) OVER (PARTITION BY plays) AS tied
FROM counted
ORDER BY plays DESC, artist_name
LIMIT 10;
