-- How many songs are played at each hour of the day?
-- Hours in UTC, as the event timestamps are.
SELECT t.hour,
       COUNT(*) AS plays
FROM songplays AS sp
JOIN time AS t ON t.start_time = sp.start_time
GROUP BY t.hour
ORDER BY t.hour;
