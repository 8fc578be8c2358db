/**
 * Runs one command as a child process and measures it from the outside: wall time from spawn to exit, and,
 * on Linux, its resident memory and CPU time sampled from /proc every few milliseconds. Each line the child
 * writes to stderr is kept with the time it arrived and the largest RSS sampled since the previous line, so
 * a caller that knows what the lines mean (the ETL prints one per finished step) can cut the run into stages.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RssSample {
  /** Milliseconds since spawn. */
  readonly atMs: number;
  readonly rssBytes: number;
}

export interface StderrLine {
  readonly text: string;
  /** Milliseconds since spawn when the line arrived. */
  readonly atMs: number;
}

export interface MeasuredRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly wallMs: number;
  /** User + system CPU of the child, from its last /proc sample (null where /proc is not available). */
  readonly cpuMs: number | null;
  /** The child's peak RSS (VmHWM) at its last /proc sample, or null. */
  readonly peakRssBytes: number | null;
  readonly samples: readonly RssSample[];
  readonly stdout: string;
  readonly stderrLines: readonly StderrLine[];
}

export interface MeasureOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** How often /proc is read. @default 20 */
  readonly sampleEveryMs?: number;
  /** Called with each stderr line as it arrives (to echo progress). */
  readonly onStderrLine?: (line: string) => void;
}

/** Clock ticks per second of /proc/<pid>/stat's CPU fields: 100 on every mainstream Linux. */
const CLOCK_TICKS = 100;

export function runMeasured(command: string, args: readonly string[], options: MeasureOptions = {}): Promise<MeasuredRun> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const samples: RssSample[] = [];
    const stderrLines: StderrLine[] = [];
    const stdout: Buffer[] = [];
    let cpuMs: number | null = null;
    let peakRssBytes: number | null = null;
    let pending = '';

    const sample = () => {
      const pid = child.pid;
      if (pid === undefined) return;
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
        const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
        if (rss) samples.push({ atMs: performance.now() - started, rssBytes: Number(rss[1]) * 1024 });
        if (hwm) peakRssBytes = Number(hwm[1]) * 1024;
        // Fields 14 and 15 (utime, stime) follow the command name, which is in parentheses and may hold spaces.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
      } catch {
        // No /proc (not Linux), or the child has just exited: keep what was read so far.
      }
    };
    const timer = setInterval(sample, options.sampleEveryMs ?? 20);
    sample();

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const atMs = performance.now() - started;
      pending += chunk;
      let eol: number;
      while ((eol = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, eol);
        pending = pending.slice(eol + 1);
        sample(); // a sample at the line itself, so even a short stage has one
        stderrLines.push({ text, atMs });
        options.onStderrLine?.(text);
      }
    });
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('close', (exitCode, signal) => {
      clearInterval(timer);
      if (pending !== '') stderrLines.push({ text: pending, atMs: performance.now() - started });
      resolvePromise({
        exitCode,
        signal,
        wallMs: performance.now() - started,
        cpuMs,
        peakRssBytes,
        samples,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderrLines,
      });
    });
  });
}

/** The largest RSS sampled in [fromMs, toMs]; if no sample falls inside, the first one after it; else null. */
export function peakRssBetween(samples: readonly RssSample[], fromMs: number, toMs: number): number | null {
  let peak: number | null = null;
  for (const s of samples) if (s.atMs >= fromMs && s.atMs <= toMs && (peak === null || s.rssBytes > peak)) peak = s.rssBytes;
  if (peak !== null) return peak;
  return samples.find((s) => s.atMs > toMs)?.rssBytes ?? null;
}
