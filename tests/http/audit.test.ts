/**
 * Feature: an inspector trusts the audit log because she can check it. The chain verifies; a
 * row rewritten behind the application's back (trigger disabled, UPDATE, trigger enabled) is
 * named by GET /api/audit/verify; the log can be read and filtered; her own reads of a
 * dossier's personal data land in it too; she can change nothing.
 *
 * The log holds what the service wrote as its users worked (fixtures.ts): six sign-ins, then on
 * Monday 05/01/2026 the receipt of a birth-group dossier at xã Hòa Bình's counter at 09:00, the
 * inbox's tasks, the civil-status officer's claim at 10:00 and completion at 11:30.
 */
import { startTraceService, traceFixture, TRACE_USERS, type TraceFixture, type TraceService } from './fixtures.js';

let s: TraceService;
let f: TraceFixture;
beforeAll(async () => {
  s = await startTraceService();
  f = await traceFixture(s);
});
afterAll(async () => {
  await s?.close();
});

describe('Scenario: verifying the chain', () => {
  test('Given an untouched log, when the auditor verifies it, then ok with every row checked', async () => {
    const n = Number((await s.t.db.query(`select count(*)::int as n from domain.audit_log`)).rows[0].n);
    const r = await s.as('auditor', 'GET', '/api/audit/verify');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, rowsChecked: n, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(n).toBeGreaterThan(6); // six logins, the fixture's rows
  });

  test('Given one row altered with SQL, when verified, then the answer names that row, for the admin too', async () => {
    const { rows } = await s.t.db.query<{ seq: string }>(`select seq::text from domain.audit_log where dossier_code = $1 and action = 'task.completed'`, [
      f.code,
    ]);
    const seq = rows[0].seq;
    await s.t.db.tx(async (q) => {
      await q.query(`alter table domain.audit_log disable trigger audit_log_no_update`);
      await q.query(`update domain.audit_log set actor = 'ke-gian' where seq = $1`, [seq]);
      await q.query(`alter table domain.audit_log enable trigger audit_log_no_update`);
    });
    for (const who of ['auditor', 'admin'] as const) {
      const r = await s.as(who, 'GET', '/api/audit/verify');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ ok: false, brokenAt: { seq, reason: expect.stringContaining('altered') } });
      expect(r.body.rowsChecked).toBe(Number(seq));
    }
    // And the trigger is back: the application itself still cannot rewrite history.
    await expect(s.t.db.query(`update domain.audit_log set actor = 'x' where seq = 1`)).rejects.toThrow(/append-only/);
  });

  test('Given other roles, when they ask to verify, then 403 (officer, counter, designer) or 401 (nobody)', async () => {
    for (const who of ['officerA', 'counter', 'designer'] as const) expect((await s.as(who, 'GET', '/api/audit/verify')).status).toBe(403);
    expect((await s.as('anonymous', 'GET', '/api/audit/verify')).status).toBe(401);
  });
});

describe('Scenario: reading the log', () => {
  test('Given filters, when the admin reads the log, then rows come oldest first, filtered and paged', async () => {
    const all = await s.as('admin', 'GET', `/api/audit?dossier=${f.code}`);
    expect(all.status).toBe(200);
    // Received; the inbox hands the first step over; claimed; completed; the inbox hands over the two next steps.
    expect(all.body.items.map((r: any) => r.action)).toEqual([
      'dossier.received',
      'task.created',
      'task.claimed',
      'task.completed',
      'task.created',
      'task.created',
    ]);
    expect(all.body).toMatchObject({ page: 1, pageSize: 50, total: 6 });
    expect(all.body.items[0]).toMatchObject({
      actor: TRACE_USERS.counter.username,
      role: 'counter',
      agency: f.receivingAgency,
      dossierCode: f.code,
      at: '2026-01-05T02:00:00.000Z', // 09:00 in Hà Nội
    });
    // (The completion's row is the one the chain test rewrites: the claim names the officer.)
    expect(all.body.items[2]).toMatchObject({
      actor: TRACE_USERS.officerA.username,
      role: 'officer',
      agency: f.done.agencyCode,
      dossierCode: f.code,
      at: '2026-01-05T03:00:00.000Z', // 10:00
    });

    const logins = await s.as('admin', 'GET', '/api/audit?action=auth.&pageSize=2&page=2');
    expect(logins.body.items).toHaveLength(2);
    expect(logins.body.items.every((r: any) => r.action.startsWith('auth.'))).toBe(true);
    expect(Number(logins.body.items[0].seq)).toBeLessThan(Number(logins.body.items[1].seq));

    // 09:30 to 11:00 in Hà Nội: after the receipt, before the completion — only the claim of 10:00.
    const window = await s.as('admin', 'GET', `/api/audit?dossier=${f.code}&from=2026-01-05T09:30:00%2B07:00&to=2026-01-05T11:00:00%2B07:00`);
    expect(window.body.items.map((r: any) => [r.action, r.at])).toEqual([['task.claimed', '2026-01-05T03:00:00.000Z']]);
  });

  test('Given bad filters, when sent, then 400 names each parameter', async () => {
    const r = await s.as('admin', 'GET', '/api/audit?from=hom-qua&page=0&colour=red');
    expect(r.status).toBe(400);
    expect(r.body.details.map((d: any) => d.parameter).sort()).toEqual(['colour', 'from', 'page']);
  });

  test("Given the auditor reads a dossier's trace and its audit rows, when the log is read again, then each read is itself a row", async () => {
    const before = await s.t.db.query(`select count(*)::int as n from domain.audit_log where action = 'audit.read_personal_data'`);
    expect((await s.as('auditor', 'GET', `/api/dossiers/${f.code}/trace`)).status).toBe(200);
    expect((await s.as('auditor', 'GET', `/api/audit?dossier=${f.code}`)).status).toBe(200);
    // The admin's reads are not an inspector's: not logged as such.
    expect((await s.as('admin', 'GET', `/api/dossiers/${f.code}/trace`)).status).toBe(200);
    const { rows } = await s.t.db.query(
      `select actor, role, dossier_code as "dossierCode", payload from domain.audit_log where action = 'audit.read_personal_data' order by seq`,
    );
    expect(rows.length - before.rows[0].n).toBe(2);
    expect(rows.slice(-2)).toEqual([
      expect.objectContaining({
        actor: 'thanhtra',
        role: 'auditor',
        dossierCode: f.code,
        payload: expect.objectContaining({ path: `/api/dossiers/${f.code}/trace` }),
      }),
      expect.objectContaining({
        actor: 'thanhtra',
        role: 'auditor',
        dossierCode: f.code,
        payload: expect.objectContaining({ path: '/api/audit' }),
      }),
    ]);
  });

  test('Given the auditor asks for a dossier that does not exist, when refused with 404, then no read is logged', async () => {
    const before = (await s.t.db.query(`select count(*)::int as n from domain.audit_log`)).rows[0].n;
    expect((await s.as('auditor', 'GET', '/api/dossiers/KHONG-CO/trace')).status).toBe(404);
    expect((await s.t.db.query(`select count(*)::int as n from domain.audit_log`)).rows[0].n).toBe(before);
  });

  test('Given the auditor, when she tries to change anything, then 403 — even where her role would otherwise pass', async () => {
    for (const [method, path] of [
      ['POST', '/v2/process-instances'],
      ['POST', `/v2/process-instances/${f.processInstanceKey}/cancellation`],
      ['POST', '/v2/deployments'],
    ] as const) {
      const r = await s.as('auditor', method, path, {});
      expect({ path, status: r.status }).toEqual({ path, status: 403 });
    }
  });
});
