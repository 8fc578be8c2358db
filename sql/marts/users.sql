-- users: one row per user id, with the level (free or paid) and location of the user's latest event.
-- Events with no user id are logged-out visitors: they are not users. Text values are RTRIMmed of trailing
-- spaces, as in every star table (see songplays.sql).
-- Key: user_id, tested by @test unique and deliberately not declared (see docs/redshift.md, Keys).
-- @test not_empty
-- @test unique: user_id
-- @test not_null: user_id, level

-- DISTSTYLE ALL: about a hundred rows on the sample, thousands at most; every user question joins it.
CREATE TABLE users_next (
    user_id    INTEGER      NOT NULL,
    first_name VARCHAR(256),
    last_name  VARCHAR(256),
    gender     VARCHAR(16),
    level      VARCHAR(16),
    location   VARCHAR(512)
)
DISTSTYLE ALL
SORTKEY (user_id);

-- The user's latest event is the latest of their days' latest events, which the full run has just built
-- into user_day_states_next (sql/incremental/user_day_states.sql: one row per user and day, text already
-- RTRIMmed), as a daily load recomputes a user from user_day_states. "Latest" is by event time, then session
-- and item, so two events in the same millisecond still order. Ranking those few rows a user, not the events,
-- keeps the full run from sorting a million wide rows.
INSERT INTO users_next (user_id, first_name, last_name, gender, level, location)
SELECT user_id, first_name, last_name, gender, level, location
FROM (
    SELECT s.user_id, s.first_name, s.last_name, s.gender, s.level, s.location,
           ROW_NUMBER() OVER (
               PARTITION BY s.user_id
               ORDER BY s.ts DESC, s.session_id DESC, s.item_in_session DESC
           ) AS rn
    FROM user_day_states_next AS s
) AS ranked
WHERE rn = 1;
