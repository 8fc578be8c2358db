-- Which users played both as free and as paid users?
-- Their plays at each level, and the level they are on now; the most active first.
SELECT sp.user_id,
       u.first_name,
       u.last_name,
       u.level AS current_level,
       SUM(CASE WHEN sp.level = 'free' THEN 1 ELSE 0 END) AS free_plays,
       SUM(CASE WHEN sp.level = 'paid' THEN 1 ELSE 0 END) AS paid_plays
FROM songplays AS sp
JOIN users AS u ON u.user_id = sp.user_id
GROUP BY sp.user_id, u.first_name, u.last_name, u.level
HAVING SUM(CASE WHEN sp.level = 'free' THEN 1 ELSE 0 END) > 0
   AND SUM(CASE WHEN sp.level = 'paid' THEN 1 ELSE 0 END) > 0
ORDER BY COUNT(*) DESC, sp.user_id;
