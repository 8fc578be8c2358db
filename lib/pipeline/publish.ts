/**
 * Publishing beside what a team keeps in the warehouse. A run builds each table under a *_next name, tests it,
 * then publishes in ONE transaction by changing rows, not tables (sql/marts/publish.sql: DELETE, then INSERT …
 * SELECT from the build), and drops the builds after the commit. Readers keep reading the old rows until the
 * commit and the new ones after it, never wait on a DROP or RENAME, and the views and grants over the star
 * tables survive every run. Only a table that is not published yet (or whose columns a new version changed)
 * takes its build's name instead (sql/marts/publish_new.sql).
 *
 * What a run therefore needs, checked before it changes anything (assertCanPublish):
 * - the tables it drops and creates again (staging, the *_next builds) are its own, or absent: only a table's
 *   owner (or a superuser) may drop it;
 * - on the published tables and the run ledger, the rights to read, add and delete rows, which an owner may
 *   grant to another identity (GRANT SELECT, INSERT, DELETE …);
 * - with readers named (SPARKIFY_READERS), ownership of the star tables too: only their owner may GRANT.
 *
 * Every table the pipeline creates is readable by those readers from its first commit, and a reader added to
 * the setting is granted by the next run of any kind (readerGrants).
 */
import type { Reader } from '../config';
import { SparkifyError } from '../errors';
import { quoteLiteral } from '../sql-literals';
import type { Statement, Warehouse } from '../warehouse/warehouse';
import { LOADED_FILES } from './loaded-files';
import { statementsOf } from './sql-files';
import { BUILD_SUFFIX, STAGING_TABLES, STAR_TABLES, STATE_TABLES } from './tables';

/** Tables a run drops and creates again: its staging tables and builds (loaded_files' among them). */
function tablesDropped(): string[] {
  return [...STAGING_TABLES.map((t) => t.name), ...[...STAR_TABLES, ...STATE_TABLES, LOADED_FILES].map((t) => `${t}${BUILD_SUFFIX}`)];
}

/**
 * Tables whose rows a run changes, and the rights that takes: the published star and state tables, the record of
 * the files loaded (loaded_files), and the run ledger.
 */
function tablesWritten(): ReadonlyMap<string, readonly Right[]> {
  const replaced: readonly Right[] = ['SELECT', 'INSERT', 'DELETE'];
  return new Map([...[...STAR_TABLES, ...STATE_TABLES, LOADED_FILES].map((t) => [t, replaced] as const), ['etl_runs', ['SELECT', 'INSERT', 'UPDATE']]]);
}

type Right = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
const RIGHTS: readonly Right[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/**
 * Refuses, before anything changes, a run that could not finish for want of ownership or rights (a colleague,
 * a CI role, --secret-arn after IAM), naming the tables, their owner and the statements that would let it.
 */
export async function assertCanPublish(warehouse: Warehouse, readers: readonly Reader[] = []): Promise<void> {
  const [me] = await warehouse.query<{ name: string; superuser: boolean }>(
    'SELECT TRIM(usename) AS name, usesuper AS superuser FROM pg_user WHERE usename = current_user',
  );
  if (me?.superuser) return;
  const user = me?.name ?? 'this identity';
  const star: readonly string[] = STAR_TABLES;
  const written = tablesWritten();
  const rows = await warehouse.query<{ table_name: string; owner: string } & Record<string, boolean>>(
    `SELECT TRIM(tablename) AS table_name, TRIM(tableowner) AS owner,
            ${RIGHTS.map((r) => `HAS_TABLE_PRIVILEGE(tablename, '${r}') AS may_${r.toLowerCase()}`).join(', ')}
     FROM pg_tables
     WHERE schemaname = current_schema() AND tablename IN (${[...tablesDropped(), ...written.keys()].map(quoteLiteral).join(', ')}) ORDER BY 1`,
  );
  const tables = rows.map((t) => ({ table_name: t.table_name, owner: t.owner, may: new Set(RIGHTS.filter((r) => t[`may_${r.toLowerCase()}`] === true)) }));
  const others = tables.filter((t) => t.owner !== user);
  // Dropped tables must be ours; so must the star tables when there are readers to grant them to.
  const notOwned = others.filter((t) => !written.has(t.table_name) || (readers.length > 0 && star.includes(t.table_name)));
  const noRights = others.filter((t) => !notOwned.includes(t) && written.get(t.table_name)!.some((r) => !t.may.has(r)));
  if (notOwned.length === 0 && noRights.length === 0) return;
  const names = (rows: readonly { table_name: string }[]) => rows.map((r) => r.table_name).join(', ');
  const why: string[] = [];
  if (notOwned.length > 0) {
    why.push(
      `${names(notOwned)} belong${notOwned.length === 1 ? 's' : ''} to ${[...new Set(notOwned.map((t) => t.owner))].join(', ')}, and only a table's owner ` +
        `or a superuser may drop it${readers.length > 0 ? ' or grant SELECT on it to the readers SPARKIFY_READERS names' : ''}`,
    );
  }
  if (noRights.length > 0) why.push(`it may not ${noRights.length === 1 ? '' : 'each '}change the rows of ${names(noRights)} (${[...new Set(noRights.flatMap((t) => written.get(t.table_name)!.filter((r) => !t.may.has(r))))].join(', ')} not granted)`);
  const owners = [...new Set([...notOwned, ...noRights].map((t) => t.owner))];
  const handOver = [...notOwned, ...noRights].map((t) => `ALTER TABLE ${t.table_name} OWNER TO "${user}";`).join(' ');
  const grant = noRights.map((t) => `GRANT ${written.get(t.table_name)!.join(', ')} ON ${t.table_name} TO "${user}";`).join(' ');
  throw new SparkifyError(
    `The run signs in as ${user}, but ${why.join('; and ')}; nothing was changed. Run the ETL as ` +
      `${owners.length === 1 ? owners[0] : 'their owner'} (the same IAM identity, or the same --secret-arn), or have ` +
      `${owners.length === 1 ? 'that owner' : 'each owner'} or a superuser hand the tables over: ${handOver}` +
      (notOwned.length === 0 ? ` Or, keeping the owner, grant the rights: ${grant}` : '') +
      ' See docs/redshift.md, "Views, grants and owners".',
  );
}

/** SELECT on each star table among `tables` for every reader, as Redshift documents GRANT: TO GROUP g, TO ROLE r. */
export function readerGrants(tables: readonly string[], readers: readonly Reader[], label: string): Statement[] {
  const star: readonly string[] = STAR_TABLES;
  return tables
    .filter((t) => star.includes(t))
    .flatMap((table) => readers.map((r) => ({ sql: `GRANT SELECT ON ${table} TO ${r.kind === 'group' ? 'GROUP' : 'ROLE'} ${r.name}`, label })));
}

type Column = {
  readonly table_name: string;
  readonly column_name: string;
  readonly data_type: string;
  readonly width: number | null;
  readonly scale: number | null;
};

/**
 * The publishing transaction of a full run or a catalogue reload: each of `tables` gets its *_next build's
 * rows (publish.sql), or its name when it is not published yet or its columns changed (publish_new.sql), and
 * each star table among them is granted to every reader. Run it with `{ transaction: true }`, then
 * buildDrops after the commit.
 */
export async function publishStatements(warehouse: Warehouse, tables: readonly string[], readers: readonly Reader[], label: string): Promise<Statement[]> {
  const names = tables.flatMap((t) => [t, `${t}${BUILD_SUFFIX}`]);
  const columns = await warehouse.query<Column>(
    `SELECT TRIM(table_name) AS table_name, TRIM(column_name) AS column_name, TRIM(data_type) AS data_type,
            COALESCE(character_maximum_length, numeric_precision) AS width, numeric_scale AS scale
     FROM information_schema.columns
     WHERE table_schema = CURRENT_SCHEMA() AND table_name IN (${names.map(quoteLiteral).join(', ')})
     ORDER BY table_name, ordinal_position`,
  );
  const of = (table: string) => columns.filter((c) => c.table_name === table);
  const shape = (cs: readonly Column[]) => JSON.stringify(cs.map((c) => [c.column_name, c.data_type, c.width, c.scale]));
  const statements = tables.flatMap((table) => {
    const published = of(table);
    const build = of(`${table}${BUILD_SUFFIX}`);
    if (build.length === 0) throw new SparkifyError(`Cannot publish ${table}: its build ${table}${BUILD_SUFFIX} is missing.`);
    if (published.length === 0) return statementsOf('marts/publish_new.sql', { table });
    if (shape(published) !== shape(build)) return [`DROP TABLE ${table}`, ...statementsOf('marts/publish_new.sql', { table })];
    return statementsOf('marts/publish.sql', { table, columns: build.map((c) => c.column_name).join(', ') });
  });
  return [...statements.map((sql) => ({ sql, label })), ...readerGrants(tables, readers, label)];
}

/** After the publishing commit: the builds whose rows were copied. (A build renamed into place is gone already.) */
export function buildDrops(tables: readonly string[]): Statement[] {
  return tables.map((t) => ({ sql: `DROP TABLE IF EXISTS ${t}${BUILD_SUFFIX}`, label: `drop ${t}${BUILD_SUFFIX}` }));
}
