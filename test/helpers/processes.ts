/**
 * Real processes for the tests of one owner per folder, interrupts and crashes: scripts run as npm runs them
 * (node --require tsx/cjs, no launcher in between), over a small source so that a run takes about a second.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SAMPLE_DIR } from './local-warehouse';

export const ROOT = resolve(__dirname, '..', '..');

/** A source folder with a few songs and `days` days of events (from the first), laid out like the bucket. */
export function smallSource(days: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'sparkify-small-'));
  cpSync(join(SAMPLE_DIR, 'song_data', 'A', 'A'), join(dir, 'song_data', 'A', 'A'), { recursive: true });
  cpSync(join(SAMPLE_DIR, 'log_json_path.json'), join(dir, 'log_json_path.json'));
  const logs = join(SAMPLE_DIR, 'log_data', '2018', '11');
  mkdirSync(join(dir, 'log_data', '2018', '11'), { recursive: true });
  for (const name of readdirSync(logs).sort().slice(0, days)) cpSync(join(logs, name), join(dir, 'log_data', '2018', '11', name));
  return dir;
}

export interface Running {
  readonly child: ChildProcess;
  /** stderr so far. */
  stderr(): string;
  /** Resolves when stderr has a line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves with the exit code (or the signal) and all output. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `scripts/<script>` as `npm run` does, with no SPARKIFY_* settings from the environment. */
export function start(script: string, args: readonly string[]): Running {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SPARKIFY_')));
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'scripts', script), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; found: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...watchers]) {
      if (w.pattern.test(stderr)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.found();
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((done) =>
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr })),
  );
  return {
    child,
    stderr: () => stderr,
    waitFor: (pattern) =>
      new Promise((found, failed) => {
        if (pattern.test(stderr)) return found();
        watchers.push({ pattern, found });
        void exited.then(() => failed(new Error(`exited before printing ${pattern}:\n${stderr}`)));
      }),
    exited,
  };
}
