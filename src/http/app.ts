/**
 * The Express application, built from its collaborators so tests and main.ts wire the same
 * thing. In order, every request meets:
 *
 *   request log + id, metrics → helmet → JSON body (size-limited) → authenticate (bearer token
 *   or session cookie → req.user) → the routes, each guarded by its first handler (requireRole / publicRoute) →
 *   404 → the one error mapper (errors.ts).
 *
 *   /login, /, /designer, /assets the people's pages and the browser app (pages.ts)
 *   /healthz, /metrics            liveness, Prometheus
 *   /v2/…                         the engine (Camunda 8 REST v2 shapes)
 *   /oauth/token                  API clients' OAuth 2 client credentials (oauth.ts)
 *   /api/auth/login, /api/auth/me sign in (login.ts)
 *   /api/users, agencies, clients the administrator's accounts routes (accounts.ts)
 *   /api/audit, /api/audit/verify the audit log (audit.ts)
 *   /api/dossiers/…               (before any router) an auditor's every GET under /api/dossiers is audited
 *   /api/openapi.json, /api/docs  the API's own description (openapi.ts, docs.ts)
 *   /api/…                        the other rooms' routers (`api`: dossiers, tasks, …)
 *
 * Building refuses an /api or /v2 route that declares neither `requireRole` nor `publicRoute`.
 */
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { Accounts, type ThrottleRules } from '../accounts/index.js';
import type { Db } from '../db/index.js';
import type { WorkflowEngine } from '../engine/port.js';
import type { EngineQueries } from '../engine/queries.js';
import { auditRouter } from './audit.js';
import { mountPersonalDataReads } from './personal-data.js';
import { authenticate, createTokenService, type TokenService } from './auth.js';
import { docsRouter } from './docs.js';
import { errorHandler, notFound } from './errors.js';
import { healthz } from './health.js';
import { requestLogger } from './logging.js';
import { accountsRouter } from './accounts.js';
import { authRouter } from './login.js';
import { oauthRouter } from './oauth.js';
import { createMetrics, httpMetrics, instrumentEngine, metricsEndpoint, type Metrics } from './metrics.js';
import { openApiRouter } from './openapi.js';
import { pagesRouter } from './pages.js';
import { loadWebAssets, type WebAssets } from './web-assets.js';
import { listRoutes, unguardedRoutes } from './routes.js';
import { SchemaRegistry } from './validate.js';
import { v2Router, type V2Context } from './v2/index.js';

export interface AppOptions {
  engine: WorkflowEngine;
  queries: EngineQueries;
  db: Pick<Db, 'kind' | 'query' | 'tx'>;
  logger?: Logger;
  /** The /v2 request-body schemas. Default: every schema in schemas/v2. */
  schemas?: SchemaRegistry;
  /** The /api request-body schemas. Default: every schema in schemas/api. */
  apiSchemas?: SchemaRegistry;
  /** Aborting it ends pending long polls (the service is stopping). */
  signal?: AbortSignal;
  limits?: {
    /** Largest JSON body under /v2 (default 4 MB, Zeebe's default maximum message size). */
    jsonBytes?: number;
    /** Largest JSON body anywhere else (default 1 MB). */
    apiJsonBytes?: number;
    /** Largest BPMN file in a deployment (default 4 MB). */
    resourceBytes?: number;
    /** Most files in one deployment (default 100). */
    resources?: number;
  };
  activation?: {
    defaultRequestTimeout?: number;
    pollInterval?: number;
    /** The clock a long poll's `requestTimeout` runs on, ms since the epoch (default: the system clock). */
    now?: () => number;
  };
  auth?: {
    /** The token key (≥ 32 bytes). Default: random for this app (tokens die with it). */
    secret?: string | Uint8Array;
    /** Token lifetime, seconds (default 8 h). */
    ttlSeconds?: number;
    /** Failed-login limits (default: 5 per username, 20 per address, per 15 minutes). */
    throttle?: ThrottleRules;
    /** The clock of tokens and of the login throttle, ms since the epoch (default: the system clock). */
    now?: () => number;
  };
  /**
   * The accounts room's state in this process (session cache, throttle). Given (main.ts does),
   * every token is checked against its account's token version, with the same cache as the gRPC
   * gateway's so a change made here ends a session at both doors at once. Absent (tests of one
   * room with hand-made tokens): one over `db` for the login throttle and the admin routes, and
   * tokens are not checked against accounts.
   */
  accounts?: Accounts;
  /** Default: a fresh registry (with the SLA gauge over `db`). */
  metrics?: Metrics;
  /** The other rooms' routers, mounted under /api (paths inside them start after '/api'). */
  api?: Router[];
  /** The browser app's built files (default: dist/web) and the shell's agency names. */
  web?: { assets?: WebAssets; agencyName?: (code: string) => Promise<string | null> };
  /** Express's 'trust proxy' (behind a reverse proxy, so req.ip is the citizen's address). */
  trustProxy?: boolean | number | string;
  /** The procedure lint of POST /v2/deployments (procedures' catalogLinter). Default: none. */
  lintDeployment?: V2Context['lintDeployment'];
  /** The type of an existing job, for worker tokens limited to job types (engine/embedded/job-type.ts). */
  jobTypeOf?: V2Context['jobTypeOf'];
}

const MB = 1024 * 1024;

export function createApp(opts: AppOptions): Express {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const metrics = opts.metrics ?? createMetrics({ db: opts.db });
  const engine = instrumentEngine(opts.engine, metrics);
  const now = opts.auth?.now ?? Date.now;
  const accounts = opts.accounts ?? new Accounts({ db: opts.db, now, throttle: opts.auth?.throttle });
  const tokens: TokenService = createTokenService({
    secret: opts.auth?.secret ?? randomBytes(32),
    ttlSeconds: opts.auth?.ttlSeconds ?? 8 * 3600,
    now: opts.auth?.now,
    sessions: opts.accounts?.sessions,
  });
  const apiSchemas = opts.apiSchemas ?? SchemaRegistry.load('api');

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? false);
  app.use(requestLogger(logger));
  app.use(httpMetrics(metrics));
  app.use(helmet());
  const json = (limit: number) => express.json({ limit, type: ['application/json', 'application/*+json'] });
  app.use('/v2', json(opts.limits?.jsonBytes ?? 4 * MB));
  app.use(json(opts.limits?.apiJsonBytes ?? 1 * MB));
  app.use(authenticate(tokens));

  const throttle = accounts.throttle;
  app.use(oauthRouter({ db: opts.db, tokens, throttle, now }));
  app.use(
    pagesRouter({ db: opts.db, tokens, throttle, accounts: accounts.ctx, now, assets: opts.web?.assets ?? loadWebAssets(), agencyName: opts.web?.agencyName }),
  );
  app.get('/healthz', healthz(opts.db));
  app.get('/metrics', metricsEndpoint(metrics));
  // Before the routers they guard (the dossier room's, the inbox's, the audit log's, /v2's user tasks): auditors' reads of personal data are logged.
  mountPersonalDataReads(app, { db: opts.db, now });
  app.use(
    '/v2',
    v2Router({
      engine,
      queries: opts.queries,
      schemas: opts.schemas ?? SchemaRegistry.load(),
      signal: opts.signal ?? new AbortController().signal,
      limits: { resourceBytes: opts.limits?.resourceBytes ?? 4 * MB, resources: opts.limits?.resources ?? 100 },
      lintDeployment: opts.lintDeployment,
      jobTypeOf: opts.jobTypeOf,
      activation: {
        defaultRequestTimeout: opts.activation?.defaultRequestTimeout ?? 10_000,
        pollInterval: opts.activation?.pollInterval ?? 500,
        now: opts.activation?.now,
      },
    }),
  );

  app.use('/api', authRouter({ db: opts.db, tokens, throttle, accounts: accounts.ctx, schemas: apiSchemas, now }));
  app.use('/api', accountsRouter({ accounts: accounts.ctx, schemas: apiSchemas }));
  app.use('/api', auditRouter({ db: opts.db, now }));
  app.use(
    '/api',
    openApiRouter(app, {
      title: 'lienthong',
      version: '0.1.0',
      description: 'Một cửa liên thông — one-stop inter-agency linked procedures as BPMN',
    }),
  );
  app.use('/api', docsRouter());
  for (const router of opts.api ?? []) app.use('/api', router);

  app.use(notFound);
  app.use(errorHandler(logger));

  const open = unguardedRoutes(listRoutes(app), ['/api', '/v2']);
  if (open.length) {
    throw new Error(`routes without requireRole(...) or publicRoute(): ${open.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  }
  return app;
}
