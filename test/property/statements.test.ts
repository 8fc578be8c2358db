/**
 * Property: for any valid settings and readers, the statements the pipeline generates are the ones Redshift
 * documents (test/property/redshift-syntax.ts), carrying those settings — the text the local warehouse cannot
 * check by running it (it ignores REGION and IAM_ROLE, and grants to a GROUP as to a ROLE):
 * - the COPY of each staging table, for a full run and for a day's prefix;
 * - the GRANTs of a publish: SELECT on each star table it publishes, after that table is in place, to each
 *   reader as the kind it is (GROUP or ROLE), and none on the tables kept for daily loads.
 */
import fc from 'fast-check';
import type { Reader, SourceSettings } from '../../lib/config';
import { dayUri } from '../../lib/pipeline/days';
import { copyTemplateValues } from '../../lib/pipeline/pipeline';
import { publishStatements } from '../../lib/pipeline/publish';
import { statementsOf } from '../../lib/pipeline/sql-files';
import { STAGING_TABLES, STAR_TABLES, STATE_TABLES } from '../../lib/pipeline/tables';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { DAYS } from './arbitraries';
import { named } from './harness';
import { normalized, parseCopy, parseGrant, requiredCopy } from './redshift-syntax';
import { parameters, timeoutOf } from './settings';

const RUNS = 300;

const bucket = fc.constantFrom('udacity-dend', 'my.bucket-1', 'a0b');
const key = fc.constantFrom('log_data', 'song_data/', 'deep/er/prefix', 'with space', 'ünïcode', '');
const uri = fc.tuple(bucket, key).map(([b, k]) => `s3://${b}/${k}`);

const sources: fc.Arbitrary<SourceSettings> = fc.record(
  {
    eventsUri: uri,
    songsUri: uri,
    jsonPathsUri: uri.map((u) => `${u.replace(/\/$/, '')}/log_json_path.json`),
    region: fc.constantFrom('us-west-2', 'eu-central-1', 'us-gov-west-1', 'ap-northeast-3'),
    songsRegion: fc.constantFrom('us-east-1', 'eu-west-1'),
    iamRole: fc.constantFrom('default', 'arn:aws:iam::123456789012:role/sparkify', 'arn:aws-us-gov:iam::000000000000:role/a/b=c,d.e@f-g_h+i'),
    maxErrors: fc.oneof(fc.constantFrom(0, 1, 100000), fc.integer({ min: 0, max: 100000 })),
  },
  { requiredKeys: ['eventsUri', 'songsUri', 'jsonPathsUri', 'region', 'iamRole', 'maxErrors'] },
);

const reader: fc.Arbitrary<Reader> = fc.record({
  kind: fc.constantFrom('group' as const, 'role' as const),
  name: fc.constantFrom('analysts', 'bi_reader', 'a$b', '_x9', 'group', 'role'),
});

test(
  "the COPY statements for any settings are Redshift's documented syntax, carrying the settings",
  () => {
    fc.assert(
      fc.property(sources, fc.constantFrom(...DAYS), (s, day) => {
        const values = copyTemplateValues(s);
        for (const staging of STAGING_TABLES) {
          const [sql, ...more] = statementsOf(staging.copyFile, values);
          expect(more).toEqual([]);
          named(`the COPY of ${staging.name}`, () => expect(parseCopy(sql!)).toEqual(requiredCopy(staging.name, s)));
        }
        // A daily load reads the day's prefix: <events>/YYYY/MM/YYYY-MM-DD.
        const prefix = `${s.eventsUri.replace(/\/+$/, '')}/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}`;
        expect(dayUri(s.eventsUri, day)).toBe(prefix);
        const [daySql] = statementsOf('staging/staging_events.copy.sql', { ...values, events_uri: copyTemplateValues({ ...s, eventsUri: prefix }).events_uri });
        expect(parseCopy(daySql!)).toEqual(requiredCopy('staging_events', s, prefix));
      }),
      parameters(RUNS, 20),
    );
  },
  timeoutOf(RUNS, 20),
);

test(
  "a publish grants SELECT on each star table it puts in place to each reader, as Redshift's GRANT … TO GROUP / ROLE",
  async () => {
    const tables = [...STAR_TABLES, ...STATE_TABLES];
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(tables),
        fc.uniqueArray(reader, { selector: (r) => `${r.kind}:${r.name}`, maxLength: 3 }),
        fc.func(fc.boolean()),
        async (published, readers, isPublished) => {
          // Each build has a column; a table already published has the same one (its rows are replaced), one not yet
          // published has none (its build takes its name).
          const columns = published.flatMap((t) => [`${t}_next`, ...(isPublished(t) ? [t] : [])]).map((table_name) => ({ table_name, column_name: 'id', data_type: 'integer', width: 32, scale: 0 }));
          const catalog = { query: async () => columns } as unknown as Warehouse;
          const statements = (await publishStatements(catalog, published, readers, 'publish')).map((s) => normalized(s.sql));
          const grants = statements.flatMap((sql, at) => (/^GRANT /i.test(sql) ? [{ ...parseGrant(sql), at }] : []));
          const star: readonly string[] = STAR_TABLES;
          const want = published.filter((t) => star.includes(t)).flatMap((table) => readers.map((r) => ({ privilege: 'SELECT', table, kind: r.kind, name: r.name })));
          named('the grants', () => expect(grants.map(({ at: _, ...g }) => g)).toEqual(want));
          for (const g of grants) {
            const inPlace = statements.findIndex((sql) => new RegExp(`^(ALTER TABLE ${g.table}_next RENAME TO ${g.table}|INSERT INTO ${g.table} \\()`, 'i').test(sql));
            named(`the GRANT on ${g.table} comes after the table is put in place`, () => expect(inPlace).toBeGreaterThanOrEqual(0));
            expect(inPlace).toBeLessThan(g.at);
          }
        },
      ),
      parameters(RUNS, 20),
    );
  },
  timeoutOf(RUNS, 20),
);
