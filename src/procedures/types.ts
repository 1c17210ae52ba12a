/**
 * The shape of `processes/<code>/procedure.json`, as `schemas/procedure.schema.json` defines it.
 * Everything that is a rule lives in a version, because a dossier keeps the version in force on
 * the day it was received. Also what the catalog routes answer (lookup.ts), which the designer
 * reads: this file imports nothing, so the browser app can import its types.
 */

export interface Text {
  vi: string;
  en: string;
}

/** Where a figure of law comes from; `confirmed` only when checked against that text. */
export interface Legal {
  source: string;
  confirmed: boolean;
  /** Required when not confirmed: what is uncertain. */
  note?: string;
}

export type LimitUnit = 'working_days' | 'working_hours';

export interface TimeLimit extends Legal {
  value: number;
  unit: LimitUnit;
}

/**
 * A procedure's statutory total: in working time, or in calendar days when its law says "ngày"
 * and not "ngày làm việc" (counted as the Civil Code counts them, docs/sla.md).
 */
export interface StatutoryLimit extends Legal {
  value: number;
  unit: LimitUnit | 'calendar_days';
}

export interface CutOff extends Legal {
  /** 'HH:MM', Asia/Ho_Chi_Minh. */
  after: string;
  countFrom: 'next_working_day';
}

export interface Step {
  id: string;
  /** The BPMN user task that performs it. */
  elementId: string;
  name: Text;
  limit: TimeLimit;
}

export interface Agency {
  /** Also the candidate group of its user tasks. */
  code: string;
  name: Text;
  level: 'province' | 'commune';
  note?: string;
  steps: Step[];
}

export interface DocumentRequirement extends Legal {
  code: string;
  name: Text;
  form: 'original' | 'copy';
  count: number;
  /** Absent: always required. */
  condition?: Text;
}

export interface Fee extends Legal {
  code: string;
  name: Text;
  kind: 'fixed' | 'percent' | 'set_by_province' | 'exempt';
  /** VND for `fixed`, percent for `percent`; absent otherwise. */
  value?: number;
  base?: Text;
  payer?: Text;
}

export interface Threshold extends Legal {
  code: string;
  name: Text;
  value: number;
  unit: 'years' | 'months' | 'calendar_days' | 'working_days' | 'working_hours';
}

export interface SupplementPolicy {
  maxRequests: Legal & { value: number | null };
  clock: Legal & { value: 'pause' | 'restart' };
}

export interface ProcessVariable {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'list' | 'context' | 'date-time' | 'duration';
  required: boolean;
  /** dossier | task:<elementId> | worker:<job type> | message:<name> */
  providedBy: string;
  description: Text;
  example?: unknown;
}

export interface ProcessRef {
  bpmnProcessId: string;
  file: string;
  calledProcesses?: { bpmnProcessId: string; file: string }[];
  variables: ProcessVariable[];
  jobTypes: string[];
  messages: { name: string; correlationKey: string; description: Text }[];
}

export type Channel = 'counter' | 'online' | 'postal';

/** The authority that receives and decides a kind of dossier, and the text that gives it that competence. */
export interface Authority extends Legal {
  name: Text;
  level: 'province' | 'commune';
}

/**
 * A kind of dossier a version serves with figures of its own (cases.ts applies it): its
 * limits replace the version's and its performers take over other agencies' steps.
 */
export interface ProcedureCase {
  code: string;
  name: Text;
  /** Which dossiers belong to the case, in words. */
  condition: Text;
  /** The condition as FEEL over the intake, e.g. `project.detachedHouse = true`. */
  appliesWhen: string;
  totalLimit: StatutoryLimit;
  /** Step limits of the case, by step id. */
  stepLimits?: Record<string, TimeLimit>;
  /** Version agency code → the agency performing its steps in this case. */
  performers?: Record<string, Pick<Agency, 'code' | 'name' | 'level'>>;
  receivingAuthority?: Authority;
}

export interface RuleVersion {
  version: string;
  /** 'YYYY-MM-DD', first day in force (Asia/Ho_Chi_Minh). */
  effectiveFrom: string;
  /** 'YYYY-MM-DD', last day in force; null until replaced. */
  effectiveTo: string | null;
  effectiveBasis?: Legal;
  legalBasis: { document: string; title: Text }[];
  channels: Channel[];
  process: ProcessRef;
  agencies: Agency[];
  totalLimit: StatutoryLimit;
  cutOff: CutOff | null;
  documents: DocumentRequirement[];
  fees: Fee[];
  thresholds?: Threshold[];
  supplement: SupplementPolicy;
  cases?: ProcedureCase[];
  /** Set on the view `withCase` makes: the case whose figures it carries. */
  appliedCase?: ProcedureCase;
}

export interface Procedure {
  code: string;
  name: Text;
  field: { code: string; vi: string; en: string };
  versions: RuleVersion[];
}

/** A procedure as loaded from the catalog, with where it came from. */
export interface LoadedProcedure extends Procedure {
  readonly location: {
    /** Absolute folder of the procedure. */
    dir: string;
    /** Path of procedure.json as shown in messages (relative to the catalog's parent). */
    file: string;
  };
}

// ---- what the catalog routes answer (lookup.ts) ------------------------------------------------

export interface VersionSummary {
  version: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  bpmnProcessId: string;
  /** Whether `day` falls within effectiveFrom … effectiveTo. */
  inForce: boolean;
}

export interface ProcedureSummary {
  code: string;
  name: Text;
  field: Procedure['field'];
  versions: VersionSummary[];
}

/** GET /api/procedures/by-process/{bpmnProcessId} (with the day asked about, `today`). */
export interface ProcessProcedure {
  bpmnProcessId: string;
  procedure: { code: string; name: Text; field: Procedure['field'] };
  /** Whether `version` is in force on the day asked (false: none is, the newest is given). */
  inForce: boolean;
  /** The rule version as procedure.json has it. */
  version: RuleVersion;
  versions: VersionSummary[];
}
