/**
 * Feature: the authorization matrix — every route of the running service × every kind of
 * caller (designer, officer of agency A, officer of agency B, counter officer of A, auditor,
 * admin, the public), read from the service's own OpenAPI document, so a route added tomorrow
 * is in the matrix without anyone listing it. The service runs the shipped catalog over the demo
 * registry (fixtures.ts): A is xã Hòa Bình's civil-status office (hotich.hoa-binh) and its
 * one-stop counter (motcua.hoa-binh), B xã Tân An's civil-status office (hotich.tan-an); A's
 * dossier is one the counter received and hotich.hoa-binh worked through the inbox.
 *
 * For each cell: the public is 401 on every guarded route; a role the route does not list is
 * 403 — before its body is validated (the guard is the first handler); a listed role is
 * neither 401 nor 403; an auditor changes nothing; nobody ever gets a 500. Then the data-level
 * rules the matrix cannot see: another agency's officer gets 404 for A's dossier and task, and
 * the public gets nothing without the lookup secret. Every successful auditor GET under
 * /api/dossiers must have left an 'audit.read_personal_data' row.
 *
 * Set PRINT_MATRIX=1 to print the matrix as a table.
 */
import { roleMayCall, type Role } from '../../src/http/auth.js';
import { startTraceService, traceFixture, type TraceFixture, type TraceService } from './fixtures.js';
import { CALLERS, USERS, type Caller } from './api-support.js';

let s: TraceService;
let f: TraceFixture;
let ops: { method: string; path: string; roles?: Role[]; public: boolean }[];

beforeAll(async () => {
  s = await startTraceService();
  f = await traceFixture(s);
  const doc = (await s.as('anonymous', 'GET', '/api/openapi.json')).body;
  ops = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        roles: op['x-roles'],
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
});
afterAll(async () => {
  await s?.close();
});

/** What each route is meant to allow — the policy, written down independently of the code. */
const POLICY: Record<string, 'public' | Role[]> = {
  'POST /api/auth/login': 'public',
  'GET /api/auth/me': [],
  'GET /api/audit': ['auditor', 'admin'],
  'GET /api/audit/verify': ['auditor', 'admin'],
  'GET /api/dossiers/{code}/trace': ['officer', 'counter', 'auditor', 'admin'],
  'GET /api/dossiers': ['officer', 'counter', 'auditor', 'admin'],
  'GET /api/procedures': [],
  'GET /api/procedures/by-process/{bpmnProcessId}': [],
  'GET /api/element-templates': ['designer', 'admin'],
  'GET /api/reports/on-time': ['officer', 'counter', 'auditor', 'admin'],
  'GET /api/reports/open': ['officer', 'counter', 'auditor', 'admin'],
  'GET /api/reports/on-time/dossiers': ['officer', 'counter', 'auditor', 'admin'],
  'GET /api/notifications': ['officer', 'counter', 'admin'],
  'POST /api/notifications/{id}/read': ['officer', 'counter', 'admin'],
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
  'GET /api/docs/viewer.js': 'public',
  'GET /healthz': 'public',
  'GET /metrics': 'public',
  'POST /v2/deployments': ['designer', 'admin'],
  'POST /v2/process-instances': ['admin'],
  'POST /v2/process-instances/search': ['admin', 'auditor'],
  'GET /v2/process-instances/{processInstanceKey}': ['admin', 'auditor'],
  'GET /v2/process-instances/{processInstanceKey}/sequence-flows': ['admin', 'auditor'],
  'POST /v2/process-instances/{processInstanceKey}/cancellation': ['admin'],
  'POST /v2/process-definitions/search': ['designer', 'admin', 'auditor'],
  'GET /v2/process-definitions/{processDefinitionKey}': ['designer', 'admin', 'auditor'],
  'GET /v2/process-definitions/{processDefinitionKey}/xml': ['designer', 'admin', 'auditor'],
  'POST /v2/jobs/activation': ['admin', 'worker'],
  'POST /v2/jobs/{jobKey}/completion': ['admin', 'worker'],
  'POST /v2/jobs/{jobKey}/failure': ['admin', 'worker'],
  'POST /v2/jobs/{jobKey}/error': ['admin', 'worker'],
  'PATCH /v2/jobs/{jobKey}': ['admin', 'worker'],
  'POST /v2/incidents/search': ['admin', 'auditor'],
  'GET /v2/incidents/{incidentKey}': ['admin', 'auditor'],
  'POST /v2/incidents/{incidentKey}/resolution': ['admin'],
  'POST /v2/messages/publication': ['designer', 'admin'],
  'POST /v2/signals/broadcast': ['designer', 'admin'],
  'POST /v2/element-instances/search': ['admin', 'auditor'],
  'GET /v2/process-instances/{processInstanceKey}/statistics/element-instances': ['admin', 'auditor'],
  'POST /v2/messages/correlation': ['designer', 'admin'],
  'POST /v2/user-tasks/search': ['admin', 'auditor'],
  'GET /v2/user-tasks/{userTaskKey}': ['admin', 'auditor'],
  'POST /v2/user-tasks/{userTaskKey}/assignment': ['admin'],
  'DELETE /v2/user-tasks/{userTaskKey}/assignee': ['admin'],
  'PATCH /v2/user-tasks/{userTaskKey}': ['admin'],
  'POST /v2/user-tasks/{userTaskKey}/completion': ['admin'],
  'GET /v2/user-tasks/{userTaskKey}/form': ['admin', 'auditor'],
  'POST /v2/user-tasks/{userTaskKey}/variables/search': ['admin', 'auditor'],
  'GET /v2/topology': [],
  'POST /oauth/token': 'public',
  'GET /api/users': ['admin'],
  'POST /api/users': ['admin'],
  'PATCH /api/users/{username}': ['admin'],
  'POST /api/users/{username}/password': ['admin'],
  'GET /api/agencies': ['admin'],
  'POST /api/agencies': ['admin'],
  'PATCH /api/agencies/{code}': ['admin'],
  'GET /api/clients': ['admin'],
  'POST /api/clients': ['admin'],
  'POST /api/clients/{clientId}/deactivation': ['admin'],
  'POST /api/clients/{clientId}/secret': ['admin'],
};

const roleOf = (c: Caller): Role | undefined => (c === 'anonymous' ? undefined : USERS[c].role);

/** Path parameters: A's real dossier and task for reads (so scoping shows); harmless unknowns for writes. */
function fill(path: string, method: string): string {
  const read = method === 'GET';
  const values: Record<string, string> = {
    code: read ? f.code : 'KHONG-CO',
    id: read ? f.done.taskId : '999999',
    no: '06',
    year: '2025',
    date: '2031-01-02',
  };
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? '1'));
}

test('Given the OpenAPI document, when read, then it lists the routes of every room and each route is public or names its roles', () => {
  const keys = ops.map((o) => `${o.method} ${o.path}`);
  for (const k of Object.keys(POLICY)) expect(keys).toContain(k);
  for (const o of ops) {
    if (!o.path.startsWith('/api/') && !o.path.startsWith('/v2/')) continue;
    expect({ route: `${o.method} ${o.path}`, guarded: o.public || Array.isArray(o.roles) }).toEqual({
      route: `${o.method} ${o.path}`,
      guarded: true,
    });
  }
});

test('Given the written policy, when compared with what the routes declare, then they agree', () => {
  for (const [key, want] of Object.entries(POLICY)) {
    const [method, path] = key.split(' ');
    const o = ops.find((x) => x.method === method && x.path === path)!;
    if (want === 'public') expect({ key, public: o.public }).toEqual({ key, public: true });
    else expect({ key, roles: [...(o.roles ?? [])].sort() }).toEqual({ key, roles: [...want].sort() });
  }
});

test('Given the invariants of docs/api.md, when every route is checked, then: officers and counters never reach the engine, and auditors are allowed to write nowhere (a POST search is a read)', () => {
  for (const o of ops) {
    if (o.path.startsWith('/v2/') && o.roles && o.roles.length) {
      expect({ route: `${o.method} ${o.path}`, officer: o.roles.includes('officer'), counter: o.roles.includes('counter') }).toEqual({
        route: `${o.method} ${o.path}`,
        officer: false,
        counter: false,
      });
    }
    if (o.method !== 'GET' && o.roles?.includes('auditor')) expect(o.path).toMatch(/\/search$/);
  }
});

test('Given every route × every caller, when called, then 401 / 403 / allowed exactly as declared, and never a 500', async () => {
  const failures: string[] = [];
  const table: string[][] = [];
  for (const o of ops) {
    const row = [`${o.method} ${o.path}`];
    for (const c of CALLERS) {
      const body = o.method === 'GET' || o.method === 'DELETE' ? undefined : {};
      const r = await s.as(c, o.method, fill(o.path, o.method), body);
      row.push(String(r.status));
      // Signing out ends every token of the caller: sign in again for the next routes.
      if (o.path === '/api/auth/logout' && c !== 'anonymous') await s.signInAgain(c);
      if (c === 'auditor' && o.method === 'GET' && o.path.startsWith('/api/dossiers') && r.status < 400) {
        // An inspector's successful read of dossier data is itself the newest audit row.
        const last = (await s.t.db.query(`select actor, action from domain.audit_log order by seq desc limit 1`)).rows[0];
        if (last?.action !== 'audit.read_personal_data' || last.actor !== 'thanhtra')
          failures.push(`${o.method} ${o.path} as auditor: the read was not audited`);
      }
      const role = roleOf(c);
      const guarded = !o.public && (o.path.startsWith('/api/') || o.path.startsWith('/v2/'));
      let ok: boolean;
      let want: string;
      if (r.status >= 500) {
        ok = false;
        want = '< 500';
      } else if (!guarded) {
        // Public: the handler decides (the dossier lookup needs its secret) — but an auditor
        // writes nowhere, except to sign in and out.
        const auditorWrite = role === 'auditor' && o.method !== 'GET' && !['/api/auth/login', '/api/auth/logout', '/login', '/oauth/token'].includes(o.path);
        ok = auditorWrite ? r.status === 403 : true;
        want = auditorWrite ? '403' : 'any';
      } else if (!role) {
        ok = r.status === 401;
        want = '401';
      } else if (roleMayCall(role, o.roles ?? [], o.method)) {
        ok = r.status !== 401 && r.status !== 403;
        want = 'not 401/403';
      } else {
        ok = r.status === 403;
        want = '403';
      }
      if (!ok) failures.push(`${o.method} ${o.path} as ${c}: got ${r.status} (${JSON.stringify(r.body).slice(0, 160)}), want ${want}`);
    }
    table.push(row);
  }
  if (process.env.PRINT_MATRIX) {
    const lines = [`| route | ${CALLERS.join(' | ')} |`, `|---|${CALLERS.map(() => '---').join('|')}|`, ...table.map((r) => `| ${r.join(' | ')} |`)];
    console.log(lines.join('\n'));
  }
  expect(failures).toEqual([]);
  expect(table.length).toBeGreaterThanOrEqual(Object.keys(POLICY).length);
});

describe("Scenario: another agency's data", () => {
  test("Given A's dossier, when B's officer asks for its trace, then 404 — the same as for a dossier that does not exist; A's officer and counter get it", async () => {
    expect((await s.as('officerB', 'GET', `/api/dossiers/${f.code}/trace`)).status).toBe(404);
    expect((await s.as('officerA', 'GET', `/api/dossiers/${f.code}/trace`)).status).toBe(200);
    expect((await s.as('counter', 'GET', `/api/dossiers/${f.code}/trace`)).status).toBe(200);
  });

  test("Given A's dossier and task, when B's officer reads them through the dossier and inbox routes, then 404 and an inbox without them", async () => {
    const dossier = await s.as('officerB', 'GET', `/api/dossiers/${f.code}`);
    expect(dossier.status).toBe(404);
    const task = await s.as('officerB', 'GET', `/api/tasks/${f.done.taskId}`);
    expect(task.status).toBe(404);
    const inbox = await s.as('officerB', 'GET', '/api/tasks?state=completed');
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.map((t: any) => String(t.id))).not.toContain(f.done.taskId);
    for (const open of f.open) {
      const claim = await s.as('officerB', 'POST', `/api/tasks/${open.taskId}/claim`, {});
      expect({ step: open.elementId, status: claim.status }).toEqual({ step: open.elementId, status: 404 });
    }
    // A's own officer sees the task she completed, in her inbox too, and the dossier it belongs to.
    const own = await s.as('officerA', 'GET', `/api/tasks/${f.done.taskId}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ elementId: f.done.elementId, agencyCode: f.done.agencyCode });
    const ownInbox = await s.as('officerA', 'GET', '/api/tasks?state=completed');
    expect(ownInbox.body.items.map((t: any) => String(t.id))).toContain(f.done.taskId);
    expect((await s.as('officerA', 'GET', `/api/dossiers/${f.code}`)).status).toBe(200);
  });

  test('Given the public, when it looks a dossier up without the secret or with a wrong one, then 401 or 404 and nothing of the dossier', async () => {
    const none = await s.as('anonymous', 'GET', `/api/dossiers/${f.code}`);
    expect([401, 404]).toContain(none.status);
    const wrong = await s.as('anonymous', 'GET', `/api/dossiers/${f.code}?secret=SAI-MA-TRA-CUU`);
    expect([401, 404]).toContain(wrong.status);
    for (const r of [none, wrong]) {
      const body = JSON.stringify(r.body);
      for (const personal of [f.applicant.fullName, f.applicant.citizenId, f.applicant.phone]) expect(body).not.toContain(personal);
    }
    expect((await s.as('anonymous', 'GET', `/api/dossiers/${f.code}/trace`)).status).toBe(401);
    expect((await s.as('anonymous', 'GET', `/api/dossiers/${f.code}/forms/01`)).status).toBe(401);
  });
});
