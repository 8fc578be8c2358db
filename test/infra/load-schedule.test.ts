/** The `loadSchedule` setting: what EventBridge Scheduler takes, and the longest gap between runs the staleness alarm waits for. */
import { LONGEST_ALARM_WINDOW_MINUTES, parseLoadSchedule, staleAlarmWindow } from '../../lib/infra/load-schedule';
import { ConfigError } from '../../lib/errors';

const gap = (expression: string) => {
  const schedule = parseLoadSchedule(expression);
  if (schedule.kind === 'off') throw new Error('off');
  return schedule.longestGapMinutes;
};

describe('parseLoadSchedule', () => {
  test('off, rates and crons as Scheduler takes them, with the longest time between two runs', () => {
    expect(parseLoadSchedule('off')).toEqual({ kind: 'off' });
    expect(parseLoadSchedule(' rate(1 day) ')).toEqual({ kind: 'rate', expression: 'rate(1 day)', longestGapMinutes: 1440 });
    expect(gap('rate(15 minutes)')).toBe(15);
    expect(gap('rate(6 hours)')).toBe(360);
    expect(gap('cron(0 6 * * ? *)')).toBe(1440);
    expect(gap('cron(0/15 * * * ? *)')).toBe(15);
    expect(gap('cron(0 6,18 * * ? *)')).toBe(720);
    // Weekdays only: Friday 06:00 to Monday 06:00.
    expect(gap('cron(0 6 ? * MON-FRI *)')).toBe(3 * 1440);
    expect(gap('cron(30 5 ? * 2-6 *)')).toBe(3 * 1440);
    // Days of the month in steps: the 31st to the 1st is one day, the 27th of February to the 1st of March two, the 28th of April to the 1st of May three.
    expect(gap('cron(0 6 1/2 * ? *)')).toBe(2 * 1440);
    expect(gap('cron(0 6 */3 * ? *)')).toBe(3 * 1440);
  });

  test.each([
    ['hourly', 'neither a rate(…) nor a cron(…) expression'],
    ['rate(0 hours)', 'a whole number above 0'],
    ['rate(1 days)', 'singular for 1 and the plural otherwise'],
    ['rate(2 day)', 'singular for 1 and the plural otherwise'],
    ['rate(5 seconds)', 'neither a rate(…) nor a cron(…) expression'],
    ['cron(0 6 * * ?)', 'six fields'],
    ['cron(0 6 * * * *)', 'exactly one of day-of-month and day-of-week must be ?'],
    ['cron(0 6 ? * ? *)', 'exactly one of day-of-month and day-of-week must be ?'],
    ['cron(60 6 * * ? *)', "the minutes field '60' has '60', outside 0-59"],
    ['cron(0 24 * * ? *)', "the hours field '24' has '24', outside 0-23"],
    ['cron(0 6 ? * FUNDAY *)', "the day-of-week field 'FUNDAY'"],
    ['cron(0 6 ? * 8 *)', 'outside 1-7'],
    ['cron(0 6 * 13 ? *)', 'outside 1-12'],
    ['cron(0 6 * * ? 1969)', 'outside 1970-2199'],
    ['cron(0 6 31 2 ? *)', 'names no day that exists'],
    ['cron(0 6 5-1 * ? *)', 'runs backwards'],
    // Runs that far apart cannot be watched by an alarm (CloudWatch evaluates 7 days at most).
    ['rate(7 days)', 'can watch at most 7 days'],
    ['cron(0 6 ? * MON *)', 'can watch at most 7 days'],
    ['cron(0 6 1 * ? *)', 'up to 31 days between runs'],
    ['cron(0 6 ? * 6L *)', 'can watch at most 7 days'],
    ['cron(0 6 ? * MON#2 *)', 'can watch at most 7 days'],
  ])('%s is refused at synth, naming the setting: %s', (expression, why) => {
    let error: unknown;
    try {
      parseLoadSchedule(expression);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`loadSchedule '${expression}' is not valid: `);
    expect((error as Error).message).toContain(why);
  });

  test("the no-successful-run alarm's window: the gap plus a run, within CloudWatch's limits", () => {
    for (const expression of ['rate(1 minute)', 'rate(20 minutes)', 'rate(23 hours)', 'cron(0 6 * * ? *)', 'cron(0 6 ? * MON-FRI *)', 'rate(6 days)', 'rate(167 hours)']) {
      const schedule = parseLoadSchedule(expression);
      if (schedule.kind === 'off') throw new Error('off');
      const { periodSeconds, evaluationPeriods } = staleAlarmWindow(schedule);
      const window = periodSeconds * evaluationPeriods;
      expect(window).toBeGreaterThanOrEqual((schedule.longestGapMinutes + 20) * 60);
      expect(window).toBeLessThan((schedule.longestGapMinutes + 20) * 60 + periodSeconds);
      expect(periodSeconds % 60).toBe(0);
      expect(window).toBeLessThanOrEqual(periodSeconds < 3600 ? 86_400 : LONGEST_ALARM_WINDOW_MINUTES * 60);
    }
  });
});
