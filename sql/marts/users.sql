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

-- Its rows: sql/marts/users_rows.sql, from user_day_states_next (each user's latest state per day).
