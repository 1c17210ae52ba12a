/**
 * Feature: the applicant withdraws the dossier (POST /api/dossiers/{code}/withdrawal) — online
 * with the code and the lookup secret, or at the counter. The dossier stops with a notice of
 * stopping (form 05) naming the request; its steps leave every inbox, its clocks are cancelled,
 * not judged. Death registration models the withdrawal in its process (an interrupting event
 * sub-process on the `dossier-withdrawn` message) and reminds the agencies when a step is at risk
 * (a non-interrupting one on the SLA scanner's `sla-at-risk` message).
 */
import { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import { NotFound } from '../../src/errors.js';
import { slaDossierFacts } from '../../src/dossiers/index.js';
import { SlaService } from '../../src/sla/index.js';
import { rejection, waitFor } from '../support/engine.js';
import { STAFF, useDossiers } from './support.js';

const h = useDossiers();
const DEATH = 'death-registration-group';
const BIRTH = 'birth-registration-group';
const HOUR = 3_600_000;

/** A death registration whose civil status step is done: the linked steps (police, BHXH) are open. */
async function deathAtLinkedSteps() {
  const r = await h.receive(DEATH);
  const code = r.dossier.code;
  await h.complete(code, 'deathRegistration', { outcome: 'approved' });
  await h.inbox();
  return { ...r, code };
}

describe('Feature: the applicant withdraws a death registration online', () => {
  test('Scenario: with the code and the secret while two agencies work on it → form 05, the steps leave the inboxes, the process ends by its withdrawal path', async () => {
    h.startServiceWorkers();
    const { code, lookupSecret, dossier } = await deathAtLinkedSteps();
    const open = (await h.db.query<{ n: number }>(`select count(*)::int as n from domain.tasks where dossier_code = $1 and state = 'open'`, [code])).rows[0].n;
    expect(open).toBeGreaterThan(0);

    const form = await h.dossiers.withdraw(code, lookupSecret, { reason: 'Gia đình tự làm thủ tục khác' });

    expect(form.form).toBe('05');
    expect(JSON.stringify(form)).toContain('người nộp hồ sơ đề nghị rút hồ sơ (Gia đình tự làm thủ tục khác)');
    const d = await h.dossier(code);
    expect(d.status).toBe('stopped');
    expect(d.result).toMatchObject({ outcome: 'withdrawn' });
    const tasks = await h.db.query<{ state: string }>(`select state from domain.tasks where dossier_code = $1 and state <> 'completed'`, [code]);
    expect(tasks.rows.map((t) => t.state)).toEqual(tasks.rows.map(() => 'cancelled'));
    const clocks = await h.sla.clocks(h.db, code);
    expect(clocks.filter((c) => c.state === 'running')).toEqual([]);
    expect(clocks.find((c) => c.kind === 'dossier')?.state).toBe('cancelled');

    // The process took its withdrawal path: completed through the event sub-process, its user tasks canceled.
    const pi = await h.instance(dossier.processInstanceKey!);
    expect(pi.state).toBe('COMPLETED');
    expect((await h.elementEnds(dossier.processInstanceKey!)).filter(([, intent]) => intent === 'ELEMENT_COMPLETED').map(([id]) => id)).toContain(
      'withdrawnEnd',
    );
    const { items } = await new EmbeddedEngineQueries(h.db).searchUserTasks({ filter: { processInstanceKey: dossier.processInstanceKey!, state: 'CANCELED' } });
    expect(items.length).toBe(open);
    // And the papers can be handed back.
    expect((await h.dossiers.returnResult(STAFF.counter, code)).status).toBe('returned');
  });

  test('Scenario: a wrong secret is a 404, as an unknown code, and changes nothing', async () => {
    const { code } = await deathAtLinkedSteps();
    const before = await h.snapshot(code);
    expect(await rejection(h.dossiers.withdraw(code, 'SAI-MA-TRA-CUU', {}))).toBeInstanceOf(NotFound);
    expect(await h.snapshot(code)).toEqual(before);
  });
});

describe('Feature: the counter withdraws on the applicant’s behalf', () => {
  test('Scenario: a birth registration (no withdrawal path in its process) → form 05 and the process cancelled', async () => {
    const r = await h.receive(BIRTH);
    const form = await h.dossiers.withdraw(r.dossier.code, undefined, {}, STAFF.counter);
    expect(form.form).toBe('05');
    expect((await h.instance(r.dossier.processInstanceKey!)).state).toBe('TERMINATED');
    const [audit] = (
      await h.db.query<{ actor: string; payload: { online: boolean } }>(
        `select actor, payload from domain.audit_log where dossier_code = $1 and action = 'dossier.withdrawn'`,
        [r.dossier.code],
      )
    ).rows;
    expect(audit).toMatchObject({ actor: STAFF.counter.username, payload: { online: false } });
  });

  test('Scenario: an agency officer may not withdraw a dossier (403)', async () => {
    const { code } = await deathAtLinkedSteps();
    const e = await rejection(h.dossiers.withdraw(code, undefined, {}, STAFF.police));
    expect(e.name).toBe('Forbidden');
    expect(await h.status(code)).not.toBe('stopped');
  });
});

describe('Feature: death registration reminds the agency whose step is at risk', () => {
  test('Scenario: the scanner’s sla-at-risk message starts the reminder beside the open steps; nothing is interrupted', async () => {
    h.startServiceWorkers();
    const { code, dossier } = await deathAtLinkedSteps();
    const key = dossier.processInstanceKey!;
    const before = (await h.instance(key)).active.sort();
    // The scanner, with the engine to tell (as main.ts wires it), looks after the at-risk share of the linked steps' time has passed.
    const sla = new SlaService({ db: h.db, dossiers: slaDossierFacts, calendar: () => h.calendar(), clock: h.clock, engine: h.engine });
    const steps = (await h.sla.clocks(h.db, code)).filter((c) => c.kind === 'step' && c.state === 'running');
    const firstDue = Math.min(...steps.map((c) => c.dueAt.getTime()));
    h.clock.set(firstDue - HOUR);
    await sla.scanOnce();

    await waitFor('the reminder', async () => !!((await h.instance(key)).variables as { reminder?: unknown }).reminder);
    const { reminder } = (await h.instance(key)).variables as { reminder: { agencyCode: string; text: string } };
    expect(steps.map((c) => c.agencyCode)).toContain(reminder.agencyCode);
    expect(reminder.text).toContain(code);
    expect((await h.instance(key)).active.sort()).toEqual(before);
    expect((await h.elementEnds(key)).map(([id]) => id)).toContain('agencyReminded');
  });
});
