-- The day's plays and their times, like the published tables: songplays_day, filled next by
-- sql/marts/songplays_rows.sql against the published song_catalogue (the song files the last full run or
-- --reload-catalogue read), and time_day, filled from it by sql/marts/time_rows.sql.
DROP TABLE IF EXISTS songplays_day;
CREATE TABLE songplays_day (LIKE songplays);
DROP TABLE IF EXISTS time_day;
CREATE TABLE time_day (LIKE time);
