/** npm run analytics — answer the analysts' questions from the star schema: tables, JSON or an HTML report. */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { answerQuestions, assertLoaded } from '../lib/analytics/answer-questions';
import { renderReport } from '../lib/analytics/html-report';
import { QUESTIONS, selectQuestions } from '../lib/analytics/questions';
import { answersDocument, formatAnswers } from '../lib/analytics/terminal-output';
import { formatMs, runCli, userPath } from '../lib/cli';
import type { Flags } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { addWaitOptions, waitOptions } from '../lib/warehouse/local/cli';
import { openForReading } from '../lib/warehouse/open';
import { addRedshiftOptions, REDSHIFT_ENVIRONMENT_HELP } from '../lib/warehouse/redshift/cli';

const program = new Command('npm run analytics --')
  .description(
    'Answer the analysts\' questions (sql/analytics/*.sql) from the loaded star schema: a readable table per ' +
      'question on the terminal, JSON with --json, or a self-contained HTML report with charts with --html.',
  )
  .option('--json', 'print the answers and their rows as JSON on stdout')
  .option('--html <file>', 'write a self-contained HTML report (charts included, opens with no network) to <file>')
  .option('--only <names>', 'answer only these questions, comma-separated')
  .option('--target <target>', 'where to query: local or redshift (default redshift if cdk-outputs.json is found, else local)')
  .option('--data-dir <dir>', 'folder of the local warehouse (default .warehouse/pgdata)');
addWaitOptions(addRedshiftOptions(program)).addHelpText(
  'after',
  `\nQuestions:\n${QUESTIONS.map((q) => `  ${q.name}`).join('\n')}\n\nExample:\n  npm run analytics -- --html report.html\n${REDSHIFT_ENVIRONMENT_HELP}`,
);

void runCli(program, async () => {
  const flags = program.opts<Flags & { json?: boolean; html?: string; only?: string; wait?: string | boolean }>();
  const questions = selectQuestions(flags.only);
  const htmlFile = flags.html === undefined ? undefined : userPath(flags.html);
  if (htmlFile !== undefined && !(existsSync(dirname(htmlFile)) && statSync(dirname(htmlFile)).isDirectory())) {
    throw new ConfigError(`Cannot write the report to ${htmlFile}: the folder ${dirname(htmlFile)} does not exist.`);
  }
  const started = performance.now();
  const warehouse = await openForReading(flags, waitOptions(flags));
  try {
    const tables = await assertLoaded(warehouse);
    const answered = await answerQuestions(warehouse, questions);
    if (htmlFile !== undefined) {
      writeFileSync(htmlFile, renderReport(answered, { warehouse: warehouse.description, generatedAt: new Date(), tables }));
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(answersDocument(warehouse.description, answered), null, 2)}\n`);
    else if (htmlFile === undefined) process.stdout.write(`${formatAnswers(answered)}\n`);
    const done = `${answered.length} question${answered.length === 1 ? '' : 's'} answered in ${formatMs(Math.round(performance.now() - started))}`;
    process.stderr.write(htmlFile === undefined ? `${done}.\n` : `${done}; report written to ${htmlFile}.\n`);
  } finally {
    await warehouse.close();
  }
});
