/**
 * One database for the whole service: PostgreSQL when a connection string is given, otherwise
 * embedded PGlite. Both are reached through one knex instance (query builder, migrations) and,
 * for the engine's hot paths, through `query`/`tx`, which run parameterised SQL straight on a
 * connection borrowed from knex's pool — so on PGlite's single connection nothing interleaves.
 */
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { migrate } from './migrate.js';

const require = createRequire(import.meta.url);

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs one parameterised statement ($1, $2, … placeholders). */
export interface Queryable {
  query<R = any>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  readonly knex: Knex;
  /**
   * `fn` in one transaction. On PostgreSQL a transaction chosen as a deadlock's victim (40P01) or
   * failing serialization (40001) is run again, up to 4 times: `fn` must touch only the database
   * (what it computes outside, it computes again). So is a statement sent on its own with `query`.
   */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Calls `cb` for each NOTIFY on `channel`; returns the unsubscribe function. */
  listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** postgres://… — PostgreSQL. Absent: embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; absent with no databaseUrl: in memory. */
  dataDir?: string;
  /** Pool size on PostgreSQL. */
  poolMax?: number;
  /** Run migrations on open (default true). */
  migrate?: boolean;
  /**
   * A PGlite starts from this image of a data directory (`pgliteImage()`, an uncompressed tar):
   * the test suite migrates one database per run and clones it per test file (opening and
   * migrating PGlite costs ~6 s, loading an image under 1 s).
   */
  pgliteImage?: Uint8Array;
  /**
   * PGlite's `shared_buffers` (PostgreSQL's default, 128MB, when absent). A test database holds
   * kilobytes: '16MB' starts it ~0.3 s sooner.
   */
  pgliteSharedBuffers?: string;
  /**
   * PGlite has one connection: a caller that waits `stall.ms` for it is told to `stall.report`,
   * with where it waits from and where the connection was taken from — the two ends of a
   * deadlock (a transaction that waits on work needing the connection) or of a transaction held
   * too long. The connection is still awaited. Off when absent; on, each acquisition records a
   * stack (a few µs). The test suite turns it on.
   */
  pgliteStall?: { ms: number; report(text: string): void };
}

// int8 stays a string (keys are 64-bit; JavaScript numbers are not), as node-postgres does.
const INT8 = pg.types.builtins.INT8;
pg.types.setTypeParser(INT8, (v: string) => v);

export async function openDb(opts: DbOptions): Promise<Db> {
  const db = opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolMax ?? 10) : await openPglite(opts);
  if (opts.migrate !== false) await migrate(db.knex);
  return db;
}

/**
 * The image of a migrated, empty in-memory PGlite (for `DbOptions.pgliteImage`). Every clone unpacks
 * it, so it is kept small (42.7 MB → 17 MB, 1,245 files → 648): WAL segments of 1 MB instead
 * of 16, and no template databases — a PGlite never creates a database (docs/benchmarks.md).
 * `opts.to` stops the migrations there (`migrate`), for the tests of a later data migration.
 */
export async function pgliteImage(opts: { to?: string } = {}): Promise<Uint8Array> {
  return (await pgliteImages([opts.to]))[0];
}

/**
 * Images of one database as it passes each of `stops` — a migration's name, or undefined for the
 * latest — in ascending order: one initdb (seconds, inside WebAssembly) serves them all.
 */
export async function pgliteImages(stops: (string | undefined)[]): Promise<Uint8Array[]> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = new PGlite({ parsers: { [INT8]: (v: string) => v }, initDbStartParams: ['--wal-segsize=1'] });
  await pglite.waitReady;
  const ClientPGLite = require('knex-pglite');
  const knex = knexFactory({ client: ClientPGLite, connection: { pglite } } as Knex.Config);
  try {
    await pglite.exec(`update pg_database set datistemplate = false where datname in ('template0', 'template1')`);
    for (const t of ['template0', 'template1']) await pglite.exec(`drop database ${t}`);
    const images: Uint8Array[] = [];
    for (const to of stops) {
      await migrate(knex, { to });
      // A clone then starts from this checkpoint instead of replaying every migration's WAL.
      await pglite.exec('checkpoint');
      images.push(new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer()));
    }
    return images;
  } finally {
    await knex.destroy();
    await pglite.close().catch(() => undefined);
  }
}

/**
 * PostgreSQL rolled the whole transaction back as a deadlock's victim (or a serialization failure):
 * nothing of it happened, so it is run again, up to 4 times, after a short wait.
 */
async function runAgainIfVictim<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      if ((code !== '40P01' && code !== '40001') || attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}

function openPostgres(url: string, poolMax: number): Db {
  const knex = knexFactory({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax },
  });
  const acquire = () => knex.client.acquireConnection() as Promise<pg.PoolClient>;
  const release = (c: unknown) => knex.client.releaseConnection(c);
  const listeners = new Map<string, Set<(p: string) => void>>();
  let listenClient: Promise<pg.Client> | undefined;
  let closed = false;

  /**
   * The LISTEN connection, made on first use and made again when it is lost (a PostgreSQL
   * restart, a killed backend): every channel is listened to again, a second later and then
   * every second until the server answers. Notifications sent meanwhile are lost — they are
   * hints; workers and the inbox also poll — but the hints come back without a restart.
   */
  const listenConnection = (): Promise<pg.Client> => {
    listenClient ??= (async () => {
      const c = new pg.Client({ connectionString: url });
      const lost = () => {
        c.removeAllListeners('end');
        if (closed) return;
        listenClient = undefined;
        const again = () => {
          if (!closed) listenConnection().catch(() => setTimeout(again, 1000).unref());
        };
        setTimeout(again, 1000).unref();
      };
      c.on('error', () => undefined); // 'end' follows; the connection is made again there
      c.on('end', lost);
      c.on('notification', (n) => {
        for (const f of listeners.get(n.channel) ?? []) f(n.payload ?? '');
      });
      try {
        await c.connect();
        for (const channel of listeners.keys()) await c.query(`LISTEN ${quoteIdent(channel)}`);
      } catch (e) {
        c.removeAllListeners('end');
        listenClient = undefined;
        await c.end().catch(() => undefined);
        throw e;
      }
      return c;
    })();
    return listenClient;
  };

  const db: Db = {
    kind: 'postgres',
    knex,
    // A statement on its own is its own transaction, and may be a deadlock's victim too.
    query: (sql, params) =>
      runAgainIfVictim(async () => {
        const c = await acquire();
        try {
          const r = await c.query(prepared(sql, params));
          return { rows: r.rows, rowCount: r.rowCount ?? 0 };
        } finally {
          await release(c);
        }
      }),
    tx: (fn) =>
      runAgainIfVictim(async () => {
        const c = await acquire();
        const q: Queryable = {
          async query(sql, params) {
            const r = await c.query(prepared(sql, params));
            return { rows: r.rows, rowCount: r.rowCount ?? 0 };
          },
        };
        return inTransaction(c, () => fn(q), release);
      }),
    async listen(channel, cb) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        const c = await listenConnection();
        await c.query(`LISTEN ${quoteIdent(channel)}`);
      } else {
        await listenConnection();
      }
      set.add(cb);
      return () => {
        set.delete(cb);
        return Promise.resolve();
      };
    },
    async close() {
      closed = true;
      const lc = listenClient;
      listenClient = undefined;
      if (lc) await (await lc.catch(() => undefined))?.end().catch(() => undefined);
      await knex.destroy();
    },
  };
  return db;
}

/**
 * A Blob over bytes already in memory whose `arrayBuffer()` is a copy: Node 20's own reads a
 * 40 MB Blob in ~0.4 s, and PGlite reads its image that way on every clone.
 */
class BytesBlob extends Blob {
  readonly #image: Uint8Array;
  constructor(image: Uint8Array) {
    super([image as Uint8Array<ArrayBuffer>]);
    this.#image = image;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.#image.slice().buffer);
  }
}

async function openPglite(opts: DbOptions): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { dataDir, pgliteImage: image, pgliteSharedBuffers: sharedBuffers } = opts;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite({
    dataDir,
    loadDataDir: image && new BytesBlob(image),
    startParams: sharedBuffers ? [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`] : undefined,
    parsers: { [INT8]: (v: string) => v },
  });
  await pglite.waitReady;
  const ClientPGLite = require('knex-pglite');
  const knex = knexFactory({ client: ClientPGLite, connection: { pglite } } as Knex.Config);
  const release = (c: unknown) => knex.client.releaseConnection(c);
  const acquire = opts.pgliteStall ? watchedAcquire(() => knex.client.acquireConnection(), opts.pgliteStall) : () => knex.client.acquireConnection();
  const run = async (c: any, sql: string, params?: unknown[]) => {
    const r = await c.query(sql, params);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  };

  return {
    kind: 'pglite',
    knex,
    async query(sql, params) {
      const c = await acquire();
      try {
        return await run(c, sql, params);
      } finally {
        await release(c);
      }
    },
    async tx(fn) {
      const c = await acquire();
      return inTransaction(c, () => fn({ query: (sql, params) => run(c, sql, params) }), release);
    },
    async listen(channel, cb) {
      const unsub = await pglite.listen(channel, cb);
      return async () => {
        await unsub();
      };
    },
    async close() {
      await knex.destroy(); // closes the PGlite instance too
    },
  };
}

/** `acquire`, telling `stall.report` when a caller has waited `stall.ms` (DbOptions.pgliteStall). */
function watchedAcquire<C>(acquire: () => Promise<C>, stall: { ms: number; report(text: string): void }): () => Promise<C> {
  let heldFrom: { stack?: string } | undefined;
  return async function watched() {
    const from: { stack?: string } = {};
    Error.captureStackTrace(from, watched);
    const timer = setTimeout(() => {
      stall.report(
        `lienthong: PGlite's one connection has been awaited for ${stall.ms} ms; still waiting.\n` +
          `Waiting${from.stack ?? ''}\nHeld since it was taken${heldFrom?.stack ?? ' (by a query outside this wrapper)'}`,
      );
    }, stall.ms);
    timer.unref();
    try {
      const c = await acquire();
      heldFrom = from;
      return c;
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Statements with parameters run as named prepared statements, so each pooled connection parses
 * and plans the engine's hot statements once rather than on every command. Measured
 * (bench/engine-throughput.ts): server CPU per job 2.1 → 1.5 ms; parsing the effects statement
 * was the largest single item of the server's profile. Names are per statement text, for the
 * life of the process (the engine has a few dozen shapes; past 10 000 the rest run unnamed).
 */
const statementNames = new Map<string, string>();
function prepared(sql: string, params?: unknown[]): pg.QueryConfig {
  if (!params?.length) return { text: sql };
  let name = statementNames.get(sql);
  if (!name && statementNames.size < 10_000) {
    name = `lt_${statementNames.size.toString(36)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params as any[] };
}

function quoteIdent(s: string): string {
  return '"' + s.replace(/"/g, '""') + '"';
}

/** BEGIN, the work, COMMIT — or ROLLBACK and rethrow — on one connection, released afterwards. */
async function inTransaction<C extends { query(sql: string): Promise<unknown> }, T>(
  c: C,
  work: () => Promise<T>,
  release: (c: C) => Promise<void>,
): Promise<T> {
  try {
    await c.query('BEGIN');
    const out = await work();
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await release(c);
  }
}
