import { hostileKindFor, randomDuration, round5, type Catalogue, type Song } from './catalogue';
import { makeHostile, MAX_BYTES, mojibake } from './hostile';
import { clampUtf8, jsonFloat, logJsonString } from './json-text';
import { artistName, songTitle } from './naming';
import type { Random } from './random';

/**
 * What a NextSong event plays:
 * - `match`: a catalogue song, title, artist name and duration all equal;
 * - `near-artist`: a catalogue title by an artist with no song of that title (another artist, or the same
 *   name double-encoded as the real logs have it);
 * - `near-duration`: a catalogue title and artist, the duration off by 0.1–5 %;
 * - `other`: a song whose (title, artist) pair the catalogue does not have — most plays, as in reality.
 * So the plays that match a catalogue song (lib/song-match.ts: title and artist) are exactly the `match` and
 * `near-duration` ones.
 */
export type PlayKind = 'match' | 'near-artist' | 'near-duration' | 'other';

export interface Play {
  readonly kind: PlayKind;
  readonly artistJson: string;
  readonly songJson: string;
  readonly lengthJson: string;
  readonly seconds: number;
}

export interface PlayRates {
  /** Share of plays that are `match`. */
  readonly matchRate: number;
  /** Share of plays that are near misses, split evenly between the two kinds. */
  readonly nearMissRate: number;
}

/** Popularity skew: with 15,000 songs the top one gets about 0.8 % of plays (real top song: 0.5 %). */
const POPULARITY = 2;

export class PlayPicker {
  readonly #catalogue: Catalogue;
  readonly #catalogueSongs: readonly Play[];
  /** Songs outside the catalogue, held so popular ones repeat. */
  readonly #otherSongs: readonly Play[];

  constructor(
    catalogue: Catalogue,
    readonly rates: PlayRates,
    rng: Random,
  ) {
    this.#catalogue = catalogue;
    this.#catalogueSongs = catalogue.songs.map((s) => play('match', s.artist.name, s.title, s.duration));
    const size = Math.min(200_000, Math.max(1_000, 2 * catalogue.songs.length));
    const others: Play[] = [];
    for (let i = 0; i < size; i++) others.push(this.#otherSong(i, size, rng));
    this.#otherSongs = others;
  }

  next(rng: Random): Play {
    const roll = rng.float();
    const { matchRate, nearMissRate } = this.rates;
    if (roll < matchRate) return this.#catalogueSongs[rng.skewedIndex(this.#catalogueSongs.length, POPULARITY)]!;
    if (roll < matchRate + nearMissRate) {
      const song = this.#catalogue.songs[rng.skewedIndex(this.#catalogue.songs.length, POPULARITY)]!;
      return rng.chance(0.5) ? this.#nearArtist(song, rng) : this.#nearDuration(song, rng);
    }
    return this.#otherSongs[rng.skewedIndex(this.#otherSongs.length, POPULARITY)]!;
  }

  #otherSong(index: number, size: number, rng: Random): Play {
    for (;;) {
      let title = songTitle(rng);
      const kind = hostileKindFor(index, size, rng);
      if (kind) title = makeHostile(title, kind, rng);
      // Some plays are other songs by catalogue artists, as real logs have.
      const artist = rng.chance(0.3) ? rng.pick(this.#catalogue.artists).name : artistName(rng);
      const safeTitle = clampUtf8(title, MAX_BYTES.title);
      if (this.#catalogue.has(safeTitle, artist)) continue;
      return play('other', artist, safeTitle, randomDuration(rng));
    }
  }

  #nearArtist(song: Song, rng: Random): Play {
    const candidates = [mojibake(song.artist.name)];
    for (let i = 0; i < 4; i++) candidates.push(rng.pick(this.#catalogue.artists).name);
    const other =
      candidates.find((name) => name !== song.artist.name && !this.#catalogue.has(song.title, name)) ??
      `${song.artist.name} Tribute Band`;
    return play('near-artist', clampUtf8(other, MAX_BYTES.artist), song.title, song.duration);
  }

  #nearDuration(song: Song, rng: Random): Play {
    const off = (0.001 + 0.049 * rng.float()) * (rng.chance(0.5) ? 1 : -1);
    let duration = round5(song.duration * (1 + off));
    while (this.#catalogue.has(song.title, song.artist.name, duration)) duration = round5(duration + 1);
    return play('near-duration', song.artist.name, song.title, duration);
  }
}

function play(kind: PlayKind, artist: string, title: string, seconds: number): Play {
  return {
    kind,
    artistJson: logJsonString(artist),
    songJson: logJsonString(title),
    lengthJson: jsonFloat(seconds),
    seconds,
  };
}
