/**
 * How many cases each property runs, and from which seed.
 *
 * `npm test`: a fixed seed and each property's base count, so the suite is repeatable and stays in its time.
 * `npm run test:deep` (SPARKIFY_PBT_DEEP=1): 20 times the cases from a random seed, printed first, so a
 * failure can be run again:
 *
 *   SPARKIFY_PBT_SEED=<seed> npm run test:deep                         # the same cases again
 *   SPARKIFY_PBT_SEED=<seed> SPARKIFY_PBT_PATH=<path> npm run test:deep  # straight to the failing case
 *
 * SPARKIFY_PBT_RUNS sets the multiplier instead (1 in npm test, 20 in deep). A failure prints the shrunk
 * counterexample (a source as its files' JSON lines), the seed and the path. Shrinking stops at each
 * property's time limit (SPARKIFY_PBT_TIME_LIMIT_S sets it), reporting the smallest failing case found so far.
 */
import fc from 'fast-check';

/** The seed `npm test` uses. */
export const FIXED_SEED = 24;

const env = process.env;
const deep = env['SPARKIFY_PBT_DEEP'] === '1';
const multiplier = env['SPARKIFY_PBT_RUNS'] !== undefined ? Number(env['SPARKIFY_PBT_RUNS']) : deep ? 20 : 1;
if (!Number.isInteger(multiplier) || multiplier < 1) throw new Error(`SPARKIFY_PBT_RUNS must be a whole number of at least 1; got ${env['SPARKIFY_PBT_RUNS']}.`);
const seedText = env['SPARKIFY_PBT_SEED'];
const seed = seedText !== undefined && seedText !== 'random' ? Number(seedText) : deep || seedText === 'random' ? (Date.now() ^ (Math.random() * 0x100000000)) | 0 : FIXED_SEED;
if (!Number.isInteger(seed)) throw new Error(`SPARKIFY_PBT_SEED must be a whole number (or "random"); got ${seedText}.`);
const path = env['SPARKIFY_PBT_PATH'];

if (seed !== FIXED_SEED || multiplier !== 1) {
  process.stderr.write(`property tests: seed ${seed}, ${multiplier}x the cases (again: SPARKIFY_PBT_SEED=${seed} npm run test:deep)\n`);
}

/** Cases a property with this base count runs now. */
export function runsOf(base: number): number {
  return path === undefined ? base * multiplier : 1;
}

/**
 * The parameters of one property: seed, cases, the failing path when one is being replayed, and a time limit
 * (shrinking included) after which fast-check stops and reports what it has, so that jest's timeout
 * (timeoutOf) never fires while a property still runs in the background on the file's shared warehouse.
 */
export function parameters<T>(base: number, msPerCase = 1000): fc.Parameters<T> {
  return {
    seed,
    numRuns: runsOf(base),
    ...(path !== undefined ? { path } : {}),
    endOnFailure: false,
    interruptAfterTimeLimit: limitOf(base, msPerCase),
    verbose: fc.VerbosityLevel.None,
  };
}

/** SPARKIFY_PBT_TIME_LIMIT_S sets every property's limit (a quicker, less shrunk answer when checking for a failure). */
const limitS = env['SPARKIFY_PBT_TIME_LIMIT_S'];

function limitOf(base: number, msPerCase: number): number {
  return limitS !== undefined ? Number(limitS) * 1000 : Math.max(90_000, 4 * runsOf(base) * msPerCase);
}

/** jest's timeout for a property of `base` cases taking about `msPerCase` each: its time limit and a minute. */
export function timeoutOf(base: number, msPerCase = 1000): number {
  return limitOf(base, msPerCase) + 60_000;
}
