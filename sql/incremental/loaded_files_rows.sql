-- The files a run loaded, as the listing gave them, into loaded_files_day or loaded_files_next: one group
-- of parameters per file, such as (CAST(:d0 AS DATE), :u0, CAST(:s0 AS BIGINT), :v0, :run_id, …), written by
-- lib/pipeline/loaded-files.ts; the values travel as parameters.
INSERT INTO {{table}} (day, uri, size, version, run_id, loaded_at)
VALUES {{rows}};
