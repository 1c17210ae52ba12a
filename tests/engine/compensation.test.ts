/**
 * Feature: compensation — Zeebe 8.5+ ("Compensation events", "Compensation handler"): a
 * compensation throw event invokes, all at once, the handlers of the activities of its scope that
 * completed (also inside completed embedded sub-processes), once per completion, and waits for
 * them; `activityRef` narrows it to one activity; active or terminated activities are not
 * compensated; from an event sub-process it compensates the scope around it.
 */
import {
  chain,
  compensationBoundary,
  compensationEnd,
  compensationHandler,
  compensationThrow,
  end,
  errorStart,
  eventSubProcess,
  exclusiveGateway,
  flow,
  processXml,
  serviceTask,
  start,
  subProcess,
  timerBoundary,
} from '../support/bpmn.js';
import { HOUR, rejection, useEngine } from '../support/engine.js';

const h = useEngine();

/** book-room (undone by cancel-room) → book-car (undone by cancel-car) → `then` items. */
const bookings = (...then: Parameters<typeof processXml>[1][]) =>
  processXml(
    'trip',
    start('s'),
    serviceTask('bookRoom', 'book-room'),
    compensationBoundary('undoRoom', 'bookRoom', 'cancelRoom'),
    compensationHandler(serviceTask('cancelRoom', 'cancel-room')),
    serviceTask('bookCar', 'book-car'),
    compensationBoundary('undoCar', 'bookCar', 'cancelCar'),
    compensationHandler(serviceTask('cancelCar', 'cancel-car')),
    ...then,
  );

describe('Feature: a compensation throw event invokes the handlers of the completed activities', () => {
  test('Scenario: both bookings completed → both handlers run at once; the throw waits for them, then the flow goes on', async () => {
    await h.deploy(
      bookings(compensationThrow('undoAll'), serviceTask('after', 'after'), end('e'), ...chain('s', 'bookRoom', 'bookCar', 'undoAll', 'after', 'e')),
    );
    const key = await h.start('trip');
    await h.completeOne('book-room');
    await h.completeOne('book-car');

    expect((await h.jobs(key)).map((j) => j.type).sort()).toEqual(['cancel-car', 'cancel-room']);
    expect((await h.instance(key)).active.sort()).toEqual(['cancelCar', 'cancelRoom', 'undoAll']);
    await h.completeOne('cancel-car');
    expect((await h.instance(key)).active.sort()).toEqual(['cancelRoom', 'undoAll']);
    await h.completeOne('cancel-room');
    expect((await h.instance(key)).active).toEqual(['after']);
    await h.completeOne('after');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: an activity not completed yet is not compensated', async () => {
    // book-room → undo → book-car: when the throw comes, only the room was booked
    await h.deploy(bookings(end('e'), ...chain('s', 'bookRoom', 'undo', 'bookCar', 'e'), compensationThrow('undo')));
    const key = await h.start('trip');
    await h.completeOne('book-room');
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['cancel-room']);
    await h.completeOne('cancel-room');
    await h.completeOne('book-car');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: with nothing to compensate the throw event simply goes on', async () => {
    await h.deploy(bookings(end('e'), ...chain('s', 'undo', 'bookRoom', 'bookCar', 'e'), compensationThrow('undo')));
    const key = await h.start('trip');
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['book-room']);
  });

  test('Scenario: activityRef compensates that activity only', async () => {
    await h.deploy(bookings(compensationThrow('onlyCar', 'bookCar'), end('e'), ...chain('s', 'bookRoom', 'bookCar', 'onlyCar', 'e')));
    const key = await h.start('trip');
    await h.completeOne('book-room');
    await h.completeOne('book-car');
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['cancel-car']);
    await h.completeOne('cancel-car');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: an activity completed twice (a loop back) is compensated twice; each completion only once', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        serviceTask('pay', 'pay'),
        compensationBoundary('undoPay', 'pay', 'refund'),
        compensationHandler(serviceTask('refund', 'refund')),
        exclusiveGateway('again'),
        compensationEnd('undo'),
        flow('s', 'pay'),
        flow('pay', 'again'),
        flow('again', 'pay', { condition: '=count(paid) < 2' }),
        flow('again', 'undo', { isDefault: true }),
      ),
    );
    const key = await h.start('p', { paid: [] });
    await h.completeOne('pay', { paid: [1] });
    await h.completeOne('pay', { paid: [1, 2] });
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['refund', 'refund']);
    for (const j of await h.activate('refund')) await h.engine.completeJob({ jobKey: j.key });
    expect((await h.instance(key)).state).toBe('COMPLETED');
    expect(await h.countEvents('COMPENSATION_SUBSCRIPTION', 'CREATED', key)).toBe(2);
  });
});

describe('Feature: compensation and embedded sub-processes', () => {
  test('Scenario: a throw in the process compensates what completed inside a completed sub-process', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('book', [
          start('bs'),
          serviceTask('bookRoom', 'book-room'),
          compensationBoundary('undoRoom', 'bookRoom', 'cancelRoom'),
          compensationHandler(serviceTask('cancelRoom', 'cancel-room')),
          end('be'),
          ...chain('bs', 'bookRoom', 'be'),
        ]),
        compensationEnd('undo'),
        ...chain('s', 'book', 'undo'),
      ),
    );
    const key = await h.start('p');
    await h.completeOne('book-room');
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['cancel-room']);
    await h.completeOne('cancel-room');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });

  test('Scenario: a sub-process terminated by a boundary event leaves nothing to compensate', async () => {
    await h.deploy(
      processXml(
        'p',
        start('s'),
        subProcess('book', [
          start('bs'),
          serviceTask('bookRoom', 'book-room'),
          compensationBoundary('undoRoom', 'bookRoom', 'cancelRoom'),
          compensationHandler(serviceTask('cancelRoom', 'cancel-room')),
          serviceTask('bookCar', 'book-car'),
          end('be'),
          ...chain('bs', 'bookRoom', 'bookCar', 'be'),
        ]),
        timerBoundary('late', 'book', { duration: 'PT1H' }),
        compensationThrow('undo'),
        serviceTask('after', 'after'),
        end('e'),
        end('lateEnd'),
        ...chain('s', 'book', 'e'),
        ...chain('late', 'undo', 'after', 'lateEnd'),
      ),
    );
    const key = await h.start('p');
    await h.completeOne('book-room');
    await h.advance(2 * HOUR);
    // The sub-process was terminated: its booking is not compensated, and the throw goes on.
    expect((await h.jobs(key)).map((j) => j.type)).toEqual(['after']);
  });
});

describe('Feature: compensation from an error event sub-process', () => {
  test('Scenario: a failure caught by an error event sub-process undoes the bookings of the process', async () => {
    await h.deploy(
      bookings(
        serviceTask('pay', 'pay'),
        end('e'),
        ...chain('s', 'bookRoom', 'bookCar', 'pay', 'e'),
        eventSubProcess('onFailure', [errorStart('failed', 'PAYMENT_FAILED'), compensationEnd('undoAll'), ...chain('failed', 'undoAll')]),
      ),
    );
    const key = await h.start('trip');
    await h.completeOne('book-room');
    await h.completeOne('book-car');
    const [pay] = await h.activate('pay');
    await h.engine.throwError({ jobKey: pay.key, errorCode: 'PAYMENT_FAILED' });
    expect((await h.jobs(key)).map((j) => j.type).sort()).toEqual(['cancel-car', 'cancel-room']);
    await h.completeOne('cancel-room');
    await h.completeOne('cancel-car');
    expect((await h.instance(key)).state).toBe('COMPLETED');
  });
});

describe('Feature: what is refused at deploy', () => {
  test('Scenario: a handler with sequence flows, a boundary without a handler, an activityRef with no handler', async () => {
    const withFlows = bookings(end('e'), ...chain('s', 'bookRoom', 'bookCar', 'e'), flow('cancelCar', 'e'));
    const e1 = await rejection(h.deploy(withFlows));
    expect(JSON.stringify(e1.details ?? e1.message)).toContain('a compensation handler cannot have sequence flows');
    const noHandler = processXml(
      'p',
      start('s'),
      serviceTask('a', 'a'),
      { ...compensationBoundary('undoA', 'a', 'ghost'), after: undefined },
      end('e'),
      ...chain('s', 'a', 'e'),
    );
    expect(JSON.stringify((await rejection(h.deploy(noHandler))).details)).toContain('exactly one association');
    const badRef = bookings(compensationThrow('undo', 'bookRoom'), end('e'), ...chain('s', 'undo', 'e'), ...chain('bookRoom', 'bookCar')).replace(
      'activityRef="bookRoom"',
      'activityRef="s"',
    );
    expect(JSON.stringify((await rejection(h.deploy(badRef))).details)).toContain("activityRef 's'");
  });
});
