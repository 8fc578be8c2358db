import { MAX_BYTES } from './hostile';
import { clampUtf8, jsonFloat, logJsonString } from './json-text';
import { userLineParts, type Level, type UserLineParts } from './event-json';
import type { Random } from './random';
import { FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES, METRO_AREAS, USER_AGENTS } from './vocabulary';

/** A registered user. Only `level` changes (Submit Upgrade / Submit Downgrade). */
export interface User {
  /** The constant text of the user's event lines, written once. */
  readonly line: UserLineParts;
  level: Level;
  /** When the user's last session ends (epoch ms); used to avoid one user in two sessions at once. */
  busyUntil: number;
  /** Whether any event has shown this user logged in (so the users table will hold them). */
  active: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Users 1..count, registered up to 180 days before `windowStart`. Activity is log-normal, so a few users
 * produce much of the traffic, and the busier ones more often pay, as in the real logs (6,093 of 7,770
 * logged-in events are at the paid level).
 */
export function buildUsers(count: number, windowStart: number, rng: Random): UserPicker {
  const users: User[] = [];
  const weights = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const female = rng.chance(0.6);
    const weight = rng.logNormal(0, 1.2);
    weights[i] = weight;
    const line = userLineParts({
      userId: `"${i + 1}"`,
      firstName: nameJson(rng.pick(female ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES)),
      lastName: nameJson(rng.pick(LAST_NAMES)),
      gender: female ? '"F"' : '"M"',
      location: logJsonString(clampUtf8(rng.pick(METRO_AREAS), MAX_BYTES.location)),
      registration: jsonFloat(endIn796(windowStart - rng.int(1, 180) * DAY_MS - rng.int(0, DAY_MS))),
      userAgent: logJsonString(quoteLikeCsv(clampUtf8(rng.pick(USER_AGENTS), MAX_BYTES.userAgent - 2))),
    });
    users.push({
      line,
      level: rng.chance(weight / (weight + 1)) ? 'paid' : 'free',
      busyUntil: 0,
      active: false,
    });
  }
  return new UserPicker(users, weights);
}

/** Picks users in proportion to their activity. */
export class UserPicker {
  readonly #cumulative: Float64Array;

  constructor(
    readonly users: readonly User[],
    weights: Float64Array,
  ) {
    this.#cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => (this.#cumulative[i] = sum += w));
  }

  /** A user by activity, preferring one who is not in a session at `at` (a few tries, then any). */
  pick(at: number, rng: Random): User {
    let user = this.#pickOne(rng);
    for (let tries = 0; tries < 4 && user.busyUntil > at; tries++) user = this.#pickOne(rng);
    return user;
  }

  #pickOne(rng: Random): User {
    const c = this.#cumulative;
    const target = rng.float() * c[c.length - 1]!;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! <= target) lo = mid + 1;
      else hi = mid;
    }
    return this.users[lo]!;
  }
}

/** Every timestamp in the real logs ends in 796 ms; keep that quirk. */
export function endIn796(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000 + 796;
}

function nameJson(name: string): string {
  return logJsonString(clampUtf8(name, MAX_BYTES.name));
}

/**
 * The real logs carry a user agent in literal double quotes exactly when it contains a comma — a CSV
 * quoting left over upstream ("…(KHTML, like Gecko)…" is quoted, Firefox's is not).
 */
function quoteLikeCsv(userAgent: string): string {
  return userAgent.includes(',') ? `"${userAgent}"` : userAgent;
}
