/**
 * Prometheus metrics (prom-client), served at GET /metrics:
 *
 * - `http_requests_total{method,route,status}` and `http_request_duration_seconds{…}` — `route`
 *   is the matched pattern ('/api/tasks/:id'), or 'unmatched', so the label stays bounded;
 * - `engine_jobs_activated_total{type}`, `engine_jobs_completed_total{type}`,
 *   `engine_jobs_failed_total{type}`, `engine_jobs_errored_total{type}` (BPMN errors thrown) —
 *   counted by `instrumentEngine`, a wrapper around the engine port that the composition root
 *   hands to every room, so the inbox worker, the service-task workers and the /v2 routes are
 *   all counted without the engine knowing;
 * - `sla_clocks{kind,state}` — clocks by state (running, paused, at_risk, overdue, met_early,
 *   met_on_time, met_late, cancelled), counted by one query when Prometheus scrapes;
 * - Node's process metrics (when `defaultMetrics`).
 *
 * One registry per app (not prom-client's global one), so tests can build several apps in one
 * process. Other rooms that want a metric register it on `metrics.registry`.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queryable } from '../db/index.js';
import { systemClock, type Clock } from '../clock.js';
import type { ActivatedJob, JobHandler, WorkflowEngine } from '../engine/port.js';
import { clockCounts, outboxCounts } from '../sla/index.js';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  jobsActivated: Counter<'type'>;
  jobsCompleted: Counter<'type'>;
  jobsFailed: Counter<'type'>;
  jobsErrored: Counter<'type'>;
}

export interface MetricsOptions {
  /** Where the SLA gauge counts clocks; without it the gauge is absent. */
  db?: Queryable;
  /** The instant the gauge judges running clocks against (default: the system clock). */
  clock?: Clock;
  /** Node's process metrics (CPU, memory, event loop); off by default (tests build many apps). */
  defaultMetrics?: boolean;
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const m: Metrics = {
    registry,
    httpRequests: new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request to response end',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    jobsActivated: new Counter({
      name: 'engine_jobs_activated_total',
      help: 'Jobs handed to workers',
      labelNames: ['type'],
      registers: [registry],
    }),
    jobsCompleted: new Counter({
      name: 'engine_jobs_completed_total',
      help: 'Jobs completed',
      labelNames: ['type'],
      registers: [registry],
    }),
    jobsFailed: new Counter({
      name: 'engine_jobs_failed_total',
      help: 'Jobs failed by their worker',
      labelNames: ['type'],
      registers: [registry],
    }),
    jobsErrored: new Counter({
      name: 'engine_jobs_errored_total',
      help: 'Jobs ended by a BPMN error',
      labelNames: ['type'],
      registers: [registry],
    }),
  };
  const db = opts.db;
  const clock = opts.clock ?? systemClock;
  if (db) {
    new Gauge({
      name: 'sla_clocks',
      help: 'SLA clocks by kind (dossier, step) and state, at scrape time',
      labelNames: ['kind', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const c of await clockCounts(db, new Date(clock.now()))) this.set({ kind: c.kind, state: c.state }, c.count);
        } catch {
          // A scrape must not fail because the database is busy or not migrated: the gauge is just empty.
        }
      },
    });
    new Gauge({
      name: 'outbox_unsent',
      help: 'Notices not delivered yet, by channel (in-app, email, sms) and state (pending, failing, parked), at scrape time',
      labelNames: ['channel', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const c of await outboxCounts(db)) this.set({ channel: c.channel, state: c.state }, c.count);
        } catch {
          // As above: an empty gauge rather than a failed scrape.
        }
      },
    });
  }
  return m;
}

/** GET /metrics in Prometheus's text format. */
export function metricsEndpoint(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  };
}

/** Counts every request once it is answered (or the client went away). */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      stop(labels);
    };
    res.on('finish', end);
    res.on('close', end);
    next();
  };
}

export function routeLabel(req: { routePath?: string; route?: { path?: unknown }; baseUrl: string }): string {
  if (req.routePath) return req.routePath;
  if (req.route && typeof req.route.path === 'string') return req.baseUrl + req.route.path;
  return 'unmatched';
}

const INSTRUMENTED = Symbol('lienthong.metrics');
const TYPE_MEMORY = 100_000;

/**
 * The engine, counting its jobs: activations (by type), completions, failures and BPMN errors,
 * whether they come through the port (the inbox, /v2) or through an in-process worker. The job
 * type of a completion is remembered from its activation (bounded; 'unknown' when forgotten).
 */
export function instrumentEngine<E extends WorkflowEngine>(engine: E, metrics: Metrics): E {
  if ((engine as unknown as Record<symbol, unknown>)[INSTRUMENTED]) return engine;
  const types = new Map<string, string>();
  const remember = (jobs: ActivatedJob[]) => {
    for (const j of jobs) {
      types.set(j.key, j.type);
      metrics.jobsActivated.inc({ type: j.type });
    }
    while (types.size > TYPE_MEMORY) types.delete(types.keys().next().value as string);
  };
  const typeOf = (jobKey: string) => {
    const t = types.get(jobKey) ?? 'unknown';
    types.delete(jobKey);
    return t;
  };
  const wrapHandler =
    (handler: JobHandler): JobHandler =>
    async (job) => {
      metrics.jobsActivated.inc({ type: job.type });
      let ended = false;
      const once = (c: Counter<'type'>) => {
        if (!ended) c.inc({ type: job.type });
        ended = true;
      };
      const counted = Object.assign(Object.create(Object.getPrototypeOf(job) as object | null) as object, job, {
        complete: (...a: Parameters<typeof job.complete>) => job.complete(...a).then((r) => (once(metrics.jobsCompleted), r)),
        fail: (...a: Parameters<typeof job.fail>) => job.fail(...a).then((r) => (once(metrics.jobsFailed), r)),
        error: (...a: Parameters<typeof job.error>) => job.error(...a).then((r) => (once(metrics.jobsErrored), r)),
      });
      try {
        const out = await handler(counted);
        // A handler that returns variables (or nothing) without acting has its job completed by the worker.
        if (!ended && !(out && (out as { done?: unknown }).done === true)) once(metrics.jobsCompleted);
        return out;
      } catch (e) {
        once(metrics.jobsFailed); // the worker fails the job of a handler that throws
        throw e;
      }
    };

  const overrides: Partial<WorkflowEngine> = {
    activateJobs: async (req) => {
      const jobs = await engine.activateJobs(req);
      remember(jobs);
      return jobs;
    },
    completeJob: async (req) => {
      await engine.completeJob(req);
      metrics.jobsCompleted.inc({ type: typeOf(req.jobKey) });
    },
    failJob: async (req) => {
      await engine.failJob(req);
      metrics.jobsFailed.inc({ type: types.get(req.jobKey) ?? 'unknown' });
    },
    throwError: async (req) => {
      await engine.throwError(req);
      metrics.jobsErrored.inc({ type: typeOf(req.jobKey) });
    },
    createWorker: (options) => engine.createWorker({ ...options, handler: wrapHandler(options.handler) }),
  };
  return new Proxy(engine, {
    get(target, prop) {
      if (prop === INSTRUMENTED) return true;
      if (typeof prop === 'string' && prop in overrides) return (overrides as Record<string, unknown>)[prop];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
  });
}
