/**
 * The statements whose text matters on Redshift where the local warehouse cannot tell (it ignores REGION and
 * IAM_ROLE, and grants to a GROUP and a ROLE alike), read by the syntax Redshift documents:
 *
 * - COPY (https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html and its parameter pages):
 *   `COPY table FROM 's3://…' IAM_ROLE { default | 'arn:aws:iam::<account>:role/<name>' }
 *   FORMAT [AS] JSON [AS] { 'auto' | 'auto ignorecase' | 's3://jsonpaths_file' } REGION [AS] 'aws-region'
 *   TIMEFORMAT [AS] { 'auto' | 'epochsecs' | 'epochmillisecs' | 'format' } BLANKSASNULL EMPTYASNULL
 *   MAXERROR [AS] error_count COMPUPDATE [ { ON | TRUE } | { OFF | FALSE } ]`, options in any order;
 * - GRANT (https://docs.aws.amazon.com/redshift/latest/dg/r_GRANT.html):
 *   `GRANT SELECT ON [ TABLE ] table_name TO { username | ROLE role_name | GROUP group_name | PUBLIC }`.
 *
 * parseCopy reads a statement into its options, or says what it cannot read; what the pipeline must send for
 * given settings is then compared option by option.
 */
import type { Reader, SourceSettings } from '../../lib/config';

/** A COPY's table, source and options, each option's argument as written (quotes removed). */
export interface CopyText {
  readonly table: string;
  readonly from: string;
  readonly options: Readonly<Record<string, string>>;
}

const OPTIONS: readonly [string, RegExp][] = [
  ['IAM_ROLE', /^IAM_ROLE (default|'arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[^']+')\s*/i],
  ['FORMAT', /^(?:FORMAT (?:AS )?)?JSON (?:AS )?'(auto|auto ignorecase|s3:\/\/[^']+)'\s*/i],
  ['REGION', /^REGION (?:AS )?'([a-z]{2}(?:-gov)?-[a-z]+-\d)'\s*/i],
  ['TIMEFORMAT', /^TIMEFORMAT (?:AS )?'([^']+)'\s*/i],
  ['BLANKSASNULL', /^BLANKSASNULL()\s*/i],
  ['EMPTYASNULL', /^EMPTYASNULL()\s*/i],
  ['MAXERROR', /^MAXERROR (?:AS )?(\d+)\s*/i],
  ['COMPUPDATE', /^COMPUPDATE(?: (ON|OFF|TRUE|FALSE))?\s*/i],
  ['STATUPDATE', /^STATUPDATE(?: (ON|OFF|TRUE|FALSE))?\s*/i],
];

/** Comments gone, whitespace one space, no trailing semicolon. */
export function normalized(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/;$/, '');
}

/** A COPY statement read by the documented syntax; throws naming what does not read. */
export function parseCopy(sql: string): CopyText {
  const text = normalized(sql);
  const head = /^COPY (\w+) FROM '(s3:\/\/[^']+)' /i.exec(text);
  if (!head) throw new Error(`not a COPY … FROM 's3://…' statement: ${text.slice(0, 120)}`);
  let rest = text.slice(head[0].length);
  const options: Record<string, string> = {};
  while (rest !== '') {
    const found = OPTIONS.find(([, pattern]) => pattern.test(rest));
    if (!found) throw new Error(`COPY option not in Redshift's documented syntax, at: ${rest.slice(0, 80)}`);
    const [name, pattern] = found;
    if (name in options) throw new Error(`COPY option ${name} given twice`);
    const m = pattern.exec(rest)!;
    options[name] = (m[1] ?? '').replace(/^'|'$/g, '');
    rest = rest.slice(m[0].length);
  }
  return { table: head[1]!, from: head[2]!, options };
}

/** What the pipeline's COPY of a table must say for the settings (events from `eventsFrom`, its day's prefix on a daily load). */
export function requiredCopy(table: 'staging_events' | 'staging_songs', sources: SourceSettings, eventsFrom = sources.eventsUri): CopyText {
  const common = { IAM_ROLE: sources.iamRole, BLANKSASNULL: '', EMPTYASNULL: '', MAXERROR: String(sources.maxErrors), COMPUPDATE: 'OFF' };
  return table === 'staging_events'
    ? { table, from: eventsFrom, options: { ...common, FORMAT: sources.jsonPathsUri, REGION: sources.region, TIMEFORMAT: 'epochmillisecs' } }
    : { table, from: sources.songsUri, options: { ...common, FORMAT: 'auto', REGION: sources.songsRegion ?? sources.region } };
}

/** A GRANT read by the documented syntax: its privilege, table, grantee kind and name; throws otherwise. */
export function parseGrant(sql: string): { privilege: string; table: string; kind: Reader['kind'] | 'user'; name: string } {
  const m = /^GRANT (SELECT) ON (?:TABLE )?(\w+) TO (?:(ROLE|GROUP) )?([a-z_][a-z0-9_$]*)$/i.exec(normalized(sql));
  if (!m) throw new Error(`GRANT not in Redshift's documented syntax: ${normalized(sql)}`);
  return { privilege: m[1]!.toUpperCase(), table: m[2]!, kind: m[3] === undefined ? 'user' : (m[3].toLowerCase() as Reader['kind']), name: m[4]! };
}
