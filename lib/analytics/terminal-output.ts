/** The answers for people at a terminal (a heading, the answer, the rows as a table) and as JSON for machines. */
import { formatTable } from '../cli';
import type { Answered } from './answer-questions';
import { visibleControls } from './double-encoding';

export function formatAnswers(answered: readonly Answered[]): string {
  return answered
    .map(({ question, text, answer, shown, repaired }) => {
      const heading = `${question.name}: ${text.question}`;
      const note =
        repaired.length === 0
          ? []
          : [`* Shown decoded; stored double-encoded in UTF-8: ${repaired.map((r) => `${r.shown} as ${visibleControls(r.stored)}`).join('; ')}.`];
      return [heading, `→ ${answer}`, shown.length === 0 ? '(no rows)' : formatTable(shown), ...note].join('\n');
    })
    .join('\n\n');
}

export interface AnswersDocument {
  /** Which warehouse answered, as its description says. */
  readonly warehouse: string;
  readonly questions: readonly {
    readonly name: string;
    readonly question: string;
    readonly notes: string;
    readonly answer: string;
    /** As the warehouse holds them. */
    readonly rows: Answered['rows'];
    /** Texts the answer shows decoded, and how they are stored. */
    readonly repaired: Answered['repaired'];
    readonly ms: number;
  }[];
}

export function answersDocument(warehouse: string, answered: readonly Answered[]): AnswersDocument {
  return {
    warehouse,
    questions: answered.map(({ question, text, answer, rows, repaired, ms }) => ({ name: question.name, ...text, answer, rows, repaired, ms })),
  };
}
