-- How many songs are played each ISO week?
-- ISO weeks start on Monday; week_start tells apart the same week number in different years.
-- partial: the data does not cover the whole period. {covered period}
WITH span AS (
    SELECT DATE_TRUNC('hour', MIN(start_time)) AS starts,
           DATEADD(hour, 1, DATE_TRUNC('hour', MAX(start_time))) AS ends
    FROM songplays
)
SELECT CAST(DATE_TRUNC('week', t.start_time) AS DATE) AS week_start,
       t.week,
       COUNT(*) AS plays,
       DATE_TRUNC('week', t.start_time) < span.starts
           OR DATEADD(day, 7, DATE_TRUNC('week', t.start_time)) > span.ends AS partial
FROM songplays AS sp
JOIN time AS t ON t.start_time = sp.start_time
CROSS JOIN span
GROUP BY DATE_TRUNC('week', t.start_time), t.week, span.starts, span.ends
ORDER BY week_start;
