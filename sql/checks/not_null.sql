-- Counts the rows where the column is NULL. An aggregate over the tested table, aliased child.
COUNT(*) - COUNT(child.{{column}})
