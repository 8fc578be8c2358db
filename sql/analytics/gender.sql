-- Do we have more female or male users?
-- Users by the gender they gave, and the plays each group made.
SELECT g.gender,
       g.users,
       CAST(ROUND(100.0 * g.users / SUM(g.users) OVER (), 1) AS DOUBLE PRECISION) AS pct_users,
       NVL(p.plays, 0) AS plays,
       CAST(ROUND(100.0 * NVL(p.plays, 0) / NULLIF(SUM(NVL(p.plays, 0)) OVER (), 0), 1) AS DOUBLE PRECISION) AS pct_plays
FROM (SELECT NVL(gender, 'Unknown') AS gender, COUNT(*) AS users FROM users GROUP BY NVL(gender, 'Unknown')) AS g
LEFT JOIN (
    SELECT NVL(u.gender, 'Unknown') AS gender, COUNT(*) AS plays
    FROM songplays AS sp
    JOIN users AS u ON u.user_id = sp.user_id
    GROUP BY NVL(u.gender, 'Unknown')
) AS p ON p.gender = g.gender
ORDER BY g.users DESC, g.gender;
