/**
 * Feature: a process the engine would not run exactly as Zeebe does is refused at deploy time,
 * with the id and BPMN type of every element at fault — never at run time.
 */
import { Invalid } from '../../src/errors.js';
import { chain, end, exclusiveGateway, flow, node, processXml, rawDefinitions, serviceTask, start } from '../support/bpmn.js';
import { rejection, useEngine } from '../support/engine.js';

const h = useEngine();

interface Problem {
  elementId: string;
  elementType: string;
  message: string;
}

/** Deploys and expects Invalid; returns its problems. */
async function refused(xml: string): Promise<Problem[]> {
  const e = await rejection(h.engine.deployResources([{ name: 'bad.bpmn', content: xml }]));
  expect(e).toBeInstanceOf(Invalid);
  expect(Array.isArray(e.details?.problems)).toBe(true);
  return e.details.problems;
}

async function rowCounts() {
  const { rows } = await h.db.query(`
    select (select count(*)::int from engine.deployments) as deployments,
           (select count(*)::int from engine.definitions) as definitions,
           (select count(*)::int from engine.events) as events`);
  return rows[0];
}

const good = processXml('good', start('s'), end('e'), ...chain('s', 'e'));

describe('Feature: unsupported or incomplete elements are refused at deploy', () => {
  test('Scenario: an element the engine does not execute (complexGateway) is named with its id and type', async () => {
    const problems = await refused(processXml('p', start('s'), node('complexGateway', 'approval'), end('e'), ...chain('s', 'approval', 'e')));
    expect(problems).toContainEqual(expect.objectContaining({ elementId: 'approval', elementType: 'bpmn:ComplexGateway' }));
  });

  test('Scenario: "a service task must have a job type" — a service task without zeebe:taskDefinition is refused', async () => {
    const problems = await refused(processXml('p', start('s'), serviceTask('charge'), end('e'), ...chain('s', 'charge', 'e')));
    expect(problems).toContainEqual(expect.objectContaining({ elementId: 'charge', elementType: 'bpmn:ServiceTask' }));
  });

  test('Scenario: Zeebe extensions the engine would otherwise ignore — task and execution listeners, a DMN call — are refused, naming each', async () => {
    const problems = await refused(
      rawDefinitions(`<bpmn:process id="p" isExecutable="true">
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
        <bpmn:userTask id="review"><bpmn:extensionElements><zeebe:userTask/><zeebe:taskListeners><zeebe:taskListener eventType="assigning" type="audit"/></zeebe:taskListeners></bpmn:extensionElements></bpmn:userTask>
        <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide"/>
        <bpmn:businessRuleTask id="decide"><bpmn:extensionElements><zeebe:calledDecision decisionId="fee" resultVariable="fee"/><zeebe:executionListeners><zeebe:executionListener eventType="start" type="log"/></zeebe:executionListeners></bpmn:extensionElements></bpmn:businessRuleTask>
        <bpmn:sequenceFlow id="f3" sourceRef="decide" targetRef="e"/><bpmn:endEvent id="e"/>
      </bpmn:process>`),
    );
    const about = (id: string) => problems.filter((p) => p.elementId === id).map((p) => p.message);
    expect(about('review')).toEqual([expect.stringMatching(/zeebe:taskListeners/)]);
    expect(about('decide')).toEqual(expect.arrayContaining([expect.stringMatching(/zeebe:calledDecision/), expect.stringMatching(/zeebe:executionListeners/)]));
  });

  test('Scenario: a sequence flow whose target does not exist is refused, naming the flow', async () => {
    const problems = await refused(processXml('p', start('s'), end('e'), flow('s', 'e'), flow('s', 'ghost', { id: 'to_ghost' })));
    expect(problems).toContainEqual(expect.objectContaining({ elementId: 'to_ghost', elementType: 'bpmn:SequenceFlow' }));
  });

  test('Scenario: "an exclusive gateway with several outgoing flows: each must have a condition or be the default flow"', async () => {
    const problems = await refused(
      processXml(
        'p',
        start('s'),
        exclusiveGateway('decide'),
        end('approved'),
        end('rejected'),
        flow('s', 'decide'),
        flow('decide', 'approved', { condition: '=ok' }),
        flow('decide', 'rejected', { id: 'no_condition' }),
      ),
    );
    expect(problems).toContainEqual(expect.objectContaining({ elementId: 'no_condition', elementType: 'bpmn:SequenceFlow' }));
  });

  test('Scenario: a condition on a flow leaving a task is refused (conditions only leave exclusive/inclusive gateways)', async () => {
    const problems = await refused(
      processXml('p', start('s'), serviceTask('t', 'work'), end('e'), flow('s', 't'), flow('t', 'e', { id: 'conditional', condition: '=done' })),
    );
    expect(problems).toContainEqual(expect.objectContaining({ elementId: 'conditional', elementType: 'bpmn:SequenceFlow' }));
  });
});

describe('Feature: FEEL that does not parse is refused at deploy', () => {
  test('Scenario: a condition that does not parse names its sequence flow', async () => {
    const problems = await refused(
      processXml(
        'p',
        start('s'),
        exclusiveGateway('g'),
        end('a'),
        end('b'),
        flow('s', 'g'),
        flow('g', 'a', { id: 'broken', condition: '=amount >' }),
        flow('g', 'b', { isDefault: true }),
      ),
    );
    expect(problems).toContainEqual(expect.objectContaining({ elementId: 'broken', elementType: 'bpmn:SequenceFlow', message: expect.stringMatching(/FEEL/) }));
  });

  test('Scenario: a job type expression that does not parse names its task', async () => {
    const problems = await refused(processXml('p', start('s'), serviceTask('t', '=concat('), end('e'), ...chain('s', 't', 'e')));
    expect(problems).toContainEqual(expect.objectContaining({ elementId: 't', elementType: 'bpmn:ServiceTask', message: expect.stringMatching(/FEEL/) }));
  });

  test('Scenario: a mapping source that does not parse names its task', async () => {
    const problems = await refused(
      processXml('p', start('s'), serviceTask('t', 'work', { outputs: { total: '=price *' } }), end('e'), ...chain('s', 't', 'e')),
    );
    expect(problems).toContainEqual(expect.objectContaining({ elementId: 't', elementType: 'bpmn:ServiceTask', message: expect.stringMatching(/total/) }));
  });
});

describe('Feature: hostile or broken XML is refused', () => {
  test('Scenario: a DOCTYPE with an external entity (XXE) is refused and nothing of the file is read', async () => {
    const xxe = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE definitions [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
${good.replace(/^<\?xml[^>]*>\s*/, '').replace('<bpmn:process id="good"', '<bpmn:process id="good" name="&secret;"')}`;
    const problems = await refused(xxe);
    expect(problems[0]).toMatchObject({ elementType: 'xml', message: expect.stringMatching(/DTD|entit/i) });
    expect(await rowCounts()).toEqual({ deployments: 0, definitions: 0, events: 0 });
  });

  test('Scenario: entity expansion ("billion laughs") is refused', async () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
${good.replace(/^<\?xml[^>]*>\s*/, '').replace('<bpmn:process id="good"', '<bpmn:process id="good" name="&lol4;"')}`;
    const problems = await refused(laughs);
    expect(problems[0]).toMatchObject({ elementType: 'xml' });
  });

  test('Scenario: malformed XML is Invalid, not a crash', async () => {
    const truncated = good.slice(0, good.indexOf('<bpmn:startEvent') + 12);
    const problems = await refused(truncated);
    expect(problems[0]).toMatchObject({ elementType: 'xml' });
    await refused('this is not XML at all');
  });

  test('Scenario: a document with no executable process is refused', async () => {
    await refused(rawDefinitions(`<bpmn:process id="p" isExecutable="false"><bpmn:startEvent id="s"/></bpmn:process>`));
  });
});

describe('Feature: a failed deployment changes nothing', () => {
  test('Scenario: a deployment with one good and one bad resource stores neither', async () => {
    // Given version 1 of "good" is deployed
    await h.deploy(good, 'good.bpmn');
    const before = await rowCounts();
    // When a deployment carries a changed "good" and a broken second resource
    const changed = processXml('good', start('s'), serviceTask('t', 'w'), end('e'), ...chain('s', 't', 'e'));
    const broken = processXml('other', start('s'), node('complexGateway', 'cg'), end('e'), ...chain('s', 'cg', 'e'));
    const e = await rejection(
      h.engine.deployResources([
        { name: 'good.bpmn', content: changed },
        { name: 'other.bpmn', content: broken },
      ]),
    );
    // Then it is refused as a whole: no deployment, no definition, no event was written
    expect(e).toBeInstanceOf(Invalid);
    expect(await rowCounts()).toEqual(before);
    // And the next good deployment of "good" is version 2, not 3
    expect((await h.deploy(changed, 'good.bpmn')).version).toBe(2);
  });
});
