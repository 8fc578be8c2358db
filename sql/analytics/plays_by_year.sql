-- How many songs are played each year?
-- partial: the data does not cover the whole period. The data's span is taken in whole hours, from the hour
-- of the first play to the end of the hour of the last (the sample: 2018-11-01 21:00 to 2018-12-01 00:00).
WITH span AS (
    SELECT DATE_TRUNC('hour', MIN(start_time)) AS starts,
           DATEADD(hour, 1, DATE_TRUNC('hour', MAX(start_time))) AS ends
    FROM songplays
)
SELECT t.year,
       COUNT(*) AS plays,
       DATE_TRUNC('year', t.start_time) < span.starts
           OR DATEADD(year, 1, DATE_TRUNC('year', t.start_time)) > span.ends AS partial
FROM songplays AS sp
JOIN time AS t ON t.start_time = sp.start_time
CROSS JOIN span
GROUP BY t.year, DATE_TRUNC('year', t.start_time), span.starts, span.ends
ORDER BY t.year;
