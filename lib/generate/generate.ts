import { buildCatalogue } from './catalogue';
import { EventQueue } from './event-queue';
import { DailyLogWriter } from './log-writer';
import type { GenerateOptions } from './options';
import { copyJsonPaths, prepareOutputDir } from './output-dir';
import { PlayPicker } from './plays';
import { Random } from './random';
import { emptyStats, SessionMaker } from './sessions';
import { writeSongs } from './song-writer';
import { buildUsers, endIn796 } from './users';

/** The real logs start on 2018-11-01 (UTC); generated ones do too. */
export const WINDOW_START = Date.UTC(2018, 10, 1);
const DAY_MS = 86_400_000;
/** About the mean number of events in a session (measured: 8.5); sizes the jitter between session starts. */
const EVENTS_PER_SESSION = 9;

/** What was written: the one-line JSON `--json` prints, so tests and benchmarks need not re-read the files. */
export interface GenerateSummary {
  seed: number;
  songs: number;
  artists: number;
  /** Registered users (`--users`). */
  users: number;
  /** Users with at least one logged-in event: the rows a users table will get. */
  activeUsers: number;
  events: number;
  sessions: number;
  nextSongEvents: number;
  loggedOutEvents: number;
  /** NextSong events that match a catalogue song (lib/song-match.ts): the songplays the ETL gives a song_id. */
  matchedPlays: number;
  /** Of the matched plays, those whose duration differs from every matching song's. */
  matchedOtherDuration: number;
  /** NextSong events with a catalogue title by an artist that has no song of that title: not matches. */
  nearMissArtist: number;
  /** Submit Upgrade and Submit Downgrade events. */
  levelChanges: number;
  firstDay: string;
  lastDay: string;
  songFiles: number;
  logFiles: number;
  /** All files written, the JSONPaths file included. */
  files: number;
  bytes: number;
  ms: number;
}

export type Progress =
  | { readonly phase: 'songs'; readonly songs: number }
  | { readonly phase: 'events'; readonly day: string; readonly events: number; readonly total: number };

/**
 * Writes a data set shaped like the real Sparkify sources, deterministic for the options. Events are
 * produced session by session in order of start time, held in a queue only while their session may still
 * interleave with later ones, and written out day by day, so memory does not grow with `events`.
 *
 * Session starts are spread evenly over `days` days by progress (the k-th event's session starts about
 * k/events of the way through), so every day gets a similar share; a session cut off by the end of the
 * window stops there, and later sessions make up the count.
 */
export function generate(options: GenerateOptions, onProgress?: (progress: Progress) => void): GenerateSummary {
  const started = performance.now();
  const { out, events: total } = options;
  prepareOutputDir(out, options.force);
  const [catalogueRng, userRng, playRng, eventRng] = Random.streams(options.seed, 4) as [Random, Random, Random, Random];

  const catalogue = buildCatalogue(options.songs, catalogueRng);
  const songs = writeSongs(out, catalogue);
  onProgress?.({ phase: 'songs', songs: songs.files });
  const jsonPathsBytes = copyJsonPaths(out);

  const users = buildUsers(options.users, WINDOW_START, userRng);
  const stats = emptyStats();
  const sessions = new SessionMaker(new PlayPicker(catalogue, options, playRng), stats, eventRng);
  const days: string[] = [];
  const writer = new DailyLogWriter(out, (day, written) => {
    days.push(day);
    onProgress?.({ phase: 'events', day, events: written, total });
  });
  const queue = new EventQueue();
  const push = (ts: number, line: string) => queue.push(ts, line);
  const write = (ts: number, line: string) => writer.write(ts, line);

  const windowMs = options.days * DAY_MS;
  const windowEnd = WINDOW_START + windowMs;
  // Jitter between session starts, at most a day so that even a sparse window begins on its first day.
  const jitter = Math.min(DAY_MS, (windowMs * EVENTS_PER_SESSION) / total);
  let start = WINDOW_START;
  for (let made = 0, sessionId = 1; made < total; sessionId++) {
    const due = WINDOW_START + (made / total) * windowMs + eventRng.float() * jitter;
    start = Math.max(start, endIn796(Math.min(due, windowEnd - 1000)));
    queue.drainBefore(start, write);
    const user = sessions.nextIsAnonymous() ? null : users.pick(start, eventRng);
    made += sessions.make(sessionId, user, start, total - made, windowEnd, push);
  }
  queue.drainAll(write);
  writer.close();

  return {
    seed: options.seed,
    songs: catalogue.songs.length,
    artists: catalogue.artists.length,
    users: options.users,
    activeUsers: users.users.filter((u) => u.active).length,
    events: stats.events,
    sessions: stats.sessions,
    nextSongEvents: stats.nextSong,
    loggedOutEvents: stats.loggedOut,
    matchedPlays: stats.plays.match + stats.plays['near-duration'],
    matchedOtherDuration: stats.plays['near-duration'],
    nearMissArtist: stats.plays['near-artist'],
    levelChanges: stats.levelChanges,
    firstDay: days[0] ?? '',
    lastDay: days[days.length - 1] ?? '',
    songFiles: songs.files,
    logFiles: writer.files,
    files: songs.files + writer.files + 1,
    bytes: songs.bytes + writer.bytes + jsonPathsBytes,
    ms: Math.round(performance.now() - started),
  };
}
