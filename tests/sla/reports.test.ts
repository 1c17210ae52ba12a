/**
 * Feature: the province's on-time statistics — early / on time / late counts and rates per
 * agency, procedure, channel and reporting period, from finished SLA clocks.
 */
import { up as migrateClockDimensions } from '../../src/db/migrations/022_clock_dimensions.js';
import { reportOnTime, reportOnTimeForPeriod, reportingPeriod } from '../../src/reports/index.js';
import { dossier, task, useSla, vn } from './support.js';

const h = useSla();
const day = { value: 1, unit: 'working_days' as const };

/** A dossier received Wed 04/03/2026 10:00 (due Thu 05/03 10:00) finished at `stop`, with one 1-day police step finished at `stepStop`. */
async function finished(o: { procedure: string; channel: 'counter' | 'online' | 'postal'; stop: string; stepStop?: string }) {
  const sla = h.service();
  const code = await dossier(h.db, { procedure: o.procedure, channel: o.channel });
  await h.db.tx((q) => sla.startDossierClock(q, { dossierCode: code, limit: day, startedAt: vn('04/03/2026 10:00') }));
  if (o.stepStop) {
    const taskId = await task(h.db, code, 'cong-an-xa-a');
    await h.db.tx((q) =>
      sla.startStepClock(q, {
        dossierCode: code,
        taskId,
        agencyCode: 'cong-an-xa-a',
        step: 'policeCheck',
        limit: day,
        startedAt: vn('04/03/2026 10:00'),
      }),
    );
    await h.db.tx((q) => sla.stopStep(q, taskId, vn(o.stepStop!)));
  }
  await h.db.tx((q) => sla.stopDossier(q, code, vn(o.stop)));
  return code;
}

beforeAll(async () => {
  // March 2026: birth registrations — 2 early (counter), 1 on time (online), 1 late (online);
  // a construction permit, on time (postal). Police steps (due 05/03 10:00): 1 early, 1 on time, 2 late.
  await finished({ procedure: 'birth-registration-group', channel: 'counter', stop: '04/03/2026 16:00', stepStop: '04/03/2026 11:00' });
  await finished({ procedure: 'birth-registration-group', channel: 'counter', stop: '04/03/2026 16:30', stepStop: '05/03/2026 10:00' });
  await finished({ procedure: 'birth-registration-group', channel: 'online', stop: '05/03/2026 09:00', stepStop: '05/03/2026 11:00' });
  await finished({ procedure: 'birth-registration-group', channel: 'online', stop: '06/03/2026 09:00', stepStop: '06/03/2026 08:00' });
  await finished({ procedure: 'construction-permit', channel: 'postal', stop: '05/03/2026 10:00' });
  // April 2026: one late birth registration, in another month and quarter.
  const april = await dossier(h.db, { procedure: 'birth-registration-group', channel: 'counter' });
  await h.db.tx((q) => h.service().startDossierClock(q, { dossierCode: april, limit: day, startedAt: vn('01/04/2026 10:00') }));
  await h.db.tx((q) => h.service().stopDossier(q, april, vn('03/04/2026 10:00')));
  // Neither a cancelled nor an open clock counts.
  const cancelled = await dossier(h.db);
  await h.db.tx((q) => h.service().startDossierClock(q, { dossierCode: cancelled, limit: day, startedAt: vn('04/03/2026 10:00') }));
  await h.db.tx((q) => h.service().cancelDossier(q, cancelled, vn('04/03/2026 11:00')));
  const open = await dossier(h.db);
  await h.db.tx((q) => h.service().startDossierClock(q, { dossierCode: open, limit: day, startedAt: vn('04/03/2026 10:00') }));
});

const march = reportingPeriod({ year: 2026, period: 'month', index: 3 });

test('per procedure (dossier clocks), March 2026', async () => {
  const r = await reportOnTime(h.db, { ...march, groupBy: 'procedure' });
  expect(r.kind).toBe('dossier');
  expect(r.rows.map((x) => [x.key, x.total, x.early, x.onTime, x.late])).toEqual([
    ['birth-registration-group', 4, 2, 1, 1],
    ['construction-permit', 1, 0, 1, 0],
  ]);
  expect(r.rows[0]).toMatchObject({ earlyRate: 0.5, onTimeRate: 0.25, lateRate: 0.25, withinLimitRate: 0.75 });
  expect(r.total).toMatchObject({ total: 5, early: 2, onTime: 2, late: 1, lateRate: 0.2, withinLimitRate: 0.8 });
});

test('per channel (joins domain.dossiers.channel)', async () => {
  const r = await reportOnTime(h.db, { ...march, groupBy: 'channel' });
  expect(r.rows.map((x) => [x.key, x.early, x.onTime, x.late])).toEqual([
    ['counter', 2, 0, 0],
    ['online', 0, 1, 1],
    ['postal', 0, 1, 0],
  ]);
});

test("per agency: each agency's own steps, with its name; or dossiers by receiving agency", async () => {
  const steps = await reportOnTime(h.db, { ...march, groupBy: 'agency' });
  expect(steps.rows).toEqual([
    {
      key: 'cong-an-xa-a',
      name: 'Công an xã A',
      total: 4,
      early: 1,
      onTime: 1,
      late: 2,
      earlyRate: 0.25,
      onTimeRate: 0.25,
      lateRate: 0.5,
      withinLimitRate: 0.5,
    },
  ]);
  const received = await reportOnTime(h.db, { ...march, groupBy: 'agency', kind: 'dossier' });
  expect(received.rows.map((x) => [x.key, x.name, x.total])).toEqual([['ubnd-xa-a', 'Ủy ban nhân dân xã A', 5]]);
});

test('per period: month, quarter, 6, 9 and 12 months', async () => {
  const count = async (period: '6months' | '9months' | '12months' | 'month' | 'quarter', index?: number) =>
    (await reportOnTimeForPeriod(h.db, { year: 2026, period, index, groupBy: 'procedure' })).total.total;
  expect(await count('month', 3)).toBe(5);
  expect(await count('month', 4)).toBe(1);
  expect(await count('quarter', 1)).toBe(5);
  expect(await count('quarter', 2)).toBe(1);
  expect(await count('6months')).toBe(6);
  expect(await count('9months')).toBe(6);
  expect(await count('12months')).toBe(6);
  const q1 = await reportOnTimeForPeriod(h.db, { year: 2026, period: 'quarter', index: 1, groupBy: 'channel' });
  expect(q1.label).toBe('Quý I/2026');
});

test('reporting periods: calendar months, and the Decree 09/2019 cut-off (15th to 14th)', () => {
  expect(reportingPeriod({ year: 2026, period: 'month', index: 3 })).toEqual({
    from: vn('01/03/2026 00:00'),
    to: vn('01/04/2026 00:00'),
    label: 'Tháng 03/2026',
  });
  expect(reportingPeriod({ year: 2026, period: 'month', index: 1, convention: 'nd09' })).toMatchObject({
    from: vn('15/12/2025 00:00'),
    to: vn('15/01/2026 00:00'),
  });
  expect(reportingPeriod({ year: 2026, period: '6months', convention: 'nd09' })).toMatchObject({
    from: vn('15/12/2025 00:00'),
    to: vn('15/06/2026 00:00'),
    label: '6 tháng đầu năm 2026',
  });
  expect(reportingPeriod({ year: 2026, period: '12months' })).toMatchObject({ from: vn('01/01/2026 00:00'), to: vn('01/01/2027 00:00') });
  expect(() => reportingPeriod({ year: 2026, period: 'month', index: 13 })).toThrow(/index/);
  expect(() => reportingPeriod({ year: 2026, period: 'week' as any })).toThrow(/period/);
});

test('an empty period gives zero counts and zero rates, not NaN', async () => {
  const r = await reportOnTimeForPeriod(h.db, { year: 2025, period: 'month', index: 3, groupBy: 'agency' });
  expect(r.rows).toEqual([]);
  expect(r.total).toMatchObject({ total: 0, lateRate: 0, withinLimitRate: 0 });
});

describe('Feature: a clock carries what the reports count it by', () => {
  test("Scenario: a clock started before migration 022 gets its dossier's procedure, channel and receiving section, as a new one does", async () => {
    const sla = h.service();
    const before = await dossier(h.db, { procedure: 'land-use-right-transfer', channel: 'postal', agency: 'cong-an-xa-a' });
    await h.db.query(`alter table domain.sla_clocks drop column procedure_code, drop column channel, drop column receiving_agency`);
    await h.db.query(
      `insert into domain.sla_clocks (dossier_code, kind, limit_value, limit_unit, started_at, due_at, state)
       values ($1, 'dossier', 1, 'working_days', now(), now(), 'running')`,
      [before],
    );
    await migrateClockDimensions(h.db.knex);
    const after = await dossier(h.db, { procedure: 'construction-permit', channel: 'online', agency: 'bhxh-tinh' });
    await h.db.tx((q) => sla.startDossierClock(q, { dossierCode: after, limit: day, startedAt: vn('04/03/2026 10:00') }));
    const { rows } = await h.db.query(
      `select dossier_code as code, procedure_code as procedure, channel, receiving_agency as agency from domain.sla_clocks
        where dossier_code = any($1::text[]) order by id`,
      [[before, after]],
    );
    expect(rows).toEqual([
      { code: before, procedure: 'land-use-right-transfer', channel: 'postal', agency: 'cong-an-xa-a' },
      { code: after, procedure: 'construction-permit', channel: 'online', agency: 'bhxh-tinh' },
    ]);
  });
});
