import { resolve } from 'node:path';

/**
 * A path the user typed, made absolute against the folder they ran the command in. `npm run` starts
 * scripts in the package root and says where the user was in INIT_CWD; run any other way (tsx, node), the
 * process's own folder is the user's.
 */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env['npm_lifecycle_event'] !== undefined && env['INIT_CWD'] ? env['INIT_CWD'] : process.cwd();
  return resolve(base, path);
}
