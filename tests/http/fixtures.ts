/**
 * A dossier of agency A written straight into the tables (the way the dossier and inbox rooms
 * would leave it), over a real process instance, so the scoping rules, the audit routes and the
 * metrics can be tested on their own: received at A's counter, handed over to A's People's
 * Committee, claimed and completed early by canbo.a; a second step still open; a running dossier
 * clock. The trace itself is tested on rows the service really wrote (trace.test.ts).
 */
import { appendAudit } from '../../src/audit/index.js';
import { call, deploy } from './support.js';
import type { ApiService } from './api-support.js';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="trace-fixture" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:serviceTask id="decide" name="Quyết định">
      <bpmn:extensionElements><zeebe:taskDefinition type="trace-fixture-decide"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="sign"/>
    <bpmn:serviceTask id="sign" name="Ký">
      <bpmn:extensionElements><zeebe:taskDefinition type="trace-fixture-sign"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="sign" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;

export interface TraceFixture {
  code: string;
  processInstanceKey: string;
  doneTaskId: string;
  openTaskId: string;
}

let n = 0;

export async function traceFixture(s: ApiService): Promise<TraceFixture> {
  const code = `A-TRACE-${++n}`;
  const d = await deploy(s.url, [{ name: 'trace-fixture.bpmn', xml: XML }]);
  if (d.status !== 200) throw new Error(JSON.stringify(d.body));
  const pi = await call(s.url, 'POST', '/v2/process-instances', { processDefinitionId: 'trace-fixture' });
  const processInstanceKey = pi.body.processInstanceKey as string;
  // The first step is done in the engine, as the inbox would have done it.
  const jobs = await call(s.url, 'POST', '/v2/jobs/activation', {
    type: 'trace-fixture-decide',
    timeout: 60_000,
    maxJobsToActivate: 1,
    requestTimeout: -1,
  });
  const done = jobs.body.jobs[0];
  await call(s.url, 'POST', `/v2/jobs/${done.jobKey}/completion`, {});

  const t = (hhmm: string) => new Date(`2025-07-01T${hhmm}:00+07:00`);
  return s.t.db.tx(async (q) => {
    await q.query(
      `insert into domain.dossiers (code, procedure_code, rule_version, status, channel, receiving_agency, applicant, data,
         lookup_secret_hash, received_at, received_by, appointment_at, process_instance_key)
       values ($1, 'trace-fixture', '2025.1', 'in_progress', 'counter', 'mot-cua-xa.a', $2, '{}', 'x', $3, 'motcua.a', $4, $5)`,
      [
        code,
        JSON.stringify({ fullName: 'Nguyễn Văn Dân', citizenId: '001099012345', phone: '0912345678' }),
        t('08:00'),
        new Date('2025-07-04T17:00:00+07:00'),
        processInstanceKey,
      ],
    );
    await q.query(
      `insert into domain.dossier_events (dossier_code, at, from_status, to_status, actor, agency_code) values
         ($1, $2, null, 'received', 'motcua.a', 'mot-cua-xa.a'), ($1, $3, 'received', 'in_progress', 'motcua.a', 'mot-cua-xa.a')`,
      [code, t('08:00'), t('08:05')],
    );
    const ins = async (jobKey: string, elementId: string, name: string, state: string, extra: Record<string, unknown>) =>
      (
        await q.query<{ id: string }>(
          `insert into domain.tasks (job_key, dossier_code, process_instance_key, element_id, element_instance_key, name, agency_code,
             candidate_groups, state, created_at, assignee, claimed_at, completed_at, completed_by, due_at)
           values ($1, $2, $3, $4, $1, $5, 'ubnd-xa.a', '{ubnd-xa}', $6, $7, $8, $9, $10, $11, $12) returning id::text`,
          [
            jobKey,
            code,
            processInstanceKey,
            elementId,
            name,
            state,
            extra.created,
            extra.assignee ?? null,
            extra.claimed ?? null,
            extra.completed ?? null,
            extra.completedBy ?? null,
            extra.due ?? null,
          ],
        )
      ).rows[0].id;
    const base = BigInt(processInstanceKey) * 10n + BigInt(n); // unique fake job keys
    const doneTaskId = await ins(String(base + 1n), 'decide', 'Quyết định', 'completed', {
      created: t('08:05'),
      assignee: 'canbo.a',
      claimed: t('09:00'),
      completed: t('10:30'),
      completedBy: 'canbo.a',
      due: new Date('2025-07-02T17:00:00+07:00'),
    });
    const openTaskId = await ins(String(base + 2n), 'sign', 'Ký', 'open', {
      created: t('10:30'),
      due: new Date('2025-07-03T17:00:00+07:00'),
    });
    // What the inbox's hook records with a dossier's first task of an agency (dossiers/visibility.ts).
    await q.query(`insert into domain.dossier_agencies (dossier_code, agency_code, since) values ($1, 'ubnd-xa.a', $2)`, [code, t('08:05')]);
    await q.query(
      `insert into domain.sla_clocks (dossier_code, kind, task_id, agency_code, step, limit_value, limit_unit, started_at, due_at, state, stopped_at,
         procedure_code, channel, receiving_agency)
       select c.*, d.procedure_code, d.channel, d.receiving_agency from domain.dossiers d,
         (values ($1, 'dossier', null::bigint, null, null, 3, 'working_days', $2::timestamptz, $3::timestamptz, 'running', null::timestamptz),
                 ($1, 'step', $4::bigint, 'ubnd-xa.a', 'decide', 1, 'working_days', $5::timestamptz, $6::timestamptz, 'met_early', $7::timestamptz)) c
        where d.code = $1`,
      [code, t('08:00'), new Date('2099-07-04T17:00:00+07:00'), doneTaskId, t('08:05'), new Date('2025-07-02T17:00:00+07:00'), t('10:30')],
    );
    await appendAudit(q, {
      actor: 'motcua.a',
      role: 'counter',
      agency: 'mot-cua-xa.a',
      dossierCode: code,
      action: 'dossier.received',
      at: t('08:00'),
      payload: { form: '01' },
    });
    await appendAudit(q, {
      actor: 'canbo.a',
      role: 'officer',
      agency: 'ubnd-xa.a',
      dossierCode: code,
      action: 'task.completed',
      at: t('10:30'),
      payload: { taskId: doneTaskId },
    });
    return { code, processInstanceKey, doneTaskId, openTaskId };
  });
}
