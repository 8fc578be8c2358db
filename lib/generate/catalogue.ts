import { songMatchKey } from '../song-match';
import { artistName, songTitle } from './naming';
import { HOSTILE_KINDS, makeHostile, MAX_BYTES, type HostileKind } from './hostile';
import { clampUtf8, jsonFloat, songJsonString } from './json-text';
import type { Random } from './random';
import { PLACES, PLACES_WITHOUT_COORDINATES } from './vocabulary';

export interface Artist {
  readonly id: string;
  readonly name: string;
  /** "" when unknown, as in the real files; coordinates may be null even when the name is known. */
  readonly location: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
}

export interface Song {
  readonly trackId: string;
  readonly id: string;
  readonly title: string;
  /** Seconds, five decimals, as the real files give it. */
  readonly duration: number;
  /** 0 when unknown, as in the real files. */
  readonly year: number;
  readonly artist: Artist;
  /** Written over several lines, like three of the real sample's files. */
  readonly pretty: boolean;
}

/** The share of songs and artists given a hostile name at random (the first few get one for sure). */
const HOSTILE_RATE = 0.04;

/** The song catalogue, held in memory (a few hundred thousand songs at most). */
export class Catalogue {
  /** Songs by their match key (lib/song-match.ts). */
  readonly #byKey = new Map<string, Song[]>();

  constructor(
    readonly artists: readonly Artist[],
    readonly songs: readonly Song[],
  ) {
    for (const song of songs) {
      const key = songMatchKey(song.title, song.artist.name);
      const same = this.#byKey.get(key);
      if (same) same.push(song);
      else this.#byKey.set(key, [song]);
    }
  }

  /** Whether a play of this title and artist matches a catalogue song (with exactly this duration, if given). */
  has(title: string, artistName: string, duration?: number): boolean {
    return (this.#byKey.get(songMatchKey(title, artistName)) ?? []).some((s) => duration === undefined || s.duration === duration);
  }
}

/**
 * `songCount` songs by about two thirds as many artists (the real song_data: 14,896 songs, about 10,000
 * artists). Every artist has a song; the rest go mostly to the first artists, so some have many.
 */
export function buildCatalogue(songCount: number, rng: Random): Catalogue {
  const ids = new UniqueIds(rng);
  const artistCount = Math.max(1, Math.round((songCount * 2) / 3));
  const artists: Artist[] = [];
  for (let i = 0; i < artistCount; i++) {
    const place = placeFor(rng);
    let name = artistName(rng);
    const kind = hostileKindFor(i, artistCount, rng);
    if (kind && kind !== 'long') name = makeHostile(name, kind, rng);
    artists.push({ id: ids.artistId(), name: clampUtf8(name, MAX_BYTES.artist), ...place });
  }
  const songs: Song[] = [];
  for (let i = 0; i < songCount; i++) {
    let title = songTitle(rng);
    const kind = hostileKindFor(i, songCount, rng);
    if (kind) title = makeHostile(title, kind, rng);
    songs.push({
      trackId: ids.trackId(),
      id: ids.songId(),
      title: clampUtf8(title, MAX_BYTES.title),
      duration: randomDuration(rng),
      year: rng.chance(0.5) ? 0 : rng.int(1955, 2010),
      artist: artists[i < artistCount ? i : rng.skewedIndex(artistCount, 2)]!,
      pretty: rng.chance(0.04),
    });
  }
  return new Catalogue(artists, songs);
}

/**
 * Which hostile kind item `index` of `count` gets, if any: kind j for sure at index j·count/kinds (so a
 * small catalogue still has every kind, spread rather than all at the popular front), else at random.
 */
export function hostileKindFor(index: number, count: number, rng: Random): HostileKind | undefined {
  const stride = Math.max(1, Math.floor(count / HOSTILE_KINDS.length));
  if (index % stride === 0 && index / stride < HOSTILE_KINDS.length) return HOSTILE_KINDS[index / stride];
  return rng.chance(HOSTILE_RATE) ? rng.pick(HOSTILE_KINDS) : undefined;
}

function placeFor(rng: Random): Pick<Artist, 'location' | 'latitude' | 'longitude'> {
  const roll = rng.float();
  if (roll < 0.35) return { location: '', latitude: null, longitude: null };
  if (roll < 0.45) return { location: rng.pick(PLACES_WITHOUT_COORDINATES), latitude: null, longitude: null };
  const [location, latitude, longitude] = rng.pick(PLACES);
  return { location: clampUtf8(location, MAX_BYTES.location), latitude, longitude };
}

export function round5(value: number): number {
  return Math.round(value * 1e5) / 1e5;
}

/** Song lengths log-normal around four minutes, 20 s to 30 min, five decimals. */
export function randomDuration(rng: Random): number {
  return round5(Math.min(1800, Math.max(20, rng.logNormal(Math.log(230), 0.35))));
}

/** Where a song's file goes: the 3rd–5th letters of the track id name the folders (TRABBNP… → A/B/B). */
export function songFilePath(song: Song): string {
  const t = song.trackId;
  return `song_data/${t[2]}/${t[3]}/${t[4]}/${t}.json`;
}

/** A song file's text, key for key and space for space as the real ones (Python's `json.dumps`). */
export function songFileText(song: Song): string {
  const a = song.artist;
  const fields: [string, string][] = [
    ['num_songs', '1'],
    ['artist_id', songJsonString(a.id)],
    ['artist_latitude', a.latitude === null ? 'null' : jsonFloat(a.latitude)],
    ['artist_longitude', a.longitude === null ? 'null' : jsonFloat(a.longitude)],
    ['artist_location', songJsonString(a.location)],
    ['artist_name', songJsonString(a.name)],
    ['song_id', songJsonString(song.id)],
    ['title', songJsonString(song.title)],
    ['duration', jsonFloat(song.duration)],
    ['year', String(song.year)],
  ];
  return song.pretty
    ? `{\n${fields.map(([k, v]) => `  "${k}": ${v}`).join(',\n')}\n}\n`
    : `{${fields.map(([k, v]) => `"${k}": ${v}`).join(', ')}}`;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = LETTERS + '0123456789';
const HEX = '0123456789ABCDEF';

/** Million-Song-Dataset-shaped identifiers (18 characters), never repeated within one catalogue. */
class UniqueIds {
  readonly #seen = new Set<string>();

  constructor(private readonly rng: Random) {}

  /** TR + A + 4 letters + 11 hex-ish: the Udacity subset's track ids all start TRA. */
  trackId(): string {
    return this.#unique(() => 'TRA' + this.#draw(LETTERS, 4) + this.rng.pick(['128F9', '12903']) + this.#draw(HEX, 6));
  }

  songId(): string {
    return this.#unique(() => 'SO' + this.#draw(LETTERS, 5) + this.rng.pick(['12AB0', '12A8C']) + this.#draw(HEX, 6));
  }

  artistId(): string {
    return this.#unique(() => 'AR' + this.#draw(ALNUM, 5) + this.rng.pick(['1187FB', '1187B9']) + this.#draw(HEX, 5));
  }

  #unique(make: () => string): string {
    for (;;) {
      const id = make();
      if (!this.#seen.has(id)) {
        this.#seen.add(id);
        return id;
      }
    }
  }

  #draw(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.rng.int(0, alphabet.length - 1)];
    return out;
  }
}
