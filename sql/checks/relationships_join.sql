-- The parent's values for relationships.sql, DISTINCT so that the join never repeats a row of the tested table.
LEFT JOIN (SELECT DISTINCT {{parent_column}} AS parent_value FROM {{parent}}) AS {{parent_alias}}
    ON {{parent_alias}}.parent_value = child.{{column}}
