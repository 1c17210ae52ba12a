/**
 * A dossier's trace made of rows the service itself wrote, for the scoping rules, the audit routes
 * and the metrics: the whole service (the shipped catalog, the demo registry it seeds into its
 * empty database, the inbox worker, the SLA room) on a ManualClock that starts on Monday
 * 05/01/2026 at 09:00 in Hà Nội, its callers signed in as demo accounts (`startTraceService`).
 *
 * `traceFixture`: at 09:00 the one-stop counter of xã Hòa Bình receives a birth-group dossier
 * through the API; the engine starts its process, the inbox worker hands the birth registration to
 * the commune's civil-status officer, who claims it at 10:00 and completes it at 11:30 (early: its
 * limit is a working day); the service's own worker then activates and completes the hand-off job
 * (`handOffBirthData`), and the inbox hands the residence registration to the commune police and
 * the health-insurance card to social insurance, both left open. The SLA room started the
 * dossier's clock at the receipt and a clock for each step as the inbox wrote it; the audit log
 * holds what each of them did. The trace itself (every field of every step) is tested in
 * trace.test.ts.
 */
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { ManualClock } from '../../src/clock.js';
import { DEMO_PASSWORDS } from '../../src/dossiers/seed.js';
import { startService, type Service } from '../../src/main.js';
import { APPLICANT, birthIntake } from '../dossiers/fixtures.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { openInboxTask } from '../support/inbox.js';
import { call, testConfig, type Reply } from './support.js';
import type { ApiService, Caller } from './api-support.js';

/** Monday 05/01/2026, 09:00 in Hà Nội: the trace service's clock when it starts. */
export const TRACE_START = Date.UTC(2026, 0, 5, 2, 0);
const HOUR = 3_600_000;

/**
 * Who each caller of the API tests is on the trace service: demo accounts of the seeded registry.
 * officerA works at the agency of the dossier's first step, officerB is the same kind of office in
 * the other commune (no step of the dossier), counter received the dossier.
 */
export const TRACE_USERS: Record<Exclude<Caller, 'anonymous'>, { username: string; password: string; agencyCode: string | null }> = {
  designer: { username: 'thietke', password: DEMO_PASSWORDS.designer, agencyCode: null },
  officerA: { username: 'hotich.hoa-binh', password: DEMO_PASSWORDS.officer, agencyCode: 'ubnd-xa.tu-phap-ho-tich.hoa-binh' },
  officerB: { username: 'hotich.tan-an', password: DEMO_PASSWORDS.officer, agencyCode: 'ubnd-xa.tu-phap-ho-tich.tan-an' },
  counter: { username: 'motcua.hoa-binh', password: DEMO_PASSWORDS.counter, agencyCode: 'mot-cua-xa.hoa-binh' },
  auditor: { username: 'thanhtra', password: DEMO_PASSWORDS.auditor, agencyCode: null },
  admin: { username: 'quantri', password: DEMO_PASSWORDS.admin, agencyCode: null },
};

/** An ApiService over the catalog and the demo registry, whose clock the fixture moves. */
export interface TraceService extends ApiService {
  clock: ManualClock;
}

/** `logger`: where the service logs (default: nowhere). */
export async function startTraceService(opts: { logger?: Logger } = {}): Promise<TraceService> {
  const clock = new ManualClock(TRACE_START);
  const t: TestDb = await openTestDb();
  let service: Service;
  try {
    // Sessions last a working day of the service's clock, as the officers' sign-ins do.
    const config = testConfig({ processesDir: join(process.cwd(), 'processes'), processesDirExplicit: true, jwtTtlSeconds: 8 * 3600 });
    service = await startService(config, { db: t.db, logger: opts.logger ?? pino({ level: 'silent' }), clock });
  } catch (e) {
    await t.close();
    throw e;
  }
  const url = service.url;
  const headers = { anonymous: { authorization: '' } } as unknown as Record<Caller, Record<string, string>>;
  const signIn = async (caller: Exclude<Caller, 'anonymous'>) => {
    const { username, password } = TRACE_USERS[caller];
    const r = await call(url, 'POST', '/api/auth/login', { username, password }, { authorization: '' });
    if (r.status !== 200) throw new Error(`login of ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    headers[caller] = { authorization: `Bearer ${r.body.token}` };
  };
  try {
    for (const caller of Object.keys(TRACE_USERS) as Exclude<Caller, 'anonymous'>[]) await signIn(caller);
  } catch (e) {
    await service.close();
    await t.close();
    throw e;
  }
  return {
    url,
    service,
    t,
    clock,
    headers,
    as: (caller, method, path, body, extra = {}) => call(url, method, path, body, { ...headers[caller], ...extra }),
    signInAgain: signIn,
    async close() {
      await service.close();
      await t.close();
    },
  };
}

/** A step of the fixture's dossier, as the inbox wrote it. */
export interface TraceStep {
  taskId: string;
  elementId: string;
  name: string;
  agencyCode: string;
}

export interface TraceFixture {
  code: string;
  processInstanceKey: string;
  /** The counter that received the dossier. */
  receivingAgency: string;
  /** The applicant as the counter typed them in (what the public must not see without the secret). */
  applicant: { fullName: string; citizenId: string; phone: string };
  /** The birth registration: claimed and completed by officerA. */
  done: TraceStep;
  /** The steps left open, in the process's order: the residence registration (commune police), the health-insurance card (social insurance). */
  open: TraceStep[];
}

function ok(r: Reply, status: number, what: string): Reply {
  if (r.status !== status) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

/** The dossier of the file's header, received on `s` at its clock's time (09:00 on a fresh service). */
export async function traceFixture(s: TraceService): Promise<TraceFixture> {
  const received = s.clock.now();
  const r = ok(
    await s.as('counter', 'POST', '/api/dossiers', {
      procedureCode: 'birth-registration-group',
      channel: 'counter',
      intake: birthIntake(),
    }),
    201,
    'the counter receives the dossier',
  );
  const code = r.body.dossier.code as string;
  const inbox = (caller: Caller) => (path: string) => s.as(caller, 'GET', path);
  const first = await openInboxTask(inbox('officerA'), TRACE_USERS.officerA.username, code, 'birthRegistration');
  s.clock.set(received + HOUR);
  ok(await s.as('officerA', 'POST', `/api/tasks/${first.id}/claim`, {}), 200, 'officerA claims the birth registration');
  s.clock.set(received + 2.5 * HOUR);
  ok(
    await s.as('officerA', 'POST', `/api/tasks/${first.id}/complete`, { decision: { outcome: 'approved', note: 'Đủ điều kiện' } }),
    200,
    'officerA completes the birth registration',
  );
  // None of the callers works at the police or social insurance: the administrator's inbox lists every agency's tasks.
  const open: any[] = [];
  for (const elementId of ['residenceRegistration', 'healthInsuranceCard'])
    open.push(await openInboxTask(inbox('admin'), TRACE_USERS.admin.username, code, elementId));
  const step = (x: any): TraceStep => ({ taskId: String(x.id), elementId: x.elementId, name: x.name, agencyCode: x.agencyCode });
  return {
    code,
    processInstanceKey: String(r.body.dossier.processInstanceKey),
    receivingAgency: r.body.dossier.receivingAgency,
    applicant: { fullName: APPLICANT.fullName, citizenId: APPLICANT.citizenId, phone: APPLICANT.phone },
    done: step(first),
    open: open.map(step),
  };
}
