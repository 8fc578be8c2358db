import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const DAY_MS = 86_400_000;
/** Lines are gathered into a buffer of this many bytes per write call (the lines are ASCII). */
const CHUNK = 1 << 20;

/**
 * Writes events, given in time order, to one newline-delimited file per UTC day:
 * `log_data/YYYY/MM/YYYY-MM-DD-events.json`, no newline after the last line (as the real files).
 */
export class DailyLogWriter {
  files = 0;
  bytes = 0;
  events = 0;
  #fd: number | undefined;
  #day = -1;
  readonly #buffer = Buffer.allocUnsafe(CHUNK);
  #pending = 0;

  /** `onDay` hears each finished day (`YYYY-MM-DD`) with the number of events written so far. */
  constructor(
    private readonly root: string,
    private readonly onDay?: (day: string, eventsSoFar: number) => void,
  ) {}

  write(ts: number, line: string): void {
    const day = Math.floor(ts / DAY_MS);
    if (day !== this.#day) this.#open(day);
    else this.#add('\n');
    this.#add(line);
    this.events++;
  }

  close(): void {
    if (this.#fd === undefined) return;
    this.#flush();
    closeSync(this.#fd);
    this.#fd = undefined;
    this.onDay?.(isoDay(this.#day), this.events);
  }

  #open(day: number): void {
    this.close();
    const name = isoDay(day);
    const dir = join(this.root, 'log_data', name.slice(0, 4), name.slice(5, 7));
    mkdirSync(dir, { recursive: true });
    this.#fd = openSync(join(dir, `${name}-events.json`), 'w');
    this.#day = day;
    this.files++;
  }

  /**
   * Copies `text` into the buffer. Latin-1 is a plain byte copy for ASCII text, which the lines are; it
   * is several times faster than joining the lines into a string and writing that as UTF-8. A line is at
   * most a few kilobytes (each field is capped at 1,024 bytes before escaping), far below CHUNK.
   */
  #add(text: string): void {
    if (this.#pending + text.length > CHUNK) this.#flush();
    this.#pending += this.#buffer.write(text, this.#pending, 'latin1');
  }

  #flush(): void {
    if (this.#pending === 0) return;
    writeSync(this.#fd!, this.#buffer, 0, this.#pending);
    this.bytes += this.#pending;
    this.#pending = 0;
  }
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
