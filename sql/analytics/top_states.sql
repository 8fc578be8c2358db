-- Where are most users located, by state?
-- A metro area can span states ("New York-Newark-Jersey City, NY-NJ-PA"); a user counts in the first state
-- listed, the one of the metro area's principal city.
SELECT NVL(NULLIF(SPLIT_PART(SPLIT_PART(location, ', ', 2), '-', 1), ''), 'Unknown') AS state,
       COUNT(*) AS users
FROM users
GROUP BY NVL(NULLIF(SPLIT_PART(SPLIT_PART(location, ', ', 2), '-', 1), ''), 'Unknown')
ORDER BY users DESC, state;
