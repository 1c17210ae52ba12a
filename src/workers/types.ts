/** What a lienthong job handler is: a job type, the variables it reads, and a function of the job. */
import type { ActivatedJob, Variables } from '../engine/port.js';

/** The slice of pino's logger the handlers use (pino's own logger fits). */
export interface WorkerLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface WorkerDeps {
  log?: WorkerLog;
  /** Epoch ms; the engine's clock in tests. */
  now?: () => number;
}

export type HandlerDeps = Required<WorkerDeps>;

export interface JobHandlerSpec {
  type: string;
  /** Only these variables are fetched with the job. */
  fetchVariable: string[];
  /** Computes the variables the job completes with; throwing fails the job (one retry less). */
  handle(job: ActivatedJob, deps: HandlerDeps): Variables | Promise<Variables>;
}

/** A variable as text, or undefined when absent or not a non-empty string. */
export function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** The dossier code every lienthong process carries; a job without it is a modelling error. */
export function dossierCode(job: ActivatedJob): string {
  const code = text(job.variables.dossierCode);
  if (!code) throw new Error(`job ${job.key} (${job.type}) at '${job.elementId}': the process has no dossierCode variable`);
  return code;
}
