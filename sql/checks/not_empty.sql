-- Fails when the table has no rows.
SELECT CASE WHEN COUNT(*) = 0 THEN 1 ELSE 0 END FROM {{table}}
