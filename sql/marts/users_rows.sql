-- users' rows: each user's latest state, the one statement of the users rule (a user's row is their latest
-- event) for a full run (into users_next, from user_day_states_next) and a daily load (into users_day, from
-- users_states_day: the affected users' states of every day, the day's new ones included). A state is a
-- user's latest event of one day, and which event that is (by event time, then session, then item) is said
-- once, in sql/incremental/user_day_states.sql; a day is the event's date, so a user's latest event is the
-- state of their latest day. sql/marts/users.sql says what the table means.
-- {{target}}: the table to fill; {{states}}: a table of user_day_states.sql (one row per user and day).
INSERT INTO {{target}} (user_id, first_name, last_name, gender, level, location)
SELECT s.user_id, s.first_name, s.last_name, s.gender, s.level, s.location
FROM {{states}} AS s
JOIN (SELECT user_id, MAX(day) AS day FROM {{states}} GROUP BY user_id) AS latest
    ON latest.user_id = s.user_id AND latest.day = s.day;
