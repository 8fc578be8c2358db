-- Counts the rows whose (non-NULL) column has no match in the parent table. An aggregate over the tested
-- table, aliased child, to which relationships_join.sql LEFT JOINs the parent's distinct values: a join,
-- where NOT EXISTS inside an aggregate would be a subquery per row.
COUNT(CASE WHEN child.{{column}} IS NOT NULL AND {{parent_alias}}.parent_value IS NULL THEN 1 END)
