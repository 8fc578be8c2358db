/**
 * `npm run generate`: write a synthetic Sparkify data set shaped like the real one. The work is in
 * lib/generate; this file only reads flags, reports progress on stderr and the summary on stdout.
 */
import { Command } from 'commander';
import { runCli, userPath } from '../lib/cli';
import { SparkifyError } from '../lib/errors';
import { generate, type Progress } from '../lib/generate/generate';
import { resolveOptions } from '../lib/generate/options';

const program = new Command('npm run generate --')
  .description(
    'Write a synthetic Sparkify data set into --out in the layout of the real one: song_data/A/B/C/TR….json ' +
      '(one song a file), log_data/YYYY/MM/YYYY-MM-DD-events.json (newline-delimited events from ' +
      '2018-11-01) and log_json_path.json. The same flags and seed always give the same bytes.',
  )
  .requiredOption('--out <dir>', 'folder to write into (new or empty, unless --force)')
  .option('--events <n>', 'number of events (k and m suffixes: 100k, 1m)', '8056')
  .option('--songs <n>', 'number of catalogue songs', '14896')
  .option('--users <n>', 'number of registered users (default max(100, events / 80))')
  .option('--days <n>', 'days the events span from 2018-11-01 (default min(30, ceil(events / 270)))')
  .option('--seed <n>', 'random seed, 0 to 4294967295', '1')
  .option('--match-rate <r>', 'share of NextSong events that are a catalogue song exactly (title, artist and duration)', '0.05')
  .option(
    '--near-miss-rate <r>',
    'share of NextSong events that are, half each, a catalogue title by another artist (no match) or a catalogue song with another duration (still a match)',
    '0.02',
  )
  .option('--force', 'replace song_data/, log_data/ and log_json_path.json of a non-empty --out')
  .option('--json', 'print a one-line JSON summary to stdout')
  .option('--quiet', 'no progress on stderr')
  .addHelpText(
    'after',
    '\nThe --json summary: songs, artists, users, activeUsers, events, sessions, nextSongEvents, loggedOutEvents,\n' +
      'matchedPlays, matchedOtherDuration, nearMissArtist, levelChanges, firstDay, lastDay, songFiles, logFiles,\n' +
      'files, bytes, ms. matchedPlays counts the plays that match a catalogue song as the ETL matches them (same\n' +
      'title and artist name, trailing spaces ignored; lib/song-match.ts): the songplays that get a song_id.\n\nExample:\n  npm run generate -- --out /tmp/sparkify-100k --events 100k',
  );

void runCli(program, async () => {
  const flags = program.opts<Record<string, string | boolean | undefined>>();
  const options = resolveOptions({
    out: userPath(flags.out as string),
    events: flags.events as string,
    songs: flags.songs as string,
    users: flags.users as string | undefined,
    days: flags.days as string | undefined,
    seed: flags.seed as string,
    matchRate: flags.matchRate as string,
    nearMissRate: flags.nearMissRate as string,
    force: flags.force === true,
  });
  let summary;
  try {
    summary = generate(options, flags.quiet ? undefined : progressPrinter());
  } catch (error) {
    if (error instanceof Error && 'code' in error && 'path' in error) {
      // A file system failure (full disk, no permission): the message names the call and the path.
      throw new SparkifyError(`Could not write the data set: ${error.message}.`, 1, { cause: error });
    }
    throw error;
  }
  if (flags.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else if (!flags.quiet) {
    process.stderr.write(
      `generate: wrote ${summary.events.toLocaleString('en-US')} events and ${summary.songs.toLocaleString('en-US')} ` +
        `songs (${summary.files.toLocaleString('en-US')} files, ${mb(summary.bytes)}) to ${options.out} in ${seconds(summary.ms)}\n`,
    );
  }
});

/** One line when the songs are written, then at most one a second while days are written, and the last day. */
function progressPrinter(): (progress: Progress) => void {
  let last = 0;
  return (p) => {
    if (p.phase === 'songs') {
      process.stderr.write(`generate: ${p.songs.toLocaleString('en-US')} song files written\n`);
      return;
    }
    const now = Date.now();
    if (now - last < 1000 && p.events < p.total) return;
    last = now;
    const pct = Math.floor((100 * p.events) / p.total);
    process.stderr.write(`generate: events up to ${p.day}: ${p.events.toLocaleString('en-US')} (${pct}%)\n`);
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

