/**
 * The fast COPY path's internals, held to what the earlier CSV loader did: each value loads as Postgres's
 * text input makes of the text that loader sent; the byte-wise record reader finds what the text reader
 * finds; a load large enough for the worker threads keeps file order, MAXERROR and the rejects' order.
 */
import { LoadError } from '../../lib/errors';
import { jsonRecords, jsonRecordsOfBytes } from '../../lib/warehouse/local/copy/json-records';
import { type BucketWarehouse, openBucketWarehouse } from '../helpers/local-warehouse';

let db: BucketWarehouse;
let put: BucketWarehouse['put'];
let table: BucketWarehouse['table'];
let copyWith: BucketWarehouse['copy'];

beforeAll(async () => {
  db = await openBucketWarehouse();
  ({ put, table, copy: copyWith } = db);
});
afterAll(() => db?.dispose());

const copy = (name: string, prefix: string, options: string) => copyWith(name, prefix, `JSON 'auto' ${options}`);

/** Asserts the table's single row equals, column by column, Postgres's reading of `texts` (the CSV loader's fields). */
async function expectLoadedAsText(name: string, texts: Record<string, string | null>) {
  const columns = Object.keys(texts);
  const types = await db.warehouse.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = :t::regclass AND attnum > 0 ORDER BY attnum`,
    { t: name },
  );
  const typeOf = new Map(types.map((t) => [t.name, t.type]));
  const params: Record<string, string | null> = {};
  const checks = columns.map((c, i) => {
    params[`v${i}`] = texts[c]!;
    const text = `CAST(:v${i} AS VARCHAR)`;
    return `CASE WHEN ${c} IS NOT DISTINCT FROM CAST(${text} AS ${typeOf.get(c)}) THEN 'same' ELSE COALESCE(CAST(${c} AS VARCHAR), 'NULL') || ' <> ' || COALESCE(${text}, 'NULL') END AS ${c}`;
  });
  const [row] = await db.warehouse.query(`SELECT ${checks.join(', ')} FROM ${name}`, params);
  expect(row).toEqual(Object.fromEntries(columns.map((c) => [c, 'same'])));
}

describe('each type loads as Postgres reads the text the CSV loader sent', () => {
  test('integers, doubles, booleans, dates, characters', async () => {
    put('types/a.json', JSON.stringify({
      i2: 32767, i4: '-2147483648', i8: '9223372036854775807', i8n: 9007199254740993, i4p: ' +42 ',
      f8: -0, f8t: '1.5e-3', f8m: 1e308, f8s: '-0.0', b1: 'YES', b2: false, d: '2018-02-28',
      c: 'ab', v: 'naïve café', t: 'x',
    }) + '\n');
    const t = await table(
      'i2 SMALLINT, i4 INTEGER, i8 BIGINT, i8n BIGINT, i4p INTEGER, f8 DOUBLE PRECISION, f8t DOUBLE PRECISION, ' +
        'f8m DOUBLE PRECISION, f8s DOUBLE PRECISION, b1 BOOLEAN, b2 BOOLEAN, d DATE, c CHAR(4), v VARCHAR(20), t VARCHAR(1)',
    );
    await copy(t, 'types/', '');
    await expectLoadedAsText(t, {
      i2: '32767', i4: '-2147483648', i8: '9223372036854775807', i8n: '9007199254740992', i4p: '42',
      f8: '0', f8t: '1.5e-3', f8m: '1e+308', f8s: '-0.0', b1: 't', b2: 'f', d: '2018-02-28',
      c: 'ab', v: 'naïve café', t: 'x',
    });
    // -0 from a JSON number loaded as 0 (its text was '0'); '-0.0' as text stays negative zero.
    const [signs] = await db.warehouse.query(`SELECT CAST(f8 AS VARCHAR) AS f8, CAST(f8s AS VARCHAR) AS f8s FROM ${t}`);
    expect(signs).toEqual({ f8: '0', f8s: '-0' });
  });

  test("timestamps: epoch milliseconds and seconds with fractions, 'auto' and the default format", async () => {
    put('ts-ms/a.json', '{"a": 1541105830796, "b": 1541105830796.5, "c": 1541105830796.9996, "d": "1541105830796"}\n');
    const ms = await table('a TIMESTAMP, b TIMESTAMP, c TIMESTAMP, d TIMESTAMP');
    await copy(ms, 'ts-ms/', "TIMEFORMAT 'epochmillisecs'");
    await expectLoadedAsText(ms, {
      a: '2018-11-01 20:57:10.796',
      b: '2018-11-01 20:57:10.7965',
      c: '2018-11-01 20:57:10.797', // .9996 ms rounds up to the next millisecond
      d: '2018-11-01 20:57:10.796',
    });
    put('ts-s/a.json', '{"a": 1541105830.123456, "b": 0}\n');
    const secs = await table('a TIMESTAMP, b TIMESTAMP');
    await copy(secs, 'ts-s/', "TIMEFORMAT 'epochsecs'");
    await expectLoadedAsText(secs, { a: '2018-11-01 20:57:10.123456', b: '1970-01-01 00:00:00' });
    put('ts-auto/a.json', '{"a": "2018-11-01T21:01:46.5", "b": "2018-11-01 21:01", "c": " 1999-12-31 23:59:59.999999 "}\n');
    const auto = await table('a TIMESTAMP, b TIMESTAMP, c TIMESTAMP');
    await copy(auto, 'ts-auto/', "TIMEFORMAT 'auto'");
    await expectLoadedAsText(auto, { a: '2018-11-01 21:01:46.5', b: '2018-11-01 21:01:00', c: '1999-12-31 23:59:59.999999' });
    put('ts-default/a.json', '{"a": "0100-03-01 00:00:00", "b": "2400-02-29 12:34:56.000001"}\n');
    const plain = await table('a TIMESTAMP, b TIMESTAMP');
    await copy(plain, 'ts-default/', '');
    await expectLoadedAsText(plain, { a: '0100-03-01 00:00:00', b: '2400-02-29 12:34:56.000001' });
  });

  test('REAL and NUMERIC are sent as text and cast by Postgres, rounding as its text input does', async () => {
    put('cast/a.json', '{"r": 0.1, "rt": "16777217", "n": "1.005", "n2": 12345.678, "nn": null, "k": 7}\n');
    const t = await table('r REAL, rt REAL, n NUMERIC(10,2), n2 NUMERIC, nn NUMERIC(5,1), k INTEGER');
    await copy(t, 'cast/', '');
    await expectLoadedAsText(t, { r: '0.1', rt: '16777217', n: '1.005', n2: '12345.678', nn: null, k: '7' });
  });

  test('TRUNCATECOLUMNS cuts UTF-8 at a character boundary, CHAR refuses multibyte characters', async () => {
    put('cut/a.json', '{"v": "aé€b", "c": "aé"}\n');
    const t = await table('v VARCHAR(5)');
    await copy(t, 'cut/', 'TRUNCATECOLUMNS');
    expect(await db.warehouse.query(`SELECT v FROM ${t}`)).toEqual([{ v: 'aé' }]);
    const c = await table('c CHAR(5)');
    await expect(copy(c, 'cut/', '').catch((e: LoadError) => e.rejects[0])).resolves.toMatchObject({ code: 1220 });
  });

  test('a timestamp outside years 1 to 9999 is rejected, not loaded as something else', async () => {
    put('far/a.json', '{"a": 253402300800000}\n');
    const t = await table('a TIMESTAMP');
    const error = await copy(t, 'far/', "TIMEFORMAT 'epochmillisecs'").catch((e: LoadError) => e);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as LoadError).rejects[0]).toMatchObject({ column: 'a', code: 1206 });
  });

  test('a second COPY into a table appends (only an empty table is loaded frozen)', async () => {
    put('twice/a.json', '{"a": 1}\n{"a": 2}\n');
    const t = await table('a INTEGER');
    await copy(t, 'twice/', '');
    await copy(t, 'twice/', '');
    expect(await db.warehouse.query(`SELECT a, COUNT(*) AS n FROM ${t} GROUP BY a ORDER BY a`)).toEqual([
      { a: 1, n: 2 },
      { a: 2, n: 2 },
    ]);
  });
});

test('the byte-wise reader finds the records, errors and line numbers the text reader finds', () => {
  const inputs = [
    '{"a": 1}\n{"a": 2}\n',
    '{"a": 1}\r\n\r\n  {"a": 2}  \n\n',
    '\ufeff{"a": 1}\n{"a": 2}', // a byte order mark, no final newline
    '{"a": 1}\n\u00a0\n{"a": 2}\n', // a line of a non-ASCII space
    '{"a": 1}\n{\n  "a": 2\n}\n{"a": 3} {"a": 4}\n[1, 2]\n',
    '{"a": 1}\n{"a": 2\n{"a": 3}\n{oops\n"text"\n',
    '{"s": "é \\u2028 \\n"}\n{"s": "\u2028"}\n',
  ];
  for (const text of inputs) {
    expect([...jsonRecordsOfBytes(Buffer.from(text))]).toEqual([...jsonRecords(text)]);
  }
});

describe('a load large enough for the worker threads', () => {
  const FILES = 30;
  const LINES = 2200; // ~30 MB in all: above the 24 MB at which the loader starts its workers
  const pad = 'x'.repeat(430);
  /** Line `l` of file `f`: id f * LINES + l; every 700th id has a bad value. */
  function writeSet(prefix: string) {
    for (let f = 0; f < FILES; f++) {
      const lines: string[] = [];
      for (let l = 0; l < LINES; l++) {
        const id = f * LINES + l;
        lines.push(JSON.stringify({ id, n: id % 700 === 699 ? 'bad' : id % 97, pad }));
      }
      put(`${prefix}/${String(f).padStart(2, '0')}.json`, `${lines.join('\n')}\n`);
    }
  }
  const bad = Array.from({ length: FILES * LINES }, (_, id) => id).filter((id) => id % 700 === 699);
  const where = (id: number) => `s3://test-bucket/big/${String(Math.floor(id / LINES)).padStart(2, '0')}.json ${(id % LINES) + 1}`;

  beforeAll(() => writeSet('big'));

  test('loads every good row and reports the rejects in file order', async () => {
    const t = await table('id INTEGER, n INTEGER, pad VARCHAR(500)');
    const [result] = await copy(t, 'big/', `MAXERROR ${bad.length + 1}`);
    expect(result!.rowsAffected).toBe(FILES * LINES - bad.length);
    const [stats] = await db.warehouse.query(`SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, SUM(id) AS id_sum, SUM(n) AS n_sum FROM ${t}`);
    const good = Array.from({ length: FILES * LINES }, (_, id) => id).filter((id) => id % 700 !== 699);
    expect(stats).toEqual({
      n: good.length,
      ids: good.length,
      id_sum: good.reduce((a, b) => a + b, 0),
      n_sum: good.reduce((a, id) => a + (id % 97), 0),
    });
    const rejects = await db.warehouse.query<{ file: string; line: number }>(
      `SELECT TRIM(file_name) AS file, line_number AS line FROM sys_load_error_detail WHERE query_id = :q ORDER BY file_name, line_number`,
      { q: result!.queryId! },
    );
    expect(rejects.map((r) => `${r.file} ${r.line}`)).toEqual(bad.map(where));
  });

  test('fails at the same reject as one thread would, with the first rejects, and loads nothing', async () => {
    const t = await table('id INTEGER, n INTEGER, pad VARCHAR(500)');
    // The first batch (about 16 MB: files 00-16) holds 53 bad rows; the 56th, which fails the load under
    // MAXERROR 56, is in a file the other worker encodes.
    const maxError = 56;
    const error = (await copy(t, 'big/', `MAXERROR ${maxError}`).catch((e: unknown) => e)) as LoadError;
    expect(error).toBeInstanceOf(LoadError);
    expect(error.rejects.map((r) => `${r.file} ${r.line}`)).toEqual(bad.slice(0, maxError).map(where));
    expect(error.message).toContain(`${maxError} row(s) rejected, and MAXERROR ${maxError} fails a load at ${maxError}`);
    expect(error.message).toContain('s3://test-bucket/big/00.json line 700, column n');
    expect(await db.warehouse.query(`SELECT COUNT(*) AS n FROM ${t}`)).toEqual([{ n: 0 }]);
  });
});
