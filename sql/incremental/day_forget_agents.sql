-- Run inside the day's publish transaction, after songplays is merged, only when the day's previous plays
-- used user agents its new plays do not: each goes unless another day's plays still use it. (Skipped
-- otherwise, because it reads all of songplays.)
DELETE FROM user_agents
WHERE user_agent IN (SELECT user_agent FROM user_agents_gone_day)
  AND user_agent NOT IN (
      SELECT s.user_agent FROM songplays AS s JOIN user_agents_gone_day AS g ON g.user_agent = s.user_agent
  );
