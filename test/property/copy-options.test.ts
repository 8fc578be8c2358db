/**
 * Property: the pipeline's COPY of each staging table (sql/staging/*.copy.sql, its values filled as a run
 * fills them) with each of its loading options alone, none, or any combination of them — TIMEFORMAT
 * 'epochmillisecs', BLANKSASNULL, EMPTYASNULL, MAXERROR n — loaded through the pipeline's loadStaging, gives
 * the rows, the rejects (file, line, column) and the failure the model (test/model/staging-model.ts, copyOf)
 * says, over records whose every field may be absent, null, empty, blank, at or over its width in bytes,
 * text in a number column, or out of a SMALLINT's or an INTEGER's range.
 */
import fc from 'fast-check';
import { DEFAULT_SOURCES } from '../../lib/config';
import { LoadError } from '../../lib/errors';
import { loadStaging } from '../../lib/pipeline/load-staging';
import { copyTemplateValues } from '../../lib/pipeline/pipeline';
import { statementsOf } from '../../lib/pipeline/sql-files';
import { stagingTable } from '../../lib/pipeline/tables';
import { canonical } from '../model/differential';
import { type CopyOptions, copyOf } from '../model/staging-model';
import { timestampText } from '../model/star-model';
import { BLANKS, DAYS, USER_AGENTS } from './arbitraries';
import { named, usePropertyWarehouse } from './harness';
import { parameters, timeoutOf } from './settings';
import { type JsonRecord, type Source, writeSource } from './source';

const RUNS = 40;
const db = usePropertyWarehouse();

/**
 * A field of a text column of `bytes` bytes: mostly loadable (absent, null, empty, blank, exactly the width in
 * two-byte characters, a number), now and then over it: by one byte in fewer characters than bytes, or in
 * characters.
 */
const text = (bytes: number) =>
  fc.oneof(
    { arbitrary: fc.constantFrom<unknown>(undefined, null, ...BLANKS, 'é'.repeat(bytes / 2), `ok${' '.repeat(3)}`, 'ok', 7), weight: 30 },
    { arbitrary: fc.constantFrom<unknown>(`${'é'.repeat(bytes / 2)}a`, `${'日'.repeat(Math.floor(bytes / 3))}xy`, 'x'.repeat(bytes + 1)), weight: 1 },
  );
/** A field of a number column: mostly numbers, as text too, absent, null, empty or blank; now and then text or overflow. */
const number = (values: unknown[], bad: unknown[] = []) =>
  fc.oneof({ arbitrary: fc.constantFrom<unknown>(undefined, null, ...BLANKS, ...values), weight: 30 }, { arbitrary: fc.constantFrom<unknown>('abc', '12x', ...bad), weight: 1 });

const event = fc.record({
  artist: text(1024),
  auth: text(32),
  firstName: text(256),
  gender: text(16),
  itemInSession: number([0, 3, '4', 2147483647], [2147483648]),
  lastName: text(256),
  length: number([200.5, '199.5', 1e-7]),
  level: text(16),
  location: text(512),
  method: text(16),
  page: fc.constantFrom<unknown>('NextSong', 'Home', '', ' ', null),
  registration: number([1540919166796, '1540919166796.0']),
  sessionId: number([1, '2', -2147483648], [-2147483649]),
  song: text(1024),
  status: number([200, '307', 32767], [32768, -32769]),
  ts: fc.oneof(
    { arbitrary: fc.constantFrom<unknown>(1541376000000, 1541462399999, '1541376000001', '2018-11-05 12:00:00', '', ' ', null), weight: 20 },
    { arbitrary: fc.constant('noon'), weight: 1 },
  ),
  userAgent: fc.oneof(text(1024), fc.constantFrom(...USER_AGENTS)),
  userId: number(['39', 40], ['2147483648']),
});

const song = fc.record({
  num_songs: number([1, '1']),
  artist_id: text(32),
  artist_latitude: number([35.1, '-90']),
  artist_longitude: number([-90.04892]),
  artist_location: text(512),
  artist_name: text(1024),
  song_id: text(32),
  title: text(1024),
  duration: number([200, '218.93179']),
  year: number([0, 2018, '1969', 32767], [32768]),
});

const withoutAbsent = (r: Record<string, unknown>): JsonRecord => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));

const options = fc.record({
  blanksAsNull: fc.boolean(),
  emptyAsNull: fc.boolean(),
  epochMillis: fc.boolean(),
  /** undefined: no MAXERROR in the statement. */
  maxError: fc.constantFrom(undefined, 0, 1, 2, 3, 5, 100),
});

const copyCase = fc
  .record({
    events: fc.array(event.map(withoutAbsent), { minLength: 1, maxLength: 8 }),
    songs: fc.array(song.map(withoutAbsent), { minLength: 1, maxLength: 4 }),
    table: fc.constantFrom('staging_events' as const, 'staging_songs' as const),
    options,
  })
  .map((c) => {
    const source: Source = { songs: c.songs.map((record) => ({ record, pretty: false, ascii: false })), days: { [DAYS[0]!]: { events: c.events, ascii: false } } };
    const text = () => `\n${c.table} with ${JSON.stringify(c.options)}\n${(c.table === 'staging_events' ? c.events : c.songs).map((r) => `    ${JSON.stringify(r)}`).join('\n')}\n`;
    return Object.defineProperty({ ...c, source }, fc.toStringMethod, { value: text, enumerable: false });
  });

/** The pipeline's COPY statement of a table, with the loading options left out that the case does not use. */
function copyStatement(table: 'staging_events' | 'staging_songs', o: { blanksAsNull: boolean; emptyAsNull: boolean; epochMillis: boolean; maxError?: number }): string {
  const [sql] = statementsOf(stagingTable(table).copyFile, copyTemplateValues({ ...DEFAULT_SOURCES, maxErrors: o.maxError ?? 0 }));
  const dropped = new Set([
    ...(o.blanksAsNull ? [] : ['BLANKSASNULL']),
    ...(o.emptyAsNull ? [] : ['EMPTYASNULL']),
    ...(o.epochMillis ? [] : ['TIMEFORMAT']),
    ...(o.maxError !== undefined ? [] : ['MAXERROR']),
  ]);
  return sql!
    .split('\n')
    .filter((line) => !dropped.has(line.trim().split(/\s+/)[0]!.toUpperCase()))
    .join('\n');
}

test(
  "each COPY option alone and in every combination gives the model's rows, rejects and failures",
  async () => {
    await fc.assert(
      fc.asyncProperty(copyCase, (c) =>
        db().exclusive(async () => {
          const { warehouse, source: dir, reset } = db();
          await reset();
          writeSource(dir, c.source);
          const modelOptions: CopyOptions = { ...c.options, maxError: c.options.maxError ?? 0 };
          const expected = copyOf(dir, c.table, modelOptions);
          await warehouse.run(statementsOf(stagingTable(c.table).createFile).map((sql) => ({ sql })));
          const uri = c.table === 'staging_events' ? DEFAULT_SOURCES.eventsUri : DEFAULT_SOURCES.songsUri;
          let outcome: { rows: number; rejects: readonly { file: string; line: number; column: string }[] } | LoadError;
          try {
            outcome = await loadStaging(warehouse, c.table, [copyStatement(c.table, c.options)], uri, modelOptions.maxError);
          } catch (e) {
            if (!(e instanceof LoadError)) throw e;
            outcome = e;
          }
          const failed = outcome instanceof LoadError;
          const zeroRows = !expected.fails && expected.rows.length === 0;
          named(`the load ${failed ? 'failed' : 'succeeded'} (${failed ? (outcome as LoadError).message : ''})`, () => expect(failed).toBe(expected.fails || zeroRows));
          if (outcome instanceof LoadError) return;
          const rejects = outcome.rejects.map((r) => ({ file: r.file.replace('s3://udacity-dend/', ''), line: r.line, column: r.column }));
          named('the rejects', () => expect(rejects).toEqual(expected.rejects));
          const rows = await warehouse.query(`SELECT * FROM ${c.table}`);
          const want = expected.rows.map((r) => ('ts' in r ? { ...r, ts: r['ts'] === null ? null : timestampText(r['ts'] as number) } : r));
          named('the rows', () => expect(canonical(rows)).toEqual(canonical(want)));
        }),
      ),
      parameters(RUNS, 1500),
    );
  },
  timeoutOf(RUNS, 1500),
);
