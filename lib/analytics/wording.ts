/** Small helpers that turn query values into the words of an answer. */
import type { Row, SqlValue } from '../warehouse/warehouse';

/** A count as people read it: 6,820. Values arrive as numbers locally and may arrive as text from the Data API. */
export function count(value: SqlValue | undefined): string {
  return Number(value ?? 0).toLocaleString('en-US');
}

/** A percentage as the queries round it: 77.3%. */
export function pct(value: SqlValue | undefined): string {
  return `${Number(value ?? 0)}%`;
}

/** How many of a group: "all 8", "none of the 10", "3 of the 10". */
export function howMany(some: number, all: number): string {
  if (some === all) return all === 1 ? 'the one' : `all ${count(all)}`;
  return some === 0 ? `none of the ${count(all)}` : `${count(some)} of the ${count(all)}`;
}

/** "a", "a and b", "a, b and c". */
export function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The rows with the most and the fewest of `column`; on a tie, the first in the query's order. */
export function extremes(rows: readonly Row[], column: string): { most: Row; fewest: Row } {
  let most = rows[0]!;
  let fewest = rows[0]!;
  for (const row of rows) {
    if (Number(row[column]) > Number(most[column])) most = row;
    if (Number(row[column]) < Number(fewest[column])) fewest = row;
  }
  return { most, fewest };
}

/** First and last name, or the user id when the warehouse has no name. */
export function userName(row: Row): string {
  const name = [row['first_name'], row['last_name']].filter((part) => part !== null && part !== undefined).join(' ');
  return name === '' ? `user ${String(row['user_id'])}` : name;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function monthName(month: SqlValue | undefined): string {
  return MONTHS[Number(month) - 1] ?? `month ${String(month)}`;
}

/** 1st, 2nd, 3rd, 11th, 22nd. */
export function ordinal(value: SqlValue | undefined): string {
  const n = Number(value);
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** An hour of the day as a one-hour span: 16:00–17:00. */
export function hourSpan(hour: SqlValue | undefined): string {
  const h = Number(hour);
  return `${String(h).padStart(2, '0')}:00–${String((h + 1) % 24).padStart(2, '0')}:00`;
}

/** A flag column: a boolean locally, and possibly text ('t', 'true') where a driver sends it so. */
export function isTrue(value: SqlValue | undefined): boolean {
  return value === true || value === 't' || value === 'true';
}

/** "The 1st" from "the 1st": for a sentence that starts with a label. */
export function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/**
 * What a top list cut at its last row leaves out of a tie, from the query's rank and tied columns: " 7 more
 * metro areas also have 2 users each, tied with the last shown; the list stops at 10." — or nothing.
 */
export function tiesBeyondCut(rows: readonly Row[], column: string, things: string, unit: string): string {
  const last = rows[rows.length - 1];
  if (last === undefined) return '';
  const more = Number(last['rank']) + Number(last['tied']) - 1 - rows.length;
  if (!(more > 0)) return '';
  return ` ${count(more)} more ${things} also ${more === 1 ? 'has' : 'have'} ${count(last[column])} ${unit}${more === 1 ? '' : ' each'}, tied with the last shown; the list stops at ${rows.length}.`;
}
