-- Publishes the build of a table that is not published yet (a new warehouse, or a table a new version adds):
-- the tested build takes the table's name, in the same transaction as every other table's publish.sql. A new
-- table has no readers, views or grants yet, so renaming it blocks no one. The same serves a table whose
-- columns a new version changed, after a DROP of the old one (lib/pipeline/publish.ts): the one case where a
-- publish changes a published table's definition, and a view over it then stops the publish (DROP refuses),
-- rolled back whole.
ALTER TABLE {{table}}_next RENAME TO {{table}};
