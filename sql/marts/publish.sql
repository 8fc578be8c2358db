-- Puts a freshly built and tested star table in place of the previous one. The pipeline runs this for
-- every star table in ONE transaction, so readers see either all the old tables or all the new ones.
-- (DROP and RENAME are transactional in Redshift and in Postgres; TRUNCATE is not in Redshift.)
DROP TABLE IF EXISTS {{table}};
ALTER TABLE {{table}}_next RENAME TO {{table}};
