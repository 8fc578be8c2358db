/**
 * What a process killed mid-transaction leaves on disk. Postgres writes a table created (or emptied and
 * refilled, as a COPY into a table created in its transaction) to a new file at once, and deletes the file
 * if the transaction aborts; a process killed before either (SIGKILL, a crash, a second Ctrl-C) leaves the
 * file, which crash recovery does not remove and no table names: a run killed while building a million-event
 * mart left hundreds of megabytes each time. The next owner of the folder removes such files: those in the
 * database's folder whose file node no relation of pg_class has.
 *
 * Safe only for the folder's one owner, before it runs anything: no transaction is open that could have
 * created a file not yet in the catalogue. Postgres's own tools do not do this (it is pg_orphaned's job on a
 * server); here nothing else shares the folder.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from './pglite';

/** A relation's file: the file node, then optionally its fork (_fsm, _vm, _init) and its segment (.1, .2 …). */
const RELATION_FILE = /^(\d+)(?:_(?:fsm|vm|init))?(?:\.\d+)?$/;

/** Removes the files no relation owns from the current database's folder; returns the bytes freed. */
export async function removeOrphanFiles(db: Pick<PGlite, 'query'>, dataDir: string): Promise<number> {
  const [database] = (await db.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = current_database()')).rows;
  const owned = new Set(
    (await db.query<{ node: number }>('SELECT pg_relation_filenode(oid) AS node FROM pg_class WHERE pg_relation_filenode(oid) IS NOT NULL')).rows.map((r) =>
      String(r.node),
    ),
  );
  const folder = join(dataDir, 'base', String(database!.oid));
  let freed = 0;
  for (const name of readdirSync(folder)) {
    const node = RELATION_FILE.exec(name)?.[1];
    if (node === undefined || owned.has(node)) continue;
    const path = join(folder, name);
    freed += statSync(path).size;
    rmSync(path, { force: true });
  }
  return freed;
}
