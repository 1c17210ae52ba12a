/**
 * Feature: escalation — Zeebe ("Escalation events"): an escalation throw or end event escalates
 * its code to the nearest catch event outward (an escalation event sub-process of its scope, an
 * escalation boundary event of the sub-process or call activity around it, up to the calling
 * process), by code or catch-all; interrupting or not; uncaught, the flow simply goes on.
 */
import {
  callActivity,
  chain,
  definitions,
  end,
  escalationBoundary,
  escalationEnd,
  escalationStart,
  escalationThrow,
  eventSubProcess,
  proc,
  processXml,
  serviceTask,
  start,
  subProcess,
  type Item,
} from '../support/bpmn.js';
import { useEngine } from '../support/engine.js';

const h = useEngine();

/** A sub-process `review` that escalates `code` midway (review → escalate → finish), then the process's `after`. */
const reviewWithEscalation = (code: string, ...around: Item[]) =>
  processXml(
    'p',
    start('s'),
    subProcess('review', [
      start('rs'),
      escalationThrow('escalate', code),
      serviceTask('finish', 'finish'),
      end('re'),
      ...chain('rs', 'escalate', 'finish', 're'),
    ]),
    serviceTask('after', 'after'),
    end('e'),
    ...chain('s', 'review', 'after', 'e'),
    ...around,
  );

describe('Feature: an escalation caught by a boundary event of the sub-process', () => {
  test('Scenario: non-interrupting — the head of agency is told, and the review goes on', async () => {
    await h.deploy(
      reviewWithEscalation(
        'QUA_HAN',
        escalationBoundary('toHead', 'review', 'QUA_HAN', { interrupting: false }),
        serviceTask('notifyHead', 'notify-head'),
        end('told'),
        ...chain('toHead', 'notifyHead', 'told'),
      ),
    );
    const key = await h.start('p');

    expect((await h.jobs(key)).map((j) => j.type).sort()).toEqual(['finish', 'notify-head']);
    await h.completeOne('notify-head');
    await h.completeOne('finish');
    await h.completeOne('after');
    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await h.countEvents('ESCALATION', 'ESCALATED', key)).toBe(1);
  });

  test('Scenario: interrupting — the review ends where it escalated, and the boundary flow goes on instead', async () => {
    await h.deploy(
      reviewWithEscalation(
        'QUA_HAN',
        escalationBoundary('toHead', 'review'),
        serviceTask('notifyHead', 'notify-head'),
        end('told'),
        ...chain('toHead', 'notifyHead', 'told'),
      ),
    );
    const key = await h.start('p');

    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['notify-head']); // the catch-all took it
    expect(await h.elementEnds(key)).toEqual(expect.arrayContaining([['review', 'ELEMENT_TERMINATED']]));
    await h.completeOne('notify-head');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });
});

describe('Feature: an escalation caught by an event sub-process', () => {
  test('Scenario: an escalation end event in a sub-process starts the non-interrupting event sub-process of the process', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('review', [start('rs'), escalationEnd('giveUp', 'CAN_HO_TRO'), ...chain('rs', 'giveUp')]),
        serviceTask('after', 'after'),
        end('e'),
        ...chain('s', 'review', 'after', 'e'),
        eventSubProcess('support', [
          escalationStart('needSupport', 'CAN_HO_TRO', { interrupting: false }),
          serviceTask('assist', 'assist'),
          end('assisted'),
          ...chain('needSupport', 'assist', 'assisted'),
        ]),
      ),
    );
    const key = await h.start('p');

    // The sub-process ended normally (the end event completed), so the process went on beside the support
    expect((await h.jobs(key)).map((j) => j.type).sort()).toEqual(['after', 'assist']);
    await h.completeOne('assist');
    await h.completeOne('after');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });
});

describe('Feature: an escalation nobody catches', () => {
  test('Scenario: the flow goes on past the throw event, with no incident', async () => {
    await h.deploy(reviewWithEscalation('KHONG_AI_BAT'));
    const key = await h.start('p');

    await h.completeOne('finish');
    await h.completeOne('after');
    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await h.incidents(key)).toEqual([]);
    expect(await h.countEvents('ESCALATION', 'NOT_ESCALATED', key)).toBe(1);
  });
});

describe('Feature: an escalation from a called process', () => {
  test('Scenario: the call activity’s interrupting escalation boundary catches it and the child is cancelled', async () => {
    await h.deploy(
      definitions(
        proc(
          'parent',
          start('s'),
          callActivity('call', 'child'),
          end('e'),
          ...chain('s', 'call', 'e'),
          escalationBoundary('escalated', 'call', 'CHUYEN_CAP'),
          serviceTask('takeOver', 'take-over'),
          end('taken'),
          ...chain('escalated', 'takeOver', 'taken'),
        ),
        proc(
          'child',
          start('cs'),
          escalationThrow('up', 'CHUYEN_CAP'),
          serviceTask('childWork', 'child-work'),
          end('ce'),
          ...chain('cs', 'up', 'childWork', 'ce'),
        ),
      ),
    );
    const key = await h.start('parent');

    const [child] = await h.children(key);
    expect(child.state).toBe('TERMINATED');
    expect((await h.jobs()).map((j) => j.type)).toEqual(['take-over']);
    await h.completeOne('take-over');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });
});

describe('Feature: escalations that cannot run are refused at deploy', () => {
  const refused = async (xml: string, message: RegExp) => {
    await expect(h.deploy(xml)).rejects.toMatchObject({
      details: { problems: expect.arrayContaining([expect.objectContaining({ message: expect.stringMatching(message) })]) },
    });
  };

  test('Scenario: an escalation boundary event on a task', async () => {
    await refused(
      processXml('p', start('s'), serviceTask('t', 't'), end('e'), ...chain('s', 't', 'e'), escalationBoundary('b', 't', 'X'), end('be'), ...chain('b', 'be')),
      /escalation boundary event may only be attached to a sub-process or a call activity/,
    );
  });

  test('Scenario: an escalation throw event without a code', async () => {
    const xml = reviewWithEscalation('X').replace(/escalationRef="[^"]*"/, '');
    await refused(xml, /escalation throw event needs an escalation with an escalation code/);
  });
});
