-- Which users played the most songs?
-- The ten with the most plays, with their current level.
SELECT sp.user_id,
       u.first_name,
       u.last_name,
       u.level AS current_level,
       COUNT(*) AS plays
FROM songplays AS sp
JOIN users AS u ON u.user_id = sp.user_id
GROUP BY sp.user_id, u.first_name, u.last_name, u.level
ORDER BY plays DESC, sp.user_id
LIMIT 10;
