-- How many users are free versus paid: as users (by their current level) and as plays (by the level at the time of each play)?
-- A user's current level is that of their latest event (users.level); a play keeps the level it was made at.
SELECT l.level,
       NVL(u.users, 0) AS users,
       CAST(ROUND(100.0 * NVL(u.users, 0) / NULLIF(SUM(NVL(u.users, 0)) OVER (), 0), 1) AS DOUBLE PRECISION) AS pct_users,
       NVL(p.plays, 0) AS plays,
       CAST(ROUND(100.0 * NVL(p.plays, 0) / NULLIF(SUM(NVL(p.plays, 0)) OVER (), 0), 1) AS DOUBLE PRECISION) AS pct_plays
FROM (SELECT level FROM users UNION SELECT level FROM songplays) AS l
LEFT JOIN (SELECT level, COUNT(*) AS users FROM users GROUP BY level) AS u ON u.level = l.level
LEFT JOIN (SELECT level, COUNT(*) AS plays FROM songplays GROUP BY level) AS p ON p.level = l.level
WHERE l.level IS NOT NULL
ORDER BY l.level;
