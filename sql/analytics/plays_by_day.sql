-- How many songs are played on each day of the month?
-- Summed over all months: a day that some months lack (the 31st) has fewer chances.
SELECT t.day,
       COUNT(*) AS plays
FROM songplays AS sp
JOIN time AS t ON t.start_time = sp.start_time
GROUP BY t.day
ORDER BY t.day;
