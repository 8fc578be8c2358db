/**
 * `npm run generate`: write a synthetic Sparkify data set shaped like the real one. The work is in
 * lib/generate; this file only reads flags, reports progress on stderr and the summary on stdout.
 */
import { Command, CommanderError } from 'commander';
import { SparkifyError } from '../lib/errors';
import { generate, type Progress } from '../lib/generate/generate';
import { resolveOptions } from '../lib/generate/options';

const program = new Command('generate')
  .description(
    'Write a synthetic Sparkify data set into --out in the layout of the real one: song_data/A/B/C/TR….json ' +
      '(one song a file), log_data/YYYY/MM/YYYY-MM-DD-events.json (newline-delimited events from ' +
      '2018-11-01) and log_json_path.json. The same flags and seed always give the same bytes.',
  )
  .requiredOption('--out <dir>', 'folder to write into (new or empty, unless --force)')
  .option('--events <n>', 'number of events', '8056')
  .option('--songs <n>', 'number of catalogue songs', '14896')
  .option('--users <n>', 'number of registered users (default: max(100, events / 80))')
  .option('--days <n>', 'days the events span from 2018-11-01 (default: min(30, ceil(events / 270)))')
  .option('--seed <n>', 'random seed, 0 to 4294967295', '1')
  .option('--match-rate <r>', 'share of NextSong events equal to a catalogue song (title, artist, duration)', '0.05')
  .option('--near-miss-rate <r>', 'share of NextSong events that nearly match (other artist, or duration off)', '0.02')
  .option('--force', 'replace song_data/, log_data/ and log_json_path.json of a non-empty --out')
  .option('--json', 'print a one-line JSON summary to stdout')
  .option('--quiet', 'no progress on stderr')
  .addHelpText(
    'after',
    '\nThe --json summary: songs, artists, users, activeUsers, events, sessions, nextSongEvents, loggedOutEvents,\n' +
      'matchedPlays, nearMissArtist, nearMissDuration, levelChanges, firstDay, lastDay, songFiles, logFiles,\n' +
      'files, bytes, ms.\n\nExit codes: 0 written; 1 a file could not be written; 2 bad flags or --out.',
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

function main(argv: string[]): number {
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const flags = program.opts<Record<string, string | boolean | undefined>>();
  try {
    const options = resolveOptions({
      out: flags.out as string,
      events: flags.events as string,
      songs: flags.songs as string,
      users: flags.users as string | undefined,
      days: flags.days as string | undefined,
      seed: flags.seed as string,
      matchRate: flags.matchRate as string,
      nearMissRate: flags.nearMissRate as string,
      force: flags.force === true,
    });
    const summary = generate(options, flags.quiet ? undefined : progressPrinter());
    if (flags.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else if (!flags.quiet) {
      process.stderr.write(
        `generate: wrote ${summary.events.toLocaleString('en-US')} events and ${summary.songs.toLocaleString('en-US')} ` +
          `songs (${summary.files.toLocaleString('en-US')} files, ${mb(summary.bytes)}) to ${options.out} in ${seconds(summary.ms)}\n`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof SparkifyError) {
      process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof Error && 'code' in error && 'path' in error) {
      // A file system failure (full disk, no permission): the message names the call and the path.
      process.stderr.write(`generate: could not write the data set: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

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

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

process.exitCode = main(process.argv);
