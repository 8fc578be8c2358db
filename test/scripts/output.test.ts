/** What npm run etl (lib/pipeline/run-output.ts), npm run status and npm run query print, in-process. */
import { loadedTable, publishedLine } from '../../lib/pipeline/run-output';
import { formatStatus } from '../../lib/pipeline/warehouse-status';
import { readSqlSources } from '../../lib/query/query-tool';

test('a run that loaded nothing (its one day skipped: no log file) prints no table', () => {
  expect(loadedTable({ rowsLoaded: {} })).toBeUndefined();
});

test('row counts are grouped in thousands, in the table and in the line of a published day', () => {
  const table = loadedTable({ rowsLoaded: { staging_events: 3215, songplays: 2968 } })!;
  expect(table).toMatch(/songplays\s+│\s+2,968$/m);
  expect(publishedLine({ day: '2018-11-05', rows: { songplays: 2968 }, ms: 1200 }, 0, 3)).toBe('Published 2018-11-05 (1/3): 2,968 plays, 1.20 s');
});

test('npm run status right-aligns its counts and groups them in thousands', () => {
  const run = {
    run_id: 'r1', mode: 'full' as const, first_day: null, last_day: null, days: null, started_at: '2024-01-01 10:00:00', ended_at: '2024-01-01 10:00:12.5',
    status: 'succeeded' as const, rows_loaded: { staging_events: 8056, songplays: 6820 }, rows_rejected: {}, target: 'local', run_by: 'me', message: null,
    heartbeat_at: '2024-01-01 10:00:12.5',
  };
  const text = formatStatus({ runs: [run], days: [], gaps: [], files: [], tables: { songplays: 6820, songs: 71, etl_runs: 1 } });
  expect(text).toContain(' songplays │ 6,820\n songs     │    71\n etl_runs  │     1');
  const [header, , row] = text.split('\n').slice(1, 4);
  const cell = (line: string, column: string) => line.split('│')[header!.split('│').findIndex((h) => h.trim() === column)]!;
  expect(cell(row!, 'events')).toMatch(/^ +8,056 $/);
  expect(cell(row!, 'plays')).toMatch(/^ +6,820 $/);
  expect(cell(row!, 'seconds')).toMatch(/^ +12\.5 $/);
});

test('a missing SQL file is named once when its path is what was typed, with the full path when it says more', async () => {
  const stdin = process.stdin;
  await expect(readSqlSources(undefined, [{ given: '/tmp/no-such.sql', path: '/tmp/no-such.sql' }], stdin)).rejects.toThrow(
    /^The SQL file \/tmp\/no-such\.sql does not exist or is not a file\.$/,
  );
  await expect(readSqlSources(undefined, [{ given: 'no-such.sql', path: '/work/no-such.sql' }], stdin)).rejects.toThrow(
    /^The SQL file no-such\.sql \(\/work\/no-such\.sql\) does not exist/,
  );
});
