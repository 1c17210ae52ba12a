/**
 * Feature: the handlers of src/workers on their own — what they compute, and that a modelling
 * error (no dossier code, an unknown template or reason) fails the job instead of passing silently.
 */
import type { ActivatedJob } from '../../src/engine/port.js';
import { HANDLERS } from '../../src/workers/index.js';

const handler = (type: string) => HANDLERS.find((h) => h.type === type)!;
const deps = { log: { info() {}, warn() {} }, now: () => Date.UTC(2026, 0, 5, 2, 0, 0) };
const job = (over: Partial<ActivatedJob>): ActivatedJob => ({
  key: '1',
  type: 'x',
  processInstanceKey: '2',
  bpmnProcessId: 'p',
  processDefinitionVersion: 1,
  processDefinitionKey: '3',
  elementId: 'e',
  elementInstanceKey: '4',
  customHeaders: {},
  worker: 'w',
  retries: 3,
  deadline: 0,
  variables: { dossierCode: 'HS-1' },
  ...over,
});

describe('Feature: job handlers', () => {
  test('Scenario: the tax notice names the notice and the amount in Vietnamese number format', async () => {
    const out = await handler('lienthong.notify-citizen').handle(
      job({
        customHeaders: { template: 'tax-notice' },
        variables: { dossierCode: 'HS-1', taxNotice: { number: 'TB-1', amount: 1234567 } },
      }),
      deps,
    );
    expect(out.notification).toEqual({
      template: 'tax-notice',
      text: 'Kính gửi ông/bà: cơ quan thuế đã ban hành Thông báo nộp thuế số TB-1 với số tiền 1.234.567 đồng cho hồ sơ HS-1. Đề nghị ông/bà nộp trong thời hạn ghi trên thông báo; quá hạn, hồ sơ sẽ bị dừng giải quyết.',
      at: '2026-01-05T02:00:00.000Z',
    });
  });

  test('Scenario: slips are numbered from the dossier code, so a redelivered job issues the same slip', async () => {
    const a = await handler('lienthong.transfer-to-tax').handle(job({}), deps);
    const b = await handler('lienthong.transfer-to-tax').handle(job({ key: '99' }), deps);
    expect(a.taxTransferSlip).toEqual(b.taxTransferSlip);
    expect(a.taxTransferSlip).toMatchObject({ number: 'PCTT-HS-1', to: 'co-quan-thue' });
  });

  test.each([
    ['lienthong.notify-citizen', { template: 'fax' }, /unknown notice template 'fax'/],
    ['lienthong.stop-dossier', { reason: 'weather' }, /unknown stop reason 'weather'/],
    ['lienthong.handoff', {}, /header 'to' must name the receiving agencies/],
  ])('Scenario: %s with headers %j fails the job', (type, customHeaders, error) => {
    expect(() => handler(type).handle(job({ customHeaders }), deps)).toThrow(error);
  });

  test('Scenario: a process without a dossier code fails every handler', () => {
    for (const h of HANDLERS)
      expect(() => h.handle(job({ variables: {}, customHeaders: { template: 'result-ready', reason: 'tax-unpaid', to: 'bhxh' } }), deps)).toThrow(
        /no dossierCode variable/,
      );
  });
});
