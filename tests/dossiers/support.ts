/**
 * The dossier room on a real database, wired as main.ts wires it: the embedded engine
 * (ManualClock) with the catalog deployed, the service-task workers, the SLA service on the
 * shipped calendar, the inbox (TaskService + InboxWorker, driven by hand) calling the dossier
 * room's hook, and the demo registry of src/dossiers/seed.ts (one province, two communes).
 */
import { ElementNames } from '../../src/engine/names.js';
import { CalendarStore, type WorkingCalendar } from '../../src/calendar/index.js';
import { DossierService, inboxDossiers, seedDemo, slaDossierFacts, type Actor, type DossierRow, type Receipt } from '../../src/dossiers/index.js';
import { findDossier } from '../../src/dossiers/store.js';
import { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import { loadCatalog, type Catalog } from '../../src/procedures/index.js';
import { SlaService } from '../../src/sla/index.js';
import { InboxWorker, TaskService, type TaskCompletedHook, type TaskRow } from '../../src/tasks/index.js';
import { registerWorkers, type RegisteredWorkers } from '../../src/workers/index.js';
import { PROCESSES_DIR } from '../procedures/support.js';
import { emptyTables } from '../support/db.js';
import { useEngine, waitFor, type EngineHarness } from '../support/engine.js';
import { INTAKES } from './fixtures.js';

/** Monday 05/01/2026, 09:00 in Hà Nội. */
export const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);

export const STAFF = {
  counter: { username: 'motcua.hoa-binh', role: 'counter', agencyCode: 'mot-cua-xa.hoa-binh' },
  counterTanAn: { username: 'motcua.tan-an', role: 'counter', agencyCode: 'mot-cua-xa.tan-an' },
  counterProvince: { username: 'motcua.tinh', role: 'counter', agencyCode: 'mot-cua-tinh.thu-nghiem' },
  civil: { username: 'hotich.hoa-binh', role: 'officer', agencyCode: 'ubnd-xa.tu-phap-ho-tich.hoa-binh' },
  police: { username: 'congan.hoa-binh', role: 'officer', agencyCode: 'cong-an-xa.hoa-binh' },
  policeTanAn: { username: 'congan.tan-an', role: 'officer', agencyCode: 'cong-an-xa.tan-an' },
  auditor: { username: 'thanhtra', role: 'auditor', agencyCode: null },
  admin: { username: 'quantri', role: 'admin', agencyCode: null },
  designer: { username: 'thietke', role: 'designer', agencyCode: null },
} satisfies Record<string, Actor>;

/** The counter that receives each procedure in the demo registry. */
export const COUNTER_OF: Record<string, Actor> = {
  'birth-registration-group': STAFF.counter,
  'death-registration-group': STAFF.counter,
  'land-use-right-transfer': STAFF.counter,
  'construction-permit': STAFF.counterProvince,
};

export interface DossierHarness extends EngineHarness {
  readonly catalog: Catalog;
  readonly sla: SlaService;
  readonly tasks: TaskService;
  readonly dossiers: DossierService;
  readonly inboxErrors: unknown[];
  /** Receives a dossier of `procedure` with its fixture intake (or `intake`), at its counter. */
  receive(procedure: string, intake?: unknown, actor?: Actor): Promise<Receipt>;
  /** Runs the inbox until no user-task job is left. */
  inbox(): Promise<number>;
  /** Waits (running the inbox) for the open task of `code` at `elementId` (for `agency`, if given). */
  task(code: string, elementId: string, agency?: string): Promise<TaskRow>;
  /** An official of the task's agency completes it. */
  complete(code: string, elementId: string, decision: Record<string, unknown>, agency?: string): Promise<TaskRow>;
  dossier(code: string): Promise<DossierRow>;
  status(code: string): Promise<string>;
  /** Every observable row a failed action must not change, for before/after comparison. */
  snapshot(code: string): Promise<unknown>;
  startServiceWorkers(): void;
  calendar(): WorkingCalendar;
  /** The calendar as an administrator changes it: each change recounts through the dossier room's hook. */
  readonly calendarStore: CalendarStore;
  /** Turns the inbox's calls of the dossier room's hooks on or off (default on). */
  hook(on: boolean): void;
}

export function useDossiers(): DossierHarness {
  const h = useEngine();
  let catalog: Catalog;
  let store: CalendarStore;
  let sla: SlaService;
  let tasks: TaskService;
  let dossiers: DossierService;
  let worker: InboxWorker;
  let services: RegisteredWorkers | undefined;
  const inboxErrors: unknown[] = [];
  let hookOn = true;

  beforeAll(async () => {
    catalog = await loadCatalog(PROCESSES_DIR);
    // The first seed reaches an empty database before any dossier service exists.
    store = new CalendarStore(h.db, { onChange: (q, change) => (dossiers ? dossiers.onCalendarChanged(q, change) : Promise.resolve(undefined)) });
    await store.init();
    await seedDemo(h.db, { nodeEnv: 'test' });
  });
  beforeEach(async () => {
    await emptyTables(
      h.db,
      [
        'domain.tasks',
        'domain.sla_clocks',
        'domain.sla_pauses',
        'domain.sla_extensions',
        'domain.sla_messages',
        'domain.dossier_forms',
        'domain.dossier_supplement_requests',
        'domain.dossier_events',
        'domain.dossier_intakes',
        'domain.dossier_sequences',
        'domain.dossier_agencies',
        'domain.outbox',
        'domain.dossiers',
        'domain.audit_log',
      ],
      { restartIdentity: true },
    );
    h.clock.set(T0);
    inboxErrors.length = 0;
    hookOn = true;
    await h.engine.deployResources(catalog.resources());
    sla = new SlaService({ db: h.db, dossiers: slaDossierFacts, calendar: () => store.calendar, clock: h.clock });
    const onTaskCompleted: TaskCompletedHook = (q, t, by, at) => (hookOn ? dossiers.onTaskCompleted(q, t, by, at) : Promise.resolve());
    tasks = new TaskService({ db: h.db, engine: h.engine, sla, clock: h.clock, forms: new EmbeddedEngineQueries(h.db), onTaskCompleted });
    dossiers = new DossierService({
      db: h.db,
      engine: h.engine,
      queries: new EmbeddedEngineQueries(h.db),
      catalog,
      sla,
      tasks,
      clock: h.clock,
      // As a service with a mail server and an SMS gateway: the applicant is told by e-mail, else by text.
      applicantChannels: ['email', 'sms'],
    });
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
      onTaskCreated: (q, t) => (hookOn ? dossiers.onTaskCreated(q, t) : Promise.resolve()),
      onTaskCompleted,
      onError: (e) => inboxErrors.push(e),
    });
  });
  afterEach(async () => {
    await worker?.close();
    await services?.close();
    services = undefined;
  });

  const x: DossierHarness = Object.create(h);
  Object.defineProperties(x, {
    catalog: { get: () => catalog },
    sla: { get: () => sla },
    tasks: { get: () => tasks },
    dossiers: { get: () => dossiers },
    inboxErrors: { get: () => inboxErrors },
    calendarStore: { get: () => store },
  });
  x.calendar = () => store.calendar;
  x.hook = (on) => {
    hookOn = on;
  };
  x.receive = (procedure, intake, actor) =>
    dossiers.receive(actor ?? COUNTER_OF[procedure], {
      procedureCode: procedure,
      channel: 'counter',
      intake: intake ?? INTAKES[procedure](),
    });
  x.inbox = () => worker.poll();
  x.task = async (code, elementId, agency) => {
    let found: TaskRow | undefined;
    await waitFor(`an open task of ${code} at ${elementId}${agency ? ` for ${agency}` : ''}`, async () => {
      await worker.poll();
      const { rows } = await h.db.query<{ id: string }>(
        `select t.id::text from domain.tasks t where t.dossier_code = $1 and t.element_id = $2 and t.state in ('open', 'claimed')
           and ($3::text is null or t.agency_kind = $3 or t.agency_code = $3) order by t.id limit 1`,
        [code, elementId, agency ?? null],
      );
      if (rows[0]) found = await tasks.get(h.db, rows[0].id);
      return !!found;
    });
    return found!;
  };
  x.complete = async (code, elementId, decision, agency) => {
    const t = await x.task(code, elementId, agency);
    const { rows } = await h.db.query<{ username: string; role: Actor['role'] }>(
      `select username, role from domain.users where agency_code = $1 order by (role = 'officer') desc, username limit 1`,
      [t.agencyCode],
    );
    const who = rows[0];
    if (!who) throw new Error(`no user in agency ${t.agencyCode}`);
    return tasks.complete({ username: who.username, role: who.role as 'officer', agencyCode: t.agencyCode }, t.id, decision);
  };
  x.dossier = async (code) => {
    const d = await findDossier(h.db, code);
    if (!d) throw new Error(`no dossier ${code}`);
    return d;
  };
  x.status = async (code) => (await x.dossier(code)).status;
  x.snapshot = async (code) => {
    const q = (sql: string) => h.db.query(sql, [code]).then((r) => r.rows);
    return {
      dossier: await q(`select * from domain.dossiers where code = $1`),
      events: await q(`select count(*)::int as n from domain.dossier_events where dossier_code = $1`),
      forms: await q(`select count(*)::int as n from domain.dossier_forms where dossier_code = $1`),
      supplements: await q(`select * from domain.dossier_supplement_requests where dossier_code = $1 order by id`),
      clocks: await q(`select id, state, due_at, paused_at from domain.sla_clocks where dossier_code = $1 order by id`),
      tasks: await q(`select id, state from domain.tasks where dossier_code = $1 order by id`),
      audit: await q(`select count(*)::int as n from domain.audit_log where dossier_code = $1`),
    };
  };
  x.startServiceWorkers = () => {
    services ??= registerWorkers(h.engine, { now: () => h.clock.now(), pollInterval: 50, tellApplicant: dossiers.tellApplicant });
  };
  return x;
}
