/**
 * Feature: land-use right transfer — the land registration office checks, hands the
 * information to the tax authority, the tax authority issues the notice, the citizen is told,
 * then the process waits for the payment (message `tax-paid`, correlated by the dossier code)
 * against the payment deadline (event-based gateway); paid → record updated, certificate
 * issued, returned; deadline passed → the dossier is stopped (form 05).
 */
import { waitFor } from '../support/engine.js';
import { ended, useProcedures } from './support.js';

const h = useProcedures();
const CODE = 'land-use-right-transfer';
const DAY = 86_400_000;
const TAX_NOTICE = { number: 'TB-2026-0042', amount: 25_000_000, issuedAt: '2026-01-07T09:00:00+07:00' };

/** Up to the wait for the payment: check, transfer slip, tax notice, notice to the citizen. */
async function untilPaymentWait(dossierCode: string): Promise<string> {
  const key = await h.startDossier(CODE, dossierCode, { taxPaymentPeriod: 'P30D', landParcel: { mapSheet: '12', parcel: '345' } });
  await h.desk.complete(key, 'landOfficeCheck', 'vpdkdd', { transferEligible: true });
  const tax = await h.desk.take(key, 'issueTaxNotice', 'co-quan-thue');
  // The tax official sees the transfer slip the worker issued
  expect((await h.instance(key)).variables.taxTransferSlip).toEqual({
    number: `PCTT-${dossierCode}`,
    to: 'co-quan-thue',
    landParcel: { mapSheet: '12', parcel: '345' },
    at: expect.any(String),
  });
  await h.engine.completeUserTask({ userTaskKey: tax.userTaskKey, variables: { taxNotice: TAX_NOTICE } });
  return key;
}

/** The event-based gateway holds the token while both of its events are subscribed. */
async function waitingForPayment(key: string): Promise<void> {
  await waitFor('the process to wait for the payment', async () => (await h.activeElements(key)).includes('awaitTaxPayment'));
}

describe('Feature: land-use right transfer with the payment of the financial obligations', () => {
  test('Scenario: the citizen pays in time — the record is updated, the certificate issued and returned', async () => {
    const key = await untilPaymentWait('HS-DD-0001');
    await waitingForPayment(key);
    expect(await h.activeElements(key)).toEqual(['awaitTaxPayment']);
    expect((await h.instance(key)).variables.notification).toMatchObject({
      template: 'tax-notice',
      text: expect.stringContaining('Thông báo nộp thuế số TB-2026-0042 với số tiền 25.000.000 đồng cho hồ sơ HS-DD-0001'),
    });

    // Twenty-nine days later, nothing has timed out
    h.clock.advance(29 * DAY);
    expect((await h.engine.tick()).timers).toBe(0);

    // A payment for another dossier does not move this one; its own does
    await h.engine.publishMessage({ name: 'tax-paid', correlationKey: 'HS-DD-9999', timeToLive: 0 });
    expect(await h.activeElements(key)).toEqual(['awaitTaxPayment']);
    await h.engine.publishMessage({
      name: 'tax-paid',
      correlationKey: 'HS-DD-0001',
      timeToLive: 0,
      variables: { paidAt: '2026-02-03T10:00:00+07:00' },
    });

    await h.desk.complete(key, 'updateRecordAndIssueCertificate', 'vpdkdd', { certificate: { serial: 'DA 123456' } });
    await h.desk.complete(key, 'returnResult', 'mot-cua-xa');
    await ended(h, key);

    const { state, variables } = await h.instance(key);
    expect(state).toBe('COMPLETED');
    expect(variables).toMatchObject({
      paidAt: '2026-02-03T10:00:00+07:00',
      certificate: { serial: 'DA 123456' },
      notification: { template: 'result-ready' },
    });
    expect(variables.stopNotice).toBeUndefined();
    // The deadline timer went with the gateway: moving past it changes nothing
    h.clock.advance(5 * DAY);
    expect((await h.engine.tick()).timers).toBe(0);
  });

  test('Scenario: the payment arrives before the notice went out — "a message is buffered for its time to live"', async () => {
    const key = await h.startDossier(CODE, 'HS-DD-0002', { taxPaymentPeriod: 'P30D' });
    await h.engine.publishMessage({
      name: 'tax-paid',
      correlationKey: 'HS-DD-0002',
      timeToLive: 7 * DAY,
      variables: { paidAt: '2026-01-06T08:00:00+07:00' },
    });
    await h.desk.complete(key, 'landOfficeCheck', 'vpdkdd');
    await h.desk.complete(key, 'issueTaxNotice', 'co-quan-thue', { taxNotice: TAX_NOTICE });
    await h.desk.complete(key, 'updateRecordAndIssueCertificate', 'vpdkdd');
    await h.desk.complete(key, 'returnResult', 'mot-cua-xa');
    await ended(h, key);
    expect((await h.instance(key)).variables).toMatchObject({ paidAt: '2026-01-06T08:00:00+07:00' });
  });

  test('Scenario: the payment deadline passes — the dossier is stopped with a notice (form 05) and nothing else happens', async () => {
    const key = await untilPaymentWait('HS-DD-0003');
    await waitingForPayment(key);

    h.clock.advance(30 * DAY);
    expect((await h.engine.tick()).timers).toBe(1);
    await ended(h, key);

    const { state, variables } = await h.instance(key);
    expect(state).toBe('COMPLETED');
    expect(variables.dossierOutcome).toBe('stopped');
    expect(variables.stopNotice).toEqual({
      form: '05',
      reason: 'tax-unpaid',
      text: expect.stringMatching(/^Hồ sơ HS-DD-0003 dừng giải quyết kể từ ngày 04\/02\/2026 do quá thời hạn nộp thuế/),
      at: expect.any(String),
    });
    expect(await h.userTasksCreated(key)).toEqual(['landOfficeCheck', 'issueTaxNotice']);

    // A late payment finds no one waiting
    await h.engine.publishMessage({ name: 'tax-paid', correlationKey: 'HS-DD-0003', timeToLive: 0 });
    expect(await h.desk.inHand(key)).toEqual([]);
  });
});
