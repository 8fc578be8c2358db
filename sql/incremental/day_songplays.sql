-- The day's plays: songplays_day, like the published table, filled next by sql/marts/songplays_rows.sql
-- against the published song_catalogue (the song files the last full run or --reload-catalogue read).
DROP TABLE IF EXISTS songplays_day;
CREATE TABLE songplays_day (LIKE songplays);
