-- A daily load replaces the day's rows by event time, so every event of the day's file must lie on that
-- day (UTC), as every file of the source does: an event of another day would be deleted by that day's next
-- load. Returns the events outside the day, and the first and last event time of the file.
SELECT SUM(CASE WHEN ts < CAST(:day_start AS TIMESTAMP) OR ts >= CAST(:day_end AS TIMESTAMP) THEN 1 ELSE 0 END) AS outside,
       MIN(ts) AS first_ts,
       MAX(ts) AS last_ts
FROM staging_events;
