-- songplays' rows: one per NextSong event, matched against a song catalogue, the one definition of the song
-- match: for a full run (staging_events into songplays_next, against song_catalogue_next, built first from
-- staging_songs), a daily load (staging_events into songplays_day, against the published song_catalogue) and
-- --reload-catalogue (the published plays, given back as the events they came from by
-- sql/incremental/rematch_songplays.sql, into songplays_next against song_catalogue_next), so that all three
-- give the same rows for the same events and catalogue (sql/marts/songplays.sql says what the table means).
-- {{events}}: staging_events or a table with its columns used here; {{target}}: the table to fill;
-- {{catalogue}}: a table of sql/incremental/song_catalogue.sql, whose text values are stored RTRIMmed, so the
-- events' side is trimmed here and the match compares trimmed values on both sides.

-- An event is identified by (session_id, item_in_session, ts). Candidate catalogue matches are ranked per
-- event and only the best joins back, so every event yields exactly one row; an event that appears twice
-- in the logs yields two rows with one id, which the unique test then reports rather than hiding.
INSERT INTO {{target}} (
    songplay_id, start_time, user_id, level, song_id, artist_id, session_id, item_in_session,
    location, user_agent, song_title, artist_name, song_length
)
SELECT MD5(
           NVL(CAST(e.session_id AS VARCHAR), '') || '|' ||
           NVL(CAST(e.item_in_session AS VARCHAR), '') || '|' ||
           NVL(CAST(e.ts AS VARCHAR), '')
       ),
       e.ts, e.user_id, RTRIM(e.level), m.song_id, m.artist_id, e.session_id, e.item_in_session,
       RTRIM(e.location), RTRIM(e.user_agent), RTRIM(e.song), RTRIM(e.artist), e.length
FROM {{events}} AS e
LEFT JOIN (
    SELECT ev.session_id, ev.item_in_session, ev.ts, s.song_id, s.artist_id,
           ROW_NUMBER() OVER (
               PARTITION BY ev.session_id, ev.item_in_session, ev.ts
               ORDER BY ABS(s.duration - ev.length), s.song_id, s.artist_id
           ) AS rn
    FROM {{events}} AS ev
    JOIN {{catalogue}} AS s ON RTRIM(ev.song) = s.title AND RTRIM(ev.artist) = s.artist_name
    WHERE RTRIM(ev.page) = 'NextSong'
) AS m
    ON m.ts = e.ts AND m.rn = 1
   -- NULL-safe: an event whose session or item is NULL is still one event (its id counts NULL as ''), and matched.
   AND (m.session_id = e.session_id OR (m.session_id IS NULL AND e.session_id IS NULL))
   AND (m.item_in_session = e.item_in_session OR (m.item_in_session IS NULL AND e.item_in_session IS NULL))
WHERE RTRIM(e.page) = 'NextSong';
