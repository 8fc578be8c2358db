import { clampUtf8, utf8Bytes } from './json-text';
import type { Random } from './random';
import { NON_ASCII_WORDS, TITLE_WORDS } from './vocabulary';

/**
 * Strings that break careless loaders: embedded double quotes, apostrophes, commas (CSV), backslashes
 * (escape handling, including a trailing one and a literal `\n`), non-ASCII from several scripts and
 * very long values. Each stays inside the byte limits of the staging columns.
 */
export const HOSTILE_KINDS = ['quote', 'apostrophe', 'comma', 'backslash', 'non-ascii', 'long'] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** The staging tables' VARCHAR limits, in UTF-8 bytes. */
export const MAX_BYTES = {
  artist: 1024,
  title: 1024,
  location: 512,
  userAgent: 1024,
  name: 256,
} as const;

/** `base` made hostile in the given way. `long` yields 300–900 bytes; use it for titles only. */
export function makeHostile(base: string, kind: HostileKind, rng: Random): string {
  const word = capitalize(rng.pick(TITLE_WORDS));
  switch (kind) {
    case 'quote':
      return `${base} "${word}"`;
    case 'apostrophe':
      return `${base} Ain't ${word}'s`;
    case 'comma':
      return `${base}, ${word}, and ${capitalize(rng.pick(TITLE_WORDS))}`;
    case 'backslash':
      return rng.pick([`${base} \\ ${word}`, `${base}\\`, `${base} \\n ${word}`, `C:\\${word}\\${base}`]);
    case 'non-ascii':
      return `${base} ${rng.pick(NON_ASCII_WORDS)}`;
    case 'long':
      return longText(base, rng.int(300, 900), rng);
  }
}

/** A very long value of about `targetBytes`, mixing ASCII and multi-byte words. */
function longText(base: string, targetBytes: number, rng: Random): string {
  let text = base;
  while (utf8Bytes(text) < targetBytes) {
    text += ' ' + (rng.chance(0.15) ? rng.pick(NON_ASCII_WORDS) : rng.pick(TITLE_WORDS));
  }
  return clampUtf8(text, targetBytes).trimEnd();
}

/**
 * UTF-8 read back as Latin-1: how the real logs spell some artists ("BeyoncÃ©"), which then never equal
 * the catalogue's spelling. Unchanged for pure-ASCII input.
 */
export function mojibake(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}

export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
