import { capitalize } from './hostile';
import type { Random } from './random';
import {
  BAND_ADJECTIVES,
  BAND_NOUNS,
  FEMALE_FIRST_NAMES,
  LAST_NAMES,
  MALE_FIRST_NAMES,
  TITLE_SUFFIXES,
  TITLE_WORDS,
} from './vocabulary';

/** Plain (not hostile) song titles and artist names, varied enough that large catalogues rarely repeat. */

export function songTitle(rng: Random): string {
  const words: string[] = [];
  for (let n = rng.int(1, 4); n > 0; n--) words.push(capitalize(rng.pick(TITLE_WORDS)));
  const title = words.join(' ');
  return rng.chance(0.12) ? title + rng.pick(TITLE_SUFFIXES) : title;
}

const BAND_SUFFIXES = ['', '', '', ' Band', ' Trio', ' Orchestra', ' Collective', ' Project', ' Revival', ' Experience'];

export function artistName(rng: Random): string {
  const person = () => `${rng.pick(rng.chance(0.5) ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
  const band = () => `${rng.pick(BAND_ADJECTIVES)} ${rng.pick(BAND_NOUNS)}${rng.pick(BAND_SUFFIXES)}`;
  const roll = rng.float();
  if (roll < 0.3) return `The ${band()}`;
  if (roll < 0.6) return person();
  if (roll < 0.72) return band();
  if (roll < 0.82) return `${person()} & The ${rng.pick(BAND_NOUNS)}`;
  if (roll < 0.87) return `DJ ${capitalize(rng.pick(TITLE_WORDS))}`;
  return `${capitalize(rng.pick(TITLE_WORDS))} ${capitalize(rng.pick(TITLE_WORDS))}`;
}
