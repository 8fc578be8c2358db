import { DEFAULT_SOURCES } from '../../lib/config';
import { generate, type GenerateSummary } from '../../lib/generate/generate';
import { MAX_BYTES } from '../../lib/generate/hostile';
import { utf8Bytes } from '../../lib/generate/json-text';
import { resolveOptions } from '../../lib/generate/options';
import { runPipeline } from '../../lib/pipeline/pipeline';
import { openTestWarehouse } from '../helpers/local-warehouse';
import { allEvents, playKey, songsOf, tempDir, type Json } from './dataset';

/** What the ETL relies on and what makes the data realistic, checked by reading the written files back. */

const work = tempDir('behaviour');
let summary: GenerateSummary;
let events: Json[];
let songs: Json[];
let plays: Json[];

beforeAll(() => {
  summary = generate(resolveOptions({ out: work.dir, events: 20000, songs: 1500, users: 150, seed: 7 }));
  events = allEvents(work.dir);
  songs = songsOf(work.dir).map((f) => f.song);
  plays = events.filter((e) => e.page === 'NextSong');
});
afterAll(() => work.cleanup());

function bySession(): Json[][] {
  const sessions = new Map<unknown, Json[]>();
  for (const e of events) {
    if (!sessions.has(e.sessionId)) sessions.set(e.sessionId, []);
    sessions.get(e.sessionId)!.push(e);
  }
  return [...sessions.values()].map((s) => s.sort((a, b) => (a.itemInSession as number) - (b.itemInSession as number)));
}

describe('keys the ETL relies on', () => {
  it('(sessionId, itemInSession) is unique, and items count up from 0 as time goes on', () => {
    expect(new Set(events.map((e) => `${e.sessionId}/${e.itemInSession}`)).size).toBe(events.length);
    const broken = bySession().filter((s) =>
      s.some((e, i) => e.itemInSession !== i || (i > 0 && (e.ts as number) < (s[i - 1]!.ts as number))),
    );
    expect(broken).toEqual([]);
  });

  it("gives each user the same name, gender, registration, location and agent on every event", () => {
    const seen = new Map<unknown, string>();
    const inconsistent = new Set<unknown>();
    for (const e of events.filter((e) => e.userId !== '')) {
      const fields = JSON.stringify([e.firstName, e.lastName, e.gender, e.registration, e.location, e.userAgent]);
      if (seen.has(e.userId) && seen.get(e.userId) !== fields) inconsistent.add(e.userId);
      seen.set(e.userId, fields);
    }
    expect([...inconsistent]).toEqual([]);
    expect(seen.size).toBe(summary.activeUsers);
  });

  it('changes levels through Submit Upgrade and Submit Downgrade, from the next event on', () => {
    const changes = { up: 0, down: 0 };
    for (const s of bySession()) {
      s.forEach((e, i) => {
        const next = s[i + 1];
        if (e.page === 'Submit Upgrade') {
          expect(e.level).toBe('free');
          if (next) expect(next.level).toBe('paid');
          changes.up++;
        }
        if (e.page === 'Submit Downgrade') {
          expect(e.level).toBe('paid');
          if (next) expect(next.level).toBe('free');
          changes.down++;
        }
      });
    }
    expect(changes.up).toBeGreaterThan(0);
    expect(changes.down).toBeGreaterThan(0);
    const levels = new Map<unknown, Set<unknown>>();
    for (const e of events.filter((e) => e.userId !== '')) levels.set(e.userId, (levels.get(e.userId) ?? new Set()).add(e.level));
    expect([...levels.values()].some((l) => l.size === 2)).toBe(true);
  });

  it('has logged-out visitors with an empty userId and no personal fields, who never play a song', () => {
    const out = events.filter((e) => e.auth === 'Logged Out');
    expect(out.length).toBeGreaterThan(events.length * 0.02);
    expect(out.length).toBeLessThan(events.length * 0.06);
    expect(out.filter((e) => e.userId !== '' || e.firstName !== null || e.registration !== null || e.page === 'NextSong')).toEqual([]);
    expect(events.filter((e) => e.auth === 'Logged In' && e.userId === '')).toEqual([]);
    // Visitors who log in mid-session, as in the real logs.
    expect(bySession().some((s) => s[0]!.auth === 'Logged Out' && s.some((e) => e.auth === 'Logged In'))).toBe(true);
  });

  it('keeps the share of NextSong events close to the real 6,820 of 8,056', () => {
    expect(plays.length / events.length).toBeGreaterThan(0.82);
    expect(plays.length / events.length).toBeLessThan(0.875);
  });
});

describe('plays against the catalogue', () => {
  it('match at the asked rate, with near misses on title and artist', () => {
    const exact = new Set(songs.map((s) => playKey(s.title, s.artist_name, s.duration)));
    const pairs = new Set(songs.map((s) => playKey(s.title, s.artist_name, null)));
    const titles = new Set(songs.map((s) => s.title));
    const exactly = plays.filter((p) => exact.has(playKey(p.song, p.artist, p.length))).length;
    const matched = plays.filter((p) => pairs.has(playKey(p.song, p.artist, null))).length;
    const otherArtist = plays.filter((p) => titles.has(p.song) && !pairs.has(playKey(p.song, p.artist, null))).length;
    expect(Math.abs(exactly / plays.length - 0.05)).toBeLessThan(0.012);
    // A match is title and artist (lib/song-match.ts): the exact ones and those with another duration.
    expect(matched).toBe(summary.matchedPlays);
    expect(matched - exactly).toBe(summary.matchedOtherDuration);
    // Plays of other songs may share a title with a catalogue song by chance; never its (title, artist).
    expect(otherArtist).toBeGreaterThanOrEqual(summary.nearMissArtist);
    expect(summary.nearMissArtist).toBeGreaterThan(0);
    expect(summary.matchedOtherDuration).toBeGreaterThan(0);
  });

  it('follow --match-rate', () => {
    const other = tempDir('rate');
    try {
      const s = generate(resolveOptions({ out: other.dir, events: 4000, songs: 200, matchRate: 0.4, nearMissRate: 0, seed: 2 }));
      const exact = new Set(songsOf(other.dir).map(({ song }) => playKey(song.title, song.artist_name, song.duration)));
      const p = allEvents(other.dir).filter((e) => e.page === 'NextSong');
      const matched = p.filter((e) => exact.has(playKey(e.song, e.artist, e.length))).length;
      expect(Math.abs(matched / p.length - 0.4)).toBeLessThan(0.03);
      expect(s.nearMissArtist + s.matchedOtherDuration).toBe(0);
    } finally {
      other.cleanup();
    }
  });
});

describe('hostile strings', () => {
  it('are there, in the catalogue and in the plays', () => {
    for (const values of [songs.flatMap((s) => [s.title, s.artist_name]), plays.flatMap((p) => [p.song, p.artist])]) {
      const text = values as string[];
      expect(text.some((v) => v.includes('"'))).toBe(true);
      expect(text.some((v) => v.includes("'"))).toBe(true);
      expect(text.some((v) => v.includes(','))).toBe(true);
      expect(text.some((v) => v.includes('\\'))).toBe(true);
      expect(text.some((v) => /[\u0800-\uffff]/.test(v))).toBe(true); // three bytes and more in UTF-8
      expect(text.some((v) => /[\ud800-\udbff]/.test(v))).toBe(true); // four bytes (emoji)
      expect(text.some((v) => utf8Bytes(v) >= 300)).toBe(true);
    }
  });

  it('stay within the staging columns’ byte limits', () => {
    const over = (values: unknown[], max: number) => values.filter((v) => typeof v === 'string' && utf8Bytes(v) > max);
    expect(over([...songs.map((s) => s.title), ...plays.map((p) => p.song)], MAX_BYTES.title)).toEqual([]);
    expect(over([...songs.map((s) => s.artist_name), ...plays.map((p) => p.artist)], MAX_BYTES.artist)).toEqual([]);
    expect(over([...songs.map((s) => s.artist_location), ...events.map((e) => e.location)], MAX_BYTES.location)).toEqual([]);
    expect(over(events.map((e) => e.userAgent), MAX_BYTES.userAgent)).toEqual([]);
    expect(over(events.flatMap((e) => [e.firstName, e.lastName]), MAX_BYTES.name)).toEqual([]);
  });
});

it('summarises what it wrote, as re-reading the files finds it', () => {
  expect(summary).toMatchObject({
    events: events.length,
    nextSongEvents: plays.length,
    loggedOutEvents: events.filter((e) => e.auth === 'Logged Out').length,
    songs: songs.length,
    sessions: new Set(events.map((e) => e.sessionId)).size,
    levelChanges: events.filter((e) => String(e.page).startsWith('Submit')).length,
  });
});

describe('the generator and the ETL share one definition of a match', () => {
  it('matchedPlays is the number of songplays the ETL gives a song_id', async () => {
    const set = tempDir('etl-match');
    // Many matches and near misses of both kinds, so a difference in the definitions would show.
    const s = generate(resolveOptions({ out: set.dir, events: 3000, songs: 300, matchRate: 0.2, nearMissRate: 0.3, seed: 5 }));
    const db = await openTestWarehouse({ 'udacity-dend': set.dir });
    try {
      await runPipeline(db.warehouse, { sources: DEFAULT_SOURCES });
      const [row] = await db.warehouse.query<{ n: number }>('SELECT COUNT(song_id) AS n FROM songplays');
      expect(s.matchedOtherDuration).toBeGreaterThan(0);
      expect(row!.n).toBe(s.matchedPlays);
    } finally {
      await db.dispose();
      set.cleanup();
    }
  });
});
