/**
 * Feature: event-based gateway — Zeebe: "When an event-based gateway is entered, the process
 * instance waits at the gateway until one of the events is triggered. When the first event is
 * triggered, the outgoing sequence flow of this event is taken. No other events of the gateway
 * can be triggered afterward."
 */
import { chain, end, eventGateway, flow, messageCatch, processXml, serviceTask, start, timerCatch } from '../support/bpmn.js';
import { HOUR, MINUTE, useEngine } from '../support/engine.js';

const h = useEngine();

/**
 * start → prepare? → gw ─▶ paid (message payment-received, =code) → onPaid (job) → e1
 *                        └▶ timeout (timer PT1H)                    → onTimeout (job) → e2
 */
const race = (withPrepare = false) =>
  processXml(
    'p',
    start('s'),
    ...(withPrepare ? [serviceTask('prepare', 'prepare')] : []),
    eventGateway('gw'),
    messageCatch('paid', 'payment-received', '=code'),
    timerCatch('timeout', { duration: 'PT1H' }),
    serviceTask('onPaid', 'on-paid'),
    serviceTask('onTimeout', 'on-timeout'),
    end('e1'),
    end('e2'),
    ...(withPrepare ? chain('s', 'prepare', 'gw') : [flow('s', 'gw')]),
    flow('gw', 'paid'),
    flow('gw', 'timeout'),
    ...chain('paid', 'onPaid', 'e1'),
    ...chain('timeout', 'onTimeout', 'e2'),
  );

describe('Feature: event-based gateway', () => {
  test('Scenario: entering the gateway opens a subscription and a timer for its events, and nothing else', async () => {
    await h.deploy(race());
    const key = await h.start('p', { code: 'HS-1' });
    expect((await h.instance(key)).active).toEqual(['gw']);
    expect((await h.subscriptions(key)).map((s) => [s.targetElementId, s.correlationKey])).toEqual([['paid', 'HS-1']]);
    expect((await h.timers(key)).map((t) => [t.targetElementId, t.dueAt])).toEqual([['timeout', h.clock.now() + HOUR]]);
  });

  test("Scenario: the message comes first — 'When the first event is triggered, the outgoing sequence flow of this event is taken'; the timer is cancelled and never fires", async () => {
    // Given an instance waiting at the gateway
    await h.deploy(race());
    const key = await h.start('p', { code: 'HS-1' });

    // When the payment arrives after 10 minutes
    h.clock.advance(10 * MINUTE);
    await h.engine.publishMessage({ name: 'payment-received', correlationKey: 'HS-1', variables: { amount: 9 } });

    // Then the message path is taken, and both waits are gone
    const i = await h.instance(key);
    expect(i.active).toEqual(['onPaid']);
    expect(i.variables.amount).toBe(9);
    expect(await h.timers(key)).toEqual([]);
    expect(await h.subscriptions(key)).toEqual([]);
    expect(await h.elementEnds(key)).toEqual(
      expect.arrayContaining([
        ['gw', 'ELEMENT_COMPLETED'],
        ['paid', 'ELEMENT_COMPLETED'],
      ]),
    );

    // And when the hour passes nothing fires
    expect(await h.advance(HOUR)).toBe(0);
    expect(await h.activate('on-timeout')).toEqual([]);
    await h.completeOne('on-paid');
    const ends = await h.elementEnds(key);
    expect(ends).toContainEqual(['e1', 'ELEMENT_COMPLETED']);
    expect(ends.map(([id]) => id)).not.toContain('timeout');
  });

  test("Scenario: the timer comes first — 'No other events of the gateway can be triggered afterward': the subscription is closed, a later message is not correlated", async () => {
    // Given an instance waiting at the gateway
    await h.deploy(race());
    const key = await h.start('p', { code: 'HS-1' });

    // When the hour passes first
    expect(await h.advance(HOUR)).toBe(1);

    // Then the timer path is taken and the subscription is gone
    expect((await h.instance(key)).active).toEqual(['onTimeout']);
    expect(await h.subscriptions(key)).toEqual([]);
    expect(await h.timers(key)).toEqual([]);

    // And a late payment is not correlated to the instance
    await expect(h.engine.correlateMessage({ name: 'payment-received', correlationKey: 'HS-1' })).rejects.toThrow(/no process instance waits/);
    expect(await h.countEvents('MESSAGE', 'CORRELATED', key)).toBe(0);
    expect((await h.instance(key)).active).toEqual(['onTimeout']);
    expect((await h.elementEnds(key)).map(([id]) => id)).not.toContain('paid');
  });

  test('Scenario: a message buffered before the gateway is entered wins at once, before any time passes', async () => {
    // Given a payment already buffered while the instance prepares
    await h.deploy(race(true));
    const key = await h.start('p', { code: 'HS-1' });
    await h.engine.publishMessage({ name: 'payment-received', correlationKey: 'HS-1', timeToLive: HOUR });

    // When the instance reaches the gateway
    await h.completeOne('prepare');

    // Then the message event is taken immediately and the timer is never left behind
    expect((await h.instance(key)).active).toEqual(['onPaid']);
    expect(await h.timers(key)).toEqual([]);
    expect(await h.subscriptions(key)).toEqual([]);
    expect(await h.advance(2 * HOUR)).toBe(0);
  });

  test('Scenario: two instances at their gateways are decided independently', async () => {
    await h.deploy(race());
    const a = await h.start('p', { code: 'HS-A' });
    const b = await h.start('p', { code: 'HS-B' });
    await h.engine.publishMessage({ name: 'payment-received', correlationKey: 'HS-A' });
    expect(await h.advance(HOUR)).toBe(1);
    expect((await h.instance(a)).active).toEqual(['onPaid']);
    expect((await h.instance(b)).active).toEqual(['onTimeout']);
    expect(await h.timers()).toEqual([]);
    expect(await h.subscriptions()).toEqual([]);
  });
});
