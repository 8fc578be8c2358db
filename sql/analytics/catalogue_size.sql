-- How big is the catalogue (songs, artists)?
-- Beside the catalogue: how many distinct songs and artists were played, and how many plays matched a catalogue song.
SELECT s.songs,
       a.artists,
       p.songs_played,
       p.artists_played,
       m.plays,
       m.plays_matched
FROM (SELECT COUNT(*) AS songs FROM songs) AS s
CROSS JOIN (SELECT COUNT(*) AS artists FROM artists) AS a
CROSS JOIN (
    SELECT COUNT(*) AS songs_played, COUNT(DISTINCT artist_name) AS artists_played
    FROM (SELECT DISTINCT song_title, artist_name FROM songplays) AS played
) AS p
CROSS JOIN (SELECT COUNT(*) AS plays, COUNT(song_id) AS plays_matched FROM songplays) AS m;
