-- Counts the values of the column that appear more than once.
SELECT COUNT(*) FROM (SELECT {{column}} FROM {{table}} GROUP BY {{column}} HAVING COUNT(*) > 1) AS duplicated
