import { loggedInEvent, loggedOutEvent, type Level, type Page } from './event-json';
import type { Play, PlayKind, PlayPicker } from './plays';
import type { Random } from './random';
import type { User } from './users';

/** Running totals of what was generated, for the summary. */
export interface SessionStats {
  sessions: number;
  events: number;
  nextSong: number;
  loggedOut: number;
  levelChanges: number;
  plays: Record<PlayKind, number>;
}

export function emptyStats(): SessionStats {
  return {
    sessions: 0,
    events: 0,
    nextSong: 0,
    loggedOut: 0,
    levelChanges: 0,
    plays: { match: 0, 'near-artist': 0, 'near-duration': 0, other: 0 },
  };
}

export type Emit = (ts: number, line: string) => void;

/**
 * Shapes follow the real sample (8,056 events, 941 sessions): about 9 events a session, 85 % NextSong,
 * 3.5 % logged out. A session may start logged out (Home/About/Help, then Login) and end with Logout
 * followed by a logged-out Home; some visitors never log in and never play a song. Upgrade and Downgrade
 * pages sometimes lead to Submit Upgrade / Submit Downgrade, which change the user's level from the next
 * event on (the submit event itself still shows the old level, as in the real logs).
 */
const ANONYMOUS_RATE = 0.03;
const LOGIN_FIRST_RATE = 0.1;
const LOGOUT_AT_END_RATE = 0.1;
const SUBMIT_UPGRADE_RATE = 0.35;
const SUBMIT_DOWNGRADE_RATE = 0.05;
const SAVE_SETTINGS_RATE = 0.25;
const MAX_SESSION_EVENTS = 250;

/** Pages a logged-in user picks between songs, by cumulative probability (the rest is NextSong). */
const BROWSING: readonly [number, Page | 'Plan'][] = [
  [0.06, 'Home'],
  [0.068, 'Settings'],
  [0.073, 'Help'],
  [0.076, 'About'],
  [0.0772, 'Error'],
  // Upgrade for a free user, Downgrade for a paying one.
  [0.09, 'Plan'],
];

export class SessionMaker {
  constructor(
    private readonly plays: PlayPicker,
    private readonly stats: SessionStats,
    private readonly rng: Random,
  ) {}

  /** Whether the next session is a visitor who never logs in. */
  nextIsAnonymous(): boolean {
    return this.rng.chance(ANONYMOUS_RATE);
  }

  /**
   * Emits session `sessionId` in time order: at most `budget` events, none at or after `end`. `user` is
   * null for a visitor who never logs in. Returns how many events it emitted (at least one).
   */
  make(sessionId: number, user: User | null, start: number, budget: number, end: number, emit: Emit): number {
    const s = new SessionCursor(sessionId, start, Math.min(budget, MAX_SESSION_EVENTS), end, this.stats, emit);
    this.stats.sessions++;
    const rng = this.rng;
    if (!user) {
      const level: Level = rng.chance(0.5) ? 'free' : 'paid';
      for (let n = rng.int(1, 2); n > 0; n--) {
        if (!s.loggedOut(level, rng.pick(['Home', 'Home', 'About', 'Help'] as const), this.#pause())) break;
      }
      return s.count;
    }
    if (rng.chance(LOGIN_FIRST_RATE)) {
      if (rng.chance(0.5)) s.loggedOut(user.level, rng.pick(['Home', 'About', 'Help'] as const), this.#pause());
      if (!s.loggedOut(user.level, 'Login', this.#pause()) || !s.loggedIn(user, 'Home', null, this.#pause())) {
        return this.#done(user, s);
      }
    }
    const length = Math.min(MAX_SESSION_EVENTS, Math.ceil(rng.logNormal(1.5, 1.1)));
    while (s.count < length) {
      if (!this.#step(user, s)) return this.#done(user, s);
    }
    if (rng.chance(LOGOUT_AT_END_RATE) && s.loggedIn(user, 'Logout', null, rng.int(0, 5))) {
      for (let n = rng.chance(0.2) ? 2 : 1; n > 0; n--) s.loggedOut(user.level, 'Home', this.#pause());
    }
    return this.#done(user, s);
  }

  /** One logged-in page (two or three when a form follows). False once the session cannot go on. */
  #step(user: User, s: SessionCursor): boolean {
    const rng = this.rng;
    const roll = rng.float();
    const browse = BROWSING.find(([p]) => roll < p)?.[1];
    if (!browse) {
      const play = this.plays.next(rng);
      return s.loggedIn(user, 'NextSong', play, Math.round(play.seconds) + rng.int(0, 2));
    }
    if (browse === 'Settings') {
      return (
        s.loggedIn(user, 'Settings', null, this.#pause()) &&
        (!rng.chance(SAVE_SETTINGS_RATE) ||
          (s.loggedIn(user, 'Save Settings', null, this.#pause()) && s.loggedIn(user, 'Home', null, this.#pause())))
      );
    }
    if (browse === 'Plan') {
      const free = user.level === 'free';
      if (!s.loggedIn(user, free ? 'Upgrade' : 'Downgrade', null, this.#pause())) return false;
      if (!rng.chance(free ? SUBMIT_UPGRADE_RATE : SUBMIT_DOWNGRADE_RATE)) return true;
      if (!s.loggedIn(user, free ? 'Submit Upgrade' : 'Submit Downgrade', null, this.#pause())) return false;
      user.level = free ? 'paid' : 'free';
      this.stats.levelChanges++;
      return s.loggedIn(user, 'Home', null, this.#pause());
    }
    return s.loggedIn(user, browse, null, this.#pause());
  }

  /** Seconds spent on a page that is not a song. */
  #pause(): number {
    return 1 + Math.round(this.rng.exponential(25));
  }

  #done(user: User, s: SessionCursor): number {
    user.busyUntil = s.lastTs;
    return s.count;
  }
}

/** Numbers a session's events and advances its clock; refuses events past the budget or the window. */
class SessionCursor {
  count = 0;
  lastTs: number;
  #next: number;

  constructor(
    private readonly sessionId: number,
    start: number,
    private readonly budget: number,
    private readonly end: number,
    private readonly stats: SessionStats,
    private readonly emit: Emit,
  ) {
    this.lastTs = start;
    this.#next = start;
  }

  /** Emits a logged-in event now and moves the clock `seconds` on; false if it did not fit. */
  loggedIn(user: User, page: Page, play: Play | null, seconds: number): boolean {
    if (!this.#fits()) return false;
    user.active = true;
    if (play) {
      this.stats.nextSong++;
      this.stats.plays[play.kind]++;
    }
    this.#emit(loggedInEvent(user.line, user.level, this.sessionId, this.count, this.#next, page, play), seconds);
    return true;
  }

  loggedOut(level: Level, page: Page, seconds: number): boolean {
    if (!this.#fits()) return false;
    this.stats.loggedOut++;
    this.#emit(loggedOutEvent(level, this.sessionId, this.count, this.#next, page), seconds);
    return true;
  }

  #fits(): boolean {
    return this.count < this.budget && this.#next < this.end;
  }

  #emit(line: string, seconds: number): void {
    this.emit(this.#next, line);
    this.stats.events++;
    this.lastTs = this.#next;
    this.count++;
    this.#next += seconds * 1000;
  }
}
