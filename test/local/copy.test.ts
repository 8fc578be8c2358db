import { join } from 'node:path';
import { LoadError, TranslationError } from '../../lib/errors';
import { loadStaging, warnLoad } from '../../lib/pipeline/load-staging';
import { type BucketWarehouse, openBucketWarehouse } from '../helpers/local-warehouse';

/** A bucket `test-bucket` backed by a temporary folder; files are written per test under their own prefix. */
let db: BucketWarehouse;
let bucket: string;
let put: BucketWarehouse['put'];
let table: BucketWarehouse['table'];
let copy: BucketWarehouse['copy'];

beforeAll(async () => {
  db = await openBucketWarehouse();
  ({ folder: bucket, put, table, copy } = db);
});
afterAll(() => db.dispose());

const rows = (name: string, order = '1') => db.warehouse.query(`SELECT * FROM ${name} ORDER BY ${order}`);

async function loadError(promise: Promise<unknown>): Promise<LoadError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof LoadError) return e;
    throw e;
  }
  throw new Error('expected the COPY to fail');
}

test("'auto' matches keys to column names case-sensitively", async () => {
  put('auto/a.json', '{"userid": 1, "userId": 2, "Name": "x", "extra": true}\n');
  const t = await table('userid INTEGER, name VARCHAR(10)');
  await copy(t, 'auto/', "FORMAT AS JSON 'auto'");
  expect(await rows(t)).toEqual([{ userid: 1, name: null }]);
});

test("'auto ignorecase' matches keys whatever their case", async () => {
  put('ignorecase/a.json', '{"UserId": 7, "NAME": "x"}\n');
  const t = await table('userid INTEGER, name VARCHAR(10)');
  await copy(t, 'ignorecase/', "FORMAT AS JSON 'auto ignorecase'");
  expect(await rows(t)).toEqual([{ userid: 7, name: 'x' }]);
});

test('a JSONPaths file maps by position, with bracket, dot and array-index paths', async () => {
  put('paths/data/a.json', '{"a": "first", "b": "second", "nested": {"k": 5}, "list": [10, 20]}\n');
  put('paths/paths.json', JSON.stringify({ jsonpaths: ["$['b']", "$['a']", '$.nested.k', "$['list'][1]", "$['absent']"] }));
  const t = await table('x VARCHAR(10), y VARCHAR(10), k INTEGER, second INTEGER, gone VARCHAR(5)');
  await copy(t, 'paths/data/', "FORMAT AS JSON 's3://test-bucket/paths/paths.json'");
  expect(await rows(t)).toEqual([{ x: 'second', y: 'first', k: 5, second: 20, gone: null }]);
});

test('a JSONPaths file must have one path per column', async () => {
  put('pathcount/data/a.json', '{"a": 1}\n');
  put('pathcount/paths.json', JSON.stringify({ jsonpaths: ["$['a']"] }));
  const t = await table('a INTEGER, b INTEGER');
  const error = await loadError(copy(t, 'pathcount/data/', "JSON 's3://test-bucket/pathcount/paths.json'"));
  expect(error.message).toMatch(/Number of jsonpaths and the number of columns should match\. JSONPath size: 1, Number of columns in table or column list: 2/);
});

test('a column list narrows the columns a JSONPaths file maps to', async () => {
  put('collist/data/a.json', '{"a": 1, "b": 2}\n');
  put('collist/paths.json', JSON.stringify({ jsonpaths: ["$['b']"] }));
  const t = await table('a INTEGER, b INTEGER');
  await db.warehouse.run([{ sql: `COPY ${t} (b) FROM 's3://test-bucket/collist/data/' IAM_ROLE default JSON 's3://test-bucket/collist/paths.json'` }]);
  expect(await rows(t)).toEqual([{ a: null, b: 2 }]);
});

test('a missing JSONPaths file is an error naming the local path', async () => {
  put('nopaths/a.json', '{"a": 1}\n');
  const t = await table('a INTEGER');
  const error = await loadError(copy(t, 'nopaths/', "FORMAT AS JSON 's3://test-bucket/nopaths-paths.json'"));
  expect(error.message).toContain('s3://test-bucket/nopaths-paths.json');
  expect(error.message).toContain(join(bucket, 'nopaths-paths.json'));
});

test('an object over several lines and several objects on one line all load', async () => {
  put('multiline/a.json', '{\n  "a": 1,\n  "b": "x"\n}\n{"a": 2, "b": "y"} {"a": 3, "b": "z"}\n');
  const t = await table('a INTEGER, b VARCHAR(5)');
  const [result] = await copy(t, 'multiline/', "JSON 'auto'");
  expect(result!.rowsAffected).toBe(3);
  expect(await rows(t)).toEqual([
    { a: 1, b: 'x' },
    { a: 2, b: 'y' },
    { a: 3, b: 'z' },
  ]);
});

test('EMPTYASNULL and BLANKSASNULL apply to character columns; other types always load blanks as NULL', async () => {
  put('blanks/a.json', '{"s": "", "b": "   ", "n": ""}\n{"s": "x", "b": " y ", "n": "  "}\n');
  const plain = await table('s VARCHAR(5), b VARCHAR(5), n INTEGER');
  await copy(plain, 'blanks/', "JSON 'auto'");
  expect(await rows(plain, 's')).toEqual([
    { s: '', b: '   ', n: null },
    { s: 'x', b: ' y ', n: null },
  ]);
  const nulls = await table('s VARCHAR(5), b VARCHAR(5), n INTEGER');
  await copy(nulls, 'blanks/', "JSON 'auto' EMPTYASNULL BLANKSASNULL");
  expect(await rows(nulls, 's NULLS FIRST')).toEqual([
    { s: null, b: null, n: null },
    { s: 'x', b: ' y ', n: null },
  ]);
});

test("TIMEFORMAT 'epochmillisecs' reads epoch milliseconds; without it a number is not a timestamp", async () => {
  put('epoch/a.json', '{"ts": 1541105830796}\n');
  const t = await table('ts TIMESTAMP');
  await copy(t, 'epoch/', "JSON 'auto' TIMEFORMAT 'epochmillisecs'");
  expect(await rows(t)).toEqual([{ ts: '2018-11-01 20:57:10.796' }]);
  const strict = await table('ts TIMESTAMP');
  const error = await loadError(copy(strict, 'epoch/', "JSON 'auto'"));
  expect(error.rejects[0]).toMatchObject({ column: 'ts', code: 1206 });
});

test('a quoted number loads into an integer column and an empty string as NULL, as the real userId does', async () => {
  put('userid/a.json', '{"userId": "39", "registration": 1540919166796.0}\n{"userId": "", "registration": null}\n');
  put('userid/paths.json', JSON.stringify({ jsonpaths: ["$['userId']", "$['registration']"] }));
  const t = await table('user_id INTEGER, registration DOUBLE PRECISION');
  await db.warehouse.run([{ sql: `COPY ${t} FROM 's3://test-bucket/userid/a' IAM_ROLE default JSON 's3://test-bucket/userid/paths.json'` }]);
  expect(await rows(t, '1 NULLS LAST')).toEqual([
    { user_id: 39, registration: 1540919166796 },
    { user_id: null, registration: null },
  ]);
});

describe('rejected rows', () => {
  test('a malformed JSON line fails the load, naming file, line and reason, and loads nothing', async () => {
    put('malformed/a.json', '{"a": 1}\n{"a": 2\n{"a": 3}\n');
    const t = await table('a INTEGER');
    const error = await loadError(copy(t, 'malformed/', "JSON 'auto'"));
    expect(error.message).toMatch(/s3:\/\/test-bucket\/malformed\/a\.json line 2/);
    expect(error.message).toMatch(/Invalid JSON/);
    expect(await rows(t)).toEqual([]);
  });

  test('a value of the wrong type names the column and the reason', async () => {
    put('wrongtype/a.json', '{"a": 1}\n{"a": "12x"}\n');
    const t = await table('a INTEGER');
    const error = await loadError(copy(t, 'wrongtype/', "JSON 'auto'"));
    expect(error.rejects).toEqual([
      { file: 's3://test-bucket/wrongtype/a.json', line: 2, column: 'a', code: 1207, reason: "Invalid digit, Value 'x', Pos 2, Type: Integer", rawValue: '12x' },
    ]);
    expect(error.message).toContain('line 2, column a');
  });

  test('for an object over several lines, the reported line is its last, as Redshift reports JSON errors', async () => {
    put('lastline/a.json', '{"a": 1}\n{\n  "a": "x",\n  "b": 2\n}\n');
    const t = await table('a INTEGER, b INTEGER');
    const error = await loadError(copy(t, 'lastline/', "JSON 'auto'"));
    expect(error.rejects[0]).toMatchObject({ line: 5, column: 'a' });
  });

  test('a fraction is not an integer', async () => {
    put('fraction/a.json', '{"a": 1.5}\n');
    const t = await table('a INTEGER');
    const error = await loadError(copy(t, 'fraction/', "JSON 'auto'"));
    expect(error.rejects[0]).toMatchObject({ column: 'a', code: 1207 });
  });

  test('string length is measured in bytes, and an over-long string fails unless TRUNCATECOLUMNS', async () => {
    put('long/a.json', '{"s": "abcde"}\n{"s": "ééé"}\n');
    const t = await table('s VARCHAR(5)');
    const error = await loadError(copy(t, 'long/', "JSON 'auto'"));
    expect(error.rejects[0]).toMatchObject({ line: 2, column: 's', code: 1204 });
    expect(error.rejects[0]!.reason).toMatch(/String length exceeds DDL length \(6 bytes > 5\)/);
    const cut = await table('s VARCHAR(5)');
    await copy(cut, 'long/', "JSON 'auto' TRUNCATECOLUMNS");
    expect(await rows(cut)).toEqual([{ s: 'abcde' }, { s: 'éé' }]);
  });

  test('a missing value for a NOT NULL column is rejected', async () => {
    put('notnull/a.json', '{"b": 1}\n');
    const t = await table('a INTEGER NOT NULL, b INTEGER');
    const error = await loadError(copy(t, 'notnull/', "JSON 'auto'"));
    expect(error.rejects[0]).toMatchObject({ column: 'a', code: 1213, reason: 'Missing data for not-null field' });
  });

  test('bytes that are not UTF-8 reject their line', async () => {
    put('utf8/a.json', Buffer.concat([Buffer.from('{"s": "ok"}\n{"s": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]));
    const t = await table('s VARCHAR(10)');
    const error = await loadError(copy(t, 'utf8/', "JSON 'auto'"));
    expect(error.rejects[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/UTF8/) });
  });

  test('under MAXERROR the good rows load and the rejects are queryable in sys_load_error_detail', async () => {
    put('maxerror/a.json', '{"a": 1}\n{"a": "bad"}\n{"a": 3}\n{oops\n');
    const t = await table('a INTEGER');
    const [result] = await copy(t, 'maxerror/', "JSON 'auto' MAXERROR 3");
    expect(result!.rowsAffected).toBe(2);
    expect(await rows(t)).toEqual([{ a: 1 }, { a: 3 }]);
    const detail = await db.warehouse.query(
      `SELECT TRIM(file_name) AS file, line_number, TRIM(column_name) AS col, error_code
       FROM sys_load_error_detail WHERE query_id = :q ORDER BY line_number`,
      { q: result!.queryId! },
    );
    expect(detail).toEqual([
      { file: 's3://test-bucket/maxerror/a.json', line_number: 2, col: 'a', error_code: 1207 },
      { file: 's3://test-bucket/maxerror/a.json', line_number: 4, col: '', error_code: 1224 },
    ]);
  });

  test('MAXERROR n fails the load at the n-th reject, as Redshift documents; its rejects are still recorded', async () => {
    put('overmax/a.json', '{"a": "x"}\n{"a": "y"}\n{"a": 1}\n');
    const t = await table('a INTEGER');
    const error = await loadError(copy(t, 'overmax/', "JSON 'auto' MAXERROR 2"));
    expect(error.message).toMatch(/2 row\(s\) rejected, and MAXERROR 2 fails a load at 2; nothing was loaded/);
    expect(await rows(t)).toEqual([]);
    const [recorded] = await db.warehouse.query("SELECT COUNT(*) AS n FROM sys_load_error_detail WHERE file_name LIKE 's3://test-bucket/overmax/%'");
    expect(recorded).toEqual({ n: 2 });
  });

  test.each([
    [0, 'fails'],
    [1, 'fails'],
    [2, 'loads'],
  ])('one reject under MAXERROR %i: the load %s', async (maxError, outcome) => {
    put(`onereject${maxError}/a.json`, '{"a": 1}\n{"a": "bad"}\n{"a": 3}\n');
    const t = await table('a INTEGER');
    const done = copy(t, `onereject${maxError}/`, `JSON 'auto' MAXERROR ${maxError}`);
    if (outcome === 'fails') {
      expect((await loadError(done)).message).toMatch(/1 row\(s\) rejected, and MAXERROR \d fails a load at 1/);
      expect(await rows(t)).toEqual([]);
    } else {
      expect((await done)[0]!.rowsAffected).toBe(2);
      expect(await rows(t)).toEqual([{ a: 1 }, { a: 3 }]);
    }
  });

  test('a failed COPY inside a transaction rolls the transaction back', async () => {
    put('txfail/a.json', '{"a": "x"}\n');
    const t = await table('a INTEGER');
    await expect(
      db.warehouse.run(
        [{ sql: `INSERT INTO ${t} VALUES (42)` }, { sql: `COPY ${t} FROM 's3://test-bucket/txfail/' IAM_ROLE default JSON 'auto'` }],
        { transaction: true },
      ),
    ).rejects.toThrow(LoadError);
    expect(await rows(t)).toEqual([]);
  });
});

test('an S3 source is a key prefix, not a folder', async () => {
  put('prefix/logs/a.json', '{"a": 1}\n');
  put('prefix/logs_old/b.json', '{"a": 2}\n');
  put('prefix/other/c.json', '{"a": 3}\n');
  const t = await table('a INTEGER');
  await copy(t, 'prefix/logs', "JSON 'auto'");
  expect(await rows(t)).toEqual([{ a: 1 }, { a: 2 }]);
});

test('a prefix that matches no file is an error naming the local path', async () => {
  const t = await table('a INTEGER');
  const error = await loadError(copy(t, 'nothing-here/', "JSON 'auto'"));
  expect(error.message).toContain('s3://test-bucket/nothing-here/');
  expect(error.message).toContain(join(bucket, 'nothing-here'));
});

describe('MANIFEST, by the rules Redshift documents', () => {
  const manifest = (key: string, entries: unknown) => put(key, JSON.stringify({ entries }));
  const url = (key: string) => `s3://test-bucket/${key}`;
  beforeAll(() => {
    put('m/parts/part-0.json', '{"a": 1}\n');
    put('m/parts/part-1.json', '{"a": 2}\n');
    put('m/parts/part-2.json', '{"a": 3}\n'); // under the same prefix, but not in the manifest
  });

  test('loads exactly the entries, in their order, from their full keys: not what else shares their prefix', async () => {
    manifest('m/two.manifest', [{ url: url('m/parts/part-1.json'), mandatory: true }, { url: url('m/parts/part-0.json'), mandatory: true }]);
    const t = await table('a INTEGER');
    await copy(t, 'm/two.manifest', "JSON 'auto' MANIFEST");
    expect(await db.warehouse.query(`SELECT a FROM ${t}`)).toEqual([{ a: 2 }, { a: 1 }]);
  });

  test('a missing mandatory file fails the COPY, naming it, and nothing loads; an optional one is skipped', async () => {
    manifest('m/gone.manifest', [{ url: url('m/parts/part-0.json'), mandatory: true }, { url: url('m/parts/part-9.json'), mandatory: true }]);
    const t = await table('a INTEGER');
    const error = await loadError(copy(t, 'm/gone.manifest', "JSON 'auto' MANIFEST"));
    expect(error.message).toMatch(/the mandatory file s3:\/\/test-bucket\/m\/parts\/part-9\.json was not found \(entry 2 of 2\)\. Nothing was loaded/);
    expect(await rows(t)).toEqual([]);
    // mandatory defaults to false: skipped.
    manifest('m/optional.manifest', [{ url: url('m/parts/part-0.json'), mandatory: true }, { url: url('m/parts/part-9.json') }]);
    await copy(t, 'm/optional.manifest', "JSON 'auto' MANIFEST");
    expect(await rows(t)).toEqual([{ a: 1 }]);
  });

  test.each([
    ['a url that is a prefix, not an object', [{ url: url('m/parts/'), mandatory: true }], /the mandatory file s3:\/\/test-bucket\/m\/parts\/ was not found/],
    ['no file found at all, none mandatory', [{ url: url('m/none-0.json') }, { url: url('m/none-1.json') }], /none of its 2 files was found/],
    ['no entries list', { files: [] }, /has no "entries" list/],
  ])('%s fails the COPY', async (_, entries, message) => {
    put('m/bad.manifest', JSON.stringify(Array.isArray(entries) ? { entries } : entries));
    const t = await table('a INTEGER');
    expect((await loadError(copy(t, 'm/bad.manifest', "JSON 'auto' MANIFEST"))).message).toMatch(message);
  });

  test('a manifest that does not exist fails the COPY, naming it', async () => {
    const t = await table('a INTEGER');
    expect((await loadError(copy(t, 'm/missing.manifest', "JSON 'auto' MANIFEST"))).message).toMatch(/s3:\/\/test-bucket\/m\/missing\.manifest: the manifest does not exist/);
  });
});

test('a bucket with no local folder is an error naming it', async () => {
  const t = await table('a INTEGER');
  await expect(db.warehouse.run([{ sql: `COPY ${t} FROM 's3://elsewhere/x' IAM_ROLE default JSON 'auto'` }])).rejects.toThrow(/s3:\/\/elsewhere/);
});

test.each([
  ['a format that is not emulated', "FORMAT AS CSV", /FORMAT CSV is not emulated/],
  ['an option that is not emulated', "JSON 'auto' GZIP", /GZIP is not emulated/],
  ["'auto' spelled in capitals ('auto' is case-sensitive)", "JSON 'AUTO'", /'auto' is case-sensitive/],
])('COPY with %s is refused, naming it', async (_, options, message) => {
  put('refused/a.json', '{"a": 1}\n');
  const t = await table('a INTEGER');
  const attempt = copy(t, 'refused/', options);
  await expect(attempt).rejects.toThrow(TranslationError);
  await expect(copy(t, 'refused/', options)).rejects.toThrow(message);
});

test('every file a COPY reads gets a sys_load_detail row with its records; a full load says which held none', async () => {
  put('detail/2018-11-01-events.json', '{"n": 1}\n{"n": 2}\n');
  put('detail/2018-11-02-events.json', '');
  put('detail/2018-11-03-events.json', '{"n": "x"}\n{"n": 3}\n');
  const t = await table('n INTEGER');
  const [result] = await copy(t, 'detail/', "FORMAT AS JSON 'auto' MAXERROR 2");
  const detail = await db.warehouse.query('SELECT TRIM(file_name) AS file_name, lines_scanned FROM sys_load_detail WHERE query_id = :q ORDER BY 1', { q: result!.queryId! });
  expect(detail).toEqual([
    { file_name: 's3://test-bucket/detail/2018-11-01-events.json', lines_scanned: 2 },
    { file_name: 's3://test-bucket/detail/2018-11-02-events.json', lines_scanned: 0 },
    // A rejected record was read: it counts, as lines_scanned counts lines a load tolerated.
    { file_name: 's3://test-bucket/detail/2018-11-03-events.json', lines_scanned: 2 },
  ]);
  // The staging load of a full run finds the empty file and warns of it, as a daily load of it would fail.
  const load = await loadStaging(db.warehouse, t, [`COPY ${t} FROM 's3://test-bucket/detail/' IAM_ROLE default FORMAT AS JSON 'auto' MAXERROR 2`], 's3://test-bucket/detail/', 2);
  expect(load.rows).toBe(6);
  const warnings: string[] = [];
  warnLoad({ start() {}, done() {}, failed() {}, warn: (m) => warnings.push(m) }, t, load);
  expect(warnings[0]).toBe(
    `${t}: s3://test-bucket/detail/2018-11-02-events.json holds no records, so nothing of it was loaded (a daily load of its day refuses it as empty).`,
  );
});
