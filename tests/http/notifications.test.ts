/**
 * Feature: the agency's in-app notifications over HTTP, through the running service — an
 * overdue step, decided by the SLA scanner and relayed from domain.outbox (relayOnce driven
 * directly, with an injected clock, besides the service's own background relay), reaches the
 * step's agency exactly once and no other agency.
 */
import { CalendarStore } from '../../src/calendar/index.js';
import { ManualClock } from '../../src/clock.js';
import { slaDossierFacts } from '../../src/dossiers/index.js';
import { OutboxRelay, SlaService } from '../../src/sla/index.js';
import { dossier, task, vn } from '../sla/support.js';
import { startApiService, type ApiService } from './api-support.js';

let s: ApiService;
let code: string;
const clock = new ManualClock();

beforeAll(async () => {
  s = await startApiService();
  const db = s.t.db;
  const calendar = await new CalendarStore(db).init();
  const sla = new SlaService({ db, dossiers: slaDossierFacts, calendar: () => calendar, clock });
  // A's People's Committee has one working day from Wed 04/03/2026 10:00: overdue Thu 05/03 10:00.
  code = await dossier(db, { agency: 'mot-cua-xa.a' });
  const taskId = await task(db, code, 'ubnd-xa.a', 'review');
  await db.tx((q) =>
    sla.startStepClock(q, {
      dossierCode: code,
      taskId,
      agencyCode: 'ubnd-xa.a',
      step: 'review',
      limit: { value: 1, unit: 'working_days' },
      startedAt: vn('04/03/2026 10:00'),
    }),
  );
  clock.set(vn('05/03/2026 10:00'));
  await sla.scanOnce();
  // Two relays at once, then one again — with the service's own relay running in the background too.
  clock.set(vn('01/01/2030 00:00'));
  await Promise.all([new OutboxRelay({ db, clock }).relayOnce(), new OutboxRelay({ db, clock }).relayOnce()]);
  await new OutboxRelay({ db, clock }).relayOnce();
});
afterAll(async () => {
  await s?.close();
});

const mine = (body: any) => body.items.filter((n: any) => n.dossierCode === code);

test("Given an overdue step of A's People's Committee, When A's officer reads the notifications, Then there is exactly one, newest first, paginated", async () => {
  const r = await s.as('officerA', 'GET', '/api/notifications');
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ page: 1, pageSize: 50, total: 1 });
  expect(mine(r.body)).toEqual([
    {
      id: expect.stringMatching(/^\d+$/),
      kind: 'sla.overdue',
      agencyCode: 'ubnd-xa.a',
      dossierCode: code,
      text: `Quá hạn: bước review của hồ sơ ${code} đã quá hạn xử lý (hạn 10:00 05/03/2026).`,
      payload: expect.objectContaining({
        agency: 'ubnd-xa.a',
        dueVn: '10:00 05/03/2026',
        clock: expect.objectContaining({ kind: 'step', step: 'review' }),
      }),
      at: expect.any(String),
      deliveredAt: expect.any(String),
      readAt: null,
      readBy: null,
    },
  ]);
  const { rows } = await s.t.db.query(`select count(*)::int as n from domain.notifications where dossier_code = $1`, [code]);
  expect(rows[0].n).toBe(1);
  expect((await s.as('officerA', 'GET', '/api/notifications?page=2&pageSize=1')).body).toMatchObject({
    page: 2,
    pageSize: 1,
    total: 1,
    items: [],
  });
});

test("Given that notification, When B's officer or A's counter (another agency) look, Then they do not see it, and B marking it read is a 404", async () => {
  const id = mine((await s.as('officerA', 'GET', '/api/notifications')).body)[0].id;
  expect(mine((await s.as('officerB', 'GET', '/api/notifications')).body)).toEqual([]);
  expect(mine((await s.as('counter', 'GET', '/api/notifications')).body)).toEqual([]);
  expect((await s.as('officerB', 'POST', `/api/notifications/${id}/read`, {})).status).toBe(404);
  expect(mine((await s.as('admin', 'GET', '/api/notifications')).body).map((n: any) => n.id)).toEqual([id]);
  expect((await s.as('auditor', 'GET', '/api/notifications')).status).toBe(403);
  expect((await s.as('designer', 'GET', '/api/notifications')).status).toBe(403);
  expect((await s.as('anonymous', 'GET', '/api/notifications')).status).toBe(401);
});

test('Given that notification, When A’s officer marks it read, Then it says who and when, and leaves the unread list', async () => {
  const id = mine((await s.as('officerA', 'GET', '/api/notifications?unread=true')).body)[0].id;
  const read = await s.as('officerA', 'POST', `/api/notifications/${id}/read`);
  expect(read).toMatchObject({ status: 200, body: { id, readBy: 'canbo.a', readAt: expect.any(String) } });
  expect(mine((await s.as('officerA', 'GET', '/api/notifications?unread=true')).body)).toEqual([]);
  expect(mine((await s.as('officerA', 'GET', '/api/notifications?unread=false')).body)).toHaveLength(1);
});

test('bad query strings and bodies are a 400 naming what is wrong', async () => {
  for (const [path, names] of [
    ['/api/notifications?pageSize=0', /pageSize/],
    ['/api/notifications?page=x', /page/],
    ['/api/notifications?unread=yes', /unread/],
    ['/api/notifications?agency=ubnd-xa.b', /agency/],
  ] as const) {
    const r = await s.as('officerA', 'GET', path);
    expect({ path, status: r.status, says: names.test(JSON.stringify(r.body)) }).toEqual({ path, status: 400, says: true });
  }
  expect((await s.as('officerA', 'POST', '/api/notifications/abc/read')).status).toBe(400);
  expect((await s.as('officerA', 'POST', '/api/notifications/1/read', { read: true })).status).toBe(400);
});
