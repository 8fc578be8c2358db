-- Counts the values of the column that appear more than once: a grouping of its own, which the query of all
-- the tests cross-joins to the others as a one-row subquery.
SELECT COUNT(*) AS {{result}} FROM (SELECT {{column}} FROM {{table}} GROUP BY {{column}} HAVING COUNT(*) > 1) AS duplicated
