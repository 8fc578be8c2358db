-- Publishes a freshly built and tested table by changing its rows, not the table: the pipeline runs this for
-- every table it publishes in ONE transaction (the claim check, then each table's DELETE and INSERT, then the
-- readers' GRANTs), and drops the *_next builds after the commit (lib/pipeline/publish.ts).
-- No DROP, RENAME or ALTER of a published table: on Redshift those take exclusive locks, so the batch would wait
-- for every running SELECT while holding the tables it had already swapped, and readers queued behind it would
-- fail on a table that no longer exists. DELETE and INSERT let readers read the old rows until the commit and
-- the new ones after it, and leave the table's views and grants as they are. Not TRUNCATE: on Redshift it
-- commits the transaction it runs in, so readers could see an empty table.
-- {{columns}}: the table's columns, named (the build has the same ones, checked before).
DELETE FROM {{table}};
INSERT INTO {{table}} ({{columns}})
SELECT {{columns}} FROM {{table}}_next;
