/**
 * Symbolic links in a local source folder (song_data/ or log_data/ on another disk, a month's folder linked
 * in, a linked JSONPaths file) are followed by everything that reads the source: the settings' check, the COPY
 * emulation of full and daily loads, the daily listing, and the stage. A link that points nowhere or loops is
 * a one-paragraph ConfigError (exit 2) that names it.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SOURCES, resolveSettings } from '../../lib/config';
import { dayUri } from '../../lib/pipeline/days';
import { loadStaging } from '../../lib/pipeline/load-staging';
import { localLogDays } from '../../lib/pipeline/local-files';
import { copyTemplateValues } from '../../lib/pipeline/pipeline';
import { statementsOf } from '../../lib/pipeline/sql-files';
import { STAGING_TABLES } from '../../lib/pipeline/tables';
import { copyBeside, FolderCatalogueSource } from '../../lib/stage/folder-store';
import { S3Mounts } from '../../lib/warehouse/local/copy/s3-mounts';
import { openTestWarehouse, SAMPLE_DIR } from '../helpers/local-warehouse';
import { refusalOf } from '../helpers/refusal';

let root: string;
/** song_data/ and log_data/ as links to the sample's folders, the JSONPaths file a link to its file. */
let linked: string;
/** log_data/2018/11 a link to the sample's month folder; song_data/ a link too. */
let monthLinked: string;
/** A copy of the sample, for the links that break. */
let broken: string;

const keys = (folder: string, prefix: string) => new S3Mounts({ 'udacity-dend': folder }).list(`s3://udacity-dend/${prefix}`).map((o) => o.uri);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sparkify-links-'));
  linked = join(root, 'linked');
  mkdirSync(linked);
  symlinkSync(join(SAMPLE_DIR, 'song_data'), join(linked, 'song_data'));
  symlinkSync(join(SAMPLE_DIR, 'log_data'), join(linked, 'log_data'));
  symlinkSync(join(SAMPLE_DIR, 'log_json_path.json'), join(linked, 'log_json_path.json'));
  monthLinked = join(root, 'month');
  mkdirSync(join(monthLinked, 'log_data', '2018'), { recursive: true });
  symlinkSync(join(SAMPLE_DIR, 'log_data', '2018', '11'), join(monthLinked, 'log_data', '2018', '11'));
  symlinkSync(join(SAMPLE_DIR, 'song_data'), join(monthLinked, 'song_data'));
  symlinkSync(join(SAMPLE_DIR, 'log_json_path.json'), join(monthLinked, 'log_json_path.json'));
  broken = join(root, 'broken');
  cpSync(SAMPLE_DIR, broken, { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('a source of links lists the same keys as the folders they point at', () => {
  for (const prefix of ['song_data', 'log_data', 'log_json_path.json', 'log_data/2018/11/2018-11-05']) {
    const real = keys(SAMPLE_DIR, prefix);
    expect(real.length).toBeGreaterThan(0);
    expect(keys(linked, prefix)).toEqual(real);
    expect(keys(monthLinked, prefix)).toEqual(real);
  }
});

test('the daily listing sees the days of a linked month folder', async () => {
  const listing = await localLogDays({ 'udacity-dend': monthLinked })(DEFAULT_SOURCES.eventsUri);
  expect(listing.days).toHaveLength(30);
  expect(listing.undated).toEqual([]);
});

test("the COPY of a full load and of a daily load reads the linked folders' files", async () => {
  const db = await openTestWarehouse({ 'udacity-dend': monthLinked });
  try {
    const staging = (name: string) => STAGING_TABLES.find((t) => t.name === name)!;
    const load = async (name: string, values: Record<string, string>, uri: string) => {
      await db.warehouse.run([{ sql: `DROP TABLE IF EXISTS ${name}` }, ...statementsOf(staging(name).createFile).map((sql) => ({ sql }))]);
      return (await loadStaging(db.warehouse, name, statementsOf(staging(name).copyFile, values), uri, 0)).rows;
    };
    const values = copyTemplateValues(DEFAULT_SOURCES);
    expect(await load('staging_songs', values, DEFAULT_SOURCES.songsUri)).toBe(71);
    expect(await load('staging_events', values, DEFAULT_SOURCES.eventsUri)).toBe(8056);
    // --date 2018-11-05: the day's prefix, inside the linked month folder.
    const day = dayUri(DEFAULT_SOURCES.eventsUri, '2018-11-05');
    const lines = readFileSync(join(SAMPLE_DIR, 'log_data', '2018', '11', '2018-11-05-events.json'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    expect(await load('staging_events', { ...values, events_uri: copyTemplateValues({ ...DEFAULT_SOURCES, eventsUri: day }).events_uri }, day)).toBe(lines.length);
  } finally {
    await db.dispose();
  }
});

test('the stage reads a linked song_data and copies a linked log_data beside its parts', async () => {
  const listed: string[] = [];
  for await (const object of new FolderCatalogueSource(linked).list()) listed.push(object.key);
  expect(listed).toEqual(keys(SAMPLE_DIR, 'song_data').map((uri) => uri.slice('s3://udacity-dend/'.length)));
  const out = join(root, 'staged');
  const copied = copyBeside(linked, out, 'song_data');
  expect(copied).toBe(1 + readdirSync(join(SAMPLE_DIR, 'log_data', '2018', '11')).length);
  expect(readdirSync(join(out, 'log_data', '2018', '11')).sort()).toEqual(readdirSync(join(SAMPLE_DIR, 'log_data', '2018', '11')).sort());
});

test('a link that points nowhere is named, by the settings check, the COPY listing and the stage', () => {
  const dangling = join(broken, 'log_data', '2018', 'moved');
  symlinkSync(join(root, 'nowhere'), dangling);
  try {
    const message = refusalOf(() => keys(broken, 'log_data'));
    expect(message).toBe(`The source's symbolic link ${dangling} points to ${join(root, 'nowhere')}, which does not exist. Mount or restore what it points to, or remove the link.`);
    expect(refusalOf(() => copyBeside(broken, join(root, 'out-dangling'), 'song_data'))).toBe(message);
  } finally {
    rmSync(dangling);
  }
  const songs = join(root, 'songs-gone');
  mkdirSync(songs);
  cpSync(join(broken, 'log_data'), join(songs, 'log_data'), { recursive: true });
  cpSync(join(broken, 'log_json_path.json'), join(songs, 'log_json_path.json'));
  symlinkSync(join(root, 'unmounted-disk', 'song_data'), join(songs, 'song_data'));
  expect(refusalOf(() => resolveSettings({ source: songs, target: 'local' }, {}))).toMatch(/^The source's symbolic link .*song_data points to .*unmounted-disk\/song_data, which does not exist/);
});

test('a link that loops is named: back into a folder that holds it, or onto itself', () => {
  const back = join(broken, 'log_data', '2018', '11', 'again');
  symlinkSync(join(broken, 'log_data'), back);
  try {
    expect(refusalOf(() => keys(broken, 'log_data'))).toBe(
      `The source's symbolic link ${back} leads back to ${join(broken, 'log_data')}, a folder that holds it, so following it would never end. ` +
        'Remove the link, or point it at a folder outside the one it is in.',
    );
  } finally {
    rmSync(back);
  }
  const self = join(broken, 'song_data', 'self');
  symlinkSync(self, self);
  try {
    expect(refusalOf(() => keys(broken, 'song_data'))).toMatch(/^The source's symbolic link .*song_data\/self leads back to itself/);
  } finally {
    rmSync(self);
  }
});
