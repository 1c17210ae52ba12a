/**
 * The inbox on a real database: the embedded engine (ManualClock) with the procedure catalog
 * deployed, the SLA service on the shipped calendar, the inbox worker driven by hand
 * (`inbox()`), and a small agency registry of one province with two communes:
 *
 *   province 01 ── bhxh.01 (bhxh, province level)
 *     ├─ commune phuc-xa: tp.phuc-xa (ubnd-xa.tu-phap-ho-tich), ca.phuc-xa (cong-an-xa), mc.phuc-xa (mot-cua-xa)
 *     └─ commune ba-dinh:                                        ca.ba-dinh (cong-an-xa), mc.ba-dinh (mot-cua-xa)
 *
 * and their people: officers ca1, ca2 (police of Phúc Xá), cabd (police of Ba Đình), tp1 (justice
 * of Phúc Xá), bh1 (BHXH), counter mc1 (one-stop of Phúc Xá), auditor tt1, admin ad1, designer tk1.
 */
import { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import { ElementNames } from '../../src/engine/names.js';
import { CalendarStore, type WorkingCalendar } from '../../src/calendar/index.js';
import type { Db, Queryable } from '../../src/db/index.js';
import { loadCatalog, ruleVersionAt, type Catalog } from '../../src/procedures/index.js';
import { inboxDossiers, slaDossierFacts } from '../../src/dossiers/index.js';
import { SlaService } from '../../src/sla/index.js';
import { InboxWorker, TaskService, type Actor, type InboxWorkerOptions, type TaskRow } from '../../src/tasks/index.js';
import { registerWorkers, type RegisteredWorkers } from '../../src/workers/index.js';
import { PROCESSES_DIR, sampleDueDates } from '../procedures/support.js';
import { emptyTables } from '../support/db.js';
import { useEngine, type EngineHarness } from '../support/engine.js';

/** Monday 05/01/2026, 09:00 in Hà Nội (the ManualClock's start). */
export const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);

export const USERS = {
  ca1: { username: 'ca1', role: 'officer', agencyCode: 'ca.phuc-xa' },
  ca2: { username: 'ca2', role: 'officer', agencyCode: 'ca.phuc-xa' },
  cabd: { username: 'cabd', role: 'officer', agencyCode: 'ca.ba-dinh' },
  tp1: { username: 'tp1', role: 'officer', agencyCode: 'tp.phuc-xa' },
  bh1: { username: 'bh1', role: 'officer', agencyCode: 'bhxh.01' },
  mc1: { username: 'mc1', role: 'counter', agencyCode: 'mc.phuc-xa' },
  tt1: { username: 'tt1', role: 'auditor', agencyCode: null },
  ad1: { username: 'ad1', role: 'admin', agencyCode: null },
  tk1: { username: 'tk1', role: 'designer', agencyCode: null },
} satisfies Record<string, Actor>;

export interface InboxHarness extends EngineHarness {
  readonly catalog: Catalog;
  readonly sla: SlaService;
  readonly tasks: TaskService;
  readonly worker: InboxWorker;
  /** Tasks handed to the onTaskCreated hook, in order. */
  readonly hooked: TaskRow[];
  /** Errors the inbox worker reported. */
  readonly errors: unknown[];
  /** Replaces the hook (default: records into `hooked`). */
  setHook(f: InboxWorkerOptions['onTaskCreated']): void;
  /** Runs the inbox worker until no user-task job is left to activate; returns how many it handled. */
  inbox(): Promise<number>;
  /** Receives a dossier of `procedure` at a commune's counter and starts its process; returns its code and instance. */
  receive(o?: { procedure?: string; commune?: string; code?: string }): Promise<{ code: string; instanceKey: string }>;
  /** Runs the automated steps' workers (hand-offs, notices) until stopped. */
  startServiceWorkers(): void;
  /** Every row of domain.tasks, by id. */
  rows(): Promise<TaskRow[]>;
  audit(action?: string): Promise<Array<{ action: string; actor: string; role: string; agency: string | null; dossierCode: string | null; payload: any }>>;
}

let seq = 0;

/**
 * `userTasks: 'job'` deploys the catalog as job-worker user tasks (the procedures without their
 * `zeebe:userTask`), as dossiers received before the procedures moved to Camunda user tasks run.
 */
export function useInbox(workerOptions: Partial<InboxWorkerOptions> = {}, o: { userTasks?: 'camunda' | 'job' } = {}): InboxHarness {
  const h = useEngine();
  let catalog: Catalog;
  let calendar: WorkingCalendar;
  let sla: SlaService;
  let tasks: TaskService;
  let worker: InboxWorker;
  let services: RegisteredWorkers | undefined;
  const hooked: TaskRow[] = [];
  const errors: unknown[] = [];
  let hook: InboxWorkerOptions['onTaskCreated'];

  beforeAll(async () => {
    catalog = await loadCatalog(PROCESSES_DIR);
    calendar = await new CalendarStore(h.db).init();
  });
  beforeEach(async () => {
    await emptyTables(
      h.db,
      ['domain.tasks', 'domain.sla_clocks', 'domain.sla_pauses', 'domain.dossiers', 'domain.users', 'domain.agencies', 'domain.audit_log'],
      {
        restartIdentity: true,
      },
    );
    await seedRegistry(h.db);
    h.clock.set(T0);
    hooked.length = 0;
    errors.length = 0;
    hook = (_q, t) => {
      hooked.push(t);
      return Promise.resolve();
    };
    const resources = catalog.resources();
    await h.engine.deployResources(o.userTasks === 'job' ? resources.map(asJobWorkerTasks) : resources);
    sla = new SlaService({ db: h.db, dossiers: slaDossierFacts, calendar: () => calendar, clock: h.clock });
    tasks = new TaskService({ db: h.db, engine: h.engine, sla, clock: h.clock, forms: new EmbeddedEngineQueries(h.db) });
    const names = new ElementNames(new EmbeddedEngineQueries(h.db));
    worker = new InboxWorker(h.engine, {
      db: h.db,
      dossiers: inboxDossiers,
      catalog,
      sla,
      clock: h.clock,
      elementName: (job) => names.name(job.processDefinitionKey, job.elementId),
      userTasks: new EmbeddedEngineQueries(h.db),
      pollInterval: 0,
      sweepInterval: 0,
      onTaskCreated: (q, t) => hook!(q, t),
      onError: (e) => errors.push(e),
      ...workerOptions,
    });
  });
  afterEach(async () => {
    await worker?.close();
    await services?.close();
    services = undefined;
  });

  const x: InboxHarness = Object.create(h);
  Object.defineProperties(x, {
    catalog: { get: () => catalog },
    sla: { get: () => sla },
    tasks: { get: () => tasks },
    worker: { get: () => worker },
    hooked: { get: () => hooked },
    errors: { get: () => errors },
  });
  x.setHook = (f) => {
    hook = f;
  };
  x.inbox = () => worker.poll();
  x.receive = async (o = {}) => {
    const procedureCode = o.procedure ?? 'birth-registration-group';
    const commune = o.commune ?? 'phuc-xa';
    const code = o.code ?? `000.00.00.H01-260105-${String(++seq).padStart(4, '0')}`;
    const procedure = catalog.get(procedureCode);
    const version = ruleVersionAt(procedure, new Date(T0));
    await h.db.query(
      `insert into domain.dossiers (code, procedure_code, rule_version, status, channel, receiving_agency, applicant, data,
         lookup_secret_hash, received_at, appointment_at, province_code, commune_code)
       values ($1, $2, $3, 'received', 'counter', $4, '{}', '{}', 'x', $5::timestamptz, $5::timestamptz, '01', $6)`,
      [code, procedureCode, version.version, `mc.${commune}`, new Date(T0).toISOString(), commune],
    );
    const instanceKey = await h.start(version.process.bpmnProcessId, { dossierCode: code, dueDates: sampleDueDates(version) });
    await h.db.query(`update domain.dossiers set process_instance_key = $2, status = 'in_progress' where code = $1`, [code, instanceKey]);
    return { code, instanceKey };
  };
  x.startServiceWorkers = () => {
    services = registerWorkers(h.engine, { now: () => h.clock.now(), pollInterval: 100 });
  };
  x.rows = async () => {
    const { rows } = await h.db.query<{ id: string }>(`select id::text from domain.tasks order by id`);
    return Promise.all(rows.map((r) => tasks.get(h.db, r.id)));
  };
  x.audit = async (action) => {
    const { rows } = await h.db.query(
      `select action, actor, role, agency, dossier_code as "dossierCode", payload from domain.audit_log
        where ($1::text is null or action = $1) order by seq`,
      [action ?? null],
    );
    return rows;
  };
  return x;
}

async function seedRegistry(q: Queryable): Promise<void> {
  const agencies: Array<[string, string, string, 'province' | 'commune', string | null]> = [
    ['bhxh.01', 'bhxh', 'Bảo hiểm xã hội thành phố Hà Nội', 'province', null],
    ['tp.phuc-xa', 'ubnd-xa.tu-phap-ho-tich', 'UBND phường Phúc Xá (Tư pháp – Hộ tịch)', 'commune', 'phuc-xa'],
    ['ca.phuc-xa', 'cong-an-xa', 'Công an phường Phúc Xá', 'commune', 'phuc-xa'],
    ['mc.phuc-xa', 'mot-cua-xa', 'Bộ phận Một cửa phường Phúc Xá', 'commune', 'phuc-xa'],
    ['ca.ba-dinh', 'cong-an-xa', 'Công an phường Ba Đình', 'commune', 'ba-dinh'],
    ['mc.ba-dinh', 'mot-cua-xa', 'Bộ phận Một cửa phường Ba Đình', 'commune', 'ba-dinh'],
  ];
  for (const [code, kind, name, level, commune] of agencies) {
    await q.query(`insert into domain.agencies (code, kind, name, level, province_code, commune_code) values ($1, $2, $3, $4, '01', $5)`, [
      code,
      kind,
      name,
      level,
      commune,
    ]);
  }
  for (const u of Object.values(USERS)) {
    await q.query(`insert into domain.users (username, full_name, password_hash, role, agency_code) values ($1, $1, 'x', $2, $3)`, [
      u.username,
      u.role,
      u.agencyCode,
    ]);
  }
}

/**
 * Inserts inbox rows directly (list and claim tests need many, with chosen dates and states). Their
 * creation instant is fixed (the list orders by due date or completion, never by it), not the real clock's.
 */
export async function seedTask(
  db: Db,
  t: {
    agencyCode: string;
    agencyKind?: string;
    dossierCode?: string | null;
    procedureCode?: string | null;
    dueAt?: string | null;
    state?: 'open' | 'claimed' | 'completed' | 'cancelled';
    assignee?: string | null;
    completedAt?: string | null;
    elementId?: string;
  },
): Promise<string> {
  const state = t.state ?? (t.assignee ? 'claimed' : 'open');
  const { rows } = await db.query<{ id: string }>(
    `insert into domain.tasks (job_key, dossier_code, procedure_code, bpmn_process_id, process_instance_key, element_id,
       element_instance_key, name, agency_code, agency_kind, candidate_groups, assignee, state, due_at, created_at, completed_at)
     values ((select coalesce(max(job_key), 9000000000) + 1 from domain.tasks), $1, $2, $2, 1, $3, 1, $3, $4, $5, array[$5]::text[],
       $6, $7, $8::timestamptz, '2025-07-01T08:00:00+07:00', $9::timestamptz)
     returning id::text`,
    [
      t.dossierCode ?? null,
      t.procedureCode ?? null,
      t.elementId ?? 'step',
      t.agencyCode,
      t.agencyKind ?? 'cong-an-xa',
      t.assignee ?? null,
      state,
      t.dueAt ?? null,
      t.completedAt ?? (state === 'completed' ? new Date(T0).toISOString() : null),
    ],
  );
  return rows[0].id;
}

/** A dossier row (for tasks seeded directly). */
export async function seedDossier(db: Db, code: string, procedureCode = 'birth-registration-group', commune = 'phuc-xa'): Promise<string> {
  await db.query(
    `insert into domain.dossiers (code, procedure_code, rule_version, status, channel, receiving_agency, applicant, data,
       lookup_secret_hash, received_at, appointment_at, province_code, commune_code)
     values ($1, $2, '2025.07', 'in_progress', 'counter', $3, '{}', '{}', 'x', $4::timestamptz, $4::timestamptz, '01', $5)`,
    [code, procedureCode, `mc.${commune}`, new Date(T0).toISOString(), commune],
  );
  return code;
}

/** Hours after T0 as an ISO instant. */
export const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure, but it succeeded');
}

/** A procedure's BPMN with job-worker user tasks: its `zeebe:userTask` removed. */
export function asJobWorkerTasks<R extends { name: string; content: string | Buffer }>(r: R): R {
  // A job-worker user task cannot link a form by formId (Camunda's rule): its decision is checked by the catalog's form of the same name.
  return {
    ...r,
    content: r.content
      .toString()
      .replace(/<zeebe:userTask\s*\/>/g, '')
      .replace(/<zeebe:formDefinition formId="[^"]*"\s*\/>/g, ''),
  };
}
