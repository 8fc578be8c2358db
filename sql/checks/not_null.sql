-- Counts the rows where the column is NULL.
SELECT COUNT(*) FROM {{table}} WHERE {{column}} IS NULL
