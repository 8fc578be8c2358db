-- Fails (1) when the table has no rows.
-- An aggregate over the tested table, aliased child: a table's not_empty, not_null and relationships tests
-- are all computed in one scan of it (lib/pipeline/quality-checks.ts puts them together).
CASE WHEN COUNT(*) = 0 THEN 1 ELSE 0 END
