/**
 * The Express application: health, the engine's /v2 surface, one error mapper. Built from its
 * collaborators so tests and main.ts wire the same thing.
 */
import express, { type Express } from 'express';
import { pino, type Logger } from 'pino';
import type { Db } from '../db/index.js';
import type { WorkflowEngine } from '../engine/port.js';
import type { EngineQueries } from '../engine/queries.js';
import { errorHandler, notFound } from './errors.js';
import { healthz } from './health.js';
import { SchemaRegistry } from './validate.js';
import type { JobNotifier } from './v2/activation.js';
import { v2Router } from './v2/index.js';

export interface AppOptions {
  engine: WorkflowEngine & Partial<JobNotifier>;
  queries: EngineQueries;
  db: Pick<Db, 'kind' | 'query'>;
  logger?: Logger;
  /** Default: every schema in the project's schemas/ folder. */
  schemas?: SchemaRegistry;
  /** Aborting it ends pending long polls (the service is stopping). */
  signal?: AbortSignal;
  limits?: {
    /** Largest JSON body (default 4 MB, Zeebe's default maximum message size). */
    jsonBytes?: number;
    /** Largest BPMN file in a deployment (default 4 MB). */
    resourceBytes?: number;
    /** Most files in one deployment (default 100). */
    resources?: number;
  };
  activation?: { defaultRequestTimeout?: number; pollInterval?: number };
}

const MB = 1024 * 1024;

export function createApp(opts: AppOptions): Express {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: opts.limits?.jsonBytes ?? 4 * MB, type: ['application/json', 'application/*+json'] }));

  app.get('/healthz', healthz(opts.db));
  app.use(
    '/v2',
    v2Router({
      engine: opts.engine,
      queries: opts.queries,
      schemas: opts.schemas ?? SchemaRegistry.load(),
      signal: opts.signal ?? new AbortController().signal,
      limits: { resourceBytes: opts.limits?.resourceBytes ?? 4 * MB, resources: opts.limits?.resources ?? 100 },
      activation: {
        defaultRequestTimeout: opts.activation?.defaultRequestTimeout ?? 10_000,
        pollInterval: opts.activation?.pollInterval ?? 500,
      },
    }),
  );

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
