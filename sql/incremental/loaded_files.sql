-- loaded_files: which version of which log file each published day was loaded from, so that npm run etl
-- -- --new loads exactly the days that are new or whose file changed (lib/pipeline/new-days.ts). A daily
-- load writes its day's rows in the transaction that publishes the day, a full run rewrites the table in
-- the transaction that publishes the star tables: it never disagrees with them. The same definition makes
-- loaded_files itself (IF NOT EXISTS: a warehouse loaded before it existed gets it empty, and --new then
-- loads each day once more to learn its files) and the builds loaded_files_day and loaded_files_next.
--   day: the day the file's key names (NULL for a file under the events prefix that names none, which only
--     a full run reads)
--   uri: s3://bucket/key; size: bytes, as listed
--   version: what changes when the file does: the ETag S3 lists (the quoted hex MD5 of a single-part
--     upload), or mtime:<ms> for a file in a local folder
--   run_id: the etl_runs row of the run that loaded it; loaded_at: when (UTC)

CREATE TABLE {{exists}} {{table}} (
    day       DATE,
    uri       VARCHAR(2048) NOT NULL,
    size      BIGINT        NOT NULL,
    version   VARCHAR(256)  NOT NULL,
    run_id    VARCHAR(36)   NOT NULL,
    loaded_at TIMESTAMP     NOT NULL
)
DISTSTYLE ALL
SORTKEY (day);
