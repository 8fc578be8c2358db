-- time's rows: one per distinct start_time of a songplays table, broken into the units analysts group by;
-- the one definition for a full run (into time_next, from songplays_next) and a daily load (into time_day,
-- from songplays_day). sql/marts/time.sql says what the table means.
-- {{target}}: the table to fill; {{plays}}: the songplays table whose start times it holds.

INSERT INTO {{target}} (start_time, hour, day, week, month, year, weekday)
SELECT start_time,
       DATE_PART(hour, start_time),
       DATE_PART(day, start_time),
       DATE_PART(week, start_time),
       DATE_PART(month, start_time),
       DATE_PART(year, start_time),
       DATE_PART(dow, start_time)
FROM (SELECT DISTINCT start_time FROM {{plays}}) AS t;
