-- users: one row per user id, with the level (free or paid) and location of the user's latest event.
-- Events with no user id are logged-out visitors: they are not users.
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
    location   VARCHAR(512),
    PRIMARY KEY (user_id)
)
DISTSTYLE ALL
SORTKEY (user_id);

-- "Latest" is by event time, then session and item, so two events in the same millisecond still order.
INSERT INTO users_next (user_id, first_name, last_name, gender, level, location)
SELECT user_id, first_name, last_name, gender, level, location
FROM (
    SELECT user_id, first_name, last_name, gender, level, location,
           ROW_NUMBER() OVER (
               PARTITION BY user_id
               ORDER BY ts DESC, session_id DESC, item_in_session DESC
           ) AS rn
    FROM staging_events
    WHERE user_id IS NOT NULL
) AS ranked
WHERE rn = 1;
