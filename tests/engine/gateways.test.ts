/**
 * Feature: gateways route tokens by Zeebe's rules.
 */
import { chain, end, exclusiveGateway, flow, inclusiveGateway, parallelGateway, processXml, serviceTask, start } from '../support/bpmn.js';
import { useEngine } from '../support/engine.js';

const h = useEngine();

describe('Feature: exclusive gateway', () => {
  // amount > 100 → large; amount > 10 → medium; otherwise the default → small
  const xml = processXml(
    'route',
    start('s'),
    exclusiveGateway('size'),
    serviceTask('large', 'large'),
    serviceTask('medium', 'medium'),
    serviceTask('small', 'small'),
    end('e1'),
    end('e2'),
    end('e3'),
    flow('s', 'size'),
    flow('size', 'large', { condition: '=amount > 100' }),
    flow('size', 'medium', { condition: '=amount > 10' }),
    flow('size', 'small', { isDefault: true }),
    ...chain('large', 'e1'),
    ...chain('medium', 'e2'),
    ...chain('small', 'e3'),
  );

  async function routeOf(amount: number): Promise<string[]> {
    const key = await h.start('route', { amount });
    return h.activeElements(key);
  }

  test('Scenario: "the first outgoing flow whose condition is true is taken" — even when a later one is true too', async () => {
    await h.deploy(xml);
    expect(await routeOf(500)).toEqual(['large']);
    expect(await routeOf(50)).toEqual(['medium']);
  });

  test('Scenario: "if no condition is true, the default flow is taken"', async () => {
    await h.deploy(xml);
    expect(await routeOf(1)).toEqual(['small']);
  });

  test('Scenario: "no condition true and no default flow → an incident on the gateway"; set the variable, resolve, and the instance goes on', async () => {
    // Given a gateway without default flow
    await h.deploy(
      processXml(
        'p',
        start('s'),
        exclusiveGateway('decision'),
        serviceTask('approve', 'approve'),
        serviceTask('refuse', 'refuse'),
        end('e1'),
        end('e2'),
        flow('s', 'decision'),
        flow('decision', 'approve', { condition: '=result = "approve"' }),
        flow('decision', 'refuse', { condition: '=result = "refuse"' }),
        ...chain('approve', 'e1'),
        ...chain('refuse', 'e2'),
      ),
    );
    // When an instance arrives with a result no flow accepts
    const key = await h.start('p', { result: 'maybe' });
    // Then a CONDITION_ERROR incident stands on the gateway and no branch was taken
    const [incident] = await h.incidents(key);
    expect(incident).toMatchObject({ state: 'ACTIVE', errorType: 'CONDITION_ERROR', elementId: 'decision', jobKey: null });
    expect(await h.instance(key)).toMatchObject({ state: 'ACTIVE', hasIncident: true });
    expect(await h.activate('approve')).toEqual([]);
    expect(await h.activate('refuse')).toEqual([]);

    // When the variable is corrected and the incident resolved
    await h.engine.setVariables({ elementInstanceKey: key, variables: { result: 'refuse' } });
    await h.engine.resolveIncident(incident.key);

    // Then the gateway is evaluated again and takes the refuse branch
    expect((await h.incidents(key))[0].state).toBe('RESOLVED');
    expect((await h.instance(key)).hasIncident).toBe(false);
    await h.completeOne('refuse');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });
});

describe('Feature: default flows and single conditioned flows', () => {
  test('Scenario: "the default flow of an exclusive gateway may have a condition; it is not evaluated" (Zeebe ≥ 8.2)', async () => {
    // camunda/camunda#10966, fixed by #10968: BPMN 2.0 §10.5.2 — "Any such Expression SHALL be
    // ignored". Zeebe deploys the process and takes the default flow whatever its condition says.
    await h.deploy(
      processXml(
        'p',
        start('s'),
        exclusiveGateway('g'),
        serviceTask('yes', 'yes'),
        serviceTask('fallback', 'fallback'),
        flow('s', 'g'),
        flow('g', 'yes', { condition: '=ok' }),
        flow('g', 'fallback', { condition: '=false', isDefault: true }),
      ),
    );
    const key = await h.start('p', { ok: false });
    expect(await h.activeElements(key)).toEqual(['fallback']);
  });

  test('Scenario: "an inclusive gateway with a single outgoing flow whose condition is false raises an incident" (camunda/camunda#13936)', async () => {
    await h.deploy(processXml('p', start('s'), inclusiveGateway('g'), serviceTask('next', 'next'), flow('s', 'g'), flow('g', 'next', { condition: '=ready' })));
    const key = await h.start('p', { ready: false });
    expect(await h.incidents(key)).toEqual([expect.objectContaining({ errorType: 'CONDITION_ERROR', elementId: 'g' })]);
    expect(await h.activeElements(key)).toEqual(['g']);
  });
});

describe('Feature: parallel gateway', () => {
  test('Scenario: "a parallel fork activates every outgoing flow; the join waits until a token has arrived on every incoming flow"', async () => {
    // Given three agencies working in parallel, then a common step
    await h.deploy(
      processXml(
        'p',
        start('s'),
        parallelGateway('fork'),
        serviceTask('police', 'police'),
        serviceTask('tax', 'tax'),
        serviceTask('land', 'land'),
        parallelGateway('join'),
        serviceTask('result', 'result'),
        end('e'),
        ...chain('s', 'fork', 'police', 'join'),
        ...chain('fork', 'tax', 'join'),
        ...chain('fork', 'land', 'join', 'result', 'e'),
      ),
    );
    const key = await h.start('p');
    expect(await h.activeElements(key)).toEqual(['land', 'police', 'tax']);

    // When the branches complete one by one, the join keeps waiting
    await h.completeOne('police');
    expect(await h.activeElements(key)).toEqual(['land', 'tax']);
    expect(await h.activate('result')).toEqual([]);
    await h.completeOne('tax');
    expect(await h.activeElements(key)).toEqual(['land']);
    expect(await h.activate('result')).toEqual([]);

    // Then the last one lets the join through, once
    await h.completeOne('land');
    expect(await h.activeElements(key)).toEqual(['result']);
    const joins = (await h.events(key)).filter((e) => e.elementId === 'join' && e.intent === 'ELEMENT_ACTIVATED');
    expect(joins).toHaveLength(1);
    await h.completeOne('result');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });
});

describe('Feature: a token that reaches an end event', () => {
  test('Scenario: "an instance completes when no token is left" — one branch ending early does not complete it', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        parallelGateway('fork'),
        serviceTask('work', 'work'),
        end('early'),
        end('late'),
        ...chain('s', 'fork', 'early'),
        ...chain('fork', 'work', 'late'),
      ),
    );
    const key = await h.start('p');
    expect(await h.instance(key)).toMatchObject({ state: 'ACTIVE' });
    expect(await h.activeElements(key)).toEqual(['work']);
    await h.completeOne('work');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });
});

describe('Feature: inclusive gateway', () => {
  // Which agencies a dossier needs depends on what it contains; the default handles plain dossiers.
  const xml = processXml(
    'p',
    start('s'),
    inclusiveGateway('fork'),
    serviceTask('land', 'land'),
    serviceTask('construction', 'construction'),
    serviceTask('fire', 'fire'),
    serviceTask('plain', 'plain'),
    inclusiveGateway('join'),
    serviceTask('result', 'result'),
    end('e'),
    flow('s', 'fork'),
    flow('fork', 'land', { condition: '=needs.land' }),
    flow('fork', 'construction', { condition: '=needs.construction' }),
    flow('fork', 'fire', { condition: '=needs.fire' }),
    flow('fork', 'plain', { isDefault: true }),
    ...chain('land', 'join'),
    ...chain('construction', 'join'),
    ...chain('fire', 'join'),
    ...chain('plain', 'join'),
    ...chain('join', 'result', 'e'),
  );

  test('Scenario: "an inclusive fork takes every flow whose condition is true" — and not the default', async () => {
    await h.deploy(xml);
    const key = await h.start('p', { needs: { land: true, construction: false, fire: true } });
    expect(await h.activeElements(key)).toEqual(['fire', 'land']);
  });

  test('Scenario: "the default flow is taken only when no condition is true"', async () => {
    await h.deploy(xml);
    const key = await h.start('p', { needs: { land: false, construction: false, fire: false } });
    expect(await h.activeElements(key)).toEqual(['plain']);
    // And the join, reached by the only token there is, lets it through at once
    await h.completeOne('plain');
    expect(await h.activeElements(key)).toEqual(['result']);
  });

  test('Scenario: "an inclusive join waits only for the branches that were taken"', async () => {
    await h.deploy(xml);
    const key = await h.start('p', { needs: { land: true, construction: false, fire: true } });
    // When one of the two taken branches completes, the join waits for the other
    await h.completeOne('land');
    expect(await h.activeElements(key)).toEqual(['fire']);
    expect(await h.activate('result')).toEqual([]);
    // When the second completes, the join goes on without waiting for the untaken branches
    await h.completeOne('fire');
    expect(await h.activeElements(key)).toEqual(['result']);
    await h.completeOne('result');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: the inclusive join keeps waiting while a taken branch still has a token upstream of it', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        inclusiveGateway('fork'),
        serviceTask('check', 'check'),
        serviceTask('sign', 'sign'),
        serviceTask('fee', 'fee'),
        inclusiveGateway('join'),
        end('e'),
        flow('s', 'fork'),
        flow('fork', 'check', { condition: '=true' }),
        flow('fork', 'fee', { condition: '=true' }),
        ...chain('check', 'sign', 'join'),
        ...chain('fee', 'join', 'e'),
      ),
    );
    const key = await h.start('p');
    await h.completeOne('fee');
    await h.completeOne('check');
    // The token is now in `sign`, which can still reach the join
    expect(await h.activeElements(key)).toEqual(['sign']);
    expect((await h.instance(key)).state).toBe('ACTIVE');
    await h.completeOne('sign');
    expect((await h.instance(key)).state).toBe('COMPLETED');
    const joins = (await h.events(key)).filter((e) => e.elementId === 'join' && e.intent === 'ELEMENT_ACTIVATED');
    expect(joins).toHaveLength(1);
  });
});
