-- The song catalogue: one JSON object per file (some pretty-printed over several lines), or the staged
-- catalogue (npm run stage): a few parts of one object per line, in the stack's region, hence its own REGION.
-- @test not_null: song_id, artist_id
COPY staging_songs
FROM {{songs_uri}}
IAM_ROLE {{iam_role}}
FORMAT AS JSON 'auto'
REGION {{songs_region}}
BLANKSASNULL
EMPTYASNULL
MAXERROR {{max_errors}}
COMPUPDATE OFF;
