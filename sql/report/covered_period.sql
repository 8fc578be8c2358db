-- The period the plays cover, as every question that compares periods counts it: whole hours, from the start
-- of the hour of the first play to the end of the hour of the last (the `span` of plays_by_*.sql).
SELECT TO_CHAR(MIN(start_time), 'YYYY-MM-DD HH24:MI') AS first_play,
       TO_CHAR(MAX(start_time), 'YYYY-MM-DD HH24:MI') AS last_play,
       TO_CHAR(DATE_TRUNC('hour', MIN(start_time)), 'YYYY-MM-DD HH24:MI') AS starts,
       TO_CHAR(DATEADD(hour, 1, DATE_TRUNC('hour', MAX(start_time))), 'YYYY-MM-DD HH24:MI') AS ends
FROM songplays;
