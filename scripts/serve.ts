/** npm run serve — the local warehouse as a Postgres endpoint on 127.0.0.1, for psql, DBeaver, BI tools, notebooks. */
import { mkdirSync } from 'node:fs';
import { Command } from 'commander';
import { runCli } from '../lib/cli';
import { resolveSettings } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { handleInterrupts, onInterrupt } from '../lib/interrupts';
import { DEFAULT_PORT, PostgresServer } from '../lib/postgres-endpoint/server';
import { addWaitOptions, waitOptions } from '../lib/warehouse/local/cli';
import { acquire, assertWarehouseFolder, openDatabase, recoverAfter } from '../lib/warehouse/local/data-folder';

const HOST = '127.0.0.1';

const program = new Command('npm run serve --')
  .description(
    'Serve the local warehouse over the Postgres wire protocol on 127.0.0.1, as Redshift serves its endpoint: ' +
      'point psql, DBeaver, a BI tool or a notebook at it (user postgres, database postgres, no password). ' +
      'While it runs it owns the warehouse folder, and npm run etl, query and analytics on that folder go through it.\n' +
      'SQL sent by a client is what PGlite runs: Postgres\'s dialect, not translated from Redshift\'s (npm run query ' +
      'and analytics still translate theirs before sending it). PGlite is one session: clients take turns, one ' +
      'statement (or one transaction) at a time, and SET or temporary tables of one client are seen by the others.',
  )
  .option('--port <port>', `TCP port on 127.0.0.1 (default ${DEFAULT_PORT}, Redshift's; 0 picks a free one)`)
  .option('--data-dir <dir>', 'folder of the local warehouse (default .warehouse/pgdata)')
  .option('--idle-timeout <seconds>', 'disconnect a client that holds the session (open transaction) idle this long', '60');
addWaitOptions(program).addHelpText(
  'after',
  `\nExample:\n  npm run serve &\n  psql -h 127.0.0.1 -p ${DEFAULT_PORT} -U postgres -c "SELECT COUNT(*) FROM songplays"\n\nCtrl-C (or SIGTERM) stops it: clients are disconnected, open transactions rolled back, and the warehouse closed.`,
);

void runCli(program, async () => {
  const flags = program.opts<{ port?: string; dataDir?: string; idleTimeout: string; wait?: string | boolean }>();
  const port = flags.port === undefined ? DEFAULT_PORT : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be a TCP port from 0 to 65535; got ${JSON.stringify(flags.port)}.`);
  const idleSeconds = Number(flags.idleTimeout);
  if (!Number.isFinite(idleSeconds) || idleSeconds <= 0) {
    throw new ConfigError(`--idle-timeout must be a positive number of seconds; got ${JSON.stringify(flags.idleTimeout)}.`);
  }
  const { target } = resolveSettings({ target: 'local', dataDir: flags.dataDir });
  if (target.kind !== 'local') throw new Error('unreachable: the local target was asked for');
  const { dataDir } = target;
  handleInterrupts();
  assertWarehouseFolder(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const ownership = await acquire(dataDir, waitOptions(flags));
  if (!('lock' in ownership)) {
    const { serving, command, pid } = ownership.served;
    throw new ConfigError(`The local warehouse in ${dataDir} is already served at ${serving.host}:${serving.port} by ${command} (pid ${pid}); connect to that one.`);
  }
  const { lock } = ownership;
  const db = await openDatabase(dataDir);
  if (lock.tookOverFrom !== undefined) await recoverAfter(lock.tookOverFrom, db, dataDir, (line) => process.stderr.write(`${line}\n`));
  let server: PostgresServer;
  try {
    server = await PostgresServer.start({
      db,
      host: HOST,
      port,
      idleHoldMs: idleSeconds * 1000,
      log: (line) => process.stderr.write(`  ${line}\n`),
    });
  } catch (e) {
    await db.close();
    lock.release();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`Port ${port} on ${HOST} is in use by another program; give another with --port.`);
    throw e;
  }
  lock.announceServing(HOST, server.port);
  process.stderr.write(
    `Serving the local warehouse in ${dataDir} at postgresql://postgres@${HOST}:${server.port}/postgres\n` +
      `  psql -h ${HOST} -p ${server.port} -U postgres        (Postgres SQL, not translated; Ctrl-C to stop)\n`,
  );
  await new Promise<void>((stop) => onInterrupt(stop));
  process.stderr.write(`Stopping: disconnecting ${server.connections} client(s) and closing the warehouse…\n`);
  await server.stop();
  await db.close();
  lock.release();
  process.stderr.write('Stopped; the warehouse is closed.\n');
});
