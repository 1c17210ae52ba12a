/**
 * Feature: the dossier lifecycle as a state machine —
 *   received → in_progress → supplement_requested ↔ supplemented → done | refused | stopped → returned.
 * Every legal transition works through the service; every illegal one is a Conflict (409) and
 * changes nothing (the dossier row, its events, forms, clocks, tasks and audit rows are as before).
 */
import { up as cancelRefusedSteps } from '../../src/db/migrations/012_cancel_refused_steps.js';
import { Conflict } from '../../src/errors.js';
import { TRANSITIONS, STATUSES, type DossierStatus } from '../../src/dossiers/index.js';
import { rejection } from '../support/engine.js';
import { STAFF, useDossiers } from './support.js';

const h = useDossiers();
const BIRTH = 'birth-registration-group';
const DAY = 86_400_000;

type Action = 'requestSupplement' | 'supplement' | 'refuse' | 'stop' | 'withdraw' | 'return' | 'apologize';
const LEGAL_FROM: Record<Action, readonly DossierStatus[]> = {
  requestSupplement: TRANSITIONS.requestSupplement.from,
  supplement: TRANSITIONS.supplement.from,
  refuse: TRANSITIONS.refuse.from,
  stop: TRANSITIONS.stop.from,
  withdraw: TRANSITIONS.withdraw.from,
  return: TRANSITIONS.return.from,
  apologize: ['received', 'in_progress', 'supplemented'],
};

async function act(action: Action, code: string, secret: string): Promise<unknown> {
  const d = h.dossiers;
  switch (action) {
    case 'requestSupplement':
      return d.requestSupplement(STAFF.counter, code, {
        reasons: ['Giấy chứng sinh bị mờ'],
        items: [{ name: 'Giấy chứng sinh (bản rõ nét)' }],
        legalBasis: 'Luật Hộ tịch 2014, Điều 16',
      });
    case 'supplement':
      return d.supplement(code, secret, { documents: [{ code: 'giay-chung-sinh', name: 'Giấy chứng sinh' }] });
    case 'refuse':
      return d.refuse(STAFF.counter, code, { reason: 'Không thuộc thẩm quyền', legalBasis: 'Luật Hộ tịch 2014, Điều 13' });
    case 'stop':
      return d.stop(STAFF.counter, code, { reason: 'Người nộp rút hồ sơ', legalBasis: 'Nghị định 118/2025/NĐ-CP' });
    case 'withdraw':
      return d.withdraw(code, secret, { reason: 'Gia đình tự giải quyết' });
    case 'return':
      return d.returnResult(STAFF.counter, code);
    case 'apologize':
      return d.apologize(STAFF.counter, code, { reason: 'Hệ thống liên thông gián đoạn', extra: { value: 2, unit: 'working_days' } });
  }
}

describe('Feature: illegal transitions are refused with 409 and change nothing', () => {
  const cases = (Object.keys(LEGAL_FROM) as Action[]).flatMap((a) => STATUSES.filter((s) => !LEGAL_FROM[a].includes(s)).map((s) => [a, s] as const));

  test.each(cases)('Scenario: %s from %s → Conflict, nothing changed', async (action, status) => {
    const r = await h.receive(BIRTH);
    const code = r.dossier.code;
    await h.db.query(`update domain.dossiers set status = $2 where code = $1`, [code, status]);
    const before = await h.snapshot(code);
    const e = await rejection(act(action, code, r.lookupSecret));
    expect(e).toBeInstanceOf(Conflict);
    expect(e.message).toContain(code);
    expect(e.details).toMatchObject({ dossierCode: code, status });
    expect(await h.snapshot(code)).toEqual(before);
  });
});

describe('Feature: every legal transition, as the people involved make it', () => {
  test('Scenario: received → in_progress when the inbox hands the first step to an agency', async () => {
    const r = await h.receive(BIRTH);
    expect(r.dossier.status).toBe('received');
    await h.task(r.dossier.code, 'birthRegistration');
    expect(await h.status(r.dossier.code)).toBe('in_progress');
  });

  test('Scenario: received → supplement_requested → supplemented → in_progress → done → returned', async () => {
    h.startServiceWorkers();
    const { dossier, lookupSecret } = await h.receive(BIRTH);
    const code = dossier.code;
    await act('requestSupplement', code, lookupSecret);
    expect(await h.status(code)).toBe('supplement_requested');
    h.clock.advance(DAY);
    await act('supplement', code, lookupSecret);
    expect(await h.status(code)).toBe('supplemented');
    await h.complete(code, 'birthRegistration', { outcome: 'approved' }); // task created → handed over
    await h.complete(code, 'residenceRegistration', { outcome: 'approved' });
    expect(await h.status(code)).toBe('in_progress');
    await h.complete(code, 'healthInsuranceCard', { outcome: 'approved' });
    await h.task(code, 'returnResult');
    expect(await h.status(code)).toBe('done');
    const returned = await h.dossiers.returnResult(STAFF.counter, code, { note: 'Đã giao bản chính giấy khai sinh' });
    expect(returned.status).toBe('returned');
    expect(returned.returnedAt).toEqual(new Date(h.clock.now()));
    const { rows } = await h.db.query(`select from_status, to_status from domain.dossier_events where dossier_code = $1 order by id`, [code]);
    expect(rows.map((r) => `${r.from_status ?? '∅'}→${r.to_status}`)).toEqual([
      '∅→received',
      'received→supplement_requested',
      'supplement_requested→supplemented',
      'supplemented→in_progress',
      'in_progress→done',
      'done→returned',
    ]);
    // The return step was completed through the inbox, as the counter officer: the process ended.
    expect((await h.instance(returned.processInstanceKey!)).state).toBe('COMPLETED');
  });

  test.each(['received', 'in_progress', 'supplement_requested', 'supplemented'] as const)(
    'Scenario: %s → refused → returned; the process and the open tasks are cancelled (form 03)',
    async (from) => {
      const { dossier, lookupSecret } = await reach(from);
      const form = (await act('refuse', dossier.code, lookupSecret)) as any;
      expect(form).toMatchObject({ form: '03', title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ' });
      const d = await h.dossier(dossier.code);
      expect(d.status).toBe('refused');
      expect((await h.instance(d.processInstanceKey!)).state).toBe('TERMINATED');
      const { rows } = await h.db.query(`select state from domain.tasks where dossier_code = $1`, [dossier.code]);
      expect(rows.every((r) => r.state === 'cancelled')).toBe(true);
      // The refusal is judged on the dossier's clock; the steps it cut short keep no running clock.
      const clocks = await h.sla.clocks(h.db, dossier.code);
      expect(clocks.filter((c) => c.kind === 'step').map((c) => c.state)).not.toContain('running');
      expect(clocks.find((c) => c.kind === 'dossier')?.state).not.toBe('running');
      expect((await h.dossiers.returnResult(STAFF.counter, dossier.code)).status).toBe('returned');
    },
  );

  test('Scenario: a dossier refused before the fix kept a running step clock — migration 012 ends it without a verdict', async () => {
    // Given a dossier in progress at an agency step, refused the old way: status and tasks changed, the step clock left running
    const { dossier } = await reach('in_progress');
    await h.db.query(`update domain.dossiers set status = 'refused' where code = $1`, [dossier.code]);
    await h.db.query(`update domain.tasks set state = 'cancelled' where dossier_code = $1`, [dossier.code]);
    expect((await h.sla.clocks(h.db, dossier.code)).filter((c) => c.kind === 'step').map((c) => c.state)).toContain('running');

    // When the repair runs
    await cancelRefusedSteps(h.db.knex);

    // Then no step clock of the refused dossier runs any more, and the dossier clock is untouched
    const clocks = await h.sla.clocks(h.db, dossier.code);
    expect(clocks.filter((c) => c.kind === 'step').map((c) => c.state)).toEqual(clocks.filter((c) => c.kind === 'step').map(() => 'cancelled'));
    expect(clocks.find((c) => c.kind === 'dossier')?.state).toBe('running');
  });

  test.each(['received', 'in_progress', 'supplement_requested', 'supplemented'] as const)(
    'Scenario: %s → stopped → returned (form 05), the dossier clock cancelled, not judged',
    async (from) => {
      const { dossier, lookupSecret } = await reach(from);
      await act('stop', dossier.code, lookupSecret);
      const d = await h.dossier(dossier.code);
      expect(d.status).toBe('stopped');
      const clocks = await h.sla.clocks(h.db, dossier.code);
      expect(clocks.find((c) => c.kind === 'dossier')?.state).toBe('cancelled');
      expect((await h.dossiers.returnResult(STAFF.counter, dossier.code)).status).toBe('returned');
    },
  );

  test('Scenario: a second supplement request is refused when the version allows only one (birth group: 1)', async () => {
    const { dossier, lookupSecret } = await reach('supplemented');
    const before = await h.snapshot(dossier.code);
    const e = await rejection(act('requestSupplement', dossier.code, lookupSecret));
    expect(e).toBeInstanceOf(Conflict);
    expect(e.message).toMatch(/tối đa 1 lần/);
    expect(await h.snapshot(dossier.code)).toEqual(before);
  });

  test('Scenario: the return step beginning while the dossier waits for a supplement does not make it done', async () => {
    h.startServiceWorkers();
    const { dossier } = await h.receive(BIRTH);
    await h.complete(dossier.code, 'birthRegistration', { outcome: 'approved' });
    await h.complete(dossier.code, 'residenceRegistration', { outcome: 'approved' });
    await act('requestSupplement', dossier.code, '');
    await h.complete(dossier.code, 'healthInsuranceCard', { outcome: 'approved' });
    await h.task(dossier.code, 'returnResult');
    expect(await h.status(dossier.code)).toBe('supplement_requested');
  });

  /** A birth dossier in state `s`, reached the way people reach it. */
  async function reach(s: 'received' | 'in_progress' | 'supplement_requested' | 'supplemented') {
    const r = await h.receive(BIRTH);
    if (s === 'received') return r;
    if (s === 'in_progress') {
      await h.task(r.dossier.code, 'birthRegistration');
      return r;
    }
    await act('requestSupplement', r.dossier.code, r.lookupSecret);
    if (s === 'supplemented') await act('supplement', r.dossier.code, r.lookupSecret);
    await h.inbox();
    return r;
  }
});

describe('Feature: who may move a dossier', () => {
  test('Scenario: the officer holding a step asks for a supplement; before the step reaches them they do not see the dossier', async () => {
    const { dossier } = await h.receive(BIRTH);
    const input = { reasons: ['Thiếu bản sao giấy tờ'], items: [{ name: 'Giấy chứng sinh' }], legalBasis: 'Luật Hộ tịch 2014, Điều 16' };
    expect((await rejection(h.dossiers.requestSupplement(STAFF.civil, dossier.code, input))).name).toBe('NotFound');
    await h.task(dossier.code, 'birthRegistration');
    const form = await h.dossiers.requestSupplement(STAFF.civil, dossier.code, input);
    expect(form.data).toMatchObject({ requestedBy: { username: STAFF.civil.username, fullName: 'Lê Thị Hộ' } });
    expect(await h.status(dossier.code)).toBe('supplement_requested');
  });

  test("Scenario: another commune's officer does not see the dossier (404), an auditor may not act (403)", async () => {
    const { dossier } = await h.receive(BIRTH);
    const before = await h.snapshot(dossier.code);
    expect((await rejection(h.dossiers.refuse(STAFF.policeTanAn, dossier.code, { reason: 'x', legalBasis: 'y' }))).name).toBe('NotFound');
    expect((await rejection(h.dossiers.refuse(STAFF.auditor, dossier.code, { reason: 'x', legalBasis: 'y' }))).name).toBe('Forbidden');
    expect((await rejection(h.dossiers.returnResult(STAFF.counterTanAn, dossier.code))).name).toBe('NotFound');
    expect(await h.snapshot(dossier.code)).toEqual(before);
  });

  test('Scenario: a wrong lookup secret cannot supplement (404, the same as an unknown code)', async () => {
    const { dossier } = await h.receive(BIRTH);
    await act('requestSupplement', dossier.code, '');
    const before = await h.snapshot(dossier.code);
    expect((await rejection(h.dossiers.supplement(dossier.code, 'AAAA-AAAA-AAAA', {}))).name).toBe('NotFound');
    expect((await rejection(h.dossiers.supplement('000.02.31.H99-260105-9999', 'AAAA-AAAA-AAAA', {}))).name).toBe('NotFound');
    expect(await h.snapshot(dossier.code)).toEqual(before);
  });
});
