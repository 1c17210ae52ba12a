/**
 * Feature: each linked procedure, received at its counter and followed through the inbox to the
 * result handed back — the dossier room, the inbox, the SLA clocks, the workers and the engine
 * together, as main.ts wires them.
 */
import { rejection, waitFor } from '../support/engine.js';
import { constructionIntake, deathIntake } from './fixtures.js';
import { STAFF, useDossiers } from './support.js';

const h = useDossiers();
const HOUR = 3_600_000;

async function returned(code: string, actor = STAFF.counter) {
  await h.task(code, 'returnResult');
  expect(await h.status(code)).toBe('done');
  const d = await h.dossiers.returnResult(actor, code);
  expect(d.status).toBe('returned');
  expect((await h.instance(d.processInstanceKey!)).state).toBe('COMPLETED');
  return d;
}

describe('Feature: the birth group end to end', () => {
  test('Scenario: civil status → residence ∥ health insurance → returned; form 06 shows every hand-over', async () => {
    h.startServiceWorkers();
    const { dossier } = await h.receive('birth-registration-group');
    await h.task(dossier.code, 'birthRegistration'); // handed over at 09:00
    h.clock.advance(HOUR);
    await h.complete(dossier.code, 'birthRegistration', { outcome: 'approved', note: 'Đã cấp giấy khai sinh số 12/2026' });
    h.clock.advance(HOUR);
    await h.complete(dossier.code, 'residenceRegistration', { outcome: 'approved' });
    await h.complete(dossier.code, 'healthInsuranceCard', { outcome: 'approved' });
    await returned(dossier.code);

    const slip = await h.dossiers.form(STAFF.counter, dossier.code, '06');
    const steps = (slip.data as any).steps;
    expect(steps.map((s: any) => `${s.step}@${s.agency}:${s.result}`)).toEqual([
      'birthRegistration@ubnd-xa.tu-phap-ho-tich.hoa-binh:early',
      'residenceRegistration@cong-an-xa.hoa-binh:early',
      'healthInsuranceCard@bhxh.thu-nghiem:early',
      'returnResult@mot-cua-xa.hoa-binh:early', // handed back before the appointment day
    ]);
    expect(steps[0]).toMatchObject({
      from: { agency: 'mot-cua-xa.hoa-binh', person: 'Nguyễn Thị Hòa' },
      to: { person: 'Lê Thị Hộ' },
      handedOverAt: new Date(Date.UTC(2026, 0, 5, 2)).toISOString(),
    });
    expect(steps[1]).toMatchObject({
      from: { agency: 'ubnd-xa.tu-phap-ho-tich.hoa-binh', person: 'Lê Thị Hộ' },
      to: { person: 'Trần Văn Bình' },
    });
    const clocks = await h.sla.clocks(h.db, dossier.code);
    expect(clocks[0]).toMatchObject({ kind: 'dossier', state: 'met_early' });
  });
});

describe('Feature: the death group end to end, linking what the applicant chose', () => {
  test.each([[[]], [['residence_removal']], [['funeral_allowance', 'survivor_benefit']], [['residence_removal', 'funeral_allowance', 'survivor_benefit']]])(
    'Scenario: linked %j',
    async (linked) => {
      h.startServiceWorkers();
      const { dossier } = await h.receive('death-registration-group', deathIntake(linked));
      await h.complete(dossier.code, 'deathRegistration', { outcome: 'approved' });
      const element = {
        residence_removal: 'residenceRemoval',
        funeral_allowance: 'funeralAllowance',
        survivor_benefit: 'survivorBenefit',
      } as Record<string, string>;
      for (const l of linked) await h.complete(dossier.code, element[l], { outcome: 'approved' });
      await returned(dossier.code);
      const { rows } = await h.db.query(`select element_id from domain.tasks where dossier_code = $1 order by id`, [dossier.code]);
      expect(rows.map((r) => r.element_id).sort()).toEqual(['deathRegistration', 'returnResult', ...linked.map((l) => element[l])].sort());
    },
  );
});

describe('Feature: the land-use right transfer end to end', () => {
  test('Scenario: checked → transferred to tax → tax notice → paid → certificate → returned', async () => {
    h.startServiceWorkers();
    const { dossier } = await h.receive('land-use-right-transfer');
    await h.complete(dossier.code, 'landOfficeCheck', { outcome: 'approved' });
    await h.complete(dossier.code, 'issueTaxNotice', { taxNotice: { number: 'TB-2026-001', amount: 30_000_000 } });
    await waitFor('the process to wait for the payment', async () => (await h.activeElements(dossier.processInstanceKey!)).includes('awaitTaxPayment'));
    await h.engine.publishMessage({
      name: 'tax-paid',
      correlationKey: dossier.code,
      timeToLive: 60_000,
      variables: { paidAt: new Date(h.clock.now()).toISOString() },
    });
    await h.complete(dossier.code, 'updateRecordAndIssueCertificate', { outcome: 'approved' });
    await returned(dossier.code);
  });

  test('Scenario: the tax is not paid within 30 days → the process stops the dossier itself → form 05 → papers returned', async () => {
    h.startServiceWorkers();
    const { dossier, lookupSecret } = await h.receive('land-use-right-transfer');
    await h.complete(dossier.code, 'landOfficeCheck', { outcome: 'approved' });
    await h.complete(dossier.code, 'issueTaxNotice', { taxNotice: { number: 'TB-2026-002', amount: 30_000_000 } });
    await waitFor('the process to wait for the payment', async () => (await h.activeElements(dossier.processInstanceKey!)).includes('awaitTaxPayment'));
    h.clock.advance(31 * 24 * HOUR);
    await h.engine.tick();
    await waitFor('the process to end', async () => (await h.instance(dossier.processInstanceKey!)).state === 'COMPLETED');
    expect(await h.dossiers.reconcile()).toMatchObject({ stopped: 1 });
    const d = await h.dossier(dossier.code);
    expect(d.status).toBe('stopped');
    expect(d.result).toMatchObject({ outcome: 'stopped', by: 'process', reason: 'hết hạn nộp thuế: Hồ sơ dừng giải quyết' });
    const form05 = await h.dossiers.form(STAFF.counter, dossier.code, '05');
    expect(form05.data).toMatchObject({
      byProcess: true,
      legalBasis: expect.stringContaining('Hạn nộp tiền theo thông báo của cơ quan thuế: 30 ngày'),
    });
    expect((await h.dossiers.publicStatus(dossier.code, lookupSecret)).result).toEqual({
      outcome: 'stopped',
      reason: 'hết hạn nộp thuế: Hồ sơ dừng giải quyết',
    });
    expect((await h.dossiers.returnResult(STAFF.counter, dossier.code)).status).toBe('returned');
    expect(await h.dossiers.reconcile()).toMatchObject({ stopped: 0, returned: 0 });
  });
});

describe('Feature: the construction permit end to end', () => {
  test('Scenario: reception check → the consulted agencies in parallel → the decision → returned at the province centre', async () => {
    h.startServiceWorkers();
    const { dossier } = await h.receive(
      'construction-permit',
      constructionIntake(['canh-sat-pccc', 'so-nong-nghiep-moi-truong', 'so-van-hoa-the-thao-du-lich']),
    );
    await h.complete(dossier.code, 'receptionCheck', { outcome: 'approved' });
    for (const a of ['so-van-hoa-the-thao-du-lich', 'canh-sat-pccc', 'so-nong-nghiep-moi-truong']) {
      await h.complete(dossier.code, 'consultation', { opinion: { verdict: 'agree' } }, a);
    }
    await h.complete(dossier.code, 'permitDecision', { decision: 'granted', permitNumber: 'GPXD-01/2026' });
    await returned(dossier.code, STAFF.counterProvince);
    const { variables } = await h.instance(dossier.processInstanceKey!);
    expect((variables.consultationOpinions as any[]).map((o) => o.agency).sort()).toEqual([
      'canh-sat-pccc',
      'so-nong-nghiep-moi-truong',
      'so-van-hoa-the-thao-du-lich',
    ]);
  });
});

describe('Feature: the register (form 07) lists what a section received in a period', () => {
  test('Scenario: two dossiers at Hòa Bình on 05/01, one at Tân An; the register of Hòa Bình for 05/01 has two lines', async () => {
    const a = await h.receive('birth-registration-group');
    const b = await h.receive('death-registration-group', deathIntake([]));
    await h.receive('birth-registration-group', undefined, STAFF.counterTanAn);
    await h.task(a.dossier.code, 'birthRegistration');
    const reg = await h.dossiers.register(STAFF.counter, { from: '2026-01-05', to: '2026-01-05' });
    expect(reg).toMatchObject({ form: '07', title: 'Sổ theo dõi hồ sơ', landscape: true });
    const rows = (reg.data as any).rows;
    expect(rows.map((r: any) => r.code)).toEqual([a.dossier.code, b.dossier.code]);
    expect(rows[0]).toMatchObject({
      applicant: 'Nguyễn Văn An',
      leadAgency: 'Ủy ban nhân dân xã Hòa Bình (công chức Tư pháp – Hộ tịch)',
      handedOverAt: expect.any(String),
      notes: 'đang giải quyết',
    });
    expect((await h.dossiers.register(STAFF.counter, { from: '2026-01-06', to: '2026-01-31' })).data).toMatchObject({ rows: [] });
    // Another section's counter does not read Hòa Bình's register.
    expect((await h.dossiers.register(STAFF.counterTanAn, { agency: 'mot-cua-xa.hoa-binh', from: '2026-01-05', to: '2026-01-05' })).data).toMatchObject({
      rows: [],
    });
  });
});

describe('Feature: the counter hands the result back from its inbox', () => {
  test('Scenario: completing the return step on the task page returns the dossier in the same commit, as that officer, with the note', async () => {
    h.startServiceWorkers();
    const { dossier } = await h.receive('death-registration-group', deathIntake([]));
    await h.complete(dossier.code, 'deathRegistration', { outcome: 'approved' });
    await h.task(dossier.code, 'returnResult');
    expect(await h.status(dossier.code)).toBe('done');

    const task = await h.complete(dossier.code, 'returnResult', { outcome: 'done', note: 'Đã giao trích lục khai tử' });

    // No reconcile ran: the task's commit moved the dossier.
    const { rows } = await h.db.query(
      `select e.actor, e.reason, t.completed_at = e.at as same_instant from domain.dossier_events e
         join domain.tasks t on t.id = $2 where e.dossier_code = $1 and e.to_status = 'returned'`,
      [dossier.code, task.id],
    );
    expect(rows).toEqual([{ actor: 'motcua.hoa-binh', reason: 'Đã giao trích lục khai tử', same_instant: true }]);
    expect(await h.status(dossier.code)).toBe('returned');
    // The /return route now finds nothing left to do.
    expect((await rejection(h.dossiers.returnResult(STAFF.counter, dossier.code))).name).toBe('Conflict');
  });
});

describe('Feature: reconcile finishes what the inbox hook missed', () => {
  test("Scenario: the return step's task exists but the hook never ran → reconcile makes the dossier done, then returned when the counter completes the step in the inbox", async () => {
    h.startServiceWorkers();
    h.hook(false);
    const { dossier } = await h.receive('death-registration-group', deathIntake([]));
    await h.complete(dossier.code, 'deathRegistration', { outcome: 'approved' });
    await h.task(dossier.code, 'returnResult');
    expect(await h.status(dossier.code)).toBe('received');
    expect(await h.dossiers.reconcile()).toMatchObject({ finished: 1 });
    expect(await h.status(dossier.code)).toBe('done');
    await h.complete(dossier.code, 'returnResult', { outcome: 'done' }); // straight from the counter's inbox
    await waitFor('the process to end', async () => (await h.instance(dossier.processInstanceKey!)).state === 'COMPLETED');
    expect(await h.dossiers.reconcile()).toMatchObject({ finished: 0, returned: 1 });
    const d = await h.dossier(dossier.code);
    expect(d.status).toBe('returned');
    const { rows } = await h.db.query(`select actor from domain.dossier_events where dossier_code = $1 and to_status = 'returned'`, [dossier.code]);
    expect(rows).toEqual([{ actor: 'motcua.hoa-binh' }]);
  });
});
