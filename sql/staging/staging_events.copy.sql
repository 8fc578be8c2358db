-- The app-event logs: newline-delimited JSON whose camelCase keys ("userId", "sessionId") would not match
-- the lowercase column names under 'auto', so a JSONPaths file maps them by position.
-- @test not_null: page, ts
COPY staging_events
FROM {{events_uri}}
IAM_ROLE {{iam_role}}
FORMAT AS JSON {{jsonpaths_uri}}
REGION {{region}}
TIMEFORMAT 'epochmillisecs'
BLANKSASNULL
EMPTYASNULL
MAXERROR {{max_errors}}
COMPUPDATE OFF;
