/**
 * A generated history of loads: a first load (a full run, or a new warehouse's first day with
 * --reload-catalogue), then loads of days, changes to days' files (events removed, added, altered) and new
 * catalogues reloaded with --reload-catalogue, in a generated order; then every day whose file changed since
 * it was last loaded is loaded again, in a generated order. The warehouse must then equal the model of the
 * final files.
 *
 * `--new` (every day the warehouse lacks or whose file changed) takes part too: as the first load of a new
 * warehouse, as a step between others, and as the catch-up at the end instead of loading each changed day
 * with --date.
 */
import fc from 'fast-check';
import type { Reader, SourceSettings } from '../../lib/config';
import { DEFAULT_SOURCES } from '../../lib/config';
import { runEtl } from '../../lib/pipeline/etl-run';
import { localFiles } from '../../lib/pipeline/local-files';
import type { Warehouse } from '../../lib/warehouse/warehouse';
import { applyCatalogue, applyEdit, source, type Step, steps } from './arbitraries';
import { type DayFile, type Source, sourceText, type SongFile, dayPath, writeDay, writeSongs, writeSource } from './source';

export interface History {
  readonly initial: Source;
  readonly start: 'full' | 'first day' | 'new';
  readonly steps: readonly (Step | { readonly kind: 'new' })[];
  /** How the changed days are loaded at the end: each with --date, or one --new run. */
  readonly catchUp: 'date' | 'new';
  /** The catch-up's order: day i is loaded by ascending order[i]. */
  readonly order: readonly number[];
  readonly readers: readonly Reader[];
  /** Settings the local warehouse cannot tell apart, which the statements sent must still carry as given. */
  readonly settings: Pick<SourceSettings, 'region' | 'songsRegion' | 'iamRole' | 'maxErrors'>;
}

/** Source settings the COPY statements carry: regions, the IAM role (default or an ARN), MAXERROR. */
export const sourceSettings = fc.record(
  {
    region: fc.constantFrom('us-west-2', 'eu-central-1', 'us-gov-west-1'),
    songsRegion: fc.constantFrom('eu-west-1', 'ap-southeast-2'),
    iamRole: fc.constantFrom('default', 'arn:aws:iam::123456789012:role/sparkify-copy', 'arn:aws-cn:iam::210987654321:role/path/to/Role_1'),
    maxErrors: fc.constantFrom(0, 1, 2, 100000),
  },
  { requiredKeys: ['region', 'iamRole', 'maxErrors'] },
);

export const READERS: readonly Reader[] = [
  { kind: 'group', name: 'analysts' },
  { kind: 'role', name: 'bi_reader' },
];

export const history: fc.Arbitrary<History> = fc
  .record({
    initial: source,
    start: fc.constantFrom('full' as const, 'first day' as const, 'new' as const),
    steps: fc.tuple(steps, fc.array(fc.nat(), { maxLength: 1 })).map(([s, at]) => {
      const out: History['steps'][number][] = [...s];
      for (const i of at) out.splice(i % (s.length + 1), 0, { kind: 'new' });
      return out;
    }),
    catchUp: fc.constantFrom('date' as const, 'new' as const),
    order: fc.array(fc.nat(9), { minLength: 3, maxLength: 3 }),
    readers: fc.subarray([...READERS]),
    settings: sourceSettings,
  })
  .map((h) => Object.defineProperty(h, fc.toStringMethod, { value: () => historyText(h), enumerable: false }));

/** What a history did, step by step, with each file as it was written: a counterexample's print. */
export function historyText(h: History): string {
  const lines = [`first: ${h.start}, readers: ${h.readers.map((r) => `${r.kind}:${r.name}`).join(',') || 'none'}, settings: ${JSON.stringify(h.settings)}`, sourceText(h.initial)];
  for (const a of actions(h)) {
    if (a.kind === 'load') lines.push(a.mode === 'full' ? 'load all (full run)' : a.mode === 'new' ? 'load --new' : `load ${a.day}${a.reloadCatalogue ? ' --reload-catalogue' : ''}`);
    else if (a.kind === 'day') lines.push(`change ${dayPath(a.day)} to:`, ...a.file.events.map((e) => `    ${JSON.stringify(e)}`));
    else lines.push('change the catalogue to:', ...a.songs.map((s) => `    ${JSON.stringify(s.record)}`));
  }
  return `\n${lines.join('\n')}\n`;
}

/** A load (a full run when day is undefined) or a file written. */
type Action =
  | { readonly kind: 'load'; readonly mode: 'full' | 'day' | 'new'; readonly day?: string; readonly reloadCatalogue?: boolean }
  | { readonly kind: 'day'; readonly day: string; readonly file: DayFile }
  | { readonly kind: 'songs'; readonly songs: readonly SongFile[] };

/** The loads and file changes of a history, in order. */
export function actions(h: History): Action[] {
  const out: Action[] = [];
  const days = Object.keys(h.initial.days);
  const files: Record<string, DayFile> = { ...h.initial.days };
  let songs = h.initial.songs;
  const loaded = new Set<string>();
  const load = (day: string, reloadCatalogue = false) => {
    out.push({ kind: 'load', mode: 'day', day, reloadCatalogue });
    loaded.add(day);
  };
  /** A full run, or --new: every day is loaded from its current file after it. */
  const loadAll = (mode: 'full' | 'new') => {
    out.push({ kind: 'load', mode });
    days.forEach((d) => loaded.add(d));
  };
  if (h.start === 'first day') load(days[0]!, true);
  else loadAll(h.start);
  for (const step of h.steps) {
    if (step.kind === 'new') {
      loadAll('new');
      continue;
    }
    const day = days[step.day % days.length]!;
    if (step.kind === 'load') load(day);
    else if (step.kind === 'edit') {
      files[day] = applyEdit(day, files[day]!, step);
      out.push({ kind: 'day', day, file: files[day]! });
      loaded.delete(day);
    } else {
      songs = applyCatalogue(songs, step);
      out.push({ kind: 'songs', songs });
      load(day, true);
    }
  }
  const pending = days.filter((d) => !loaded.has(d));
  if (h.catchUp === 'new') loadAll('new');
  else for (const day of catchUpOrder(pending, days, h.order)) load(day);
  return out;
}

/** The days whose file changed since they were last loaded, in the history's order, for --date one by one. */
function catchUpOrder(pending: readonly string[], days: readonly string[], order: readonly number[]): string[] {
  return [...pending].sort((a, b) => order[days.indexOf(a)]! - order[days.indexOf(b)]! || (a < b ? -1 : 1));
}

/** A statement the pipeline sent, and the load it was sent by (a day's, a full run's or a --new run's). */
export interface SentStatement {
  readonly sql: string;
  readonly day: string | undefined;
  readonly mode: 'full' | 'day' | 'new';
}

/**
 * Plays a history on a warehouse whose bucket `udacity-dend` is `dir`; returns every statement the runs sent,
 * as they sent them (Redshift's text, before the local warehouse translates it).
 */
export async function playHistory(warehouse: Warehouse, dir: string, h: History): Promise<SentStatement[]> {
  writeSource(dir, h.initial);
  const sent: SentStatement[] = [];
  let day: string | undefined;
  let mode: SentStatement['mode'] = 'full';
  const recording: Warehouse = {
    description: warehouse.description,
    run: (statements, options) => {
      sent.push(...statements.map((s) => ({ sql: s.sql, day, mode })));
      return warehouse.run(statements, options);
    },
    query: (sql, params) => warehouse.query(sql, params),
    close: () => warehouse.close(),
  };
  const options = { sources: historySources(h), target: 'property test', runBy: 'jest', readers: h.readers, listFiles: localFiles({ 'udacity-dend': dir }) };
  for (const a of actions(h)) {
    if (a.kind === 'day') writeDay(dir, a.day, a.file);
    else if (a.kind === 'songs') writeSongs(dir, a.songs);
    else {
      ({ day, mode } = a);
      await runEtl(recording, a.mode === 'day' ? { mode: 'day', from: a.day!, to: a.day!, strict: false, reloadCatalogue: a.reloadCatalogue ?? false } : { mode: a.mode }, options);
    }
  }
  return sent;
}

export function historySources(h: History): SourceSettings {
  return { ...DEFAULT_SOURCES, ...h.settings };
}
