/**
 * Scenario support for the linked procedures: the real catalog deployed on an embedded engine,
 * the workers of src/workers running, and an agency desk that does what agency officials do —
 * find their Camunda user tasks, check they are theirs, complete them.
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Variables } from '../../src/engine/port.js';
import { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import type { UserTaskItem } from '../../src/engine/queries.js';
import { loadCatalog, ruleVersionAt, type Catalog, type LoadedProcedure, type RuleVersion } from '../../src/procedures/index.js';
import { registerWorkers, type RegisteredWorkers } from '../../src/workers/index.js';
import { useEngine, waitFor, type EngineHarness } from '../support/engine.js';

export const PROCESSES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'processes');

/** The day every scenario's dossier is received: Monday 05/01/2026, 09:00 in Hà Nội. */
export const RECEIVED_AT = Date.UTC(2026, 0, 5, 2, 0, 0);

export interface ProcedureHarness extends EngineHarness {
  readonly catalog: Catalog;
  readonly desk: AgencyDesk;
  /** Log lines the workers wrote. */
  readonly logs: Array<{ msg?: string; obj: any }>;
  procedure(code: string): { procedure: LoadedProcedure; version: RuleVersion };
  /**
   * Starts the procedure's process with the variables the dossier layer would give it:
   * everything its procedure.json says the dossier provides and requires, plus `extra`.
   */
  startDossier(code: string, dossierCode: string, extra?: Variables): Promise<string>;
  /** Element ids of the user tasks created in an instance so far. */
  userTasksCreated(processInstanceKey: string): Promise<string[]>;
}

export function useProcedures(): ProcedureHarness {
  const h = useEngine();
  let catalog: Catalog;
  let workers: RegisteredWorkers | undefined;
  let desk: AgencyDesk;
  const logs: Array<{ msg?: string; obj: any }> = [];

  beforeAll(async () => {
    catalog = await loadCatalog(PROCESSES_DIR);
  });
  beforeEach(async () => {
    h.clock.set(RECEIVED_AT);
    await h.engine.start();
    await h.engine.deployResources(catalog.resources());
    const log = {
      info: (obj: object, msg?: string) => logs.push({ obj, msg }),
      warn: (obj: object, msg?: string) => logs.push({ obj, msg }),
    };
    workers = registerWorkers(h.engine, { log, now: () => h.clock.now(), pollInterval: 200 });
    desk = new AgencyDesk(h);
    logs.length = 0;
  });
  afterEach(async () => {
    await workers?.close();
  });

  const ph: ProcedureHarness = Object.create(h);
  Object.defineProperties(ph, {
    catalog: { get: () => catalog },
    desk: { get: () => desk },
    logs: { get: () => logs },
  });
  ph.procedure = (code) => {
    const procedure = catalog.get(code);
    return { procedure, version: ruleVersionAt(procedure, new Date(RECEIVED_AT)) };
  };
  ph.startDossier = async (code, dossierCode, extra = {}) => {
    const { version } = ph.procedure(code);
    const variables: Variables = {
      dossierCode,
      dueDates: sampleDueDates(version, extra.consultedAgencies as string[] | undefined),
      ...extra,
    };
    const missing = version.process.variables.filter((v) => v.required && v.providedBy === 'dossier' && !(v.name in variables)).map((v) => v.name);
    if (missing.length) throw new Error(`${code}: the test gives no value for required variables ${missing.join(', ')}`);
    return h.start(version.process.bpmnProcessId, variables);
  };
  ph.userTasksCreated = async (key) => {
    const events = await h.events(key);
    return events.filter((e) => e.valueType === 'USER_TASK' && e.intent === 'CREATED').map((e) => e.elementId!);
  };
  return ph;
}

/**
 * Due dates as the dossier layer provides them: `dueDates.<step>`, or per agency code for a step
 * several agencies perform. The dates here are simple stand-ins (receipt + the step's limit in
 * calendar days, 17:00); computing them on the working-day calendar is the SLA room's work.
 */
export function sampleDueDates(version: RuleVersion, consultedAgencies?: string[]): Record<string, unknown> {
  const performers = new Map<string, string[]>();
  for (const a of version.agencies) for (const s of a.steps) performers.set(s.id, [...(performers.get(s.id) ?? []), a.code]);
  const due: Record<string, unknown> = {};
  for (const a of version.agencies) {
    for (const s of a.steps) {
      const days = s.limit.unit === 'working_days' ? s.limit.value : Math.ceil(s.limit.value / 8);
      const at = new Date(RECEIVED_AT + days * 86_400_000);
      at.setUTCHours(10, 0, 0, 0); // 17:00 in Hà Nội
      const iso = at.toISOString();
      if ((performers.get(s.id) ?? []).length > 1) {
        if (consultedAgencies && !consultedAgencies.includes(a.code)) continue;
        due[s.id] = { ...(due[s.id] ?? {}), [a.code]: iso };
      } else {
        due[s.id] = iso;
      }
    }
  }
  return due;
}

/** What an agency's inbox does with user tasks; a task taken is no longer "in hand" for the others. */
export class AgencyDesk {
  private readonly taken = new Set<string>();

  constructor(private readonly h: EngineHarness) {}

  private async open(processInstanceKey: string): Promise<UserTaskItem[]> {
    const queries = new EmbeddedEngineQueries(this.h.db);
    const { items } = await queries.searchUserTasks({ filter: { processInstanceKey, state: 'CREATED' }, page: { limit: 100 } });
    return items.filter((t) => !this.taken.has(t.userTaskKey));
  }

  /** The element ids of the open user tasks of the instance not taken yet (sorted). */
  async inHand(processInstanceKey: string): Promise<string[]> {
    return (await this.open(processInstanceKey)).map((t) => t.elementId).sort();
  }

  /** Waits for the user task at `elementId` (for the agency, when several are open there). */
  async take(processInstanceKey: string, elementId: string, agency?: string): Promise<UserTaskItem> {
    const match = (t: UserTaskItem) => t.elementId === elementId && (!agency || t.candidateGroups.includes(agency));
    let found: UserTaskItem | undefined;
    await waitFor(`a user task at '${elementId}'${agency ? ` for ${agency}` : ''}`, async () => {
      found = (await this.open(processInstanceKey)).find(match);
      return !!found;
    });
    this.taken.add(found!.userTaskKey);
    return found!;
  }

  /**
   * The agency's official completes the step: the task must carry the agency as its candidate
   * group and a due date; returns the task as the inbox saw it.
   */
  async complete(processInstanceKey: string, elementId: string, agency: string, variables: Variables = {}): Promise<UserTaskItem> {
    const task = await this.take(processInstanceKey, elementId, agency);
    expect(task.candidateGroups).toEqual([agency]);
    expect(task.dueDate).toEqual(expect.any(String));
    await this.h.engine.completeUserTask({ userTaskKey: task.userTaskKey, variables });
    return task;
  }
}

/** The same instant, however it is written (a due date comes back from the engine in UTC). */
export const instant = (iso: string | undefined): number => Date.parse(iso ?? '');

/** Waits until the instance has ended. */
export async function ended(h: EngineHarness, key: string): Promise<void> {
  await waitFor(`instance ${key} to end`, async () => (await h.instance(key)).state !== 'ACTIVE');
}
