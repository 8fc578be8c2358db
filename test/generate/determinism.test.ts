import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../../lib/generate/generate';
import { resolveOptions, type GenerateInput } from '../../lib/generate/options';
import { listFiles, tempDir } from './dataset';

/** Every file's path and SHA-256, for comparing two whole data sets. */
function fingerprint(dir: string, under: string[] = ['song_data', 'log_data']): Map<string, string> {
  const files = under.flatMap((u) => listFiles(dir, u));
  return new Map(files.map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

function generated(input: Omit<GenerateInput, 'out'>): Map<string, string> {
  const work = tempDir('determinism');
  try {
    generate(resolveOptions({ events: 2000, songs: 120, ...input, out: work.dir }));
    return fingerprint(work.dir);
  } finally {
    work.cleanup();
  }
}

describe('determinism', () => {
  it('writes byte-identical files for the same seed', () => {
    expect(generated({ seed: 11 })).toEqual(generated({ seed: 11 }));
  });

  it('writes different files for another seed', () => {
    const a = generated({ seed: 11 });
    const b = generated({ seed: 12 });
    const songs = (m: Map<string, string>) => [...m.keys()].filter((k) => k.startsWith('song_data/'));
    expect(songs(a)).not.toEqual(songs(b));
    const day = 'log_data/2018/11/2018-11-01-events.json';
    expect(a.get(day)).toBeDefined();
    expect(a.get(day)).not.toBe(b.get(day));
  });

  it('keeps the catalogue of a seed when only the number of events changes', () => {
    const songsOnly = (m: Map<string, string>) => [...m].filter(([k]) => k.startsWith('song_data/'));
    expect(songsOnly(generated({ seed: 5, events: 500 }))).toEqual(songsOnly(generated({ seed: 5, events: 5000 })));
  });

  it('spreads events over min(30, events / 270) days by default, or over --days', () => {
    const days = (m: Map<string, string>) => [...m.keys()].filter((k) => k.startsWith('log_data/')).length;
    expect(days(generated({ events: 1000 }))).toBe(4);
    expect(days(generated({ events: 20000, songs: 50 }))).toBe(30);
    const long = generated({ events: 5000, songs: 50, days: 45 });
    expect(days(long)).toBe(45);
    expect([...long.keys()]).toContain('log_data/2018/12/2018-12-15-events.json');
  });
});
