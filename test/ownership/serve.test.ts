/**
 * npm run serve's server: the local warehouse over the Postgres wire protocol, under 20 concurrent clients,
 * clients killed mid-query, garbage bytes, a client that never reads, one that holds a transaction and
 * stalls; and the warehouse reached through it by the same code the scripts use.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '../../lib/warehouse/local/pglite';
import { Client } from 'pg';
import { DEFAULT_SOURCES } from '../../lib/config';
import { runPipeline } from '../../lib/pipeline/pipeline';
import { PostgresServer } from '../../lib/postgres-endpoint/server';
import { acquire, ensureTemplate, openDatabase } from '../../lib/warehouse/local/data-folder';
import { ServedEngine } from '../../lib/warehouse/local/engine';
import type { FolderLock } from '../../lib/warehouse/local/folder-lock';
import { LocalWarehouse } from '../../lib/warehouse/local/local-warehouse';
import { SAMPLE_DIR } from '../helpers/local-warehouse';
import { smallSource } from '../helpers/processes';

let scratch: string;
let source: string;
let dataDir: string;
let db: PGlite;
let server: PostgresServer;
let lock: FolderLock;

const client = async () => {
  const c = new Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' });
  c.on('error', () => undefined);
  await c.connect();
  return c;
};
const scalar = async (sql: string) => {
  const c = await client();
  try {
    return (await c.query(sql)).rows[0] as Record<string, unknown>;
  } finally {
    await c.end();
  }
};

/** Sends raw bytes on a new connection and resolves when the server closes it. */
function rawConnection(bytes: Buffer): Promise<Buffer> {
  return new Promise((done) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(bytes));
    const received: Buffer[] = [];
    socket.on('data', (d) => received.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => done(Buffer.concat(received)));
  });
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sparkify-serve-'));
  source = smallSource(1);
  dataDir = join(scratch, 'pgdata');
  await ensureTemplate();
  require('node:fs').mkdirSync(dataDir);
  const owner = await acquire(dataDir, { timeoutMs: 0 });
  if (!('lock' in owner)) throw new Error('unexpected');
  lock = owner.lock;
  db = await openDatabase(dataDir);
  server = await PostgresServer.start({ db, port: 0, idleHoldMs: 500, maxUnreadBytes: 1024 * 1024 });
  lock.announceServing('127.0.0.1', server.port);
});
afterAll(async () => {
  await server.stop();
  await db.close();
  lock.release();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(source, { recursive: true, force: true });
});

test('the ETL and a reader reach the served folder through the server instead of waiting', async () => {
  const etl = await LocalWarehouse.open({ dataDir, s3Folders: { 'udacity-dend': source }, wait: { timeoutMs: 0 }, writer: true });
  expect(etl.description).toMatch(/through npm run serve at 127\.0\.0\.1:\d+/);
  try {
    const summary = await runPipeline(etl, { sources: DEFAULT_SOURCES });
    expect(summary.tables.songplays).toBeGreaterThan(0);
    expect(Number((await scalar('SELECT COUNT(*) AS n FROM songplays')).n)).toBe(summary.tables.songplays);
    // A second load waits for the first, also through the server.
    const second = await LocalWarehouse.open({ dataDir, s3Folders: {}, wait: { timeoutMs: 0 }, writer: true }).catch((e: Error) => e);
    expect((second as Error).message).toMatch(/in use by .* and --no-wait was given/);
  } finally {
    await etl.close();
  }
});

test('a reader during a full publish through the server gets the old rows or the new ones, never an error, and its view keeps answering', async () => {
  const reader = await client();
  // As a BI tool asks: a prepared statement, kept across the publish, and a view of the analyst's own.
  const plays = async () => Number((await reader.query({ name: 'plays', text: 'SELECT COUNT(*) AS n FROM songplays' })).rows[0].n);
  const viewed = async () => Number((await reader.query('SELECT SUM(plays) AS n FROM plays_per_level')).rows[0].n);
  await reader.query('CREATE VIEW plays_per_level AS SELECT level, COUNT(*) AS plays FROM public.songplays GROUP BY level');
  const before = await plays();
  // One more day of logs: the next full run publishes more plays.
  const logs = join(SAMPLE_DIR, 'log_data', '2018', '11');
  const next = readdirSync(logs).sort()[1]!;
  cpSync(join(logs, next), join(source, 'log_data', '2018', '11', next));
  const seen = new Set<number>();
  const errors: string[] = [];
  let publishing = true;
  const reading = (async () => {
    while (publishing) {
      try {
        seen.add(await plays());
        seen.add(await viewed());
      } catch (e) {
        errors.push((e as Error).message);
      }
      await new Promise((go) => setTimeout(go, 2));
    }
  })();
  const etl = await LocalWarehouse.open({ dataDir, s3Folders: { 'udacity-dend': source }, wait: { timeoutMs: 0 }, writer: true });
  try {
    const summary = await runPipeline(etl, { sources: DEFAULT_SOURCES });
    publishing = false;
    await reading;
    const after = await plays();
    expect(errors).toEqual([]);
    expect(after).toBe(summary.tables.songplays);
    expect(after).toBeGreaterThan(before);
    expect([...seen].filter((n) => n !== before && n !== after)).toEqual([]);
    expect(seen.has(before)).toBe(true);
    expect(await viewed()).toBe(after);
  } finally {
    publishing = false;
    await reading;
    await etl.close();
    await reader.query('DROP VIEW plays_per_level');
    await reader.end();
  }
});

test('20 concurrent clients, one of them in a transaction, each see the published tables', async () => {
  const expected = Number((await scalar('SELECT COUNT(*) AS n FROM songplays')).n);
  const writer = await client();
  await writer.query('BEGIN');
  await writer.query('DELETE FROM songplays');
  const readers = Array.from({ length: 20 }, async () => {
    const c = await client();
    try {
      const { rows } = await c.query('SELECT COUNT(*) AS n FROM songplays s JOIN time t ON t.start_time = s.start_time WHERE s.level = $1 OR TRUE', ['free']);
      return Number(rows[0].n);
    } finally {
      await c.end();
    }
  });
  setTimeout(() => void writer.query('ROLLBACK').then(() => writer.end()), 100);
  expect(await Promise.all(readers)).toEqual(Array(20).fill(expected));
});

test('a client killed mid-query, garbage bytes, a client that never reads and one that stalls in a transaction take nothing down', async () => {
  // Killed mid-query: the socket is destroyed while a long statement runs.
  const victim = await client();
  const long = victim.query('SELECT SUM(i) FROM generate_series(1, 3000000) AS i').catch(() => 'killed');
  setTimeout(() => (victim as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy(), 20);
  expect(await long).toBe('killed');
  // Garbage, before and after startup: the server answers with an error and closes that connection only.
  expect((await rawConnection(Buffer.from('garbage bytes, not the protocol\n'))).toString('latin1')).toMatch(/invalid length of startup packet/);
  const startup = Buffer.from('\0\0\0\0\0\x03\0\0user\0postgres\0\0', 'latin1');
  startup.writeInt32BE(startup.length, 0);
  expect((await rawConnection(Buffer.concat([startup, Buffer.from('Zxxxxxxx')]))).toString('latin1')).toMatch(/invalid frontend message type/);
  // Never reads: a large result piles up unread, and the client is let go.
  const deaf = await client();
  (deaf as unknown as { connection: { stream: { pause(): void } } }).connection.stream.pause();
  void deaf.query("SELECT repeat('x', 1000) FROM generate_series(1, 20000)").catch(() => undefined);
  // Stalls inside a transaction holding a lock: rolled back after the idle limit, so others go on.
  const staller = await client();
  await staller.query('BEGIN');
  await staller.query("INSERT INTO users (user_id, level) VALUES (999999, 'free')");
  expect(Number((await scalar('SELECT COUNT(*) AS n FROM users WHERE user_id = 999999')).n)).toBe(0);
  // The server and the data are fine.
  expect(Number((await scalar('SELECT COUNT(*) AS n FROM songplays')).n)).toBeGreaterThan(0);
  expect((await scalar('SELECT 1 AS one')).one).toBe(1);
});

test('a command let in late, behind a client idle in a transaction, says what it waits for', async () => {
  const holder = await client();
  await holder.query('BEGIN');
  await holder.query('SELECT 1');
  // The server lets the idle holder go after its idleHoldMs (500 ms here); until then the new connection waits.
  const lines: string[] = [];
  const engine = await ServedEngine.connect('127.0.0.1', server.port, { timeoutMs: 10000, onWaiting: (line) => lines.push(line) }, 100);
  try {
    expect((await engine.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  } finally {
    await engine.close();
    await holder.end().catch(() => undefined);
  }
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    new RegExp(`^Waiting for npm run serve at 127\\.0\\.0\\.1:${server.port} to let this command in: another client holds the warehouse, in a transaction left open \\(such as psql after BEGIN\\)`),
  );
  expect(lines[0]).toContain('of at most 10 s (--wait <seconds>)');
});

const psql = '/usr/bin/psql';
(existsSync(psql) ? test : test.skip)('psql connects as the README says', async () => {
  // Asynchronously: the server runs in this process.
  const { stdout } = await promisify(execFile)(psql, ['-h', '127.0.0.1', '-p', String(server.port), '-Atc', 'SELECT COUNT(*) FROM songplays'], {
    env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
  });
  expect(Number(stdout.trim())).toBeGreaterThan(0);
});
