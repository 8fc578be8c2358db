-- How many songs are played each year?
SELECT t.year,
       COUNT(*) AS plays
FROM songplays AS sp
JOIN time AS t ON t.start_time = sp.start_time
GROUP BY t.year
ORDER BY t.year;
