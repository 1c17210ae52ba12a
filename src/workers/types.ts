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
  /**
   * Where a notice to the applicant goes (the dossier room's `tellApplicant`, which writes it to
   * the outbox once per job); unset: the notice is only composed, into the job's variables.
   */
  tellApplicant?: (notice: { dossierCode: string; jobKey: string; template: string; text: string; announcesResult: boolean; at: Date }) => Promise<void>;
}

export type HandlerDeps = Required<Omit<WorkerDeps, 'tellApplicant'>> & Pick<WorkerDeps, 'tellApplicant'>;

/**
 * What a process designer is told about a job type: the Modeler offers it as an element template
 * (src/http/element-templates.ts), its headers as fields, so nobody types a job type or a header.
 */
export interface JobTypeDoc {
  /** Vietnamese name of the automated step, as the Modeler lists it. */
  name: string;
  /** Vietnamese: what the step does and what it leaves in the variables. */
  description: string;
  /** The task headers (`zeebe:taskHeaders`) the handler reads. */
  headers: readonly JobHeaderDoc[];
}

export interface JobHeaderDoc {
  key: string;
  /** Vietnamese label of the field. */
  label: string;
  /** Vietnamese hint shown below the field. */
  description: string;
  /** The only values the handler accepts (a dropdown); absent: free text. */
  choices?: readonly { value: string; name: string }[];
  /** `agency-kinds`: a comma-separated list of agency kinds (domain.agencies.kind). */
  format?: 'agency-kinds';
}

export interface JobHandlerSpec {
  type: string;
  /** For the designer's element templates. */
  doc: JobTypeDoc;
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
