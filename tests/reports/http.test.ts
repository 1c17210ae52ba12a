/**
 * Feature: GET /api/reports/on-time — the on-time statistics over HTTP, through the running
 * service. Clocks are made by the SLA service with an injected clock, then the report an auditor
 * or admin gets is compared with reportOnTime's for the same period; officers and counter staff
 * get only their own agency's row, whatever they ask; designers are refused.
 */
import { CalendarStore } from '../../src/calendar/index.js';
import { ManualClock } from '../../src/clock.js';
import { reportOnTime, reportOnTimeForPeriod, reportingPeriod, type OnTimeQuery } from '../../src/reports/index.js';
import { slaDossierFacts } from '../../src/dossiers/index.js';
import { SlaService } from '../../src/sla/index.js';
import { startApiService, type ApiService, type Caller } from '../http/api-support.js';
import { dossier, task, vn } from '../sla/support.js';

let s: ApiService;
let sla: SlaService;
const day = { value: 1, unit: 'working_days' as const };

/**
 * A dossier received at A's counter (mot-cua-xa.a) Wed 04/03/2026 10:00 — due Thu 05/03 10:00 —
 * finished at `stop`, with one 1-day step of `agency` finished at `stepStop`.
 */
async function finished(o: { procedure: string; channel: 'counter' | 'online' | 'postal'; start?: string; stop: string; agency: string; stepStop: string }) {
  const db = s.t.db;
  const start = vn(o.start ?? '04/03/2026 10:00');
  const code = await dossier(db, { procedure: o.procedure, channel: o.channel, agency: 'mot-cua-xa.a', receivedAt: start });
  await db.tx((q) => sla.startDossierClock(q, { dossierCode: code, limit: day, startedAt: start }));
  const taskId = await task(db, code, o.agency, 'review');
  await db.tx((q) => sla.startStepClock(q, { dossierCode: code, taskId, agencyCode: o.agency, step: 'review', limit: day, startedAt: start }));
  await db.tx((q) => sla.stopStep(q, taskId, vn(o.stepStop)));
  await db.tx((q) => sla.stopDossier(q, code, vn(o.stop)));
}

beforeAll(async () => {
  s = await startApiService();
  const calendar = await new CalendarStore(s.t.db).init();
  sla = new SlaService({ db: s.t.db, dossiers: slaDossierFacts, calendar: () => calendar, clock: new ManualClock(vn('04/03/2026 10:00').getTime()) });
  // March 2026. A's People's Committee: 1 early, 1 late step; B's: 1 on time, 1 late.
  // Dossiers: birth registrations 1 early (counter), 1 on time (online), 1 late (online); a construction permit early (postal).
  await finished({
    procedure: 'birth-registration-group',
    channel: 'counter',
    stop: '04/03/2026 16:00',
    agency: 'ubnd-xa.a',
    stepStop: '04/03/2026 11:00',
  });
  await finished({
    procedure: 'birth-registration-group',
    channel: 'online',
    stop: '05/03/2026 09:00',
    agency: 'ubnd-xa.a',
    stepStop: '06/03/2026 08:00',
  });
  await finished({
    procedure: 'birth-registration-group',
    channel: 'online',
    stop: '06/03/2026 09:00',
    agency: 'ubnd-xa.b',
    stepStop: '05/03/2026 10:00',
  });
  await finished({
    procedure: 'construction-permit',
    channel: 'postal',
    stop: '04/03/2026 17:00',
    agency: 'ubnd-xa.b',
    stepStop: '09/03/2026 08:00',
  });
  // April 2026: B late again, in another month and quarter (received Wed 01/04, due Thu 02/04 10:00).
  await finished({
    procedure: 'birth-registration-group',
    channel: 'counter',
    start: '01/04/2026 10:00',
    stop: '03/04/2026 10:00',
    agency: 'ubnd-xa.b',
    stepStop: '03/04/2026 09:00',
  });
});
afterAll(async () => {
  await s?.close();
});

const get = (caller: Caller, query: string) => s.as(caller, 'GET', `/api/reports/on-time?${query}`);
/** What reportOnTime returns, as JSON. */
const direct = async (q: OnTimeQuery) => JSON.parse(JSON.stringify(await reportOnTime(s.t.db, q)));

describe('Feature: auditors and admins see every group, the same counts as reportOnTime', () => {
  test('Given March 2026, When an auditor asks by agency, Then the rows and total are reportOnTime’s, with the period', async () => {
    const r = await get('auditor', 'year=2026&period=month&index=3&groupBy=agency');
    expect(r.status).toBe(200);
    const march = reportingPeriod({ year: 2026, period: 'month', index: 3 });
    const want = await direct({ ...march, groupBy: 'agency' });
    expect(r.body).toEqual({
      period: {
        label: 'Tháng 03/2026',
        from: march.from.toISOString(),
        to: march.to.toISOString(),
        firstDay: '2026-03-01',
        lastDay: '2026-03-31',
        year: 2026,
        period: 'month',
        index: 3,
        convention: 'calendar',
      },
      groupBy: 'agency',
      kind: 'step',
      agencyCode: null,
      rows: want.rows,
      total: want.total,
    });
    expect(r.body.rows.map((x: any) => [x.key, x.name, x.total, x.early, x.onTime, x.late])).toEqual([
      ['ubnd-xa.a', 'Ủy ban nhân dân xã A', 2, 1, 0, 1],
      ['ubnd-xa.b', 'Ủy ban nhân dân xã B', 2, 0, 1, 1],
    ]);
  });

  test('by procedure, by channel, and dossiers by receiving agency: reportOnTime’s rows', async () => {
    const march = reportingPeriod({ year: 2026, period: 'month', index: 3 });
    for (const [query, q] of [
      ['groupBy=procedure', { groupBy: 'procedure' }],
      ['groupBy=channel', { groupBy: 'channel' }],
      ['groupBy=agency&kind=dossier', { groupBy: 'agency', kind: 'dossier' }],
    ] as const) {
      const r = await get('admin', `year=2026&period=month&index=3&${query}`);
      const want = await direct({ ...march, ...q });
      expect({ query, status: r.status, rows: r.body.rows, total: r.body.total }).toEqual({
        query,
        status: 200,
        rows: want.rows,
        total: want.total,
      });
    }
    const byProcedure = await get('auditor', 'year=2026&period=month&index=3&groupBy=procedure');
    expect(byProcedure.body.rows.map((x: any) => [x.key, x.early, x.onTime, x.late])).toEqual([
      ['birth-registration-group', 1, 1, 1],
      ['construction-permit', 1, 0, 0],
    ]);
  });

  test('from + to (days in Asia/Ho_Chi_Minh, inclusive) gives the same as the month', async () => {
    const r = await get('auditor', 'from=2026-03-01&to=2026-03-31&groupBy=procedure');
    const month = await get('auditor', 'year=2026&period=month&index=3&groupBy=procedure');
    expect(r.status).toBe(200);
    expect(r.body.period).toEqual({
      label: 'Từ ngày 01/03/2026 đến ngày 31/03/2026',
      from: month.body.period.from,
      to: month.body.period.to,
      firstDay: '2026-03-01',
      lastDay: '2026-03-31',
    });
    expect(r.body.rows).toEqual(month.body.rows);
    // One day: only what finished on Wed 04/03/2026.
    const one = await get('auditor', 'from=2026-03-04&to=2026-03-04&groupBy=procedure');
    expect(one.body.total).toMatchObject({ total: 2, early: 2 });
  });

  test('quarters, 12 months and the Decree 09/2019 cut-off: reportOnTimeForPeriod’s counts', async () => {
    for (const [query, p] of [
      ['year=2026&period=quarter&index=1', { period: 'quarter', index: 1 }],
      ['year=2026&period=quarter&index=2', { period: 'quarter', index: 2 }],
      ['year=2026&period=12months', { period: '12months' }],
      ['year=2026&period=month&index=3&convention=nd09', { period: 'month', index: 3, convention: 'nd09' }],
      ['year=2026&period=month&index=4&convention=nd09', { period: 'month', index: 4, convention: 'nd09' }],
    ] as const) {
      const r = await get('auditor', `${query}&groupBy=agency`);
      const want = JSON.parse(JSON.stringify(await reportOnTimeForPeriod(s.t.db, { year: 2026, groupBy: 'agency', ...p })));
      expect({ query, label: r.body.period.label, rows: r.body.rows, total: r.body.total }).toEqual({
        query,
        label: want.label,
        rows: want.rows,
        total: want.total,
      });
    }
    expect((await get('auditor', 'year=2026&period=12months')).body.total.total).toBe(5);
    // nd09: March is 15/02–14/03 (all of March's data), April 15/03–14/04 (April's).
    expect((await get('auditor', 'year=2026&period=month&index=4&convention=nd09')).body.total.total).toBe(1);
  });
});

describe('Feature: officers and counter staff see only their own agency’s row', () => {
  test("Given both communes' steps, When A's and B's officers ask (even by procedure), Then each gets only their agency's row, with the auditor's counts", async () => {
    const all = (await get('auditor', 'year=2026&period=month&index=3&groupBy=agency')).body;
    for (const [caller, agency] of [
      ['officerA', 'ubnd-xa.a'],
      ['officerB', 'ubnd-xa.b'],
    ] as const) {
      for (const query of ['groupBy=agency', 'groupBy=procedure', 'groupBy=channel', '']) {
        const r = await get(caller, `year=2026&period=month&index=3&${query}`);
        const row = all.rows.find((x: any) => x.key === agency);
        expect({ caller, query, status: r.status, groupBy: r.body.groupBy, agencyCode: r.body.agencyCode, rows: r.body.rows }).toEqual({
          caller,
          query,
          status: 200,
          groupBy: 'agency',
          agencyCode: agency,
          rows: [row],
        });
        expect(r.body.total).toEqual({ ...row, key: '*', name: null });
      }
    }
  });

  test("Given dossiers received at A's counter, When its counter staff ask for dossiers, Then they get their counter's row only; by steps they have none", async () => {
    const dossiers = await get('counter', 'year=2026&period=month&index=3&kind=dossier&groupBy=channel');
    expect(dossiers.status).toBe(200);
    expect(dossiers.body.rows.map((x: any) => [x.key, x.total, x.early, x.onTime, x.late])).toEqual([['mot-cua-xa.a', 4, 2, 1, 1]]);
    const steps = await get('counter', 'year=2026&period=month&index=3');
    expect(steps.body).toMatchObject({ rows: [], total: { total: 0, withinLimitRate: 0 } });
  });

  test('designers are refused (403), the public must sign in (401)', async () => {
    expect((await get('designer', 'year=2026&period=month&index=3')).status).toBe(403);
    expect((await get('anonymous', 'year=2026&period=month&index=3')).status).toBe(401);
  });
});

test('a bad query is a 400 naming the parameter, never a 500', async () => {
  const cases: [string, RegExp][] = [
    ['', /from|year/],
    ['year=2026&period=month&index=3&groupBy=week', /groupBy/],
    ['year=2026&period=month', /index/],
    ['year=2026&period=quarter&index=5', /index/],
    ['year=2026&period=month&index=13', /index/],
    ['year=1999&period=12months', /year/],
    ['year=2026&period=week', /period/],
    ['year=2026', /period/],
    ['from=2026-03-01', /to/],
    ['from=2026-02-30&to=2026-03-31', /from/],
    ['from=2026-03-31&to=2026-03-01', /to/],
    ['from=2026-03-01&to=2026-03-31&year=2026&period=12months', /from|year/],
    ['year=2026&period=12months&convention=lunar', /convention/],
    ['year=2026&period=12months&kind=all', /kind/],
    ['year=2026&period=12months&agency=ubnd-xa.b', /agency/],
  ];
  for (const [query, names] of cases) {
    const r = await get('auditor', query);
    expect({ query, status: r.status, error: r.body.error }).toEqual({ query, status: 400, error: 'Invalid' });
    expect({ query, says: names.test(`${r.body.message} ${JSON.stringify(r.body.details)}`) }).toEqual({ query, says: true });
  }
});
