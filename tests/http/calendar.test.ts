/**
 * Feature: the working-day calendar over HTTP — public reads, admin-only edits, each audited.
 */
import { call, startTestService, tokenFor, type TestService } from './support.js';

let s: TestService;
beforeAll(async () => {
  s = await startTestService();
});
afterAll(async () => {
  await s.close();
});
const anon = { authorization: '' };

test('Given 2026, when anyone asks for the year, then Tết and the compensated Hùng Kings day are listed with reasons, dd/mm/yyyy', async () => {
  const r = await call(s.url, 'GET', '/api/calendar/2026', undefined, anon);
  expect(r.status).toBe(200);
  const days = r.body.days as { date: string; dateVn: string; working: boolean; reason: string }[];
  expect(days.find((d) => d.date === '2026-02-17')).toMatchObject({ working: false, dateVn: '17/02/2026' });
  expect(days.find((d) => d.date === '2026-04-27')).toMatchObject({ working: false });
  // Tết Dương lịch 2026: Friday 02/01 off, swapped for Saturday 10/01 (Công văn 12729/VPCP-KGVX).
  expect(days.find((d) => d.date === '2026-01-02')).toMatchObject({ working: false, dateVn: '02/01/2026' });
  expect(days.find((d) => d.date === '2026-01-10')).toMatchObject({ working: true, dateVn: '10/01/2026' });
  expect(r.body.provisional).toEqual([]);
  expect((r.body.decisions as { id: string }[]).map((d) => d.id)).toEqual(['2026-tet-duong-lich', '2026-tet-quoc-khanh', '2026-van-hoa']);
  // Vietnam Culture Day, a day off from 2026 (Nghị quyết 28/2026/QH16; Công văn 10065/VPCP-KGVX).
  expect(days.find((d) => d.date === '2026-11-24')).toMatchObject({ working: false, dateVn: '24/11/2026' });
});

test('Given 2027, decided by Công văn 10065/VPCP-KGVX, when anyone asks for the year, then Tết is 04/02 – 10/02 and nothing is provisional', async () => {
  const r = await call(s.url, 'GET', '/api/calendar/2027', undefined, anon);
  expect(r.status).toBe(200);
  const days = r.body.days as { date: string; working: boolean }[];
  expect(days.find((d) => d.date === '2027-02-04')).toMatchObject({ working: false });
  expect(r.body.provisional).toEqual([]);
  expect((r.body.decisions as { id: string }[]).map((d) => d.id)).toEqual(['2027-tet-quoc-khanh']);
  // The break ends Wednesday 10/02: a working day counted from Wednesday 03/02 lands on Thursday 11/02.
  const next = await call(s.url, 'GET', '/api/calendar/working-days?from=2027-02-03&add=1', undefined, anon);
  expect(next.body).toEqual({ date: '2027-02-11', dateVn: '11/02/2027' });
});

test('Given 2028, for which no decision was found, when anyone asks for the year, then Tết and the day adjacent to 2/9 are listed as provisional', async () => {
  const r = await call(s.url, 'GET', '/api/calendar/2028', undefined, anon);
  expect(r.status).toBe(200);
  const provisional = (r.body.provisional as { date: string }[]).map((d) => d.date);
  expect(provisional.some((d) => d.startsWith('2028-01') || d.startsWith('2028-02'))).toBe(true); // Tết Mậu Thân
  expect(provisional.some((d) => d.startsWith('2028-09'))).toBe(true);
  expect(r.body.decisions).toEqual([]);
});

test('When a working day is counted across Tết, then the date skips the break', async () => {
  const r = await call(s.url, 'GET', '/api/calendar/working-days?from=2026-02-12&add=3', undefined, anon);
  expect(r.status).toBe(200);
  expect(r.body).toEqual({ date: '2026-02-24', dateVn: '24/02/2026' });
});

test('Bad input is a 400 naming the parameter', async () => {
  for (const [path, param] of [
    ['/api/calendar/working-days?from=2026-02-30&add=1', 'from'],
    ['/api/calendar/working-days?from=2026-02-12&add=-1', 'add'],
    ['/api/calendar/1800', 'year'],
    ['/api/calendar/20x6', 'year'],
  ] as const) {
    const r = await call(s.url, 'GET', path, undefined, anon);
    expect(r.status).toBe(400);
    expect(r.body.details).toMatchObject({ param });
  }
});

test('Given an admin, when an override is set and removed, then counts follow and both changes are in the audit log; others may not', async () => {
  const officer = { authorization: `Bearer ${await tokenFor({ username: 'cb', role: 'officer', agencyCode: 'x' })}` };
  const body = { kind: 'day_off', reason: 'Nghỉ (thử nghiệm)', source: 'Thông báo thử nghiệm' };
  expect((await call(s.url, 'PUT', '/api/calendar/overrides/2026-10-05', body, officer)).status).toBe(403);
  expect((await call(s.url, 'PUT', '/api/calendar/overrides/2026-10-05', body, anon)).status).toBe(401);
  expect((await call(s.url, 'PUT', '/api/calendar/overrides/2026-10-05', { kind: 'holiday' })).status).toBe(400);
  expect((await call(s.url, 'PUT', '/api/calendar/overrides/2026-10-05', body)).status).toBe(200);
  expect((await call(s.url, 'GET', '/api/calendar/working-days?from=2026-10-02&add=1', undefined, anon)).body.date).toBe('2026-10-06');
  expect((await call(s.url, 'DELETE', '/api/calendar/overrides/2026-10-05')).status).toBe(204);
  expect((await call(s.url, 'GET', '/api/calendar/working-days?from=2026-10-02&add=1', undefined, anon)).body.date).toBe('2026-10-05');
  const { rows } = await s.t.db.query(`select action from domain.audit_log where action like 'calendar.%' order by seq`);
  expect(rows.map((r: { action: string }) => r.action)).toEqual(['calendar.override_set', 'calendar.override_deleted']);
});
