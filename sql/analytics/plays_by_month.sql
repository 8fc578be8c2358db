-- How many songs are played each month?
-- partial: the data does not cover the whole period. {covered period}
WITH span AS (
    SELECT DATE_TRUNC('hour', MIN(start_time)) AS starts,
           DATEADD(hour, 1, DATE_TRUNC('hour', MAX(start_time))) AS ends
    FROM songplays
)
SELECT t.year,
       t.month,
       COUNT(*) AS plays,
       DATE_TRUNC('month', t.start_time) < span.starts
           OR DATEADD(month, 1, DATE_TRUNC('month', t.start_time)) > span.ends AS partial
FROM songplays AS sp
JOIN time AS t ON t.start_time = sp.start_time
CROSS JOIN span
GROUP BY t.year, t.month, DATE_TRUNC('month', t.start_time), span.starts, span.ends
ORDER BY t.year, t.month;
