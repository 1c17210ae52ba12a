/**
 * Feature: a case of a rule version — a detached house under the construction permit 2026.12
 * (Construction Law art. 102(1)(e): 15 days instead of 20; since the two-tier reform the commune
 * People's Committee grants it). The intake says which case a dossier is; the dossier keeps it,
 * and its limits, due dates, clocks, form 01 and the agencies that work it follow the case.
 */
import { rejection } from '../support/engine.js';
import { constructionIntake } from './fixtures.js';
import { STAFF, useDossiers } from './support.js';

const h = useDossiers();
const vn = (local: string) => new Date(`${local}+07:00`);
const PERMIT = 'construction-permit';

function detachedHouse(detached: boolean | undefined, consulted = ['canh-sat-pccc']) {
  const intake = constructionIntake(consulted);
  if (detached !== undefined) intake.project.detachedHouse = detached;
  return intake;
}

const receiveAt = (actor: (typeof STAFF)[keyof typeof STAFF], intake: unknown) =>
  h.dossiers.receive(actor, { procedureCode: PERMIT, channel: 'counter', intake });

describe('Feature: a detached house under the construction permit 2026.12', () => {
  beforeEach(() => h.clock.set(vn('2026-12-01T09:00:00')));

  test('Scenario: received Tuesday 01/12/2026 09:00 at the commune centre → 15 days: Wednesday 16/12/2026 at closing; the steps fit the case (1 + 5 + 4 working days)', async () => {
    const r = await receiveAt(STAFF.counter, detachedHouse(true));
    expect(r.dossier).toMatchObject({ ruleVersion: '2026.12', caseCode: 'nha-o-rieng-le', appointmentAt: vn('2026-12-16T17:00:00') });
    const [clock] = await h.sla.clocks(h.db, r.dossier.code);
    expect(clock).toMatchObject({ kind: 'dossier', limit: { value: 15, unit: 'calendar_days' }, dueAt: vn('2026-12-16T17:00:00') });
    const { variables } = await h.instance(r.dossier.processInstanceKey!);
    expect(variables.dossierCase).toBe('nha-o-rieng-le');
    // Wed 02/12; five working days on, Wed 09/12; four more, Tue 15/12; the hand-back at the appointment.
    expect(variables.dueDates).toEqual({
      receptionCheck: '2026-12-02T09:00:00+07:00',
      consultation: { 'canh-sat-pccc': '2026-12-09T09:00:00+07:00' },
      permitDecision: '2026-12-15T09:00:00+07:00',
      returnResult: '2026-12-16T17:00:00+07:00',
    });
    expect(r.form01.data).toMatchObject({
      procedure: { code: PERMIT, case: { code: 'nha-o-rieng-le', name: 'Nhà ở riêng lẻ' } },
      limit: { value: 15, unit: 'calendar_days', text: '15 ngày' },
    });
    const printed = JSON.stringify(r.form01);
    expect(printed).toContain('Cấp giấy phép xây dựng có lấy ý kiến các cơ quan liên quan (Nhà ở riêng lẻ)');
    expect(printed).toContain('theo quy định là: 15 ngày.');
    // The citizen's lookup, the staff view and the trace name the case too.
    expect((await h.dossiers.publicStatus(r.dossier.code, r.lookupSecret)).procedure.case).toEqual({ code: 'nha-o-rieng-le', name: 'Nhà ở riêng lẻ' });
    expect(((await h.dossiers.get(STAFF.counter, r.dossier.code)) as { procedure: object }).procedure).toMatchObject({
      case: { code: 'nha-o-rieng-le', name: { vi: 'Nhà ở riêng lẻ' } },
    });
    expect((await h.dossiers.trace(STAFF.auditor, r.dossier.code)).dossier.caseName).toBe('Nhà ở riêng lẻ');
  });

  test("Scenario: the commune's economic office checks and decides, the fire police gives its opinion, the commune centre hands the permit back; the province's department never sees it", async () => {
    h.startServiceWorkers();
    const { dossier } = await receiveAt(STAFF.counter, detachedHouse(true));
    const check = await h.task(dossier.code, 'receptionCheck');
    expect(check).toMatchObject({ agencyCode: 'ubnd-xa.kinh-te.hoa-binh', agencyKind: 'ubnd-xa.kinh-te', dueAt: vn('2026-12-02T09:00:00').toISOString() });
    const steps = async () => (await h.sla.clocks(h.db, dossier.code)).filter((c) => c.kind === 'step').map((c) => ({ agency: c.agencyCode, limit: c.limit }));
    expect(await steps()).toEqual([{ agency: 'ubnd-xa.kinh-te.hoa-binh', limit: { value: 1, unit: 'working_days' } }]);
    const province = { username: 'xaydung', role: 'officer', agencyCode: 'so-xay-dung.thu-nghiem' } as const;
    expect((await h.tasks.list(province)).items.filter((t) => t.dossierCode === dossier.code)).toEqual([]);

    await h.complete(dossier.code, 'receptionCheck', { outcome: 'approved' });
    const opinion = await h.task(dossier.code, 'consultation', 'canh-sat-pccc');
    expect(opinion.dueAt).toBe(vn('2026-12-09T09:00:00').toISOString());
    await h.complete(dossier.code, 'consultation', { opinion: { verdict: 'agree' } }, 'canh-sat-pccc');
    const decision = await h.task(dossier.code, 'permitDecision');
    expect(decision.agencyCode).toBe('ubnd-xa.kinh-te.hoa-binh');
    expect((await steps()).at(-1)).toEqual({ agency: 'ubnd-xa.kinh-te.hoa-binh', limit: { value: 4, unit: 'working_days' } });
    await h.complete(dossier.code, 'permitDecision', { decision: 'granted', permitNumber: 'GPXD-15/2026' });

    const back = await h.task(dossier.code, 'returnResult');
    expect(back.agencyCode).toBe('mot-cua-xa.hoa-binh');
    expect(await h.status(dossier.code)).toBe('done');
    expect((await h.dossiers.returnResult(STAFF.counter, dossier.code)).status).toBe('returned');
  });

  test("Scenario: a detached house at the province's centre is refused (400 naming the case and the commune centre), and nothing is received", async () => {
    const e = await rejection(receiveAt(STAFF.counterProvince, detachedHouse(true)));
    expect(e.name).toBe('Invalid');
    expect(e.message).toContain('không tiếp nhận thủ tục này (Nhà ở riêng lẻ)');
    expect(e.message).toContain("'mot-cua-xa'");
    expect((e as { details?: unknown }).details).toEqual([expect.objectContaining({ path: '/receivingAgency' })]);
    expect((await h.db.query(`select count(*)::int as n from domain.dossiers`)).rows[0].n).toBe(0);
  });

  test.each([
    ['other works (detachedHouse false)', false],
    ['an intake that does not say', undefined],
  ])("Scenario: %s → the version's own figures: 20 days, the province's department and centre", async (_, detached) => {
    const r = await receiveAt(STAFF.counterProvince, detachedHouse(detached));
    expect(r.dossier).toMatchObject({ caseCode: null, appointmentAt: vn('2026-12-21T17:00:00') });
    expect((r.form01.data as { procedure: object }).procedure).not.toHaveProperty('case');
    expect((await h.instance(r.dossier.processInstanceKey!)).variables.dossierCase).toBeNull();
    expect((await h.task(r.dossier.code, 'receptionCheck')).agencyCode).toBe('so-xay-dung.thu-nghiem');
    const e = await rejection(receiveAt(STAFF.counter, detachedHouse(detached)));
    expect(e.message).toContain("cần bộ phận loại 'mot-cua-tinh'");
  });

  test('Scenario: received on 30/11/2026 under version 2025.07, which has no cases, a detached house keeps that version’s 20 working days at the province', async () => {
    h.clock.set(vn('2026-11-30T09:00:00'));
    const r = await receiveAt(STAFF.counterProvince, detachedHouse(true));
    expect(r.dossier).toMatchObject({ ruleVersion: '2025.07', caseCode: null });
    // 20 working days from Monday 30/11/2026: Monday 28/12/2026 09:00.
    expect(r.dossier.appointmentAt).toEqual(vn('2026-12-28T09:00:00'));
    expect((await h.task(r.dossier.code, 'receptionCheck')).agencyCode).toBe('so-xay-dung.thu-nghiem');
  });
});
