/**
 * Feature: citizens' personal data — the applicant's citizen ID (CCCD) and phone number — shown
 * only to whom it is for, and every auditor's read of it audited.
 *
 * One real dossier (received at the counter with the demo catalog, its first step decided with a
 * note that quotes a phone number), then: every route an auditor may call, read from the
 * service's own OpenAPI document, is called as the auditor, and each answer that carries the
 * applicant's ID or phone number must have left an 'audit.read_personal_data' row for that very
 * request; non-auditors see the trace and the audit log masked; error answers and /metrics never
 * carry them.
 */
import { DEMO_PASSWORDS } from '../../src/dossiers/index.js';
import { ManualClock } from '../../src/clock.js';
import { birthIntake } from '../dossiers/fixtures.js';
import { expectOk, useWebService } from '../support/web-service.js';
import { call } from './support.js';

const PEOPLE = {
  counter: ['motcua.hoa-binh', DEMO_PASSWORDS.counter],
  civil: ['hotich.hoa-binh', DEMO_PASSWORDS.officer],
  auditor: ['thanhtra', DEMO_PASSWORDS.auditor],
  admin: ['quantri', DEMO_PASSWORDS.admin],
} as const;

const clock = new ManualClock(Date.UTC(2026, 2, 2, 2, 0, 0)); // Monday 02/03/2026, 09:00 in Hà Nội
const s = useWebService(PEOPLE, { clock, browser: false });

const intake = birthIntake();
const NOTE_PHONE = '0987654321';
/** What must never be shown in clear but to an auditor (and to whom the data is for). */
const MARKERS = [intake.applicant.citizenId, intake.applicant.phone, intake.mother.citizenId, NOTE_PHONE] as string[];
const carries = (body: unknown) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return MARKERS.filter((m) => text.includes(m));
};

let code: string;
let taskId: string;
let userTaskKey: string;
let processInstanceKey: string;
let processDefinitionKey: string;

beforeAll(async () => {
  const received = await expectOk(
    s.as('counter', 'POST', '/api/dossiers', { procedureCode: 'birth-registration-group', channel: 'counter', intake }),
    'receive',
  );
  code = received.dossier.code;
  await s.claimAndComplete('civil', code, 'birthRegistration', { outcome: 'approved', note: `Đã gọi cho người nộp số ${NOTE_PHONE} để hẹn` });
  const tasks = await expectOk(s.as('civil', 'GET', `/api/tasks?state=completed&dossierCode=${code}`), 'the completed step');
  taskId = tasks.items[0].id;
  userTaskKey = tasks.items[0].userTaskKey;
  const trace = await expectOk(s.as('auditor', 'GET', `/api/dossiers/${code}/trace`), 'trace');
  processInstanceKey = trace.dossier.processInstanceKey;
  processDefinitionKey = trace.diagram[0].processDefinitionKey;
});

async function token(who: keyof typeof PEOPLE): Promise<string> {
  const [username, password] = PEOPLE[who];
  return (await call(s.url, 'POST', '/api/auth/login', { username, password }, { authorization: '' })).body.token;
}

/** Path parameters and the query strings the reads need, from the dossier above. */
function concrete(path: string): string {
  const day = '2026-03-02';
  const values: Record<string, string> = {
    code,
    no: '01',
    id: taskId,
    userTaskKey,
    processInstanceKey,
    processDefinitionKey,
    bpmnProcessId: 'birth-registration-group',
    incidentKey: '1',
  };
  const filled = path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? '1'));
  const query: Record<string, string> = {
    '/api/dossiers': `?citizenId=${intake.applicant.citizenId}`,
    '/api/registers/07': `?from=${day}&to=${day}&agency=mot-cua-xa.hoa-binh`,
    '/api/audit': `?dossier=${code}`,
    '/api/tasks': `?dossierCode=${code}&state=completed`,
  };
  return filled + (query[path] ?? '');
}

describe('Scenario: every read of personal data by an auditor is itself audited', () => {
  test('Given every route an auditor may call, when each is called as the auditor, then each answer that carries an ID or phone number has its audit row, naming the request', async () => {
    const doc = (await call(s.url, 'GET', '/api/openapi.json', undefined, { authorization: '' })).body;
    const auditor = await token('auditor');
    const reads: { route: string; status: number; carried: string[]; audited: boolean }[] = [];
    let n = 0;
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const m = method.toUpperCase();
        const roles: string[] | undefined = op['x-roles'];
        // What an auditor may call and what reads: GETs and POST searches (auditors write nowhere).
        if (!roles || (roles.length && !roles.includes('auditor'))) continue;
        if (m !== 'GET' && !(m === 'POST' && path.endsWith('/search'))) continue;
        const requestId = `personal-data-${++n}`;
        const r = await call(s.url, m, concrete(path), m === 'POST' ? {} : undefined, { authorization: `Bearer ${auditor}`, 'x-request-id': requestId });
        const rows = await s.db.query(
          `select 1 from domain.audit_log where action = 'audit.read_personal_data' and actor = 'thanhtra' and payload->>'requestId' = $1`,
          [requestId],
        );
        reads.push({ route: `${m} ${path}`, status: r.status, carried: carries(r.body), audited: rows.rows.length === 1 });
      }
    }
    // Every answer that showed the data is audited…
    for (const r of reads.filter((x) => x.carried.length)) expect(r).toEqual({ ...r, audited: true });
    // …and failed reads are not (nothing was shown).
    for (const r of reads.filter((x) => x.status >= 400)) expect(r).toEqual({ ...r, audited: false });
    // The routes known to show the applicant did show them here (so the check above had something to check).
    const showed = reads.filter((x) => x.carried.length).map((x) => x.route);
    expect(showed).toEqual(
      expect.arrayContaining([
        'GET /api/dossiers/{code}/forms/{no}',
        'GET /api/dossiers/{code}/trace',
        'GET /api/registers/07',
        'GET /api/tasks',
        'GET /api/tasks/{id}',
        'GET /api/audit',
        'POST /v2/user-tasks/{userTaskKey}/variables/search',
      ]),
    );
  });
});

describe('Scenario: non-auditors see the log and the trace masked', () => {
  test('Given a decision note that quotes a phone number, when the admin, the counter and the officer read the trace and the admin the log, then neither shows them in clear — while the auditor sees them', async () => {
    const clear = await expectOk(s.as('auditor', 'GET', `/api/audit?dossier=${code}`), 'the auditor reads the log');
    expect(carries(clear)).toContain(NOTE_PHONE);
    const log = await expectOk(s.as('admin', 'GET', `/api/audit?dossier=${code}`), 'the admin reads the log');
    expect(carries(log)).toEqual([]);
    expect(JSON.stringify(log)).toContain('098****321');

    const auditorTrace = await expectOk(s.as('auditor', 'GET', `/api/dossiers/${code}/trace`), 'the auditor reads the trace');
    expect(carries(auditorTrace)).toContain(NOTE_PHONE);
    for (const who of ['admin', 'counter', 'civil'] as const) {
      const trace = await expectOk(s.as(who, 'GET', `/api/dossiers/${code}/trace`), `${who} reads the trace`);
      expect({ who, carried: carries(trace) }).toEqual({ who, carried: [] });
      expect(trace.variables.length).toBe(auditorTrace.variables.length);
    }
  });
});

describe('Scenario: errors and metrics never carry them', () => {
  test('Given bad requests that quote an ID or a phone number, when refused, then the answer names the problem with the numbers masked', async () => {
    const id = intake.applicant.citizenId;
    const refusals = [
      await s.as('counter', 'POST', '/api/dossiers', `x${id}`),
      await s.as('counter', 'POST', '/api/dossiers', `{"intake": {"applicant": {"citizenId": ${id}}}}`),
      await s.as('counter', 'POST', '/api/dossiers', {
        procedureCode: 'birth-registration-group',
        channel: 'counter',
        intake: { ...intake, applicant: { ...intake.applicant, phone: `${NOTE_PHONE}x` } },
      }),
      await s.as('counter', 'GET', `/api/dossiers/${id}`),
      await s.as('counter', 'GET', `/api/dossiers/${id}%20${NOTE_PHONE}`),
      await s.as('counter', 'GET', `/api/khong-co/${NOTE_PHONE}`),
    ];
    for (const r of refusals) {
      expect({ status: r.status >= 400 && r.status < 500, carried: carries(r.body) }).toEqual({ status: true, carried: [] });
    }
    // The masked form still tells the caller which value was meant.
    expect(refusals.some((r) => JSON.stringify(r.body).includes('001******456'))).toBe(true);
  });

  test('Given all of the above, when /metrics is scraped, then no label carries an ID or a phone number', async () => {
    const metrics = await call(s.url, 'GET', '/metrics', undefined, { authorization: '' });
    expect(metrics.status).toBe(200);
    expect(carries(metrics.body)).toEqual([]);
  });
});
