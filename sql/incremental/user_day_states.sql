-- user_day_states: each user's latest event of each day, with what users keeps of it. The one statement of
-- which event is a user's latest: the latest event time, then the highest session, then the highest item (two
-- events in the same millisecond still order). users is each user's latest of these (sql/marts/users_rows.sql):
-- a full run builds it from them, and a daily load recomputes a user's row from the days kept here, whatever
-- order the days arrive in; a day loaded again with other events replaces exactly its own states. A day is
-- the event's UTC date. Filled from staging_events: all of it on a full run, one day's file on a daily run.
-- @test not_null: user_id, day, ts

CREATE TABLE {{table}} (
    user_id         INTEGER      NOT NULL,
    day             DATE         NOT NULL,
    ts              TIMESTAMP    NOT NULL,
    session_id      INTEGER,
    item_in_session INTEGER,
    first_name      VARCHAR(256),
    last_name       VARCHAR(256),
    gender          VARCHAR(16),
    level           VARCHAR(16),
    location        VARCHAR(512)
)
DISTSTYLE ALL
SORTKEY (user_id, day);

-- Only each user's rows at their latest ts of the day are ranked (ranking every event sorts a million wide
-- rows on a full run).
-- Text values RTRIMmed of trailing spaces, as users stores them (sql/marts/users.sql).
INSERT INTO {{table}} (user_id, day, ts, session_id, item_in_session, first_name, last_name, gender, level, location)
SELECT user_id, day, ts, session_id, item_in_session, RTRIM(first_name), RTRIM(last_name), RTRIM(gender), RTRIM(level), RTRIM(location)
FROM (
    SELECT e.user_id, latest.day, e.ts, e.session_id, e.item_in_session, e.first_name, e.last_name, e.gender, e.level, e.location,
           ROW_NUMBER() OVER (
               PARTITION BY e.user_id, latest.day
               ORDER BY e.session_id DESC, e.item_in_session DESC
           ) AS rn
    FROM staging_events AS e
    JOIN (
        SELECT user_id, CAST(ts AS DATE) AS day, MAX(ts) AS ts
        FROM staging_events
        WHERE user_id IS NOT NULL
        GROUP BY user_id, CAST(ts AS DATE)
    ) AS latest
        ON latest.user_id = e.user_id AND latest.ts = e.ts
) AS ranked
WHERE rn = 1;
