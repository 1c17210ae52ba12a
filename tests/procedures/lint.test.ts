/**
 * Feature: the linked-procedure lint rules (the bpmnlint plugin in
 * packages/bpmnlint-plugin-lienthong, run by bpmnlint's Linter through src/procedures/lint), each
 * tried as bpmnlint's RuleTester does: a valid model that passes, invalid ones that are reported
 * on the right element.
 */
import { lintVersion, RULES, type LintProblem, type Procedure, type RuleVersion } from '../../src/procedures/index.js';
import { chain, end, exclusiveGateway, flow, node, parallelGateway, processXml, rawDefinitions, serviceTask, start, userTask } from '../support/bpmn.js';

const limit = (value: number, unit: 'working_days' | 'working_hours' = 'working_days') => ({
  value,
  unit,
  source: 'thử',
  confirmed: false,
  note: 'thử',
});

function baseVersion(): RuleVersion {
  return {
    version: '2025.07',
    effectiveFrom: '2025-07-01',
    effectiveTo: null,
    legalBasis: [{ document: 'thử', title: { vi: 'thử', en: 'test' } }],
    channels: ['counter'],
    process: {
      bpmnProcessId: 'p',
      file: 'process.bpmn',
      variables: [],
      jobTypes: ['lienthong.notify-citizen'],
      messages: [{ name: 'tax-paid', correlationKey: 'dossierCode', description: { vi: 'thử', en: 'test' } }],
    },
    agencies: [
      {
        code: 'ubnd-xa',
        name: { vi: 'UBND xã', en: 'Commune' },
        level: 'commune',
        steps: [{ id: 'a', elementId: 'a', name: { vi: 'a', en: 'a' }, limit: limit(2) }],
      },
      {
        code: 'cong-an-xa',
        name: { vi: 'Công an xã', en: 'Police' },
        level: 'commune',
        steps: [{ id: 'b', elementId: 'b', name: { vi: 'b', en: 'b' }, limit: limit(3) }],
      },
    ],
    totalLimit: limit(5),
    cutOff: null,
    documents: [],
    fees: [],
    supplement: {
      maxRequests: { value: 1, source: 'thử', confirmed: false, note: 'thử' },
      clock: { value: 'restart', source: 'thử', confirmed: false, note: 'thử' },
    },
  };
}

async function lint(rule: string, xml: string, change: (v: RuleVersion) => void = () => {}): Promise<Array<Pick<LintProblem, 'elementId' | 'message'>>> {
  const version = baseVersion();
  change(version);
  const procedure: Procedure = {
    code: 'thu',
    name: { vi: 'Thử', en: 'Test' },
    field: { code: 'thu', vi: 'Thử', en: 'Test' },
    versions: [version],
  };
  const problems = await lintVersion(procedure, version, () => xml, { rules: { [rule]: RULES[rule] } });
  return problems.map(({ elementId, message }) => ({ elementId, message }));
}

const A = userTask('a', { candidateGroups: 'ubnd-xa', dueDate: '=dueDates.a' });
const B = userTask('b', { candidateGroups: 'cong-an-xa', dueDate: '=dueDates.b' });
const sequential = processXml('p', start('s'), A, B, end('e'), ...chain('s', 'a', 'b', 'e'));
const parallel = processXml(
  'p',
  start('s'),
  parallelGateway('fork'),
  A,
  B,
  parallelGateway('join'),
  end('e'),
  ...chain('s', 'fork', 'a', 'join', 'e'),
  flow('fork', 'b'),
  flow('b', 'join'),
);

describe('Rule: user-task-agency', () => {
  test('valid: every user task names an agency of the procedure that performs it', async () => {
    expect(await lint('user-task-agency', sequential)).toEqual([]);
  });
  test('invalid: an agency the procedure does not list, a listed agency without a step there, no group at all', async () => {
    const xml = processXml(
      'p',
      start('s'),
      userTask('a', { candidateGroups: 'so-tai-chinh', dueDate: '=dueDates.a' }),
      userTask('b', { candidateGroups: 'ubnd-xa', dueDate: '=dueDates.b' }),
      userTask('c', { dueDate: '=dueDates.c' }),
      end('e'),
      ...chain('s', 'a', 'b', 'c', 'e'),
    );
    expect(await lint('user-task-agency', xml)).toEqual([
      { elementId: 'a', message: expect.stringContaining("agency 'so-tai-chinh' is not listed by the procedure") },
      { elementId: 'b', message: expect.stringContaining("agency 'ubnd-xa' lists no step on this task") },
      { elementId: 'c', message: expect.stringContaining('a user task needs candidateGroups') },
    ]);
  });
  test('a FEEL candidate group (a multi-instance step over agencies) needs an agency performing the step', async () => {
    const xml = (id: string) =>
      processXml('p', start('s'), userTask(id, { candidateGroups: '=consultedAgency', dueDate: '=dueDates.x' }), end('e'), ...chain('s', id, 'e'));
    expect(await lint('user-task-agency', xml('b'))).toEqual([]);
    expect(await lint('user-task-agency', xml('z'))).toEqual([
      { elementId: 'z', message: expect.stringContaining('no agency of the procedure performs a step on this task') },
    ]);
  });
});

describe('Rule: agency-step-limit', () => {
  test('valid: each user task is a step with a limit, each step a user task', async () => {
    expect(await lint('agency-step-limit', sequential)).toEqual([]);
  });
  test('invalid: a user task that is no step, a step on no user task, a step without a limit', async () => {
    const xml = processXml('p', start('s'), A, userTask('c', { candidateGroups: 'ubnd-xa', dueDate: '=dueDates.c' }), end('e'), ...chain('s', 'a', 'c', 'e'));
    expect(
      await lint('agency-step-limit', xml, (v) => {
        (v.agencies[0].steps[0] as any).limit = undefined;
      }),
    ).toEqual([
      { elementId: 'p', message: expect.stringContaining("bước 'b' của cơ quan 'cong-an-xa' chỉ đến 'b'") },
      { elementId: 'a', message: expect.stringContaining('the step has no time limit') },
      { elementId: 'c', message: expect.stringContaining('the user task is no agency step') },
    ]);
  });
});

describe('Rule: user-task-due-date', () => {
  test('valid: due dates come from dueDates', async () => {
    expect(await lint('user-task-due-date', sequential)).toEqual([]);
  });
  test('invalid: no due date, or a fixed one', async () => {
    const xml = processXml(
      'p',
      start('s'),
      userTask('a', { candidateGroups: 'ubnd-xa' }),
      userTask('b', { candidateGroups: 'cong-an-xa', dueDate: '2026-01-09T17:00:00+07:00' }),
      end('e'),
      ...chain('s', 'a', 'b', 'e'),
    );
    expect(await lint('user-task-due-date', xml)).toEqual([
      { elementId: 'a', message: expect.stringContaining('needs zeebe:taskSchedule dueDate') },
      { elementId: 'b', message: expect.stringContaining('must be a FEEL expression over dueDates') },
    ]);
  });
});

describe('Rule: statutory-total', () => {
  test('valid: 2 + 3 working days in sequence fit 5; in parallel they fit 3', async () => {
    expect(await lint('statutory-total', sequential)).toEqual([]);
    expect(await lint('statutory-total', parallel, (v) => (v.totalLimit.value = 3))).toEqual([]);
  });
  test('invalid: 2 + 3 working days in sequence do not fit 4 — the longest path is named', async () => {
    expect(await lint('statutory-total', sequential, (v) => (v.totalLimit.value = 4))).toEqual([
      {
        elementId: 'p',
        message: expect.stringContaining('nhánh dài nhất (a → b) là 5 ngày làm việc, vượt thời hạn luật định 4 ngày làm việc'),
      },
    ]);
  });
  test('a path through a boundary event counts: 2 days, then a 4-day step after the timer', async () => {
    const xml = processXml(
      'p',
      start('s'),
      A,
      node('boundaryEvent', 'late', '<bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>'),
      userTask('c', { candidateGroups: 'ubnd-xa', dueDate: '=dueDates.c' }),
      end('e'),
      end('e2'),
      ...chain('s', 'a', 'e'),
      ...chain('late', 'c', 'e2'),
    ).replace('<bpmn:boundaryEvent id="late">', '<bpmn:boundaryEvent id="late" attachedToRef="a">');
    const problems = await lint('statutory-total', xml, (v) =>
      v.agencies[0].steps.push({ id: 'c', elementId: 'c', name: { vi: 'c', en: 'c' }, limit: limit(4) }),
    );
    expect(problems).toEqual([{ elementId: 'p', message: expect.stringContaining('(a → c) là 6 ngày làm việc') }]);
  });
  test('working hours and working days add up at 8 hours a day', async () => {
    const hours = (v: RuleVersion) => (v.agencies[1].steps[0].limit = limit(4, 'working_hours'));
    expect(await lint('statutory-total', sequential, (v) => (hours(v), (v.totalLimit = limit(2))))).toEqual([
      { elementId: 'p', message: expect.stringContaining('2.5 ngày làm việc') },
    ]);
    expect(await lint('statutory-total', sequential, (v) => (hours(v), (v.totalLimit = limit(20, 'working_hours'))))).toEqual([]);
  });
  test('a total in calendar days holds its fewest working days (five in seven, no holiday): 7 days hold 5, so 2 + 3 fit; 6 days hold 4, so they do not', async () => {
    const calendarDays = (value: number) => ({ ...limit(value), unit: 'calendar_days' as const });
    expect(await lint('statutory-total', sequential, (v) => (v.totalLimit = calendarDays(7)))).toEqual([]);
    expect(await lint('statutory-total', sequential, (v) => (v.totalLimit = calendarDays(6)))).toEqual([
      { elementId: 'p', message: expect.stringContaining('là 5 ngày làm việc, vượt thời hạn luật định 6 ngày (ít nhất 4 ngày làm việc)') },
    ]);
  });
  test('a loop is reported: its longest path has no bound', async () => {
    const xml = processXml(
      'p',
      start('s'),
      A,
      exclusiveGateway('again'),
      end('e'),
      ...chain('s', 'a', 'again'),
      flow('again', 'a', { condition: '=redo' }),
      flow('again', 'e', { isDefault: true }),
    );
    expect(await lint('statutory-total', xml)).toEqual([{ elementId: 'p', message: expect.stringContaining('the process has a loop') }]);
  });
});

describe('Rule: service-task-job-type', () => {
  test('valid: the declared lienthong.* job types, all used', async () => {
    const xml = processXml('p', start('s'), serviceTask('n', 'lienthong.notify-citizen'), end('e'), ...chain('s', 'n', 'e'));
    expect(await lint('service-task-job-type', xml)).toEqual([]);
  });
  test('invalid: a job type outside the namespace, one not declared, one declared but unused', async () => {
    const xml = processXml('p', start('s'), serviceTask('x', 'notify'), serviceTask('y', 'lienthong.fax-citizen'), end('e'), ...chain('s', 'x', 'y', 'e'));
    expect(await lint('service-task-job-type', xml)).toEqual([
      { elementId: 'p', message: expect.stringContaining("'lienthong.notify-citizen' được khai báo nhưng không dùng") },
      { elementId: 'x', message: expect.stringContaining('job types are namespaced lienthong.<name>') },
      { elementId: 'y', message: expect.stringContaining('job type not declared in process.jobTypes') },
    ]);
  });
});

describe('Rule: message-correlation', () => {
  const waitFor = (message: string, key: string) =>
    rawDefinitions(`
  <bpmn:message id="m" name="${message}"><bpmn:extensionElements><zeebe:subscription correlationKey="${key}"/></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>`);
  test('valid: a declared message correlated by the dossier code', async () => {
    expect(await lint('message-correlation', waitFor('tax-paid', '=dossierCode'))).toEqual([]);
  });
  test('invalid: an undeclared message; a declared one correlated by something else', async () => {
    expect(await lint('message-correlation', waitFor('fee-paid', '=dossierCode'))).toEqual([
      { elementId: 'wait', message: expect.stringContaining('message not declared') },
    ]);
    expect(await lint('message-correlation', waitFor('tax-paid', '=applicantId'))).toEqual([
      { elementId: 'wait', message: expect.stringContaining('must be correlated by =dossierCode, not =applicantId') },
    ]);
  });
  test('invalid: the message start of an event sub-process waits by key too', async () => {
    const xml = rawDefinitions(`
  <bpmn:message id="m" name="fee-paid"><bpmn:extensionElements><zeebe:subscription correlationKey="=dossierCode"/></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e"/><bpmn:endEvent id="e"/>
    <bpmn:subProcess id="esp" triggeredByEvent="true">
      <bpmn:startEvent id="paid"><bpmn:messageEventDefinition messageRef="m"/></bpmn:startEvent>
      <bpmn:sequenceFlow id="f2" sourceRef="paid" targetRef="done"/><bpmn:endEvent id="done"/>
    </bpmn:subProcess>
  </bpmn:process>`);
    expect(await lint('message-correlation', xml)).toEqual([{ elementId: 'paid', message: expect.stringContaining('message not declared') }]);
  });
});

describe('Rule: element-name (a warning)', () => {
  const named = (name?: string) =>
    processXml('p', start('s'), end('e'), ...chain('s', 'e'))
      .replace('<bpmn:startEvent id="s">', `<bpmn:startEvent id="s"${name === undefined ? '' : ` name="${name}"`}>`)
      .replace('<bpmn:endEvent id="e">', '<bpmn:endEvent id="e" name="Kết thúc">');
  test('valid: Vietnamese with diacritics, composed or not', async () => {
    expect(await lint('element-name', named('Tiếp nhận hồ sơ'))).toEqual([]);
    expect(await lint('element-name', named('Tiếp nhận hồ sơ'.normalize('NFD')))).toEqual([]);
  });
  test('invalid: no name; a name without diacritics', async () => {
    expect(await lint('element-name', named())).toEqual([{ elementId: 's', message: expect.stringContaining('needs a Vietnamese name') }]);
    expect(await lint('element-name', named('Receive dossier'))).toEqual([
      { elementId: 's', message: expect.stringContaining('has no Vietnamese diacritics') },
    ]);
  });
});

describe('What would not deploy is reported too', () => {
  test('an element the embedded engine refuses, and a process id the file does not have', async () => {
    const xml = processXml('p', start('s'), node('complexGateway', 'cx'), end('e'), ...chain('s', 'cx', 'e'));
    const version = baseVersion();
    const procedure: Procedure = {
      code: 'thu',
      name: { vi: 'Thử', en: 'Test' },
      field: { code: 'thu', vi: 'Thử', en: 'Test' },
      versions: [version],
    };
    const problems = await lintVersion(procedure, version, () => xml, { rules: {} });
    expect(problems).toEqual([expect.objectContaining({ rule: 'deployable', category: 'error', elementId: 'cx', file: 'thu/process.bpmn' })]);
    version.process.bpmnProcessId = 'other';
    expect(await lintVersion(procedure, version, () => xml, { rules: {} })).toContainEqual(expect.objectContaining({ rule: 'process-id', elementId: 'other' }));
  });
});
