-- user_agents: one row per distinct user agent string of songplays, with what a user-agent parser reads
-- from it, so "which operating system do users stream from" is a join, not string matching in every query:
--   songplays JOIN user_agents ON user_agents.user_agent = songplays.user_agent
-- SQL cannot parse user agents reliably, so lib/pipeline/user-agents.ts fills this table with ua-parser-js
-- from the build's songplays_next, in INSERT statements with parameters, before the star tables are tested.
-- A part the parser cannot tell is NULL; device_type is 'desktop' when the parser knows the operating
-- system but names no device type (it only names mobile, tablet and other special devices).
-- Key: user_agent, tested by @test unique and deliberately not declared (see docs/redshift.md, Keys).
-- @test unique: user_agent
-- @test not_null: user_agent

-- DISTSTYLE ALL: a few dozen to a few thousand rows, joined to songplays on every operating-system question.
CREATE TABLE user_agents_next (
    user_agent      VARCHAR(1024) NOT NULL,  -- as songplays holds it, surrounding quotes and all
    os_name         VARCHAR(64),
    os_version      VARCHAR(64),
    browser         VARCHAR(64),
    browser_version VARCHAR(64),
    device_type     VARCHAR(32)
)
DISTSTYLE ALL
SORTKEY (user_agent);
