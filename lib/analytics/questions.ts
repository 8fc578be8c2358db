/**
 * The analysts' questions, in report order. Each is a SQL file under sql/analytics/ (named like the question)
 * whose first comment line asks the question; here each gets the sentence that answers it from its rows and,
 * where a picture says it better than a table, the chart that draws them.
 */
import { ConfigError } from '../errors';
import { readSql } from '../pipeline/sql-files';
import type { Row, SqlValue } from '../warehouse/warehouse';
import { COVERED_PERIOD_TOKEN, type CoveredPeriod, coveredPeriodNote } from './covered-period';
import { capitalised, count, extremes, hourSpan, howMany, isTrue, list, monthName, ordinal, pct, tiesBeyondCut, userName } from './wording';

/** A bar chart of the rows: one bar (or one stacked segment) per series and row. */
export interface ChartSpec {
  /** Bars grow to the right, one row per line: for long category names and top-ten lists. */
  readonly horizontal?: boolean;
  /** The axis label of a row. */
  readonly category: (row: Row) => string;
  /** The columns to draw, each with its legend name. */
  readonly series: readonly { readonly column: string; readonly name: string }[];
  /** Stack the series into one bar per row. */
  readonly stacked?: boolean;
  /** Appended to values on the value axis and labels (for percentages). */
  readonly unit?: string;
}

export interface Question {
  /** The SQL file under sql/analytics/, without `.sql`; what `--only` takes. */
  readonly name: string;
  /** The sentence that answers the question; called only with at least one row. */
  readonly answer: (rows: readonly Row[]) => string;
  /** What the answer says when the query returns no rows. */
  readonly whenEmpty?: string;
  readonly chart?: ChartSpec;
}

/** The question as the SQL file's header asks it, and the header's other lines: how it is counted. */
export interface QuestionText {
  readonly question: string;
  readonly notes: string;
}

export const QUESTIONS: readonly Question[] = [
  {
    name: 'free_vs_paid',
    answer: (rows) =>
      `Users by current level: ${list(rows.map((r) => `${count(r['users'])} ${r['level']} (${pct(r['pct_users'])})`))}. ` +
      `Plays by level at the time: ${list(rows.map((r) => `${count(r['plays'])} ${r['level']} (${pct(r['pct_plays'])})`))}.`,
    chart: {
      category: (r) => String(r['level']),
      series: [
        { column: 'pct_users', name: 'share of users' },
        { column: 'pct_plays', name: 'share of plays' },
      ],
      unit: '%',
    },
  },
  {
    name: 'free_and_paid_users',
    answer: (rows) => {
      const paidNow = rows.filter((r) => r['current_level'] === 'paid').length;
      const first = rows[0]!;
      return (
        `${count(rows.length)} user${rows.length === 1 ? '' : 's'} played both as free and as paid; ${howMany(paidNow, rows.length)} ${paidNow === 1 ? 'is' : 'are'} paid now. ` +
        `${userName(first)} (user ${first['user_id']}) played the most: ${count(first['free_plays'])} free, ${count(first['paid_plays'])} paid.`
      );
    },
    whenEmpty: 'No user played both as free and as paid.',
    chart: {
      horizontal: true,
      category: (r) => userName(r),
      series: [
        { column: 'free_plays', name: 'free plays' },
        { column: 'paid_plays', name: 'paid plays' },
      ],
      stacked: true,
    },
  },
  {
    name: 'top_users',
    answer: (rows) => {
      const [first, ...rest] = rows;
      const paid = rows.filter((r) => r['current_level'] === 'paid').length;
      return (
        `${userName(first!)} (user ${first!['user_id']}, ${first!['current_level']} now) played the most songs: ${count(first!['plays'])}` +
        (rest.length > 0 ? `, then ${list(rest.slice(0, 2).map((r) => `${userName(r)} (${count(r['plays'])})`))}` : '') +
        `. Of the top ${count(rows.length)}, ${howMany(paid, rows.length)} ${paid === 1 ? 'is' : 'are'} paid users now.` +
        tiesBeyondCut(rows, 'plays', 'users', 'plays')
      );
    },
    chart: { horizontal: true, category: (r) => userName(r), series: [{ column: 'plays', name: 'plays' }] },
  },
  {
    name: 'operating_systems',
    answer: (rows) => {
      const [first, ...rest] = rows;
      return (
        `Most plays come from ${first!['os_name']} (${pct(first!['pct_plays'])}, ${count(first!['plays'])} plays by ${count(first!['users'])} users)` +
        (rest.length > 0 ? `, then ${list(rest.map((r) => `${r['os_name']} (${pct(r['pct_plays'])})`))}` : '') +
        '.'
      );
    },
    chart: { horizontal: true, category: (r) => String(r['os_name']), series: [{ column: 'plays', name: 'plays' }] },
  },
  {
    name: 'top_metro_areas',
    answer: (rows) => {
      const [first, second] = rows;
      return (
        `Most users live in ${first!['metro_area']} (${count(first!['users'])})` +
        (second ? `, then ${second['metro_area']} (${count(second['users'])})` : '') +
        '.' +
        tiesBeyondCut(rows, 'users', 'metro areas', 'users')
      );
    },
    chart: { horizontal: true, category: (r) => String(r['metro_area']), series: [{ column: 'users', name: 'users' }] },
  },
  {
    name: 'top_states',
    answer: (rows) => {
      const states = rows.filter((r) => r['state'] !== 'Unknown');
      return (
        `${list(rows.slice(0, 3).map((r) => `${r['state']} (${count(r['users'])})`))} have the most users; ` +
        `users live in ${count(states.length)} state${states.length === 1 ? '' : 's'} in all.`
      );
    },
    chart: { category: (r) => String(r['state']), series: [{ column: 'users', name: 'users' }] },
  },
  {
    name: 'gender',
    answer: (rows) => {
      const of = (gender: string) => rows.find((r) => r['gender'] === gender);
      const female = of('F');
      const male = of('M');
      const users = (r: Row | undefined) => Number(r?.['users'] ?? 0);
      const verdict =
        users(female) === users(male) ? 'As many female as male users' : users(female) > users(male) ? 'More female users' : 'More male users';
      return (
        `${verdict}: ${count(users(female))} female (${pct(female?.['pct_users'])}), ${count(users(male))} male (${pct(male?.['pct_users'])}). ` +
        `Female users made ${pct(female?.['pct_plays'])} of plays, male users ${pct(male?.['pct_plays'])}.`
      );
    },
    chart: {
      category: (r) => ({ F: 'female', M: 'male' })[String(r['gender'])] ?? String(r['gender']),
      series: [
        { column: 'pct_users', name: 'share of users' },
        { column: 'pct_plays', name: 'share of plays' },
      ],
      unit: '%',
    },
  },
  {
    name: 'top_songs',
    answer: (rows) => {
      const first = rows[0]!;
      return (
        `The most played song is “${first['song_title']}” by ${first['artist_name']} (${count(first['plays'])} plays). ${inCatalogue(rows, 'song_id')}` +
        tiesBeyondCut(rows, 'plays', 'songs', 'plays')
      );
    },
    chart: { horizontal: true, category: (r) => `${r['song_title']} — ${r['artist_name']}`, series: [{ column: 'plays', name: 'plays' }] },
  },
  {
    name: 'top_artists',
    answer: (rows) => {
      const [first, second] = rows;
      return (
        `${first!['artist_name']} is the most played artist (${count(first!['plays'])} plays of ${count(first!['songs'])} songs)` +
        (second ? `, then ${second['artist_name']} (${count(second['plays'])})` : '') +
        `. ${inCatalogue(rows, 'artist_id')}` +
        tiesBeyondCut(rows, 'plays', 'artists', 'plays')
      );
    },
    chart: { horizontal: true, category: (r) => String(r['artist_name']), series: [{ column: 'plays', name: 'plays' }] },
  },
  {
    name: 'catalogue_size',
    answer: ([r]) =>
      `The catalogue holds ${count(r!['songs'])} songs by ${count(r!['artists'])} artists; the plays name ${count(r!['songs_played'])} ` +
      `different songs by ${count(r!['artists_played'])} artists, and ${count(r!['plays_matched'])} of ${count(r!['plays'])} plays matched a catalogue song.`,
  },
  {
    name: 'plays_by_year',
    answer: (rows) => busiest(rows, (r) => String(r['year']), 'year'),
    chart: { category: (r) => String(r['year']), series: [{ column: 'plays', name: 'plays' }] },
  },
  {
    name: 'plays_by_month',
    answer: (rows) => busiest(rows, (r) => `${monthName(r['month'])} ${r['year']}`, 'month'),
    chart: { category: (r) => `${r['year']}-${String(r['month']).padStart(2, '0')}`, series: [{ column: 'plays', name: 'plays' }] },
  },
  {
    name: 'plays_by_week',
    answer: (rows) => busiest(rows, (r) => `week ${r['week']} (from ${r['week_start']})`, 'ISO week'),
    chart: { category: (r) => `W${r['week']} · ${r['week_start']}`, series: [{ column: 'plays', name: 'plays' }] },
  },
  {
    name: 'plays_by_day',
    answer: (rows) => busiest(rows, (r) => `the ${ordinal(r['day'])}`, 'day of the month'),
    chart: { category: (r) => String(r['day']), series: [{ column: 'plays', name: 'plays' }] },
  },
  {
    name: 'plays_by_weekday',
    answer: (rows) => busiestPerDay(rows, (r) => String(r['weekday_name']), 'weekdays'),
    chart: { category: (r) => String(r['weekday_name']).slice(0, 3), series: [{ column: 'plays_per_day', name: 'plays a day' }] },
  },
  {
    name: 'plays_by_hour',
    answer: (rows) => busiestPerDay(rows, (r) => `${hourSpan(r['hour'])} UTC`, 'hours'),
    chart: { category: (r) => `${String(r['hour']).padStart(2, '0')}:00`, series: [{ column: 'plays_per_day', name: 'plays a day' }] },
  },
];

/**
 * "The busiest hour is …; the quietest …", or, with one row, that all plays fall in it. Periods the data covers
 * only in part (a `partial` column: the data starts 2018-11-01 21:01) are left out of the comparison and
 * named, so a part-day is never "the quietest".
 */
function busiest(rows: readonly Row[], label: (row: Row) => string, unit: string): string {
  const partial = rows.filter((r) => isTrue(r['partial']));
  const full = rows.filter((r) => !isTrue(r['partial']));
  if (rows.length === 1) {
    return `All ${count(rows[0]!['plays'])} plays fall in ${label(rows[0]!)}${partial.length > 0 ? ', which the data covers only in part' : ''}.`;
  }
  const leftOut =
    partial.length === 0
      ? ''
      : ` ${capitalised(list(partial.map(label)))} ${partial.length === 1 ? 'is' : 'are'} left out of the comparison: the data covers only part of ${partial.length === 1 ? 'it' : 'them'}.`;
  if (full.length === 0) return `The data covers no ${unit} in full, so none is compared.${leftOut}`;
  if (full.length === 1) return `Only ${label(full[0]!)} is covered in full, with ${count(full[0]!['plays'])} plays.${leftOut}`;
  const { most, fewest } = extremes(full, 'plays');
  return `The busiest ${unit} is ${label(most)} with ${count(most['plays'])} plays; the quietest is ${label(fewest)} with ${count(fewest['plays'])}.${leftOut}`;
}

/**
 * Weekdays and clock hours recur, and the data covers some more often than others (five Fridays but four
 * Mondays in a month; the first and last day in part): they are compared by plays per day covered
 * (`plays_per_day`, over `days`), and the answer says so when the coverage differs.
 */
function busiestPerDay(rows: readonly Row[], label: (row: Row) => string, units: string): string {
  // Numbers as the table shows them: a rate to its tenth when it has one (18.7, 341), days as they are (4, 4.13).
  const number = (value: SqlValue | undefined, min: number, max: number) => Number(value).toLocaleString('en-US', { minimumFractionDigits: min, maximumFractionDigits: max });
  const rate = (row: Row) => `${number(row['plays_per_day'], 0, 1)} plays a day (${count(row['plays'])} over ${number(row['days'], 0, 2)} days)`;
  if (rows.length === 1) return `All ${count(rows[0]!['plays'])} plays fall in ${label(rows[0]!)}.`;
  const { most, fewest } = extremes(rows, 'plays_per_day');
  const days = rows.map((r) => Number(r['days']));
  const unequal =
    Math.min(...days) === Math.max(...days)
      ? ''
      : ` The data covers ${units} unequally (from ${number(Math.min(...days), 0, 2)} to ${number(Math.max(...days), 0, 2)} days each), so each is compared per day covered.`;
  return `The busiest ${units.slice(0, -1)} is ${label(most)} with ${rate(most)}; the quietest is ${label(fewest)} with ${rate(fewest)}.${unequal}`;
}

/** How many of a top list the catalogue knows, by whether the catalogue id is set. */
function inCatalogue(rows: readonly Row[], idColumn: string): string {
  const known = rows.filter((r) => r[idColumn] !== null && r[idColumn] !== undefined).length;
  const which = howMany(known, rows.length);
  return `${which.charAt(0).toUpperCase()}${which.slice(1)} ${known === 1 || known === 0 ? 'is' : 'are'} in the song catalogue.`;
}

/** The statement of a question, read from its file. */
export function questionSql(name: string): string {
  return readSql(`analytics/${name}.sql`);
}

/**
 * The header of a question's SQL file: its first comment line asks the question, the others say how it is
 * counted, with the one definition of the covered period (and the data's own, when given) where they name it.
 */
export function questionText(name: string, period?: CoveredPeriod): QuestionText {
  const header: string[] = [];
  for (const line of questionSql(name).split('\n')) {
    if (!line.startsWith('--')) break;
    header.push(line.replace(/^--\s?/, '').trim());
  }
  return { question: header[0] ?? name, notes: header.slice(1).join(' ').replaceAll(COVERED_PERIOD_TOKEN, coveredPeriodNote(period)) };
}

/**
 * The questions `--only` names (comma-separated), in report order; all of them without a selection.
 * An unknown name is a usage error that lists the valid ones.
 */
export function selectQuestions(only?: string): readonly Question[] {
  if (only === undefined) return QUESTIONS;
  const names = only.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !QUESTIONS.some((q) => q.name === n));
  if (names.length === 0 || unknown.length > 0) {
    throw new ConfigError(
      `${unknown.length > 0 ? `Unknown question ${unknown.map((n) => JSON.stringify(n)).join(', ')}` : '--only needs a question name'}. ` +
        `The questions are: ${QUESTIONS.map((q) => q.name).join(', ')}.`,
    );
  }
  return QUESTIONS.filter((q) => names.includes(q.name));
}
