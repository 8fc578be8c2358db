/**
 * PGlite, loaded when a warehouse is first opened, as the ES module it ships. Under the tsx require hook the
 * npm scripts run with, a static import loads PGlite's CommonJS build, a 0.5 MB file that tsx rewrites on
 * every start (it holds dynamic import()s): about 150 ms of every command. The ES build loads natively in
 * about 30 ms. Types come from `import type`, which costs nothing at run time.
 */
export type PgliteModule = typeof import('@electric-sql/pglite', { with: { 'resolution-mode': 'import' } });
/** A PGlite database, as the ES build's types describe it. */
export type PGlite = InstanceType<PgliteModule['PGlite']>;

let loading: Promise<PgliteModule> | undefined;

export function loadPglite(): Promise<PgliteModule> {
  loading ??= import('@electric-sql/pglite');
  return loading;
}
