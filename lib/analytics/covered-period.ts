/**
 * The period the data covers, defined once for every note that depends on it. Questions that compare
 * periods (plays_by_*.sql) mark the periods the data covers only in part, or divide plays by the days
 * covered; their headers write `{covered period}` where this definition goes, and the report fills in the
 * loaded data's own dates, so a note never states a period the data does not have.
 */
import { readSql } from '../pipeline/sql-files';
import type { Warehouse } from '../warehouse/warehouse';

/** Where a question's header takes the definition. */
export const COVERED_PERIOD_TOKEN = '{covered period}';

export const COVERED_PERIOD =
  "The data's span is taken in whole hours, from the start of the hour of the first play to the end of the hour of the last";

/** Minutes in UTC, `YYYY-MM-DD HH:MM`. */
export interface CoveredPeriod {
  readonly firstPlay: string;
  readonly lastPlay: string;
  /** The start of the first play's hour. */
  readonly starts: string;
  /** The end of the last play's hour. */
  readonly ends: string;
}

/** The loaded data's period; undefined when songplays is empty. */
export async function coveredPeriod(warehouse: Warehouse): Promise<CoveredPeriod | undefined> {
  const [row] = await warehouse.query<{ first_play: string | null; last_play: string; starts: string; ends: string }>(readSql('report/covered_period.sql'));
  if (row === undefined || row.first_play === null) return undefined;
  return { firstPlay: row.first_play, lastPlay: row.last_play, starts: row.starts, ends: row.ends };
}

/** The definition, with the data's own period when it is known. */
export function coveredPeriodNote(period?: CoveredPeriod): string {
  if (period === undefined) return `${COVERED_PERIOD}.`;
  return `${COVERED_PERIOD}: here ${period.starts} to ${period.ends} UTC (the first play at ${period.firstPlay}, the last at ${period.lastPlay}).`;
}
