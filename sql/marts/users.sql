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

-- "Latest" is by event time, then session and item, so two events in the same millisecond still order.
-- Only each user's rows at their latest ts are ranked: ranking every event sorted a million wide rows.
-- (ts is never NULL here: staging_events tests it before the build.)
INSERT INTO users_next (user_id, first_name, last_name, gender, level, location)
SELECT user_id, RTRIM(first_name), RTRIM(last_name), RTRIM(gender), RTRIM(level), RTRIM(location)
FROM (
    SELECT e.user_id, e.first_name, e.last_name, e.gender, e.level, e.location,
           ROW_NUMBER() OVER (
               PARTITION BY e.user_id
               ORDER BY e.session_id DESC, e.item_in_session DESC
           ) AS rn
    FROM staging_events AS e
    JOIN (
        SELECT user_id, MAX(ts) AS ts
        FROM staging_events
        WHERE user_id IS NOT NULL
        GROUP BY user_id
    ) AS latest
        ON latest.user_id = e.user_id AND latest.ts = e.ts
) AS ranked
WHERE rn = 1;
