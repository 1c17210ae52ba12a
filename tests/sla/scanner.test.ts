/**
 * Feature: the durable scanner — a reminder before due and an overdue event at due, each
 * recorded in the audit log and the notification outbox and published to the engine, exactly
 * once, across restarts and concurrent scanners, with time from an injected clock.
 */
import { auditForDossier, verifyAudit } from '../../src/audit/index.js';
import { EmbeddedEngine } from '../../src/engine/embedded/engine.js';
import { chain, end, messageBoundary, processXml, serviceTask, start } from '../support/bpmn.js';
import { waitFor } from '../support/engine.js';
import { dossier, show, task, useSla, vn } from './support.js';

const h = useSla();
const days = (value: number) => ({ value, unit: 'working_days' as const });

beforeEach(async () => {
  // Each scenario sees only its own clocks: earlier ones are finished.
  await h.db.query(`update domain.sla_clocks set state = 'cancelled', next_check_at = null where state in ('running', 'paused')`);
  await h.db.query(`update domain.sla_messages set published_at = now() where published_at is null`);
});

/** A 1-working-day step of the police started Wed 04/03/2026 10:00: at risk Thu 05/03 08:00, due Thu 05/03 10:00. */
async function policeStep() {
  const code = await dossier(h.db);
  const taskId = await task(h.db, code, 'cong-an-xa-a', 'policeCheck');
  await h.db.tx((q) =>
    h.service().startStepClock(q, {
      dossierCode: code,
      taskId,
      agencyCode: 'cong-an-xa-a',
      step: 'policeCheck',
      limit: days(1),
      startedAt: vn('04/03/2026 10:00'),
    }),
  );
  return { code, taskId };
}

async function slaAudit(code: string) {
  return (await auditForDossier(h.db, code)).filter((r) => r.action.startsWith('sla.'));
}

async function outbox(code: string) {
  const { rows } = await h.db.query(`select kind, recipient, payload from domain.outbox where dossier_code = $1 order by id`, [code]);
  return rows;
}

describe('Scenario: reminder and overdue fire exactly once each, across a restart', () => {
  test('Given a running step clock, When the scanner runs before, at and after each instant, with restarts in between, Then each event is recorded once', async () => {
    const { code } = await policeStep();

    h.clock.set(vn('05/03/2026 07:59'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 0 });

    h.clock.set(vn('05/03/2026 08:00'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 1, overdue: 0 });
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 0 }); // a new service: a restart

    h.clock.set(vn('05/03/2026 09:59'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 0 });

    h.clock.set(vn('05/03/2026 10:00'));
    const scanner = h.service();
    expect(await scanner.scanOnce()).toEqual({ atRisk: 0, overdue: 1 });
    expect(await scanner.scanOnce()).toEqual({ atRisk: 0, overdue: 0 });
    h.clock.set(vn('10/03/2026 10:00'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 0 });

    // The audit log says it, as the system, with the clock, the agency and the due instant.
    const audit = await slaAudit(code);
    expect(audit.map((r) => [r.action, r.actor, r.role, r.agency])).toEqual([
      ['sla.at_risk', 'system', 'system', 'cong-an-xa-a'],
      ['sla.overdue', 'system', 'system', 'cong-an-xa-a'],
    ]);
    expect(audit[1].payload).toMatchObject({
      agency: 'cong-an-xa-a',
      due: vn('05/03/2026 10:00').toISOString(),
      dueVn: '10:00 05/03/2026',
      clock: { kind: 'step', step: 'policeCheck' },
    });
    expect(audit[0].at).toBe(vn('05/03/2026 08:00').toISOString());
    expect((await verifyAudit(h.db)).ok).toBe(true);

    // The responsible agency is notified, in Vietnamese.
    const notes = await outbox(code);
    expect(notes.map((n: any) => [n.kind, n.recipient])).toEqual([
      ['sla.at_risk', 'cong-an-xa-a'],
      ['sla.overdue', 'cong-an-xa-a'],
    ]);
    expect(notes[1].payload.text).toBe(`Quá hạn: bước policeCheck của hồ sơ ${code} đã quá hạn xử lý (hạn 10:00 05/03/2026).`);

    // Nothing is left for the scanner to look at.
    const [v] = await h.service().clocks(h.db, code);
    expect(v.state).toBe('overdue');
    const { rows } = await h.db.query(`select next_check_at from domain.sla_clocks where dossier_code = $1`, [code]);
    expect(rows[0].next_check_at).toBeNull();
  });

  test('a scanner that was down past the due instant sends the overdue event only (the stale reminder is dropped)', async () => {
    const { code } = await policeStep();
    h.clock.set(vn('06/03/2026 08:00'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 1 });
    expect((await slaAudit(code)).map((r) => r.action)).toEqual(['sla.overdue']);
  });

  test('a dossier clock notifies the receiving agency', async () => {
    const code = await dossier(h.db, { agency: 'ubnd-xa-a' });
    await h.db.tx((q) => h.service().startDossierClock(q, { dossierCode: code, limit: days(1), startedAt: vn('04/03/2026 10:00') }));
    h.clock.set(vn('05/03/2026 10:00'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 1 });
    expect((await outbox(code)).map((n: any) => [n.kind, n.recipient])).toEqual([['sla.overdue', 'ubnd-xa-a']]);
  });

  test('a transaction that fails after claiming decides nothing: the next scan decides it again', async () => {
    const { code } = await policeStep();
    h.clock.set(vn('05/03/2026 10:00'));
    // The audit chain refuses to append while its advisory lock is held by another transaction in
    // PostgreSQL; on both databases a failing statement inside the batch rolls the batch back.
    await h.db.query(`alter table domain.outbox add constraint no_sla_for_now check (kind not like 'sla.%') not valid`);
    await expect(h.service().scanOnce()).rejects.toThrow();
    await h.db.query(`alter table domain.outbox drop constraint no_sla_for_now`);
    expect(await slaAudit(code)).toEqual([]);
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 1 });
    expect((await slaAudit(code)).map((r) => r.action)).toEqual(['sla.overdue']);
  });
});

describe('Scenario: paused clocks are silent; resumed ones fire at their new due instant', () => {
  test('Given a dossier paused before its reminder, nothing fires during the pause; after resuming, the reminder and overdue come at the new instants', async () => {
    const code = await dossier(h.db);
    const { dueAt } = await h.db.tx((q) => h.service().startDossierClock(q, { dossierCode: code, limit: days(2), startedAt: vn('02/03/2026 08:00') }));
    expect(show(dueAt)).toBe('04/03/2026 08:00');
    await h.db.tx((q) => h.service().pauseDossier(q, code, { at: vn('02/03/2026 10:00'), reason: 'Bổ sung tờ khai', requestedBy: 'cb' }));
    h.clock.set(vn('09/03/2026 08:00'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 0 });
    // 2 h used before the pause; 14 h left from Mon 09/03 08:00 (7.5 h that day) → due Tue 10/03 15:30
    const resumed = await h.db.tx((q) => h.service().resumeDossier(q, code, { at: vn('09/03/2026 08:00'), mode: 'pause' }));
    expect(show(resumed.dueAt)).toBe('10/03/2026 15:30');
    // reminder at 12 h used: 10 h after resuming → Tue 10/03 10:00
    h.clock.set(vn('10/03/2026 09:59'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 0 });
    h.clock.set(vn('10/03/2026 10:00'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 1, overdue: 0 });
    h.clock.set(vn('10/03/2026 15:30'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 1 });
    expect((await slaAudit(code)).map((r) => r.action)).toEqual(['sla.at_risk', 'sla.overdue']);
  });

  test('an extension (form 04) gets its own overdue event at the new appointment, once', async () => {
    const code = await dossier(h.db);
    await h.db.tx((q) => h.service().startDossierClock(q, { dossierCode: code, limit: days(1), startedAt: vn('04/03/2026 10:00') }));
    h.clock.set(vn('05/03/2026 10:00'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 1 });
    await h.db.tx((q) => h.service().extendDossier(q, code, { at: vn('05/03/2026 11:00'), extra: days(1), reason: 'Chờ xác minh', actor: 'cb' }));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 0 });
    h.clock.set(vn('06/03/2026 11:00'));
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 1 });
    expect(await h.service().scanOnce()).toEqual({ atRisk: 0, overdue: 0 });
  });
});

describe('Scenario: concurrent scanners', () => {
  test('four scanners racing over 60 due clocks fire each overdue event exactly once', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 60; i++) {
      const code = await dossier(h.db);
      codes.push(code);
      await h.db.tx((q) =>
        h.service().startDossierClock(q, { dossierCode: code, limit: { value: 1, unit: 'working_hours' }, startedAt: vn('04/03/2026 10:00') }),
      );
    }
    h.clock.set(vn('04/03/2026 12:00'));
    const scanners = [1, 2, 3, 4].map(() => h.service({ scanBatch: 7 }));
    let total = 0;
    for (;;) {
      const rounds = await Promise.all(scanners.map((s) => s.scanOnce()));
      const fired = rounds.reduce((n, r) => n + r.overdue + r.atRisk, 0);
      if (fired === 0) break;
      total += fired;
    }
    expect(total).toBe(60);
    const { rows } = await h.db.query<{ n: string }>(
      `select count(*)::text as n from domain.audit_log where action = 'sla.overdue' and dossier_code = any($1)`,
      [codes],
    );
    expect(rows[0].n).toBe('60');
    // The hash chain stayed whole through the race (and past seq 9, where a text sort would break it).
    expect(await verifyAudit(h.db)).toMatchObject({ ok: true });
  });
});

describe('Scenario: the engine hears sla-overdue and the model escalates', () => {
  // A tiny linked step: the commune reviews; a message boundary event named sla-overdue,
  // correlated by =dossierCode, takes the escalation path to the chairman.
  const xml = processXml(
    'sla-escalation',
    start('s'),
    serviceTask('review', 'review'),
    end('done'),
    messageBoundary('late', 'review', 'sla-overdue', '=dossierCode'),
    serviceTask('escalate', 'escalate-to-chairman'),
    end('escalated'),
    ...chain('s', 'review', 'done'),
    ...chain('late', 'escalate', 'escalated'),
  );

  test('Given a process waiting in review, When the dossier clock passes due and the scanner runs, Then the escalation path is taken once', async () => {
    const engine = new EmbeddedEngine(h.db, { clock: h.clock, scheduler: false });
    try {
      await engine.deployResources([{ name: 'sla-escalation.bpmn', content: xml }]);
      const code = await dossier(h.db);
      const { processInstanceKey } = await engine.createProcessInstance({
        bpmnProcessId: 'sla-escalation',
        variables: { dossierCode: code },
      });
      await h.db.tx((q) =>
        h.service({ engine }).startDossierClock(q, { dossierCode: code, limit: { value: 2, unit: 'working_hours' }, startedAt: vn('04/03/2026 10:00') }),
      );

      // 2 office hours from 10:00 → due 13:30 (lunch excluded); reminder at 1.5 h → 11:30.
      // The reminder is published too (sla-at-risk); nothing waits for it, so the model goes on.
      h.clock.set(vn('04/03/2026 11:30'));
      expect(await h.service({ engine }).scanOnce()).toEqual({ atRisk: 1, overdue: 0 });
      const jobs = () => engine.activateJobs({ type: 'escalate-to-chairman', worker: 't', maxJobsToActivate: 5, timeout: 60_000 });
      expect(await jobs()).toHaveLength(0);

      h.clock.set(vn('04/03/2026 13:30'));
      expect(await h.service({ engine }).scanOnce()).toEqual({ atRisk: 0, overdue: 1 });
      const escalations = await jobs();
      expect(escalations).toHaveLength(1);
      expect(escalations[0].processInstanceKey).toBe(processInstanceKey);
      expect(escalations[0].variables).toMatchObject({
        dossierCode: code,
        slaEvent: { event: 'overdue', kind: 'dossier', agencyCode: 'ubnd-xa-a' },
      });
      // The review job was cancelled by the interrupting boundary event.
      expect(await engine.activateJobs({ type: 'review', worker: 't', maxJobsToActivate: 5, timeout: 60_000 })).toHaveLength(0);

      const { rows } = await h.db.query(
        `select name, message_id, published_at is not null as sent, attempts from domain.sla_messages m
        join domain.sla_clocks c on c.id = m.clock_id where c.dossier_code = $1 order by m.id`,
        [code],
      );
      expect(rows.map((r: any) => [r.name, r.sent, r.attempts])).toEqual([
        ['sla-at-risk', true, 1],
        ['sla-overdue', true, 1],
      ]);
      expect(rows[1].message_id).toMatch(/^sla:\d+:0:overdue$/);

      // A relay that died after publishing but before recording it publishes again: the engine
      // refuses the duplicate message id (still buffered), and nothing happens twice.
      await h.db.query(`update domain.sla_messages set published_at = null, next_attempt_at = $2::timestamptz where message_id = $1`, [
        rows[1].message_id,
        vn('04/03/2026 13:30').toISOString(),
      ]);
      h.clock.set(vn('04/03/2026 13:30').getTime() + 30_000); // within the message's 60 s time to live
      await h.service({ engine }).scanOnce();
      const { rows: again } = await h.db.query(`select published_at is not null as sent, last_error from domain.sla_messages where message_id = $1`, [
        rows[1].message_id,
      ]);
      expect(again[0]).toEqual({ sent: true, last_error: 'duplicate: already published' });
      const { rows: published } = await h.db.query<{ n: string }>(
        `select count(*)::text as n from engine.events where value_type = 'MESSAGE' and intent = 'PUBLISHED' and payload->>'name' = 'sla-overdue' and payload->>'correlationKey' = $1`,
        [code],
      );
      expect(published[0].n).toBe('1');
    } finally {
      await engine.close();
    }
  });

  test('an engine that fails keeps the message pending; the next scan after the lease publishes it', async () => {
    const calls: string[] = [];
    let fail = true;
    const engine = {
      publishMessage(req: { messageId?: string }) {
        calls.push(req.messageId!);
        if (fail) return Promise.reject(new Error('gateway unavailable'));
        return Promise.resolve({ key: '1' });
      },
    };
    const code = await dossier(h.db);
    await h.db.tx((q) =>
      h.service({ engine }).startDossierClock(q, { dossierCode: code, limit: { value: 1, unit: 'working_hours' }, startedAt: vn('04/03/2026 08:00') }),
    );
    h.clock.set(vn('04/03/2026 09:00'));
    expect(await h.service({ engine }).scanOnce()).toEqual({ atRisk: 0, overdue: 1 });
    expect(calls).toHaveLength(1);
    fail = false;
    await h.service({ engine }).scanOnce(); // still leased
    expect(calls).toHaveLength(1);
    h.clock.set(vn('04/03/2026 09:01'));
    await h.service({ engine }).scanOnce();
    expect(calls).toEqual([calls[0], calls[0]]);
    const { rows } = await h.db.query(`select published_at is not null as sent, attempts from domain.sla_messages where message_id = $1`, [calls[0]]);
    expect(rows[0]).toEqual({ sent: true, attempts: 2 });
  });
});

describe('Scenario: the background loop', () => {
  test('start() scans until close(); close() waits for the scan in progress', async () => {
    const { code } = await policeStep();
    h.clock.set(vn('05/03/2026 10:00'));
    const sla = h.service({ pollMs: 5 });
    sla.start();
    try {
      await waitFor('the overdue event', async () => (await slaAudit(code)).length === 1);
    } finally {
      await sla.close();
    }
    expect((await slaAudit(code)).map((r) => r.action)).toEqual(['sla.overdue']);
  });
});
