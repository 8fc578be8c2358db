/**
 * Publishing next to what a team keeps in the warehouse. Publishing drops each star table and renames its
 * freshly tested *_next build into place, in one transaction. On Redshift and on Postgres that has three
 * consequences this module deals with before anything changes:
 *
 * - `DROP TABLE` fails while an ordinary (schema-bound) view depends on the table. Redshift's late-binding
 *   views (`WITH NO SCHEMA BINDING`) record no dependency and survive; Postgres has none. So the run looks
 *   for views that depend on the tables it will drop, and refuses, naming them, before touching anything.
 * - Only a table's owner (or a superuser) may drop it, and the tables belong to whichever identity ran the
 *   ETL first. A second identity (a colleague, a CI role, --secret-arn) is refused, naming the owner.
 * - Every GRANT on the old table is lost with it. SELECT for the readers the settings name
 *   (SPARKIFY_READERS) is granted again on every new table, inside the publishing transaction.
 */
import type { Reader } from '../config';
import { SparkifyError } from '../errors';
import { quoteLiteral } from '../sql-literals';
import type { Statement, Warehouse } from '../warehouse/warehouse';
import { statementsOf } from './sql-files';
import { BUILD_SUFFIX, STAGING_TABLES, STAR_TABLES, STATE_TABLES } from './tables';

/**
 * Every table a run drops, replaces or writes: staging, builds, the published star and state tables, the
 * record of the files loaded (loaded_files), and the run ledger (etl_runs, which every run writes a row to).
 */
export function tablesReplaced(): string[] {
  const owned = [...STAR_TABLES, ...STATE_TABLES, 'loaded_files'];
  return [...STAGING_TABLES.map((t) => t.name), ...owned.map((t) => `${t}${BUILD_SUFFIX}`), ...owned, 'etl_runs'];
}

/** Refuses, before anything changes, a run whose DROPs would fail on views or on ownership. */
export async function assertReplaceable(warehouse: Warehouse): Promise<void> {
  const names = tablesReplaced().map(quoteLiteral).join(', ');
  // pg_depend records a view's dependency on each table its query reads; a late-binding view has none.
  const views = await warehouse.query<{ view_schema: string; view_name: string; table_name: string }>(
    `SELECT DISTINCT TRIM(vn.nspname) AS view_schema, TRIM(v.relname) AS view_name, TRIM(t.relname) AS table_name
     FROM pg_depend AS d
     JOIN pg_rewrite AS r ON r.oid = d.objid
     JOIN pg_class AS v ON v.oid = r.ev_class
     JOIN pg_namespace AS vn ON vn.oid = v.relnamespace
     JOIN pg_class AS t ON t.oid = d.refobjid
     JOIN pg_namespace AS tn ON tn.oid = t.relnamespace
     WHERE v.relkind = 'v' AND v.oid <> t.oid AND tn.nspname = current_schema() AND t.relname IN (${names})
     ORDER BY 1, 2, 3`,
  );
  if (views.length > 0) {
    const list = views.map((v) => `${v.view_schema}.${v.view_name} (on ${v.table_name})`).join(', ');
    throw new SparkifyError(
      `The run would replace tables that ${views.length === 1 ? 'a view depends' : 'views depend'} on: ${list}. Publishing drops ` +
        'each star table and renames its new build into place, and DROP TABLE fails while an ordinary view depends on the table, ' +
        'so nothing was changed. On Redshift, create the view as a late-binding view, which survives every run: CREATE OR REPLACE ' +
        'VIEW … AS SELECT … WITH NO SCHEMA BINDING (its tables named with their schema, as public.songplays). The local warehouse ' +
        'has no late-binding views: drop the view, run the ETL, and create it again. See docs/redshift.md, "Views, grants and owners".',
    );
  }
  const [me] = await warehouse.query<{ name: string; superuser: boolean }>(
    'SELECT TRIM(usename) AS name, usesuper AS superuser FROM pg_user WHERE usename = current_user',
  );
  if (me?.superuser) return;
  const others = await warehouse.query<{ table_name: string; owner: string }>(
    `SELECT TRIM(tablename) AS table_name, TRIM(tableowner) AS owner FROM pg_tables
     WHERE schemaname = current_schema() AND tablename IN (${names}) AND tableowner <> current_user ORDER BY 1`,
  );
  if (others.length > 0) {
    const owners = [...new Set(others.map((o) => o.owner))];
    const user = me?.name ?? 'this identity';
    const alter = others.map((o) => `ALTER TABLE ${o.table_name} OWNER TO "${user}";`).join(' ');
    throw new SparkifyError(
      `The run signs in as ${user}, but ${others.map((o) => o.table_name).join(', ')} belong${others.length === 1 ? 's' : ''} to ` +
        `${owners.join(', ')}, and only a table's owner or a superuser may drop and replace it; nothing was changed. Run the ETL as ` +
        `${owners.length === 1 ? owners[0] : 'their owner'} (the same IAM identity, or the same --secret-arn), or have ` +
        `${owners.length === 1 ? 'that owner' : 'each owner'} or a superuser hand the tables over: ${alter} ` +
        'See docs/redshift.md, "Views, grants and owners".',
    );
  }
}

/**
 * A publishing transaction: each of `tables` has its build renamed into place, and each star table among
 * them is granted SELECT again for every reader (the tables the daily loads keep are not for readers).
 */
export function publishStatements(tables: readonly string[], readers: readonly Reader[], label: string): Statement[] {
  const star: readonly string[] = STAR_TABLES;
  return tables
    .flatMap((table) => [
      ...statementsOf('marts/publish.sql', { table }),
      ...(star.includes(table) ? readers.map((r) => `GRANT SELECT ON ${table} TO ${r.kind === 'group' ? 'GROUP' : 'ROLE'} ${r.name}`) : []),
    ])
    .map((sql) => ({ sql, label }));
}
