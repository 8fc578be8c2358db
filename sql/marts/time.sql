-- time: one row per distinct start_time of songplays, broken into the units analysts group by.
-- Key: start_time, tested by @test unique and deliberately not declared (see docs/redshift.md, Keys).
-- @test not_empty
-- @test unique: start_time
-- @test not_null: start_time

-- Distributed and sorted like songplays, so the songplays-to-time join is collocated.
CREATE TABLE time_next (
    start_time TIMESTAMP NOT NULL,
    hour       SMALLINT  NOT NULL,
    day        SMALLINT  NOT NULL,
    week       SMALLINT  NOT NULL,  -- ISO 8601 week number, as Redshift's DATE_PART(week, …) gives it
    month      SMALLINT  NOT NULL,
    year       SMALLINT  NOT NULL,
    weekday    SMALLINT  NOT NULL   -- 0 = Sunday … 6 = Saturday (DATE_PART(dow, …))
)
DISTKEY (start_time)
SORTKEY (start_time);

-- Its rows: sql/marts/time_rows.sql, from songplays_next.
