/**
 * What every part of the dossier room works with: its collaborators (database, engine port,
 * catalog, SLA clocks, inbox), the clock, and the small rules shared by receipt, actions and
 * sync — who may act on a dossier, which step returns the result, which rule version a dossier
 * keeps. Who may see one is visibility.ts.
 */
import { appendAudit } from '../audit/index.js';
import { compileBpmn, type ExecutableProcess } from '../bpmn/index.js';
import type { Db, Queryable } from '../db/index.js';
import type { Clock } from '../clock.js';
import type { WorkflowEngine } from '../engine/port.js';
import type { EngineQueries, ProcessInstanceFilter, ProcessInstanceItem } from '../engine/queries.js';
import { Forbidden, Unauthenticated } from '../errors.js';
import { withCase, type Catalog, type LoadedProcedure, type RuleVersion } from '../procedures/index.js';
import type { SlaService } from '../sla/index.js';
import type { Actor as TaskActor, TaskService } from '../tasks/index.js';
import { stepOffsets, type StepOffsets } from './due-dates.js';
import type { IntakeValidator } from './intake/validate.js';
import type { Actor, ApplicantChannel, DossierRow, LookupThrottleRules } from './types.js';

export type DossierEngine = Pick<
  WorkflowEngine,
  'createProcessInstance' | 'cancelProcessInstance' | 'publishMessage' | 'correlateMessage' | 'setVariables' | 'completeJob' | 'completeUserTask'
>;
export type DossierQueries = Pick<
  EngineQueries,
  | 'searchProcessInstances'
  | 'getProcessInstance'
  | 'getSequenceFlows'
  | 'searchProcessDefinitions'
  | 'searchIncidents'
  | 'searchElementInstances'
  | 'searchVariableChanges'
  | 'getProcessDefinitionXml'
>;
export type DossierSla = Pick<
  SlaService,
  | 'dueDate'
  | 'startDossierClock'
  | 'pauseDossier'
  | 'resumeDossier'
  | 'stopDossier'
  | 'cancelDossier'
  | 'cancelSteps'
  | 'extendDossier'
  | 'clocks'
  | 'workingHoursBetween'
  | 'recount'
>;
export type DossierTasks = Pick<TaskService, 'cancelOpenTasks' | 'complete' | 'recountDueDates' | 'withdrawInstanceTasks'>;

export interface DossierLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DossierDeps {
  db: Db;
  engine: DossierEngine;
  /** The engine's read side: the definition of a version's BPMN file, ended instances (reconcile), the trace's diagram. */
  queries?: DossierQueries;
  catalog: Catalog;
  sla: DossierSla;
  /** The inbox: cancels a refused dossier's open tasks, completes the return step. */
  tasks?: DossierTasks;
  intake: IntakeValidator;
  clock: Clock;
  log: DossierLog;
  /** Printed on form 01: where the citizen looks the dossier up. */
  lookupUrl?: string;
  /** The channels the service has for the applicants' notices, in the order tried (notices.ts); none: no notice is written. */
  applicantChannels?: readonly ApplicantChannel[];
  /** Failed lookups (code + secret) allowed per address and per code (default: lookup.ts). */
  lookupThrottle?: LookupThrottleRules;
}

/**
 * The step that hands the result back at the counter. Catalog convention (processes/README.md):
 * every procedure version has a step with this id, performed by the one-stop section that
 * receives its dossiers; its user task appearing means the agencies have finished (→ done), and
 * its completion means the result was handed back (→ returned).
 */
export const RETURN_STEP = 'returnResult';

export function returnStep(version: RuleVersion): { agencyKind: string; elementId: string } | undefined {
  for (const a of version.agencies) {
    const s = a.steps.find((x) => x.id === RETURN_STEP);
    if (s) return { agencyKind: a.code, elementId: s.elementId };
  }
  return undefined;
}

/** The BPMN process ids the catalog's versions run, each once: the root processes of dossiers. */
function catalogProcessIds(catalog: Catalog): string[] {
  return [...new Set(catalog.procedures.flatMap((p) => p.versions.map((v) => v.process.bpmnProcessId)))];
}

const ROOT_PAGE = 500;

/**
 * The root instances of the catalog's processes that `filter` also takes, handed to `onPage` 500
 * at a time in key order: what reconcile asks the engine for (ended.ts, strays.ts).
 */
export async function eachCatalogRootPage(
  deps: Pick<DossierDeps, 'catalog' | 'queries'>,
  filter: ProcessInstanceFilter,
  onPage: (items: ProcessInstanceItem[]) => Promise<void>,
): Promise<void> {
  const processIds = catalogProcessIds(deps.catalog);
  if (!deps.queries || !processIds.length) return;
  for (let from = 0; ; from += ROOT_PAGE) {
    const { items } = await deps.queries.searchProcessInstances({
      filter: { ...filter, processDefinitionId: { $in: processIds }, parentProcessInstanceKey: { $exists: false } },
      sort: [{ field: 'processInstanceKey', order: 'ASC' }],
      page: { from, limit: ROOT_PAGE },
    });
    if (items.length) await onPage(items);
    if (items.length < ROOT_PAGE) return;
  }
}

/** The dossier's rule version, as it applies to the dossier's case (procedures/cases.ts). */
export function versionOf(
  catalog: Catalog,
  d: Pick<DossierRow, 'procedureCode' | 'ruleVersion' | 'code' | 'caseCode'>,
): { procedure: LoadedProcedure; version: RuleVersion } {
  const procedure = catalog.get(d.procedureCode);
  const version = procedure.versions.find((v) => v.version === d.ruleVersion);
  if (!version) throw new Error(`dossier ${d.code}: rule version ${d.ruleVersion} of ${d.procedureCode} is no longer in the catalog`);
  return { procedure, version: withCase(version, d.caseCode) };
}

const offsetsCache = new WeakMap<RuleVersion, Promise<StepOffsets>>();
const processCache = new WeakMap<RuleVersion, Promise<ExecutableProcess>>();

export function offsetsOf(catalog: Catalog, procedure: LoadedProcedure, version: RuleVersion): Promise<StepOffsets> {
  let p = offsetsCache.get(version);
  if (!p) offsetsCache.set(version, (p = stepOffsets(catalog, procedure, version)));
  return p;
}

export function processOf(catalog: Catalog, procedure: LoadedProcedure, version: RuleVersion): Promise<ExecutableProcess> {
  let p = processCache.get(version);
  if (!p) {
    p = compileBpmn(catalog.bpmn(procedure, version.process.file), version.process.file).then((all) => {
      const found = all.find((x) => x.id === version.process.bpmnProcessId);
      if (!found) throw new Error(`${procedure.code}: no process ${version.process.bpmnProcessId} in ${version.process.file}`);
      return found;
    });
    processCache.set(version, p);
  }
  return p;
}

// ---- who acts (who sees: visibility.ts) ------------------------------------------------------

export function checkActor(actor: Actor | undefined): Actor {
  if (!actor || typeof actor.username !== 'string' || !actor.username || typeof actor.role !== 'string')
    throw new Unauthenticated('cần đăng nhập (sign in first)');
  return actor;
}

/** Staff who may change a dossier: counter, officer, admin (auditors and designers read or nothing). */
export function checkMayAct(actor: Actor, roles: readonly Actor['role'][] = ['counter', 'officer', 'admin', 'system']): void {
  if (!roles.includes(actor.role)) {
    throw new Forbidden(
      `vai trò '${actor.role}' không được thực hiện thao tác này trên hồ sơ (role '${actor.role}' may not do this; allowed: ${roles.filter((r) => r !== 'system').join(', ')})`,
    );
  }
}

/** The actor as the inbox knows people; the system acts there as nobody in particular. */
export function staff(actor: Actor): TaskActor | undefined {
  return actor.role === 'system' ? undefined : { username: actor.username, role: actor.role, agencyCode: actor.agencyCode ?? null };
}

/** The audit row of `who`'s action on dossier `code`, filed under their agency (none for the applicant online). */
export async function auditAction(q: Queryable, who: Actor, code: string, action: string, at: Date, payload: Record<string, unknown>): Promise<void> {
  await appendAudit(q, { actor: who.username, role: who.role, agency: who.agencyCode ?? null, dossierCode: code, action, at, payload });
}
