-- How many songs are played on each day of the month?
-- Summed over all months: a day that some months lack (the 31st) has fewer chances.
-- partial: the data does not cover every day of the month it sums (the first and last day of the data can be
-- partial). {covered period}
WITH span AS (
    SELECT DATE_TRUNC('hour', MIN(start_time)) AS starts,
           DATEADD(hour, 1, DATE_TRUNC('hour', MAX(start_time))) AS ends
    FROM songplays
)
SELECT t.day,
       COUNT(*) AS plays,
       (t.day = DATE_PART(day, span.starts) AND span.starts > DATE_TRUNC('day', span.starts))
           OR (t.day = DATE_PART(day, DATEADD(hour, -1, span.ends)) AND span.ends > DATE_TRUNC('day', span.ends)) AS partial
FROM songplays AS sp
JOIN time AS t ON t.start_time = sp.start_time
CROSS JOIN span
GROUP BY t.day, span.starts, span.ends
ORDER BY t.day;
