/**
 * The automated steps of lienthong's procedures: one in-process worker per job type, through the
 * engine port, so they run the same on the embedded engine and on Zeebe.
 */
import type { JobWorker, WorkflowEngine } from '../engine/port.js';
import { handoff } from './handoff.js';
import { notifyCitizen } from './notify-citizen.js';
import { remindAgency } from './remind-agency.js';
import { stopDossier } from './stop-dossier.js';
import { transferToTax } from './transfer-to-tax.js';
import type { HandlerDeps, JobHandlerSpec, JobTypeDoc, WorkerDeps } from './types.js';

export type { JobHandlerSpec, JobHeaderDoc, JobTypeDoc, WorkerDeps, WorkerLog } from './types.js';

/** Every handler, by job type. */
export const HANDLERS: readonly JobHandlerSpec[] = [handoff, notifyCitizen, transferToTax, stopDossier, remindAgency];

/** Every job type with what a process designer is told about it (the element templates read it). */
export const JOB_TYPES: readonly (JobTypeDoc & { type: string })[] = HANDLERS.map((h) => ({ type: h.type, ...h.doc }));

export interface RegisteredWorkers {
  readonly workers: readonly JobWorker[];
  /** The job types handled. */
  readonly types: readonly string[];
  close(): Promise<void>;
}

export interface RegisterOptions extends WorkerDeps {
  /** Passed to each worker (default: the engine's defaults). */
  pollInterval?: number;
  concurrency?: number;
  onError?: (err: unknown) => void;
}

const silent = { info() {}, warn() {} };

export function registerWorkers(engine: WorkflowEngine, options: RegisterOptions = {}): RegisteredWorkers {
  const deps: HandlerDeps = { log: options.log ?? silent, now: options.now ?? Date.now, tellApplicant: options.tellApplicant };
  const workers = HANDLERS.map((h) =>
    engine.createWorker({
      type: h.type,
      fetchVariable: h.fetchVariable,
      pollInterval: options.pollInterval,
      concurrency: options.concurrency,
      onError: (err, job) => {
        deps.log.warn({ job: job?.key, type: h.type, err: (err as Error)?.message ?? String(err) }, 'lỗi khi xử lý việc tự động');
        options.onError?.(err);
      },
      handler: async (job) => h.handle(job, deps),
    }),
  );
  return {
    workers,
    types: HANDLERS.map((h) => h.type),
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
