/** The answers for people at a terminal (a heading, the answer, the rows as a table) and as JSON for machines. */
import { formatTable } from '../cli';
import type { Answered } from './answer-questions';

export function formatAnswers(answered: readonly Answered[]): string {
  return answered
    .map(({ question, text, answer, rows }) => {
      const heading = `${question.name}: ${text.question}`;
      return [heading, `→ ${answer}`, rows.length === 0 ? '(no rows)' : formatTable(rows)].join('\n');
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
    readonly rows: Answered['rows'];
    readonly ms: number;
  }[];
}

export function answersDocument(warehouse: string, answered: readonly Answered[]): AnswersDocument {
  return {
    warehouse,
    questions: answered.map(({ question, text, answer, rows, ms }) => ({ name: question.name, ...text, answer, rows, ms })),
  };
}
