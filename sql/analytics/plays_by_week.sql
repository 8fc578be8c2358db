-- How many songs are played each ISO week?
-- ISO weeks start on Monday; week_start tells apart the same week number in different years.
SELECT CAST(DATE_TRUNC('week', t.start_time) AS DATE) AS week_start,
       t.week,
       COUNT(*) AS plays
FROM songplays AS sp
JOIN time AS t ON t.start_time = sp.start_time
GROUP BY CAST(DATE_TRUNC('week', t.start_time) AS DATE), t.week
ORDER BY week_start;
