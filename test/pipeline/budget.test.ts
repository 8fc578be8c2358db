/** The time budget of a run with a deadline (lib/pipeline/budget.ts): what it estimates, and what it allows. */
import { FINISH_RESERVE_MS, PRIOR_DAY_MS, RunBudget, SAFETY_FACTOR } from '../../lib/pipeline/budget';

const NOW = 1_000_000;
const LAMBDA_MS = 15 * 60_000;
const at = (deadline: number | undefined, history: ConstructorParameters<typeof RunBudget>[1] = []) => new RunBudget(deadline, history, () => NOW);

test('without a deadline everything is allowed', () => {
  expect(at(undefined).allows(Number.MAX_SAFE_INTEGER)).toBe(true);
  expect(at(undefined).left()).toBe(Infinity);
});

test('work is allowed when its estimate, with the margin and the reserve for the ledger, ends by the deadline', () => {
  const budget = at(NOW + 40_000);
  const fits = (40_000 - FINISH_RESERVE_MS) / SAFETY_FACTOR;
  expect(budget.allows(fits)).toBe(true);
  expect(budget.allows(fits + 1)).toBe(false);
});

test("a day: the slowest timed in this run, else the slowest per day of past runs that did not load the catalogue, else the prior", () => {
  expect(at(NOW).dayEstimate()).toBe(PRIOR_DAY_MS);
  const history = [
    { ms: 30_000, days: 3, catalogue: false }, // 10 s a day
    { ms: 24_000, days: 2, catalogue: false }, // 12 s a day
    { ms: 600_000, days: 30, catalogue: true }, // a full load: not a day's time
    { ms: 5_000, days: 0, catalogue: false }, // nothing new
  ];
  const budget = at(NOW, history);
  expect(budget.dayEstimate()).toBe(12_000);
  budget.timedDay(3_000);
  budget.timedDay(4_000);
  budget.timedDay(2_000);
  expect(budget.dayEstimate()).toBe(4_000);
});

test('a first load of the public catalogue (14,896 song files) cannot fit in a Lambda run; the sample can', () => {
  const budget = at(NOW + LAMBDA_MS);
  expect(budget.allows(budget.fullEstimate({ songFiles: 14_896, logFiles: 30, logBytes: 3.7 * 1_048_576 }))).toBe(false);
  expect(budget.allows(budget.fullEstimate({ songFiles: 71, logFiles: 30, logBytes: 3.7 * 1_048_576 }))).toBe(true);
  // Staged into a few parts, the catalogue fits.
  expect(budget.allows(budget.fullEstimate({ songFiles: 4, logFiles: 30, logBytes: 3.7 * 1_048_576 }))).toBe(true);
  // A slower full load on record wins over the prior.
  expect(at(NOW, [{ ms: 700_000, days: 0, catalogue: true }]).fullEstimate({ songFiles: 4, logFiles: 30, logBytes: 0 })).toBe(700_000);
});
