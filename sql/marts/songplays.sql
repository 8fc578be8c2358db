-- songplays: one row per NextSong event, all of them. song_id and artist_id are set when the catalogue
-- has a song with the same title and artist name (the closest duration wins), otherwise NULL.
-- song_title, artist_name and song_length keep what was played, as the log says it, so the popularity
-- questions have an answer even when the catalogue lacks the song (on the sample, all plays but one).
-- Trailing blanks: Redshift ignores trailing spaces when it compares VARCHARs, Postgres does not, and the
-- logs hold titles that end in a space. So every text value stored here is RTRIMmed of trailing spaces
-- (RTRIM removes U+0020 only), and the catalogue match compares trimmed values on both sides: "Heavy Soul "
-- plays the catalogue's "Heavy Soul" on either engine, and every later DISTINCT, GROUP BY and join over the
-- star tables sees one value, not two that only Redshift would call equal.
-- Key: songplay_id, tested by @test unique and deliberately not declared (see docs/redshift.md, Keys):
-- Redshift's planner trusts a declared key without checking it.
-- @test not_empty
-- @test unique: songplay_id
-- @test not_null: songplay_id, start_time, user_id
-- @test relationships: user_id -> users.user_id
-- @test relationships: start_time -> time.start_time
-- @test relationships: song_id -> songs.song_id
-- @test relationships: artist_id -> artists.artist_id
-- @test relationships: user_agent -> user_agents.user_agent
-- @test double_encoded: song_title, artist_name

-- DISTKEY start_time: the largest join (songplays to time, for play volume over time) is then collocated,
-- and plays spread evenly (timestamps are near-unique). users, songs and artists are DISTSTYLE ALL, so
-- their joins need no redistribution either. SORTKEY start_time: time-range filters skip blocks.
CREATE TABLE songplays_next (
    songplay_id     CHAR(32)     NOT NULL,  -- MD5 of the event's identity: the same event keeps its id on every run
    start_time      TIMESTAMP    NOT NULL,
    user_id         INTEGER,
    level           VARCHAR(16),
    song_id         VARCHAR(32),
    artist_id       VARCHAR(32),
    session_id      INTEGER,
    item_in_session INTEGER,
    location        VARCHAR(512),
    user_agent      VARCHAR(1024),
    song_title      VARCHAR(1024),
    artist_name     VARCHAR(1024),
    song_length     DOUBLE PRECISION
)
DISTKEY (start_time)
SORTKEY (start_time);

-- Its rows: sql/marts/songplays_rows.sql, from staging_events matched against song_catalogue_next.
