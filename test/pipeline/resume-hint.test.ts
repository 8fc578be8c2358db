/** The command a failed or interrupted range says to resume with: the same source, warehouse and target. */
import { execFileSync } from 'node:child_process';
import { choosingArgs, resumeCommand, shellQuote } from '../../lib/pipeline/resume-hint';

test('every flag that chose the source, the warehouse or the target is repeated; the rest are not', () => {
  // npm run etl's flags as commander gives them (scripts/etl.ts).
  const flags = {
    source: '/data/sparkify',
    target: 'redshift',
    dataDir: undefined,
    maxErrors: '3',
    workgroup: 'sparkify',
    database: 'mart',
    region: 'eu-west-1',
    secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sparkify-admin-AbCdEf',
    statementTimeout: '600',
    from: '2018-11-01',
    to: '2018-11-30',
    strict: true,
    staleAfter: '6',
    wait: '10',
    json: true,
  };
  expect(resumeCommand('2018-11-05', '2018-11-30', choosingArgs(flags))).toBe(
    'npm run etl -- --from 2018-11-05 --to 2018-11-30 --target redshift --source /data/sparkify --max-errors 3 --workgroup sparkify ' +
      '--database mart --region eu-west-1 --secret-arn arn:aws:secretsmanager:eu-west-1:123456789012:secret:sparkify-admin-AbCdEf --statement-timeout 600',
  );
  expect(resumeCommand('2018-11-05', '2018-11-05', [])).toBe('npm run etl -- --date 2018-11-05');
});

test('arguments are quoted so that a POSIX shell reads back exactly what was given', () => {
  const awkward = ['my data', "it's", 'a"b', '$HOME', '`x`', 'a\\b', '*', 'new\nline', '', '--data-dir=x', 'plain/path-1.2'];
  const words = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${awkward.map(shellQuote).join(' ')}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
  expect(words).toEqual(awkward);
  expect(shellQuote('plain/path-1.2')).toBe('plain/path-1.2');
});
