import { clampUtf8, jsonFloat, logJsonString, songJsonString, utf8Bytes } from '../../lib/generate/json-text';
import { EventQueue } from '../../lib/generate/event-queue';

describe('JSON text as the real files spell it', () => {
  it('keeps the .0 of whole floats, which JSON.stringify drops', () => {
    expect(jsonFloat(1540919166796)).toBe('1540919166796.0');
    expect(jsonFloat(246.30812)).toBe('246.30812');
    expect(JSON.parse(jsonFloat(218))).toBe(218);
  });

  it('escapes non-ASCII as lower-case \\u escapes, astral characters as surrogate pairs', () => {
    // The real song file TRABBJE12903CDB442.json writes "Clementina Santaf\u00e8".
    expect(songJsonString('Clementina Santafè')).toBe('"Clementina Santaf\\u00e8"');
    expect(songJsonString('🎵')).toBe('"\\ud83c\\udfb5"');
    expect(JSON.parse(songJsonString('東京の夜 🎸'))).toBe('東京の夜 🎸');
  });

  it('escapes / only in the event logs, as the real ones', () => {
    expect(logJsonString('Mozilla/5.0')).toBe('"Mozilla\\/5.0"');
    expect(songJsonString('AC/DC')).toBe('"AC/DC"');
    const hostile = 'a "q", back\\slash/ Ça va';
    expect(JSON.parse(logJsonString(hostile))).toBe(hostile);
    expect(/^[\x20-\x7e]*$/.test(logJsonString(hostile))).toBe(true);
  });

  it('clamps to a byte budget without splitting a character', () => {
    const text = 'aé東🎵'.repeat(50);
    for (const max of [0, 1, 2, 3, 5, 6, 9, 100]) {
      const clamped = clampUtf8(text, max);
      expect(utf8Bytes(clamped)).toBeLessThanOrEqual(max);
      expect(text.startsWith(clamped)).toBe(true);
      expect(clamped).not.toMatch(/[\ud800-\udbff]$/);
    }
  });
});

describe('EventQueue', () => {
  it('drains by time, ties in insertion order, and only what is earlier than asked', () => {
    const q = new EventQueue();
    [[5, 'e'], [1, 'a'], [3, 'c1'], [3, 'c2'], [2, 'b'], [9, 'z']].forEach(([ts, l]) => q.push(ts as number, l as string));
    const out: string[] = [];
    q.drainBefore(4, (_, l) => out.push(l));
    expect(out).toEqual(['a', 'b', 'c1', 'c2']);
    q.drainAll((_, l) => out.push(l));
    expect(out).toEqual(['a', 'b', 'c1', 'c2', 'e', 'z']);
    expect(q.size).toBe(0);
  });
});
