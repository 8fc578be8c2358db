/**
 * The `loadSchedule` setting: when EventBridge Scheduler invokes the loader. A `rate(…)` or `cron(…)`
 * expression as EventBridge Scheduler takes it (Scheduler User Guide, "Schedule types"; the cron fields and
 * wildcards of "Using cron and rate expressions", EventBridge User Guide), or `off` for no schedule.
 *
 * Checked here, at synth, because CloudFormation would only find a bad expression halfway through a deploy;
 * and measured here: the longest time between two runs decides how long the no-successful-run alarm waits.
 * Where the service's rules are loose the check is strict: `rate(1 days)` is refused (EventBridge's
 * scheduled rules refuse it; the Scheduler guide lists both spellings without saying it accepts both).
 */
import { ConfigError } from '../errors';

/** What `loadSchedule` means. */
export type LoadSchedule =
  | { readonly kind: 'off' }
  | {
      readonly kind: 'rate' | 'cron';
      /** The expression as Scheduler takes it. */
      readonly expression: string;
      /** The longest time between two runs, in minutes. */
      readonly longestGapMinutes: number;
    };

export const DEFAULT_LOAD_SCHEDULE = 'cron(0 6 * * ? *)';

const RULE =
  'rate(<n> minute|minutes|hour|hours|day|days), e.g. "rate(12 hours)"; cron(<minutes> <hours> <day-of-month> <month> ' +
  '<day-of-week> <year>) with ? in one of the two day fields, e.g. "cron(0 6 * * ? *)" for 06:00 UTC every day; or "off" for no schedule';

/** Parses and checks `loadSchedule`. @throws ConfigError naming the setting and what it takes. */
export function parseLoadSchedule(text: string): LoadSchedule {
  const value = text.trim();
  if (value === 'off') return { kind: 'off' };
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(value);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2]!;
    if (n < 1 || (n === 1) !== !unit.endsWith('s')) {
      refuse(value, `a rate takes a whole number above 0, with the unit in the singular for 1 and the plural otherwise ("rate(1 day)", "rate(2 days)")`);
    }
    const minutes = n * (unit.startsWith('minute') ? 1 : unit.startsWith('hour') ? 60 : 1440);
    return watchable(value, { kind: 'rate', expression: value, longestGapMinutes: minutes });
  }
  const cron = /^cron\((.*)\)$/.exec(value);
  if (!cron) refuse(value, 'it is neither a rate(…) nor a cron(…) expression, nor off');
  const fields = cron![1]!.trim().split(/\s+/);
  if (fields.length !== 6) refuse(value, `a cron expression has six fields (minutes hours day-of-month month day-of-week year); this one has ${fields.length}`);
  return watchable(value, { kind: 'cron', expression: `cron(${fields.join(' ')})`, longestGapMinutes: cronLongestGap(value, fields) });
}

/** A run may take the function's whole 15 minutes, and Scheduler may start it up to a minute late; 5 minutes' grace. */
export const RUN_ALLOWANCE_MINUTES = 20;
/** CloudWatch evaluates an alarm over at most 7 days (PutMetricAlarm: Period × EvaluationPeriods ≤ 604,800 s). */
export const LONGEST_ALARM_WINDOW_MINUTES = 7 * 24 * 60;

/** How long without a successful run the alarm allows: the longest gap between runs, plus one run's time. */
export function staleAfterMinutes(schedule: Exclude<LoadSchedule, { kind: 'off' }>): number {
  return schedule.longestGapMinutes + RUN_ALLOWANCE_MINUTES;
}

/**
 * The no-successful-run alarm's period and evaluation periods for a schedule: 5-minute periods while the window
 * fits in a day (CloudWatch's limit for periods under an hour), hourly ones up to the 7-day limit.
 */
export function staleAlarmWindow(schedule: Exclude<LoadSchedule, { kind: 'off' }>): { periodSeconds: number; evaluationPeriods: number } {
  const minutes = staleAfterMinutes(schedule);
  const periodMinutes = minutes <= 24 * 60 ? 5 : 60;
  return { periodSeconds: periodMinutes * 60, evaluationPeriods: Math.ceil(minutes / periodMinutes) };
}

function watchable(value: string, schedule: Exclude<LoadSchedule, { kind: 'off' }>): LoadSchedule {
  if (staleAfterMinutes(schedule) > LONGEST_ALARM_WINDOW_MINUTES) {
    const days = Math.floor(schedule.longestGapMinutes / 1440);
    refuse(
      value,
      `it leaves up to ${days} day${days === 1 ? '' : 's'} between runs, and the alarm that tells when no load has succeeded for longer than ` +
        `the schedule allows can watch at most 7 days (CloudWatch's limit), less ${RUN_ALLOWANCE_MINUTES} minutes for a run: run at least every 6 days`,
    );
  }
  return schedule;
}

function refuse(value: string, why: string): never {
  throw new ConfigError(`loadSchedule '${value}' is not valid: ${why}. It takes ${RULE}.`);
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The values a plain field (`*`, lists, ranges, increments, names) takes, within min..max. */
function values(value: string, field: string, spec: string, min: number, max: number, names: readonly string[] = []): Set<number> {
  const out = new Set<number>();
  const number = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const n = named >= 0 ? named + min : /^\d+$/.test(token) ? Number(token) : NaN;
    if (!(n >= min && n <= max)) refuse(value, `the ${field} field '${spec}' has '${token}', outside ${min}-${max}${names.length ? ` (or ${names[0]}-${names[names.length - 1]})` : ''}`);
    return n;
  };
  for (const part of spec.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) refuse(value, `the ${field} field '${spec}' is not a value, a list, a range or an increment`);
    const step = m![2] === undefined ? 1 : Number(m![2]);
    if (step < 1) refuse(value, `the ${field} field '${spec}' has an increment of 0`);
    let from: number;
    let to: number;
    if (m![1] === '*') [from, to] = [min, max];
    else if (m![1]!.includes('-')) [from, to] = m![1]!.split('-').map(number) as [number, number];
    else [from, to] = [number(m![1]!), m![2] === undefined ? number(m![1]!) : max];
    if (from > to) refuse(value, `the ${field} field '${spec}' has a range that runs backwards`);
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

/**
 * The longest time between two runs of a cron schedule, in minutes, over the days of 2024–2031 (two leap
 * years, every weekday on every date). The year field is checked but not applied: a schedule that ends has
 * no next run, and the no-successful-run alarm says so.
 */
function cronLongestGap(value: string, [minutes, hours, dom, month, dow, year]: string[]): number {
  const minuteSet = values(value, 'minutes', minutes!, 0, 59);
  const hourSet = values(value, 'hours', hours!, 0, 23);
  const monthSet = values(value, 'month', month!, 1, 12, MONTHS);
  values(value, 'year', year!, 1970, 2199);
  if ((dom === '?') === (dow === '?')) {
    refuse(value, 'exactly one of day-of-month and day-of-week must be ? (the other says which days)');
  }
  const dayMatches = dom !== '?' ? dayOfMonthMatcher(value, dom!) : dayOfWeekMatcher(value, dow!);

  const times = [...hourSet].sort((a, b) => a - b).flatMap((h) => [...minuteSet].sort((a, b) => a - b).map((m) => h * 60 + m));
  let previous: number | undefined;
  let longest = 0;
  for (let day = Date.UTC(2024, 0, 1); day < Date.UTC(2032, 0, 1); day += 86_400_000) {
    const date = new Date(day);
    if (!monthSet.has(date.getUTCMonth() + 1) || !dayMatches(date)) continue;
    const base = day / 60_000;
    for (const t of times) {
      if (previous !== undefined) longest = Math.max(longest, base + t - previous);
      previous = base + t;
    }
  }
  if (previous === undefined) refuse(value, 'it names no day that exists (such as 31 in a month without one)');
  return longest;
}

function daysInMonth(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}

/** Day-of-month: values, L (the last day), LW (the last weekday), nW (the weekday nearest the nth). */
function dayOfMonthMatcher(value: string, spec: string): (date: Date) => boolean {
  if (spec === 'L') return (d) => d.getUTCDate() === daysInMonth(d);
  const weekday = spec === 'LW' ? 'L' : /^(\d+)W$/.exec(spec)?.[1];
  if (weekday !== undefined) {
    const target = weekday === 'L' ? undefined : Number(weekday);
    if (target !== undefined && !(target >= 1 && target <= 31)) refuse(value, `the day-of-month field '${spec}' names a day outside 1-31`);
    return (d) => {
      const last = daysInMonth(d);
      const want = Math.min(target ?? last, last);
      const wantDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), want)).getUTCDay();
      // The nearest weekday within the month: Saturday moves to Friday (or Monday on the 1st), Sunday to Monday (or Friday on the last).
      let nearest = want;
      if (wantDay === 6) nearest = want === 1 ? 3 : want - 1;
      if (wantDay === 0) nearest = want === last ? want - 2 : want + 1;
      return d.getUTCDate() === nearest;
    };
  }
  const days = values(value, 'day-of-month', spec, 1, 31);
  return (d) => days.has(d.getUTCDate());
}

/** Day-of-week (1 = SUN … 7 = SAT): values, nL (the last such day of the month), n#k (the kth of the month). */
function dayOfWeekMatcher(value: string, spec: string): (date: Date) => boolean {
  const weekday = (token: string) => [...values(value, 'day-of-week', token, 1, 7, WEEKDAYS)][0]! - 1;
  const last = /^(\w+)L$/.exec(spec);
  if (last) {
    const want = weekday(last[1]!);
    return (d) => d.getUTCDay() === want && d.getUTCDate() + 7 > daysInMonth(d);
  }
  const nth = /^(\w+)#(\d)$/.exec(spec);
  if (nth) {
    const want = weekday(nth[1]!);
    const k = Number(nth[2]);
    if (k < 1 || k > 5) refuse(value, `the day-of-week field '${spec}' asks for occurrence ${k}; a month has 1 to 5`);
    return (d) => d.getUTCDay() === want && Math.ceil(d.getUTCDate() / 7) === k;
  }
  if (spec === 'L') return (d) => d.getUTCDay() === 6;
  const days = values(value, 'day-of-week', spec, 1, 7, WEEKDAYS);
  return (d) => days.has(d.getUTCDay() + 1);
}
