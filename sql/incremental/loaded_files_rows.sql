-- The files a run loaded, as the listing gave them, into {{table}} (loaded_files_day or loaded_files_next):
-- {{rows}} is one group of parameters per file, (CAST(:d0 AS DATE), :u0, CAST(:s0 AS BIGINT), :v0, …), written
-- by lib/pipeline/loaded-files.ts; the values travel as parameters.
INSERT INTO {{table}} (day, uri, size, version, run_id, loaded_at)
VALUES {{rows}};
