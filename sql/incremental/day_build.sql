-- A daily load's build: the day's part of each star table, under *_day names, from staging_events (which
-- holds only the day's log file) and the published tables. Run in one transaction, tested, then merged by
-- day_publish.sql. Parameters: :day ('2018-11-05'), and the day's bounds :day_start and :day_end
-- ('2018-11-05 00:00:00', '2018-11-06 00:00:00'). (LIKE copies the published table's columns, NOT NULL,
-- distribution and sort keys, on Redshift and on Postgres.)
-- user_day_states_day and loaded_days_day are built before this from user_day_states.sql and loaded_days.sql.

-- The day's plays and their times (songplays_day, time_day) are built before this: the tables by
-- sql/incremental/day_tables.sql, their rows by sql/marts/songplays_rows.sql (against song_catalogue) and
-- sql/marts/time_rows.sql. An event's id and its match depend only on the event and the catalogue, so these
-- are the rows a full load gives the same events.

-- Every user agent of the day's plays, parsed by lib/pipeline/user-agents.ts after this transaction.
DROP TABLE IF EXISTS user_agents_day;
CREATE TABLE user_agents_day (LIKE user_agents);

-- User agents that only the day's previous plays used: after the merge, each is deleted unless another
-- day's plays still use it (a day loaded again with other events must leave no agent behind). A day not in
-- loaded_days has no previous plays (loaded_days lists every day the star tables hold, and is published with
-- them), so its first load skips this scan of songplays: the local warehouse has no zone maps to skip it with.
DROP TABLE IF EXISTS user_agents_gone_day;
CREATE TABLE user_agents_gone_day (user_agent VARCHAR(1024) NOT NULL) DISTSTYLE ALL;
INSERT INTO user_agents_gone_day (user_agent)
SELECT DISTINCT user_agent
FROM songplays
WHERE start_time >= CAST(:day_start AS TIMESTAMP) AND start_time < CAST(:day_end AS TIMESTAMP)
  AND user_agent IS NOT NULL
  AND user_agent NOT IN (SELECT user_agent FROM songplays_day WHERE user_agent IS NOT NULL)
  AND EXISTS (SELECT 1 FROM loaded_days WHERE day = CAST(:day AS DATE));

-- Users whose row the day can change: those with an event on the day now, or before this load.
DROP TABLE IF EXISTS users_affected_day;
CREATE TABLE users_affected_day (user_id INTEGER NOT NULL) DISTSTYLE ALL;
INSERT INTO users_affected_day (user_id)
SELECT user_id FROM user_day_states_day
UNION
SELECT user_id FROM user_day_states WHERE day = CAST(:day AS DATE);

-- Their states after the merge: those of the other days and the day's new ones. Their rows (users_day, each
-- user's latest state) are filled from these by sql/marts/users_rows.sql after this file, the users rule a
-- full run applies too. An affected user left with no state at all (their only events were on this day, and
-- are gone) gets no row, as a full load would give them none.
DROP TABLE IF EXISTS users_states_day;
CREATE TABLE users_states_day (LIKE user_day_states);
INSERT INTO users_states_day (user_id, day, ts, session_id, item_in_session, first_name, last_name, gender, level, location)
SELECT user_id, day, ts, session_id, item_in_session, first_name, last_name, gender, level, location
FROM user_day_states
WHERE day <> CAST(:day AS DATE) AND user_id IN (SELECT user_id FROM users_affected_day)
UNION ALL
SELECT user_id, day, ts, session_id, item_in_session, first_name, last_name, gender, level, location
FROM user_day_states_day;
DROP TABLE IF EXISTS users_day;
CREATE TABLE users_day (LIKE users);
