/**
 * Composition root: configuration → database (migrated) → engine → the process catalogue
 * deployed (catalogue.ts) → HTTP server. `startService` does it in-process (tests start the whole
 * service on port 0); run as a program, it also handles signals and turns a failed start into one
 * log line and exit code 1.
 *
 * The one place that wires every room, read top to bottom in the order the service starts and
 * stops; each room's own work lives in its room.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDb, type Db } from './db/index.js';
import { systemClock, type Clock } from './clock.js';
import { chooseEngine } from './engine/choose.js';
import { Accounts, agencyName, registryIsEmpty, seedDemoClients } from './accounts/index.js';
import type { ZeebeGateway } from './engine/gateway/index.js';
import { ElementNames } from './engine/names.js';
import type { WorkflowEngine } from './engine/port.js';
import type { EngineQueries } from './engine/queries.js';
import { Invalid } from './errors.js';
import { calendarRouter } from './http/calendar.js';
import { elementTemplatesRouter, proceduresRouter } from './http/catalog.js';
import { SchemaRegistry } from './http/validate.js';
import { createApp } from './http/app.js';
import { createTokenService } from './http/auth.js';
import { gatewayAuthorizer } from './http/gateway-access.js';
import { createMetrics, instrumentEngine } from './http/metrics.js';
import { maskingLoggerOptions } from './http/redact.js';
import { maskPersonalData } from './security/personal-data.js';
import type { Router } from 'express';
import { CalendarStore } from './calendar/index.js';
import { applicantEmailChannel, applicantSmsChannel, DossierService, inboxDossiers, seedDemo, slaDossierFacts } from './dossiers/index.js';
import { dossiersRouter } from './http/dossiers.js';
import { tasksRouter } from './http/tasks.js';
import { notificationsRouter } from './http/notifications.js';
import { inboxEventsRouter } from './http/inbox-events.js';
import { reportsRouter } from './http/reports.js';
import { catalogLinter, formatDeploymentProblems, type Catalog } from './procedures/index.js';
import { inAppChannel, OutboxRelay, SlaService } from './sla/index.js';
import { SmsWebhook, SmtpMailer } from './outbound/index.js';
import { Feed, InboxWorker, TaskFeed, TaskService, type TaskCompletedHook } from './tasks/index.js';
import type { OutboxRow } from './sla/index.js';
import { registerWorkers } from './workers/index.js';
import { deployCatalogue, loadProcedures, StartupError } from './catalogue.js';

// Callers of startService (tests) tell a refused start by it.
export { StartupError };

export interface Service {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  engine: WorkflowEngine;
  db: Db;
  server: Server;
  /** The port of Zeebe's gRPC gateway, when it runs (config.zeebeGateway). */
  gatewayPort?: number;
  /** Stops accepting, ends long polls, closes the engine and (unless it was given) the db. */
  close(): Promise<void>;
}

export interface ServiceDeps {
  logger?: Logger;
  /** An open database to use instead of opening one from the config; the caller closes it. */
  db?: Db;
  /**
   * The one clock of the whole service: the engine, every room, tokens, the login throttle and
   * long polls read time through it (default: the system clock). Tests give a ManualClock and
   * move it instead of waiting.
   */
  clock?: Clock;
}

export async function startService(config: Config, deps: ServiceDeps = {}): Promise<Service> {
  const logger = deps.logger ?? createLogger(config);
  const jwtSecret = tokenKey(config, logger);
  const db = deps.db ?? (await openDb({ databaseUrl: config.databaseUrl, dataDir: join(config.dataDir, 'pglite') }));
  const chosen = await chooseEngine(config.engine, db, deps.clock ?? systemClock);
  const metrics = createMetrics({ db, defaultMetrics: true, clock: chosen.clock });
  // Every room gets the counted engine, so /metrics sees the jobs of the inbox, the workers and /v2.
  const engine = instrumentEngine(chosen.engine, metrics);
  const { clock, queries } = chosen;
  const now = () => clock.now();
  // One session cache for /v2, /api and the gateway: a change made here ends a token at every door at once.
  const accounts = new Accounts({ db, now });
  const jobType = chosen.jobTypeOf;
  const stopping = new AbortController();
  let server: Server | undefined;
  let rooms: Rooms | undefined;
  let gateway: ZeebeGateway | undefined;
  try {
    await chosen.start();
    const catalog = await loadProcedures(config, logger);
    // The procedure lint holds the catalog's processes to their procedure.json at every deploy.
    const lintDeployment = catalogLinter(catalog, { now: () => new Date(clock.now()) });
    await deployCatalogue(engine, config, logger, lintDeployment);
    rooms = await startRooms(db, { engine, queries, clock }, config, logger, catalog);
    if (config.nodeEnv !== 'production') {
      const clients = await seedDemoClients(accounts.ctx, { nodeEnv: config.nodeEnv });
      if (clients.length) logger.info({ clients }, 'demo API clients loaded (README: demo API clients)');
    }
    const app = createApp({
      engine,
      queries,
      db,
      logger,
      signal: stopping.signal,
      metrics,
      auth: { secret: jwtSecret, ttlSeconds: config.jwtTtlSeconds, now },
      trustProxy: config.trustProxy ?? false,
      activation: { now },
      api: rooms.api,
      lintDeployment,
      accounts,
      jobTypeOf: jobType,
      web: { agencyName: (code) => agencyName(db, code) },
    });
    server = createServer(app);
    await listen(server, config.port);
    if (config.zeebeGateway) {
      const { port: gatewayPort, host, tls } = config.zeebeGateway;
      // gRPC and the protocol load only when the gateway runs.
      const { startZeebeGateway } = await import('./engine/gateway/index.js');
      gateway = await startZeebeGateway({
        engine,
        queries,
        // The same tokens as /v2, with the same roles per command (http/gateway-access.ts).
        authorize: gatewayAuthorizer(createTokenService({ secret: jwtSecret, ttlSeconds: config.jwtTtlSeconds, now, sessions: accounts.sessions }), {
          jobTypeOf: jobType,
        }),
        logger: logger.child({ room: 'gateway' }),
        redact: maskPersonalData,
        port: gatewayPort,
        host,
        tls: tls && { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
        now,
        checkDeployment: async (resources) => {
          const { errors } = await lintDeployment(resources);
          if (errors.length) throw new Invalid(`the procedure lint refuses the deployment: ${formatDeploymentProblems(errors)}`, { problems: errors });
        },
      });
    }
  } catch (e) {
    server?.close();
    await gateway?.close().catch(() => undefined);
    await rooms?.close().catch(() => undefined);
    await engine.close().catch(() => undefined);
    if (!deps.db) await db.close().catch(() => undefined);
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, db: db.kind, engine: chosen.kind, ...(gateway ? { zeebeGatewayPort: gateway.port } : {}) }, 'lienthong listening');

  let closing: Promise<void> | undefined;
  const srv = server;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    engine,
    db,
    server: srv,
    gatewayPort: gateway?.port,
    close() {
      closing ??= (async () => {
        stopping.abort();
        const gatewayClosed = gateway?.close();
        await new Promise<void>((resolve) => {
          srv.close(() => resolve());
          srv.closeIdleConnections();
          // Requests still running after a grace period are cut off.
          setTimeout(() => srv.closeAllConnections(), 5_000).unref();
        });
        await gatewayClosed;
        await rooms.close();
        await engine.close();
        if (!deps.db) await db.close();
      })();
      return closing;
    },
  };
}

interface Rooms {
  /** The rooms' routers, mounted under /api. */
  api: Router[];
  tasks: TaskService;
  close(): Promise<void>;
}

/**
 * The rooms above the engine, wired bottom-up as docs/architecture.md draws them: the procedure catalog,
 * the working-day calendar, the SLA clocks (and their scanner), the inbox (its worker calls the
 * dossier room's hook in the transaction that creates a task), the automated steps' workers and
 * the dossier room (with its reconciler). On an empty database outside production, the demo
 * agencies and users are loaded first (src/dossiers/seed.ts).
 */
async function startRooms(
  db: Db,
  { engine, queries, clock }: { engine: WorkflowEngine; queries: EngineQueries; clock: Clock },
  config: Config,
  logger: Logger,
  catalog: Catalog,
): Promise<Rooms> {
  if (config.nodeEnv === 'production') {
    if (await registryIsEmpty(db)) logger.warn('no agencies in the registry: load the agencies and users (demo data is never loaded in production)');
  } else {
    // The demo registry into an empty database, or what its later versions added into an older demo.
    const seeded = await seedDemo(db, { nodeEnv: config.nodeEnv });
    if (seeded) {
      const counts = { agencies: seeded.agencies.length, users: seeded.users.length, version: seeded.to };
      logger.info(
        counts,
        seeded.from === null ? 'demo agencies and users loaded (README: demo accounts)' : `demo registry brought from version ${seeded.from}`,
      );
    }
  }
  // A change of the calendar recounts what the dossier room counted on it (dossiers/calendar-change.ts).
  const calendar: CalendarStore = new CalendarStore(db, { onChange: (q, change) => dossiers.onCalendarChanged(q, change) });
  const log = logger.child({ room: 'sla' });
  const sla = new SlaService({
    db,
    dossiers: slaDossierFacts,
    calendar: () => calendar.calendar,
    engine,
    clock,
    onError: (e) => log.warn({ err: e }, 'sla scan failed'),
  });
  // The inbox's live feed (/api/inbox/events): told by the inbox and the relay after they commit.
  const feed = new TaskFeed();
  const notices = new Feed<OutboxRow>();
  // The dossier room's hook reaches `dossiers` (made next, with `tasks`) only when a task is finished.
  const onTaskCompleted: TaskCompletedHook = (q, task, by, at) => dossiers.onTaskCompleted(q, task, by, at);
  const tasks = new TaskService({ db, engine, sla, clock, forms: queries, onChange: (task) => feed.publish({ kind: 'changed', task }), onTaskCompleted });
  const lookupUrl = config.publicUrl && `${config.publicUrl}/tra-cuu`;
  // The applicants are told by e-mail, else by text message, as far as the service has either.
  const mailer = config.mail && new SmtpMailer(config.mail);
  const texter = config.sms && new SmsWebhook(config.sms);
  const applicantChannels = [...(mailer ? ['email' as const] : []), ...(texter ? ['sms' as const] : [])];
  const dossiers = new DossierService({
    db,
    engine,
    queries,
    catalog,
    sla,
    tasks,
    clock,
    lookupUrl,
    applicantChannels,
    log: logger.child({ room: 'dossiers' }),
  });
  // The seed's new version (a Government decision found) recounts the clocks it reaches; another
  // process's change reaches this one within five seconds.
  await calendar.init();
  calendar.startRefresh(5_000, (e) => logger.warn({ err: e, room: 'calendar' }, 'calendar refresh failed'));
  const names = new ElementNames(queries);
  const inbox = new InboxWorker(engine, {
    db,
    clock,
    dossiers: inboxDossiers,
    catalog,
    sla,
    elementName: (job) => names.name(job.processDefinitionKey, job.elementId),
    userTasks: queries,
    onTaskCreated: dossiers.onTaskCreated,
    onTaskCompleted,
    onTaskCommitted: (task) => feed.publish({ kind: 'created', task }),
    onError: (e) => logger.warn({ err: e, room: 'tasks' }, 'inbox worker error'),
    stalledAfter: (config.completionRecoverySeconds ?? 60) * 1000,
  }).start();
  const workers = registerWorkers(engine, { log: logger.child({ room: 'workers' }), now: () => clock.now(), tellApplicant: dossiers.tellApplicant });
  // The agencies' SLA notices (domain.outbox) become in-app notifications; the applicants' become e-mails or text messages.
  const relay = new OutboxRelay({
    db,
    clock,
    channels: [
      inAppChannel,
      ...(mailer ? [applicantEmailChannel({ catalog, lookupUrl }, mailer)] : []),
      ...(texter ? [applicantSmsChannel({ catalog, lookupUrl }, texter)] : []),
    ],
    onError: (e, row) => log.warn({ err: e, outboxId: row?.id, channel: row?.channel }, 'outbox relay: delivery failed'),
    onDelivered: (row) => {
      if (row.channel === 'in-app') notices.publish(row);
    },
  });
  sla.start();
  relay.start();
  dossiers.start();
  return {
    tasks,
    api: [
      dossiersRouter({ dossiers }),
      tasksRouter({ tasks, workingHours: (a, b) => calendar.calendar.workingHoursBetween(a, b), now: () => clock.now() }),
      inboxEventsRouter({ tasks: feed, notices }),
      calendarRouter({ calendar, schemas: SchemaRegistry.load('api'), now: () => clock.now() }),
      proceduresRouter({ catalog, clock }),
      elementTemplatesRouter({ db }),
      reportsRouter({ db, now: () => clock.now() }),
      notificationsRouter({ db, clock }),
    ],
    async close() {
      await dossiers.stopBackground();
      await inbox.close();
      await workers.close();
      await sla.close();
      await relay.close();
      mailer?.close();
      calendar.close();
    },
  };
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

/** JSON lines on stdout; citizen IDs and phone numbers masked in every line (http/redact.ts). */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'lienthong' }, ...maskingLoggerOptions }, pino.destination({ dest: 1, sync: true }));
}

/** JWT_SECRET, or (outside production, where config refuses its absence) a random key for this process. */
function tokenKey(config: Config, logger: Logger): string | Uint8Array {
  if (config.jwtSecret) return config.jwtSecret;
  logger.warn('JWT_SECRET is not set: login tokens are signed with a random key and die with this process');
  return randomBytes(32);
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
      (e: unknown) => {
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
