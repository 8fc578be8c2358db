import type { Play } from './plays';

export type Level = 'free' | 'paid';

/** The pages of the real logs, with the method and status each one always has there. */
export const PAGES = {
  NextSong: { method: 'PUT', status: 200 },
  Home: { method: 'GET', status: 200 },
  Settings: { method: 'GET', status: 200 },
  'Save Settings': { method: 'PUT', status: 307 },
  Help: { method: 'GET', status: 200 },
  About: { method: 'GET', status: 200 },
  Error: { method: 'GET', status: 404 },
  Upgrade: { method: 'GET', status: 200 },
  'Submit Upgrade': { method: 'PUT', status: 307 },
  Downgrade: { method: 'GET', status: 200 },
  'Submit Downgrade': { method: 'PUT', status: 307 },
  Login: { method: 'PUT', status: 307 },
  Logout: { method: 'PUT', status: 307 },
} as const;

export type Page = keyof typeof PAGES;

/** A user's fields as log JSON literals (strings quoted and escaped; registration a float with `.0`). */
export interface UserJson {
  readonly userId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly gender: string;
  readonly location: string;
  readonly registration: string;
  readonly userAgent: string;
}

/**
 * The constant text of a user's logged-in event lines, joined once around the values that change.
 * An event line is then 15 pieces instead of 37: a million lines are about 470 MB of text, and fewer
 * pieces per line means fewer intermediate strings for the garbage collector.
 */
export interface UserLineParts {
  readonly afterArtist: string;
  readonly afterItem: string;
  readonly afterLength: Readonly<Record<Level, string>>;
  readonly afterPage: string;
  readonly afterTs: string;
}

export function userLineParts(u: UserJson): UserLineParts {
  const level = (l: Level) => `,"level":"${l}","location":${u.location},"method":"`;
  return {
    afterArtist: `,"auth":"Logged In","firstName":${u.firstName},"gender":${u.gender},"itemInSession":`,
    afterItem: `,"lastName":${u.lastName},"length":`,
    afterLength: { free: level('free'), paid: level('paid') },
    afterPage: `${u.registration},"sessionId":`,
    afterTs: `,"userAgent":${u.userAgent},"userId":${u.userId}}`,
  };
}

/** Per page: the text from `method`'s value to `registration`'s, and from `song`'s value to `ts`'s. */
const PAGE_PARTS = Object.fromEntries(
  Object.entries(PAGES).map(([page, { method, status }]) => [
    page,
    { page: `${method}","page":"${page}","registration":`, status: `,"status":${status},"ts":` },
  ]),
) as Record<Page, { readonly page: string; readonly status: string }>;

/**
 * One logged-in event line, keys in the real files' order (alphabetical, as the JSONPaths file lists
 * them). Concatenated from pre-escaped parts rather than `JSON.stringify` of an object, which would be
 * slower, lose `registration`'s `.0` and not escape `/`.
 */
export function loggedInEvent(
  user: UserLineParts,
  level: Level,
  sessionId: number,
  itemInSession: number,
  ts: number,
  page: Page,
  play: Play | null,
): string {
  const p = PAGE_PARTS[page];
  return (
    '{"artist":' + (play ? play.artistJson : 'null') + user.afterArtist + itemInSession + user.afterItem +
    (play ? play.lengthJson : 'null') + user.afterLength[level] + p.page + user.afterPage + sessionId +
    ',"song":' + (play ? play.songJson : 'null') + p.status + ts + user.afterTs
  );
}

/** A logged-out visitor's event: every personal field null, `userId` empty, the level still set. */
export function loggedOutEvent(level: Level, sessionId: number, itemInSession: number, ts: number, page: Page): string {
  const { method, status } = PAGES[page];
  return (
    `{"artist":null,"auth":"Logged Out","firstName":null,"gender":null,"itemInSession":${itemInSession},` +
    `"lastName":null,"length":null,"level":"${level}","location":null,"method":"${method}","page":"${page}",` +
    `"registration":null,"sessionId":${sessionId},"song":null,"status":${status},"ts":${ts},"userAgent":null,` +
    `"userId":""}`
  );
}
