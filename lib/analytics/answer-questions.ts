/** Runs the questions' SQL on a warehouse, once it is known to hold a loaded star schema. */
import { SparkifyError } from '../errors';
import { countAll } from '../pipeline/pipeline';
import { STAR_TABLES, type StarTable } from '../pipeline/tables';
import { quoteLiteral } from '../sql-literals';
import type { Row, Warehouse } from '../warehouse/warehouse';
import { coveredPeriod } from './covered-period';
import { repairDoubleEncoding } from './double-encoding';
import { type Question, type QuestionText, questionSql, questionText } from './questions';

export interface Answered {
  readonly question: Question;
  readonly text: QuestionText;
  /** The sentence that answers the question, or what `whenEmpty` says when there are no rows. */
  readonly answer: string;
  /** The rows as the warehouse holds them. */
  readonly rows: readonly Row[];
  /** The rows as people read them: double-encoded text decoded (the answer is worded from these). */
  readonly shown: readonly Row[];
  /** Each text shown decoded, and what the warehouse stores: the report's footnote. */
  readonly repaired: readonly Repaired[];
  readonly ms: number;
}

export interface Repaired {
  readonly stored: string;
  readonly shown: string;
}

export const EMPTY_WAREHOUSE = 'The warehouse is empty; run npm run etl first.';
const NO_DATA = 'No data: the warehouse holds no rows for this question.';

/**
 * Fails, saying to run the ETL, unless every star table exists and songplays has rows; returns the row
 * count of each star table.
 */
export async function assertLoaded(warehouse: Warehouse): Promise<Record<StarTable, number>> {
  const present = await warehouse.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = CURRENT_SCHEMA() AND table_name IN (${STAR_TABLES.map(quoteLiteral).join(', ')})`,
  );
  const missing = STAR_TABLES.filter((t) => !present.some((p) => p.table_name === t));
  if (missing.length === STAR_TABLES.length) throw new SparkifyError(EMPTY_WAREHOUSE);
  if (missing.length > 0) {
    // A warehouse loaded before a star table was added to the pipeline: the next ETL run builds it.
    throw new SparkifyError(`The warehouse has no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''} yet; run npm run etl first.`);
  }
  const counts = await countAll(warehouse);
  if (counts.songplays === 0) throw new SparkifyError(EMPTY_WAREHOUSE);
  return counts;
}

/** Runs each question in turn and words its answer; a failing question fails the run, named. */
export async function answerQuestions(warehouse: Warehouse, questions: readonly Question[]): Promise<Answered[]> {
  const answered: Answered[] = [];
  const period = await coveredPeriod(warehouse);
  for (const question of questions) {
    const started = performance.now();
    let rows: Row[];
    try {
      rows = await warehouse.query(questionSql(question.name));
    } catch (e) {
      if (!(e instanceof SparkifyError)) throw e;
      throw new SparkifyError(`The question ${question.name} (sql/analytics/${question.name}.sql) failed: ${e.message}`, e.exitCode, { cause: e });
    }
    const ms = Math.round(performance.now() - started);
    const { shown, repaired } = readable(rows);
    const answer = shown.length === 0 ? (question.whenEmpty ?? NO_DATA) : question.answer(shown);
    answered.push({ question, text: questionText(question.name, period), answer, rows, shown, repaired, ms });
  }
  return answered;
}

/** The rows with double-encoded text decoded, and the list of what was decoded (each text once). */
function readable(rows: readonly Row[]): { shown: Row[]; repaired: Repaired[] } {
  const repaired = new Map<string, string>();
  const shown = rows.map((row) => {
    const out: Row = {};
    for (const [column, value] of Object.entries(row)) {
      const fixed = typeof value === 'string' ? repairDoubleEncoding(value) : undefined;
      if (fixed !== undefined) repaired.set(value as string, fixed);
      out[column] = fixed ?? value;
    }
    return out;
  });
  return { shown, repaired: [...repaired].map(([stored, text]) => ({ stored, shown: text })) };
}
