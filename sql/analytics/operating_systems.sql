-- What operating system do users stream from?
-- Plays and users by the operating system the user_agents dimension parsed from each play's user agent.
-- A user who played from two systems counts under both, so the users column can add up to more than all users.
SELECT NVL(ua.os_name, 'Unknown') AS os_name,
       COUNT(*) AS plays,
       CAST(ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (), 1) AS DOUBLE PRECISION) AS pct_plays,
       COUNT(DISTINCT sp.user_id) AS users
FROM songplays AS sp
LEFT JOIN user_agents AS ua ON ua.user_agent = sp.user_agent
GROUP BY NVL(ua.os_name, 'Unknown')
ORDER BY plays DESC, os_name;
