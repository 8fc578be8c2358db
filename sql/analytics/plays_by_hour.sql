-- How many songs are played at each hour of the day?
-- Hours in UTC, as the event timestamps are. The data's span holds some clock hours once more than others,
-- so hours are compared by plays_per_day: plays divided by days, the number of times the data covers that
-- hour. {covered period}
WITH span AS (
    -- The sample runs from 21:00 on 2018-11-01 to 20:00 on 2018-11-30: 20:00 to 20:59 occurs 28 times, every
    -- other hour 29.
    SELECT CAST(DATE_PART(epoch, DATE_TRUNC('hour', MIN(start_time))) AS BIGINT) / 3600 AS starts,
           CAST(DATE_PART(epoch, DATE_TRUNC('hour', MAX(start_time))) AS BIGINT) / 3600 + 1 AS ends
    FROM songplays
),
covered AS (
    -- Times hour h occurs in [starts, ends): those before ends less those before starts.
    SELECT h.hour,
           (span.ends / 24 + CASE WHEN MOD(span.ends, 24) > h.hour THEN 1 ELSE 0 END)
         - (span.starts / 24 + CASE WHEN MOD(span.starts, 24) > h.hour THEN 1 ELSE 0 END) AS days
    FROM (SELECT DISTINCT hour FROM time) AS h
    CROSS JOIN span
)
SELECT t.hour,
       COUNT(*) AS plays,
       c.days,
       CAST(ROUND(COUNT(*) * 1.0 / c.days, 1) AS DOUBLE PRECISION) AS plays_per_day
FROM songplays AS sp
JOIN time AS t ON t.start_time = sp.start_time
JOIN covered AS c ON c.hour = t.hour
GROUP BY t.hour, c.days
ORDER BY t.hour;
