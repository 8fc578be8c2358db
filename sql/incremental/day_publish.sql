-- A daily load's merge, run in ONE transaction after the day's build passed its data tests: readers see the
-- star schema before the day or after it, never between. Delete-and-insert rather than MERGE: Redshift's
-- MERGE cannot delete target rows the source lacks (a day loaded again with fewer events) nor update only
-- when the incoming event is later; AWS documents this delete-then-insert in one transaction as the way to
-- replace existing rows. Parameters as in day_build.sql.

-- The day's plays replaced exactly; other days untouched. The deletes only run for a day loaded before (in
-- loaded_days, which lists every day the star tables hold): a new day has no rows to delete, and the local
-- warehouse, without Redshift's zone maps, would scan all of songplays and time to find none.
DELETE FROM songplays
WHERE start_time >= CAST(:day_start AS TIMESTAMP) AND start_time < CAST(:day_end AS TIMESTAMP)
  AND EXISTS (SELECT 1 FROM loaded_days WHERE day = CAST(:day AS DATE));
INSERT INTO songplays (
    songplay_id, start_time, user_id, level, song_id, artist_id, session_id, item_in_session,
    location, user_agent, song_title, artist_name, song_length
)
SELECT songplay_id, start_time, user_id, level, song_id, artist_id, session_id, item_in_session,
       location, user_agent, song_title, artist_name, song_length
FROM songplays_day;

-- time holds one row per start time of songplays: the day's are exactly the day's plays' times.
DELETE FROM time
WHERE start_time >= CAST(:day_start AS TIMESTAMP) AND start_time < CAST(:day_end AS TIMESTAMP)
  AND EXISTS (SELECT 1 FROM loaded_days WHERE day = CAST(:day AS DATE));
INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT start_time, hour, day, week, month, year, weekday FROM time_day;

-- New user agents added; none duplicated.
INSERT INTO user_agents (user_agent, os_name, os_version, browser, browser_version, device_type)
SELECT user_agent, os_name, os_version, browser, browser_version, device_type
FROM user_agents_day
WHERE user_agent NOT IN (SELECT user_agent FROM user_agents);

-- Each affected user's row recomputed from the states of all days.
DELETE FROM users WHERE user_id IN (SELECT user_id FROM users_affected_day);
INSERT INTO users (user_id, first_name, last_name, gender, level, location)
SELECT user_id, first_name, last_name, gender, level, location FROM users_day;

DELETE FROM user_day_states WHERE day = CAST(:day AS DATE);
INSERT INTO user_day_states (user_id, day, ts, session_id, item_in_session, first_name, last_name, gender, level, location)
SELECT user_id, day, ts, session_id, item_in_session, first_name, last_name, gender, level, location FROM user_day_states_day;

DELETE FROM loaded_days WHERE day = CAST(:day AS DATE);
INSERT INTO loaded_days (day, events, songplays, loaded_at)
SELECT day, events, songplays, loaded_at FROM loaded_days_day;

-- The day's files as loaded (none when they were not known: the day is then loaded again by --new).
DELETE FROM loaded_files WHERE day = CAST(:day AS DATE);
INSERT INTO loaded_files (day, uri, size, version, run_id, loaded_at)
SELECT day, uri, size, version, run_id, loaded_at FROM loaded_files_day;
