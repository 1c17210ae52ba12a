/**
 * Feature: link events — Zeebe ("Link events"): a link intermediate throw event goes on at the
 * link catch event of the same name in the same scope, as an off-page connector; the names must
 * match exactly one catch event.
 */
import { chain, end, flow, processXml, serviceTask, start, subProcess, type NodeItem } from '../support/bpmn.js';
import { rejection, useEngine } from '../support/engine.js';

const h = useEngine();

const linkThrow = (id: string, name: string): NodeItem => ({
  kind: 'node',
  id,
  tag: 'intermediateThrowEvent',
  tail: `<bpmn:linkEventDefinition id="${id}_def" name="${name}"/>`,
});
const linkCatch = (id: string, name: string): NodeItem => ({
  kind: 'node',
  id,
  tag: 'intermediateCatchEvent',
  tail: `<bpmn:linkEventDefinition id="${id}_def" name="${name}"/>`,
});

describe('Feature: a link throw event continues at its catch event', () => {
  test('Scenario: the token jumps from the throw to the catch of the same name and goes on', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        serviceTask('a', 'a'),
        linkThrow('toPage2', 'trang-2'),
        linkCatch('fromPage1', 'trang-2'),
        serviceTask('b', 'b'),
        end('e'),
        ...chain('s', 'a', 'toPage2'),
        ...chain('fromPage1', 'b', 'e'),
      ),
    );
    const key = await h.start('p');
    await h.completeOne('a');
    expect((await h.instance(key)).active).toEqual(['b']);
    const ends = (await h.elementEnds(key)).map(([id]) => id);
    expect(ends.indexOf('toPage2')).toBeLessThan(ends.indexOf('fromPage1'));
    await h.completeOne('b');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: inside a sub-process, the link stays in its scope', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('inner', [start('is'), linkThrow('jump', 'x'), linkCatch('land', 'x'), end('ie'), ...chain('is', 'jump'), flow('land', 'ie')]),
        serviceTask('after', 'after'),
        end('e'),
        ...chain('s', 'inner', 'after', 'e'),
      ),
    );
    const key = await h.start('p');
    expect((await h.instance(key)).active).toEqual(['after']);
  });

  test('Scenario: a throw whose name no catch event has, or two catch events of one name, are refused at deploy', async () => {
    const orphan = processXml('p', start('s'), linkThrow('jump', 'nowhere'), ...chain('s', 'jump'));
    expect(JSON.stringify((await rejection(h.deploy(orphan))).details)).toContain("no link catch event named 'nowhere'");
    const twice = processXml(
      'p',
      start('s'),
      linkThrow('jump', 'x'),
      linkCatch('c1', 'x'),
      linkCatch('c2', 'x'),
      end('e1'),
      end('e2'),
      ...chain('s', 'jump'),
      flow('c1', 'e1'),
      flow('c2', 'e2'),
    );
    expect(JSON.stringify((await rejection(h.deploy(twice))).details)).toContain("link name 'x' is caught twice");
  });
});
