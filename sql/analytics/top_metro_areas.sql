-- Where are most users located, by metro area?
-- A user's location is that of their latest event: a metro area as the logs name it ("Houston-The Woodlands-Sugar Land, TX").
-- rank is shared by ties; tied counts the rows with this many in all, shown or not, so a list cut at 10 says
-- how many more tie with its last rows.
WITH counted AS (
    SELECT NVL(location, 'Unknown') AS metro_area,
           COUNT(*) AS users
    FROM users
    GROUP BY NVL(location, 'Unknown')
)
SELECT metro_area,
       users,
       RANK() OVER (ORDER BY users DESC) AS rank,
       COUNT(*) OVER (PARTITION BY users) AS tied
FROM counted
ORDER BY users DESC, metro_area
LIMIT 10;
