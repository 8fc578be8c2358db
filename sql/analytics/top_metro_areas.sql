-- Where are most users located, by metro area?
-- A user's location is that of their latest event: a metro area as the logs name it ("Houston-The Woodlands-Sugar Land, TX").
SELECT NVL(location, 'Unknown') AS metro_area,
       COUNT(*) AS users
FROM users
GROUP BY NVL(location, 'Unknown')
ORDER BY users DESC, metro_area
LIMIT 10;
