/**
 * The local warehouse over the Postgres wire protocol, so psql, DBeaver, a BI tool or a notebook can connect
 * to it as they connect to Redshift. PGlite is one Postgres session: every client's messages go to it in
 * turn, and a client keeps it from the first message of a request until the backend is idle again
 * (ReadyForQuery 'I'): a whole extended-protocol exchange, a whole transaction, a whole COPY FROM STDIN. So
 * clients never see each other's half-done work; statements run one at a time.
 *
 * Like @electric-sql/pglite-socket (the PGlite team's server), it hands each message to PGlite's
 * execProtocolRawStream. Unlike it, it refuses what is not a frontend message before PGlite sees it (PGlite
 * hangs on an unknown message type), keeps a client's exchange together (pglite-socket interleaves other
 * clients' messages between a Parse and its Sync), and lets a client that holds the session go when it
 * drops, stalls or stops reading: its work is rolled back and the others carry on.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '../warehouse/local/pglite';
import { bareMessage, copyFailMessage, errorResponse, type Frame, FrameReader, queryMessage, ResponseScanner } from './frames';

export interface PostgresServerOptions {
  readonly db: PGlite;
  /** @default 127.0.0.1 (loopback: the warehouse has no password) */
  readonly host?: string;
  /** 0 picks a free port. @default 5439, Redshift's */
  readonly port?: number;
  /**
   * A client that holds the session (inside a transaction or an unfinished exchange) and sends nothing for
   * this long is disconnected and its work rolled back, so it cannot stop the others forever.
   * @default 60000
   */
  readonly idleHoldMs?: number;
  /**
   * Output waiting for a client that does not read it; beyond this the client is disconnected.
   * @default 64 MiB
   */
  readonly maxUnreadBytes?: number;
  /** One line per connection opened or closed, and per client let go. @default dropped */
  readonly log?: (line: string) => void;
}

export const DEFAULT_PORT = 5439;

export class PostgresServer {
  readonly #db: PGlite;
  readonly #server: Server;
  readonly #options: PostgresServerOptions;
  readonly #connections = new Set<Connection>();
  /** The connection that has the session, and those waiting for it in order. */
  #holder: Connection | undefined;
  readonly #waiting: { readonly connection: Connection; readonly go: () => void }[] = [];
  #port = 0;

  private constructor(db: PGlite, options: PostgresServerOptions) {
    this.#db = db;
    this.#options = options;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  static async start(options: PostgresServerOptions): Promise<PostgresServer> {
    const server = new PostgresServer(options.db, options);
    await new Promise<void>((listening, failed) => {
      server.#server.once('error', failed);
      server.#server.listen(options.port ?? DEFAULT_PORT, options.host ?? '127.0.0.1', () => {
        server.#server.off('error', failed);
        listening();
      });
    });
    const address = server.#server.address();
    server.#port = typeof address === 'object' && address !== null ? address.port : 0;
    return server;
  }

  get port(): number {
    return this.#port;
  }

  get connections(): number {
    return this.#connections.size;
  }

  /** Stops accepting, disconnects every client (rolling back what one holds) and waits until all are let go. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((done) => this.#server.close(() => done()));
    await Promise.all([...this.#connections].map((c) => c.close()));
    await closed;
  }

  /** Resolves when `connection` has the session. */
  acquire(connection: Connection): Promise<void> {
    if (this.#holder === connection) return Promise.resolve();
    if (this.#holder === undefined) {
      this.#holder = connection;
      return Promise.resolve();
    }
    return new Promise((go) => this.#waiting.push({ connection, go }));
  }

  /** Lets a connection that closes stop waiting for the session (it goes on, sees that it is closing, and stops). */
  stopWaiting(connection: Connection): void {
    const queued = this.#waiting.findIndex((w) => w.connection === connection);
    if (queued >= 0) this.#waiting.splice(queued, 1)[0]!.go();
  }

  release(connection: Connection): void {
    const queued = this.#waiting.findIndex((w) => w.connection === connection);
    if (queued >= 0) this.#waiting.splice(queued, 1);
    if (this.#holder !== connection) return;
    const next = this.#waiting.shift();
    this.#holder = next?.connection;
    next?.go();
  }

  holds(connection: Connection): boolean {
    return this.#holder === connection;
  }

  get db(): PGlite {
    return this.#db;
  }

  get options(): PostgresServerOptions {
    return this.#options;
  }

  forget(connection: Connection): void {
    this.#connections.delete(connection);
  }

  #accept(socket: Socket): void {
    const connection = new Connection(this, socket);
    this.#connections.add(connection);
  }
}

/** One client: its frames, run in order once it has the session. */
class Connection {
  static #next = 1;
  readonly #id = Connection.#next++;
  readonly #server: PostgresServer;
  readonly #socket: Socket;
  readonly #reader = new FrameReader();
  readonly #scanner = new ResponseScanner();
  readonly #queue: Frame[] = [];
  #running: Promise<void> | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(server: PostgresServer, socket: Socket) {
    this.#server = server;
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (data) => this.#receive(data));
    // A reset or a half-closed socket ends the client either way.
    socket.on('error', () => void this.close());
    socket.on('close', () => void this.close());
    this.#log(`client #${this.#id} connected from ${socket.remoteAddress}:${socket.remotePort}`);
  }

  /** Ends the connection; if it has the session, its unfinished work is rolled back first. Idempotent. */
  close(reason?: string): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    this.#closing = true;
    this.#queue.length = 0;
    clearTimeout(this.#idleTimer);
    // The reason is the last thing sent; then the socket goes, unread output and all (a client that does
    // not read would otherwise keep it open, and the server from stopping).
    if (reason !== undefined && this.#socket.writable) this.#socket.end(errorResponse('FATAL', '08P01', reason));
    else this.#socket.end();
    setTimeout(() => this.#socket.destroy(), 1000).unref();
    this.#server.stopWaiting(this);
    this.#closed = (async () => {
      await this.#running; // a frame being run finishes first: PGlite cannot stop one midway
      if (this.#server.holds(this)) await this.#rollBack();
      this.#server.release(this);
      this.#server.forget(this);
      this.#log(`client #${this.#id} disconnected${reason === undefined ? '' : `: ${reason}`}`);
    })();
    return this.#closed;
  }

  #receive(data: Buffer): void {
    if (this.#closing) return;
    clearTimeout(this.#idleTimer);
    for (const frame of this.#reader.push(data)) {
      switch (frame.kind) {
        case 'encryption-request':
          this.#socket.write('N'); // no TLS: the client goes on in the clear, on loopback
          break;
        case 'cancel-request':
          void this.close(); // PGlite cannot stop a running statement; the protocol expects no answer
          return;
        case 'terminate':
          void this.close();
          return;
        case 'invalid':
          void this.close(frame.reason);
          return;
        default:
          this.#queue.push(frame);
      }
    }
    if (this.#running === undefined && this.#queue.length > 0) this.#running = this.#run().finally(() => (this.#running = undefined));
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0 && !this.#closing) {
      const frame = this.#queue.shift()!;
      if (frame.kind !== 'startup' && frame.kind !== 'message') continue;
      await this.#server.acquire(this);
      if (this.#closing) return;
      this.#scanner.reset();
      try {
        await this.#exec(frame.bytes, (chunk) => this.#send(chunk));
      } catch (e) {
        void this.close(`the warehouse failed to run the request: ${(e as Error).message}`);
        return;
      }
      // Idle again: the session is free for the others. Otherwise (a transaction, an unfinished extended
      // exchange, a COPY FROM STDIN) this client keeps it, and must not stall.
      if (this.#scanner.status === 'I' && !this.#scanner.copyIn) this.#server.release(this);
      else this.#watchIdle();
    }
  }

  #exec(bytes: Uint8Array, onRawData: (chunk: Uint8Array) => void): Promise<void> {
    const { db } = this.#server;
    return db.runExclusive(() =>
      db.execProtocolRawStream(bytes, {
        onRawData: (chunk) => {
          this.#scanner.push(chunk);
          onRawData(chunk);
        },
      }),
    );
  }

  #send(chunk: Uint8Array): void {
    if (this.#closing || !this.#socket.writable) return;
    this.#socket.write(chunk);
    const limit = this.#server.options.maxUnreadBytes ?? 64 * 1024 * 1024;
    if (this.#socket.writableLength > limit) void this.close('the client does not read its results');
  }

  #watchIdle(): void {
    clearTimeout(this.#idleTimer);
    const ms = this.#server.options.idleHoldMs ?? 60000;
    this.#idleTimer = setTimeout(() => {
      if (this.#running === undefined && this.#queue.length === 0 && this.#server.holds(this)) {
        void this.close(`idle for ${Math.round(ms / 1000)} s inside a transaction or an unfinished request, which holds up every other client; rolled back`);
      }
    }, ms);
    this.#idleTimer.unref();
  }

  /** Puts the session back as an idle one: ends a COPY, an extended exchange and a transaction left open. */
  async #rollBack(): Promise<void> {
    const drop = () => undefined;
    try {
      if (this.#scanner.copyIn) await this.#exec(copyFailMessage('the client disconnected'), drop);
      this.#scanner.reset();
      await this.#exec(bareMessage('S'), drop);
      if (this.#scanner.status !== 'I') await this.#exec(queryMessage('ROLLBACK'), drop);
    } catch {
      // the database is closing: nothing left to put back
    }
  }

  #log(line: string): void {
    this.#server.options.log?.(line);
  }
}
