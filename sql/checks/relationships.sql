-- Counts the rows whose (non-NULL) column has no match in the parent table.
SELECT COUNT(*) FROM {{table}} AS child
WHERE child.{{column}} IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM {{parent}} AS parent WHERE parent.{{parent_column}} = child.{{column}})
