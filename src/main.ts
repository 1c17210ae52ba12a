/**
 * Composition root: configuration → database (migrated) → engine → the process catalogue
 * deployed → HTTP server. `startService` does it in-process (tests start the whole service on
 * port 0); run as a program, it also handles signals and turns a failed start into one log line
 * and exit code 1.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDb, type Db } from './db/index.js';
import { EmbeddedEngine } from './engine/embedded/engine.js';
import { EmbeddedEngineQueries } from './engine/embedded/queries.js';
import type { DeploymentResult, Resource } from './engine/port.js';
import { AppError } from './errors.js';
import { createApp } from './http/app.js';

export interface Service {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  engine: EmbeddedEngine;
  db: Db;
  server: Server;
  /** Stops accepting, ends long polls, closes the engine and (unless it was given) the db. */
  close(): Promise<void>;
}

export interface ServiceDeps {
  logger?: Logger;
  /** An open database to use instead of opening one from the config; the caller closes it. */
  db?: Db;
}

/** A start that cannot succeed as configured (bad BPMN in PROCESSES_DIR, …). */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export async function startService(config: Config, deps: ServiceDeps = {}): Promise<Service> {
  const logger = deps.logger ?? createLogger(config);
  const db = deps.db ?? (await openDb({ databaseUrl: config.databaseUrl, dataDir: join(config.dataDir, 'pglite') }));
  const engine = new EmbeddedEngine(db);
  const stopping = new AbortController();
  let server: Server | undefined;
  try {
    await engine.start();
    await deployCatalogue(engine, config, logger);
    const app = createApp({ engine, queries: new EmbeddedEngineQueries(db), db, logger, signal: stopping.signal });
    server = createServer(app);
    await listen(server, config.port);
  } catch (e) {
    await engine.close().catch(() => undefined);
    if (!deps.db) await db.close().catch(() => undefined);
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, db: db.kind }, 'lienthong listening');

  let closing: Promise<void> | undefined;
  const srv = server;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    engine,
    db,
    server: srv,
    close() {
      closing ??= (async () => {
        stopping.abort();
        await new Promise<void>((resolve) => {
          srv.close(() => resolve());
          srv.closeIdleConnections();
          // Requests still running after a grace period are cut off.
          setTimeout(() => srv.closeAllConnections(), 5_000).unref();
        });
        await engine.close();
        if (!deps.db) await db.close();
      })();
      return closing;
    },
  };
}

/**
 * Deploys every `*.bpmn` below PROCESSES_DIR in one deployment, named by its path relative to
 * the folder. A file deployed before with the same content keeps its version (the engine's
 * rule, as Zeebe's), so a restart creates no new versions. One bad file stops the start.
 */
export async function deployCatalogue(engine: EmbeddedEngine, config: Config, logger: Logger): Promise<DeploymentResult | undefined> {
  const dir = config.processesDir;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    if (config.processesDirExplicit) throw new ConfigError('PROCESSES_DIR', `${dir} is not a folder`);
    logger.info({ processesDir: dir }, 'no processes folder: nothing deployed');
    return undefined;
  }
  const resources: Resource[] = bpmnFiles(dir).map((f) => ({
    name: relative(dir, f).split(sep).join('/'),
    content: readFileSync(f),
  }));
  if (!resources.length) {
    logger.info({ processesDir: dir }, 'no BPMN files: nothing deployed');
    return undefined;
  }
  let result: DeploymentResult;
  try {
    result = await engine.deployResources(resources);
  } catch (e) {
    if (e instanceof AppError) throw new StartupError(`cannot deploy the processes in ${dir}: ${e.message}`, e.details);
    throw e;
  }
  logger.info(
    { processesDir: dir, processes: result.processes.map((p) => `${p.bpmnProcessId}:${p.version}`) },
    'processes deployed',
  );
  return result;
}

function bpmnFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...bpmnFiles(p));
    else if (e.isFile() && e.name.toLowerCase().endsWith('.bpmn')) out.push(p);
  }
  return out.sort();
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'lienthong' } }, pino.destination({ dest: 1, sync: true }));
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    // No logger yet (its level is configuration too): the same JSON line, by hand.
    process.stderr.write(JSON.stringify({ level: 60, time: Date.now(), service: 'lienthong', msg: (e as Error).message }) + '\n');
    process.exit(1);
  }
  const logger = createLogger(config);
  let service: Service;
  try {
    service = await startService(config, { logger });
  } catch (e) {
    const details = (e as { details?: unknown }).details;
    if (e instanceof StartupError || e instanceof ConfigError) logger.fatal({ details }, e.message);
    else logger.fatal({ err: e }, `startup failed: ${(e as Error)?.message ?? e}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    service.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (e) => {
        logger.error({ err: e }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) void main();
