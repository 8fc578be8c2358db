-- The song catalogue: one JSON object per file (some pretty-printed over several lines), or the staged
-- catalogue (npm run stage): a few parts of one object per line, in the stack's region, hence its own REGION.
-- The staged catalogue is loaded through the stage's manifest ({{songs_manifest}} is then MANIFEST, and the
-- FROM names the manifest), whose entries are exactly the stage's parts, each mandatory: a part that is gone
-- fails the COPY instead of loading a partial catalogue, as a prefix listed mid-stage could.
-- @test not_null: song_id, artist_id
COPY staging_songs
FROM {{songs_uri}}
IAM_ROLE {{iam_role}}
FORMAT AS JSON 'auto'
REGION {{songs_region}}
{{songs_manifest}}
BLANKSASNULL
EMPTYASNULL
MAXERROR {{max_errors}}
COMPUPDATE OFF;
