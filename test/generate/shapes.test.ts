import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate, type GenerateSummary } from '../../lib/generate/generate';
import { resolveOptions } from '../../lib/generate/options';
import { eventsOf, listFiles, songsOf, tempDir, type Json } from './dataset';

/**
 * The generated files against the real sample: the same layout, keys, key order, value types and
 * spelling. Two small oracles re-serialize a parsed record the way the real files are written; they are
 * first shown to reproduce every real file byte for byte, then every generated one.
 */

const SAMPLE = resolve(__dirname, '../../data/sample');
const FLOAT_KEYS = new Set(['artist_latitude', 'artist_longitude', 'duration', 'length', 'registration']);

function asciiJson(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function literal(key: string, value: unknown, escapeSlash: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return escapeSlash ? asciiJson(value).replaceAll('/', '\\/') : asciiJson(value);
  const n = value as number;
  return FLOAT_KEYS.has(key) && Number.isInteger(n) ? `${n}.0` : String(n);
}

/** A song file as Python's json.dumps writes it (compact, or indent=2 with a final newline). */
function songText(song: Json, pretty: boolean): string {
  const fields = Object.entries(song).map(([k, v]) => `"${k}": ${literal(k, v, false)}`);
  return pretty ? `{\n  ${fields.join(',\n  ')}\n}\n` : `{${fields.join(', ')}}`;
}

/** An event line as the real logs write it: compact, `/` escaped, floats with their `.0`. */
function eventText(event: Json): string {
  return `{${Object.entries(event).map(([k, v]) => `"${k}":${literal(k, v, true)}`).join(',')}}`;
}

/** The type of each key, per kind of event, e.g. "Logged In/NextSong" → {artist: "string", …}. */
function typesByKind(events: Json[]): Map<string, string> {
  const types = new Map<string, Set<string>>();
  for (const e of events) {
    const kind = `${e.auth}/${e.page === 'NextSong' ? 'NextSong' : 'other'}`;
    for (const [k, v] of Object.entries(e)) {
      const key = `${kind}.${k}`;
      if (!types.has(key)) types.set(key, new Set());
      types.get(key)!.add(v === null ? 'null' : typeof v);
    }
  }
  return new Map([...types].map(([k, v]) => [k, [...v].sort().join('|')]));
}

const real = { songs: songsOf(SAMPLE), logs: eventsOf(SAMPLE) };
const realEvents = real.logs.flatMap((f) => f.events);
const work = tempDir('shapes');
let summary: GenerateSummary;
let gen: { songs: ReturnType<typeof songsOf>; logs: ReturnType<typeof eventsOf> };

beforeAll(() => {
  summary = generate(resolveOptions({ out: work.dir, events: 6000, songs: 400, seed: 3 }));
  gen = { songs: songsOf(work.dir), logs: eventsOf(work.dir) };
});
afterAll(() => work.cleanup());

describe('song files', () => {
  it('are laid out as song_data/<3rd>/<4th>/<5th letter of the track id>/TR….json', () => {
    expect(gen.songs).toHaveLength(400);
    for (const { path } of [...real.songs, ...gen.songs]) {
      const m = /^song_data\/([A-Z])\/([A-Z])\/([A-Z])\/(TR[A-Z0-9]{16})\.json$/.exec(path);
      expect(m).not.toBeNull();
      expect(m![4]!.slice(2, 5)).toBe(m![1]! + m![2]! + m![3]!);
    }
  });

  it('have the real keys in the real order, with the real value types', () => {
    const realKeys = Object.keys(real.songs[0]!.song);
    const typeOf = (s: Json) => Object.values(s).map((v) => (v === null ? 'null' : typeof v));
    const realTypes = new Set(real.songs.map((f) => typeOf(f.song).join()));
    for (const { song } of gen.songs) {
      expect(Object.keys(song)).toEqual(realKeys);
      expect(realTypes).toContain(typeOf(song).join());
    }
    // Both shapes of artist the real set has: located and not.
    expect(gen.songs.some((f) => f.song.artist_latitude === null && f.song.artist_location === '')).toBe(true);
    expect(gen.songs.some((f) => typeof f.song.artist_latitude === 'number')).toBe(true);
  });

  it('are spelled as the real ones, a few pretty-printed over several lines', () => {
    for (const { text, song } of real.songs) expect(text).toBe(songText(song, text.includes('\n')));
    for (const { text, song } of gen.songs) expect(text).toBe(songText(song, text.includes('\n')));
    const pretty = gen.songs.filter((f) => f.text.includes('\n')).length;
    expect(pretty).toBeGreaterThan(0);
    expect(pretty).toBeLessThan(gen.songs.length * 0.15);
  });

  it('give some artists several songs', () => {
    const perArtist = new Map<unknown, number>();
    for (const { song } of gen.songs) perArtist.set(song.artist_id, (perArtist.get(song.artist_id) ?? 0) + 1);
    expect(Math.max(...perArtist.values())).toBeGreaterThan(1);
    expect(summary.artists).toBe(perArtist.size);
  });
});

describe('event logs', () => {
  it('are one file a day, log_data/YYYY/MM/YYYY-MM-DD-events.json, from 2018-11-01', () => {
    const paths = gen.logs.map((f) => f.path);
    for (const path of paths) expect(path).toMatch(/^log_data\/(\d{4})\/(\d{2})\/\1-\2-\d{2}-events\.json$/);
    expect(paths[0]).toBe('log_data/2018/11/2018-11-01-events.json');
    expect(paths).toHaveLength(summary.logFiles);
  });

  it('hold events of their own day, sorted by ts, no blank line and no final newline', () => {
    for (const { path, text, events } of gen.logs) {
      expect(text.endsWith('\n')).toBe(false);
      expect(text).not.toMatch(/\n\n/);
      const day = path.slice(-22, -12);
      const ts = events.map((e) => e.ts as number);
      expect(ts.filter((t) => new Date(t).toISOString().slice(0, 10) !== day)).toEqual([]);
      expect(ts.filter((t, i) => i > 0 && t < ts[i - 1]!)).toEqual([]);
    }
  });

  it('have the real keys in the real order and the real value types for each kind of event', () => {
    const realKeys = Object.keys(realEvents[0]!);
    const genEvents = gen.logs.flatMap((f) => f.events);
    expect(genEvents.filter((e) => Object.keys(e).join() !== realKeys.join())).toEqual([]);
    expect(typesByKind(genEvents)).toEqual(typesByKind(realEvents));
  });

  it('are spelled as the real ones: ASCII only, / escaped, registration with its .0', () => {
    const misspelt = (logs: typeof gen.logs) => logs.flatMap((f) => f.lines.filter((l, i) => l !== eventText(f.events[i]!)));
    expect(misspelt(real.logs)).toEqual([]);
    expect(misspelt(gen.logs)).toEqual([]);
    for (const { text } of gen.logs) expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
    const line = gen.logs[0]!.lines.find((l) => l.includes('"auth":"Logged In"'))!;
    expect(line).toMatch(/"registration":\d{13}\.0,/);
    expect(line).toMatch(/"userAgent":"(\\"|[^"])*\\\/(\\"|[^"])*"/);
  });

  it('quote a user agent in literal double quotes exactly when it has a comma, as the real logs do', () => {
    const rule = (events: Json[]) =>
      events
        .filter((e) => typeof e.userAgent === 'string')
        .every((e) => {
          const ua = e.userAgent as string;
          return ua.includes(',') === (ua.startsWith('"') && ua.endsWith('"'));
        });
    expect(rule(realEvents)).toBe(true);
    const genEvents = gen.logs.flatMap((f) => f.events);
    expect(rule(genEvents)).toBe(true);
    expect(genEvents.some((e) => (e.userAgent as string | null)?.startsWith('"'))).toBe(true);
  });

  it('use the real pages with their real method and status, and the real auth values', () => {
    const realRule = new Map(realEvents.map((e) => [e.page, `${e.method} ${e.status}`]));
    const genEvents = gen.logs.flatMap((f) => f.events);
    expect(genEvents.filter((e) => realRule.get(e.page) !== `${e.method} ${e.status}`)).toEqual([]);
    expect(new Set(genEvents.map((e) => e.auth))).toEqual(new Set(['Logged In', 'Logged Out']));
    // Submit Downgrade is rare (1 of 8,056 real events); the behaviour tests see it in a larger set.
    expect(realRule.size - new Set(genEvents.map((e) => e.page)).size).toBeLessThanOrEqual(1);
  });
});

it('writes the JSONPaths file identical to the sample, and nothing else at the top', () => {
  expect(readFileSync(join(work.dir, 'log_json_path.json'))).toEqual(readFileSync(join(SAMPLE, 'log_json_path.json')));
  const files = [...listFiles(work.dir, 'song_data'), ...listFiles(work.dir, 'log_data'), 'log_json_path.json'];
  expect(files).toHaveLength(summary.files);
});
