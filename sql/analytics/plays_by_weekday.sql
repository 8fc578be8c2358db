-- How many songs are played on each day of the week?
-- Monday first, as ISO weeks count; weekday is 0 = Sunday … 6 = Saturday, as the time table stores it.
-- The data covers the weekdays unequally (a month holds four or five of each, and the first and last day of
-- the data are partial), so weekdays are compared by plays_per_day: plays divided by days, the hours of that
-- weekday the data covers over 24. {covered period}
WITH span AS (
    -- The sample runs from Thursday 2018-11-01 21:00 to Friday 2018-11-30 20:00: Thursdays are 4.13 days,
    -- Fridays 4.83, the others 4.
    -- Hours since Sunday 1970-01-04 00:00 (the epoch, 1970-01-01, is a Thursday: 4 days before it are added).
    SELECT CAST(DATE_PART(epoch, DATE_TRUNC('hour', MIN(start_time))) AS BIGINT) / 3600 + 96 AS starts,
           CAST(DATE_PART(epoch, DATE_TRUNC('hour', MAX(start_time))) AS BIGINT) / 3600 + 97 AS ends
    FROM songplays
),
covered AS (
    -- Hours of each weekday in [starts, ends): those before ends less those before starts, week by week
    -- (168 hours, Sunday first; weekday w holds hours 24w to 24w + 24 of each).
    SELECT w.weekday,
           (24 * (span.ends / 168) + LEAST(24, GREATEST(0, MOD(span.ends, 168) - 24 * w.weekday)))
         - (24 * (span.starts / 168) + LEAST(24, GREATEST(0, MOD(span.starts, 168) - 24 * w.weekday))) AS hours
    FROM (SELECT DISTINCT weekday FROM time) AS w
    CROSS JOIN span
)
SELECT t.weekday,
       CASE t.weekday
           WHEN 0 THEN 'Sunday' WHEN 1 THEN 'Monday' WHEN 2 THEN 'Tuesday' WHEN 3 THEN 'Wednesday'
           WHEN 4 THEN 'Thursday' WHEN 5 THEN 'Friday' ELSE 'Saturday'
       END AS weekday_name,
       COUNT(*) AS plays,
       CAST(ROUND(c.hours / 24.0, 2) AS DOUBLE PRECISION) AS days,
       CAST(ROUND(COUNT(*) * 24.0 / c.hours, 1) AS DOUBLE PRECISION) AS plays_per_day
FROM songplays AS sp
JOIN time AS t ON t.start_time = sp.start_time
JOIN covered AS c ON c.weekday = t.weekday
GROUP BY t.weekday, c.hours
ORDER BY (t.weekday + 6) % 7;
