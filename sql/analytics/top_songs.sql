-- Which songs are the most popular?
-- Counted by the title and artist each play names (songplays keeps them as played), so plays of songs the
-- catalogue lacks count too; song_id is the catalogue's id where the play matched one, otherwise NULL.
-- rank is shared by ties; tied counts the rows with this many in all, shown or not, so a list cut at 10 says
-- how many more tie with its last rows.
WITH counted AS (
    SELECT song_title,
           artist_name,
           COUNT(*) AS plays,
           MAX(song_id) AS song_id
    FROM songplays
    WHERE song_title IS NOT NULL
    GROUP BY song_title, artist_name
)
SELECT song_title,
       artist_name,
       plays,
       song_id,
       RANK() OVER (ORDER BY plays DESC) AS rank,
       COUNT(*) OVER (PARTITION BY plays) AS tied
FROM counted
ORDER BY plays DESC, song_title, artist_name
LIMIT 10;
