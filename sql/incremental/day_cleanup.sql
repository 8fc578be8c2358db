-- The end of a daily load's publish transaction: the day's build tables go with it. (A day that fails
-- before publishing leaves them for inspection; its next load drops and rebuilds them.)
DROP TABLE songplays_day;
DROP TABLE time_day;
DROP TABLE user_agents_day;
DROP TABLE user_agents_gone_day;
DROP TABLE users_affected_day;
DROP TABLE users_day;
DROP TABLE user_day_states_day;
DROP TABLE loaded_days_day;
DROP TABLE loaded_files_day;
