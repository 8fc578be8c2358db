-- How many songs are played each month?
SELECT t.year,
       t.month,
       COUNT(*) AS plays
FROM songplays AS sp
JOIN time AS t ON t.start_time = sp.start_time
GROUP BY t.year, t.month
ORDER BY t.year, t.month;
