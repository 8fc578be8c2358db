-- The song catalogue: one JSON object per file (some pretty-printed over several lines).
-- @test not_null: song_id, artist_id
COPY staging_songs
FROM {{songs_uri}}
IAM_ROLE {{iam_role}}
FORMAT AS JSON 'auto'
REGION {{region}}
BLANKSASNULL
EMPTYASNULL
MAXERROR {{max_errors}}
COMPUPDATE OFF;
