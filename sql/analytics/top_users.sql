-- Which users played the most songs?
-- The ten with the most plays, with their current level.
-- rank is shared by ties; tied counts the rows with this many in all, shown or not, so a list cut at 10 says
-- how many more tie with its last rows.
WITH counted AS (
    SELECT sp.user_id,
           u.first_name,
           u.last_name,
           u.level AS current_level,
           COUNT(*) AS plays
    FROM songplays AS sp
    JOIN users AS u ON u.user_id = sp.user_id
    GROUP BY sp.user_id, u.first_name, u.last_name, u.level
)
SELECT user_id,
       first_name,
       last_name,
       current_level,
       plays,
       RANK() OVER (ORDER BY plays DESC) AS rank,
       COUNT(*) OVER (PARTITION BY plays) AS tied
FROM counted
ORDER BY plays DESC, user_id
LIMIT 10;
