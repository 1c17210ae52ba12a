/**
 * Feature: receiving a dossier — the rule version in force on the day of receipt, the
 * appointment (total limit + cut-off on the working-day calendar), the code and the lookup
 * secret, the process started with the variables it expects, and no orphan left by a failure.
 */
import { normaliseSecret, CODE_PATTERN } from '../../src/dossiers/index.js';
import { DossierService } from '../../src/dossiers/service.js';
import { SECRET_COST, verifyPassword } from '../../src/security/passwords.js';
import { rejection } from '../support/engine.js';
import { birthIntake, constructionIntake, deathIntake } from './fixtures.js';
import { STAFF, useDossiers } from './support.js';

const h = useDossiers();
const BIRTH = 'birth-registration-group';
const vn = (local: string) => new Date(`${local}+07:00`);

/** The service whose T2 fails: the dossier clock cannot be started, so the instance is not linked. */
const brokenLink = () =>
  new DossierService({
    ...h.dossiers.deps,
    sla: new Proxy(h.sla, {
      get: (t, p) => (p === 'startDossierClock' ? () => Promise.reject(new Error('database blinked')) : (t as any)[p].bind(t)),
    }),
  });

describe('Feature: the rule version in force on the day of receipt', () => {
  test.each([
    ['2025-06-30T23:59:59', '2024.06'],
    ['2025-07-01T00:00:00', '2025.07'],
    ['2025-07-01T08:00:00', '2025.07'],
    ['2026-11-30T23:59:59', '2025.07'],
    ['2026-12-01T00:00:00', '2026.12'],
  ])('Scenario: received at %s (Hà Nội) → version %s, kept for life', async (at, version) => {
    h.clock.set(vn(at));
    const intake = birthIntake();
    intake.child.birthDate = '2025-06-01';
    const r = await h.dossiers.receive(STAFF.counter, { procedureCode: BIRTH, channel: 'counter', intake });
    expect(r.dossier.ruleVersion).toBe(version);
    expect(r.form01.data).toMatchObject({ ruleVersion: version });
    // Later, the dossier still reads its own version.
    h.clock.set(vn('2026-03-02T09:00:00'));
    expect(((await h.dossiers.get(STAFF.counter, r.dossier.code)) as any).ruleVersion.version).toBe(version);
  });

  test('Scenario: a procedure whose versions all start later cannot be received yet (409)', async () => {
    h.clock.set(vn('2025-06-30T10:00:00'));
    const e = await rejection(h.receive('land-use-right-transfer'));
    expect(e.name).toBe('Conflict');
    expect(e.message).toMatch(/không có phiên bản quy định nào có hiệu lực ngày 2025-06-30/);
  });
});

describe('Feature: the appointment on form 01', () => {
  test('Scenario: received Monday 05/01/2026 09:00, 5 working days → Saturday 10/01/2026 09:00, the Saturday worked in exchange for Friday 02/01', async () => {
    const r = await h.receive(BIRTH);
    expect(r.dossier.appointmentAt).toEqual(vn('2026-01-10T09:00:00'));
    const clocks = await h.sla.clocks(h.db, r.dossier.code);
    expect(clocks[0]).toMatchObject({ kind: 'dossier', state: 'running', dueAt: vn('2026-01-10T09:00:00') });
  });

  test('Scenario: received Tuesday 01/12/2026 09:00 under version 2026.12 (Decree 63/2024 art. 7(2): 3 working days) → Friday 04/12/2026 09:00, the parallel steps due a day after the birth registration', async () => {
    h.clock.set(vn('2026-12-01T09:00:00'));
    const intake = birthIntake();
    intake.child.birthDate = '2026-11-20';
    const r = await h.dossiers.receive(STAFF.counter, { procedureCode: BIRTH, channel: 'counter', intake });
    expect(r.dossier.ruleVersion).toBe('2026.12');
    expect(r.dossier.appointmentAt).toEqual(vn('2026-12-04T09:00:00'));
    const { variables } = await h.instance(r.dossier.processInstanceKey!);
    expect(variables.dueDates).toMatchObject({
      birthRegistration: '2026-12-02T09:00:00+07:00',
      residenceRegistration: '2026-12-04T09:00:00+07:00',
      healthInsuranceCard: '2026-12-04T09:00:00+07:00',
    });
  });

  test('Scenario: a construction permit received Tuesday 01/12/2026 09:00 under version 2026.12 (Construction Law art. 102: 20 days, calendar days) → Monday 21/12/2026 at closing; the steps keep working days inside it', async () => {
    h.clock.set(vn('2026-12-01T09:00:00'));
    const r = await h.dossiers.receive(STAFF.counterProvince, {
      procedureCode: 'construction-permit',
      channel: 'counter',
      intake: constructionIntake(['canh-sat-pccc']),
    });
    expect(r.dossier.ruleVersion).toBe('2026.12');
    // 20 working days would give 29/12/2026; 20 days are the 20th day after the receipt.
    expect(r.dossier.appointmentAt).toEqual(vn('2026-12-21T17:00:00'));
    expect((r.form01.data as any).limit).toMatchObject({ value: 20, unit: 'calendar_days', text: '20 ngày' });
    expect(JSON.stringify(r.form01)).toContain('theo quy định là: 20 ngày.');
    const [clock] = await h.sla.clocks(h.db, r.dossier.code);
    expect(clock).toMatchObject({ kind: 'dossier', limit: { value: 20, unit: 'calendar_days' }, dueAt: vn('2026-12-21T17:00:00') });
    const { variables } = await h.instance(r.dossier.processInstanceKey!);
    // 1 + 8 + 5 working days: Wed 02/12, Mon 14/12, Mon 21/12 at 09:00; the hand-back at the appointment.
    expect(variables.dueDates).toEqual({
      receptionCheck: '2026-12-02T09:00:00+07:00',
      consultation: { 'canh-sat-pccc': '2026-12-14T09:00:00+07:00' },
      permitDecision: '2026-12-21T09:00:00+07:00',
      returnResult: '2026-12-21T17:00:00+07:00',
    });
  });

  test('Scenario: received after the 15:00 cut-off → counted from the next working day: Saturday 10/01/2026 17:00', async () => {
    h.clock.set(vn('2026-01-05T15:30:00'));
    const r = await h.receive(BIRTH);
    expect(r.dossier.appointmentAt).toEqual(vn('2026-01-10T17:00:00'));
  });

  test('Scenario: the step due dates given to the process follow the longest path of step limits', async () => {
    const r = await h.receive(BIRTH);
    expect(r.dossier.data.dueDates).toEqual({
      birthRegistration: '2026-01-06T09:00:00+07:00', // 1 day
      residenceRegistration: '2026-01-09T09:00:00+07:00', // 1 + 3
      healthInsuranceCard: '2026-01-09T09:00:00+07:00', // 1 + 3, in parallel
      returnResult: '2026-01-10T09:00:00+07:00', // limit 0: the appointment
    });
    const task = await h.task(r.dossier.code, 'birthRegistration');
    expect(task.dueAt).toBe(vn('2026-01-06T09:00:00').toISOString());
  });

  test('Scenario: the process gets every variable procedure.json says the dossier provides', async () => {
    for (const [procedure, actor] of [
      ['death-registration-group', STAFF.counter],
      ['construction-permit', STAFF.counterProvince],
      ['land-use-right-transfer', STAFF.counter],
    ] as const) {
      const r = await h.receive(procedure, undefined, actor);
      const { variables } = await h.instance(r.dossier.processInstanceKey!);
      const version = h.catalog.get(procedure).versions.at(-1)!;
      for (const v of version.process.variables.filter((x) => x.providedBy === 'dossier' && x.required)) expect(variables).toHaveProperty(v.name);
      expect(variables).toMatchObject({
        dossierCode: r.dossier.code,
        applicantName: 'Nguyễn Văn An',
        appointmentAt: expect.stringMatching(/\+07:00$/),
      });
      if (procedure === 'death-registration-group') expect(variables.linked).toEqual(['residence_removal', 'funeral_allowance']);
      if (procedure === 'land-use-right-transfer') expect(variables.taxPaymentPeriod).toBe('P30D');
      if (procedure === 'construction-permit') {
        expect(variables.consultedAgencies).toEqual(['canh-sat-pccc', 'so-nong-nghiep-moi-truong']);
        expect(Object.keys((variables.dueDates as any).consultation)).toEqual(['canh-sat-pccc', 'so-nong-nghiep-moi-truong']);
      }
    }
  });
});

describe('Feature: the dossier code and the lookup secret', () => {
  test("Scenario: the code is the receiving section's electronic identifier (QCVN 102:2016/BTTTT: the commune one-stop centre, level 3 under the commune, under province H99), the day (yymmdd) and the 4-digit sequence of the day", async () => {
    const a = await h.receive(BIRTH);
    const b = await h.receive('death-registration-group');
    const c = await h.receive(BIRTH, undefined, STAFF.counterTanAn);
    expect([a, b, c].map((r) => r.dossier.code)).toEqual(['000.02.31.H99-260105-0001', '000.02.31.H99-260105-0002', '000.02.32.H99-260105-0001']);
    for (const r of [a, b, c]) expect(r.dossier.code).toMatch(CODE_PATTERN);
    h.clock.set(vn('2026-01-06T08:00:00'));
    expect((await h.receive(BIRTH)).dossier.code).toBe('000.02.31.H99-260106-0001');
  });

  test('Scenario: an agency without an electronic identifier uses its code, upper-cased, as the prefix', async () => {
    await h.db.query(`update domain.agencies set identifier = null where code = 'mot-cua-xa.tan-an'`);
    try {
      expect((await h.receive(BIRTH, undefined, STAFF.counterTanAn)).dossier.code).toBe('MOT-CUA-XA-TAN-AN-260105-0001');
    } finally {
      await h.db.query(`update domain.agencies set identifier = '000.02.32.H99' where code = 'mot-cua-xa.tan-an'`);
    }
  });

  test('Scenario: 12 receipts at once at one counter get 12 different consecutive codes', async () => {
    const receipts = await Promise.all(Array.from({ length: 12 }, () => h.receive(BIRTH)));
    const codes = receipts.map((r) => r.dossier.code).sort();
    expect(codes).toEqual(Array.from({ length: 12 }, (_, i) => `000.02.31.H99-260105-${String(i + 1).padStart(4, '0')}`));
    const { rows } = await h.db.query(`select count(distinct process_instance_key)::int as n from domain.dossiers`);
    expect(rows[0].n).toBe(12);
  });

  test('Scenario: the secret is printed once on form 01 and stored only as an scrypt hash', async () => {
    const r = await h.receive(BIRTH);
    expect(r.lookupSecret).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(r.form01.data).toMatchObject({ lookupSecret: r.lookupSecret });
    const { rows } = await h.db.query(`select lookup_secret_hash from domain.dossiers where code = $1`, [r.dossier.code]);
    expect(rows[0].lookup_secret_hash).toMatch(new RegExp(`^\\$scrypt\\$ln=${SECRET_COST.ln},r=${SECRET_COST.r},p=${SECRET_COST.p}\\$`));
    expect(await verifyPassword(normaliseSecret(r.lookupSecret), rows[0].lookup_secret_hash)).toBe(true);
    const stored = await h.dossiers.form(STAFF.counter, r.dossier.code, '01');
    expect(JSON.stringify(stored)).not.toContain(r.lookupSecret);
    // Typed in lower case, without dashes, with O for 0: still the secret.
    const typed = r.lookupSecret.replace(/-/g, '').toLowerCase().replace(/0/g, 'o');
    expect((await h.dossiers.publicStatus(r.dossier.code, typed)).status).toBe('received');
  });
});

describe('Feature: a receipt is refused before anything is written', () => {
  test("Scenario: an invalid intake, another section's counter, a channel the version does not take, an officer", async () => {
    const bad = deathIntake();
    bad.deceased.citizenId = '001150987654';
    const e1 = await rejection(h.receive('death-registration-group', bad));
    expect(e1.name).toBe('IntakeInvalid');
    expect(e1.details).toEqual([expect.objectContaining({ path: '/deceased/citizenId' })]);
    const e2 = await rejection(
      h.dossiers.receive(STAFF.counter, {
        procedureCode: BIRTH,
        channel: 'counter',
        receivingAgency: 'mot-cua-xa.tan-an',
        intake: birthIntake(),
      }),
    );
    expect(e2.name).toBe('Forbidden');
    const e3 = await rejection(h.dossiers.receive(STAFF.counterProvince, { procedureCode: BIRTH, channel: 'counter', intake: birthIntake() }));
    expect(e3.details).toEqual([expect.objectContaining({ path: '/receivingAgency', messageEn: expect.stringContaining("a 'mot-cua-xa' section does") })]);
    const e4 = await rejection(h.dossiers.receive(STAFF.police, { procedureCode: BIRTH, channel: 'counter', intake: birthIntake() }));
    expect(e4.name).toBe('Forbidden');
    const e5 = await rejection(
      h.dossiers.receive(undefined, {
        procedureCode: BIRTH,
        channel: 'counter',
        receivingAgency: 'mot-cua-xa.hoa-binh',
        intake: birthIntake(),
      }),
    );
    expect(e5.name).toBe('Forbidden');
    const { rows } = await h.db.query(
      `select (select count(*) from domain.dossiers)::int as d, (select count(*) from domain.dossier_sequences)::int as s, (select count(*) from domain.audit_log)::int as a`,
    );
    expect(rows[0]).toEqual({ d: 0, s: 0, a: 0 });
  });

  test('Scenario: the public portal files online, naming the section', async () => {
    const r = await h.dossiers.receive(undefined, {
      procedureCode: BIRTH,
      channel: 'online',
      receivingAgency: 'mot-cua-xa.tan-an',
      intake: birthIntake(),
    });
    expect(r.dossier).toMatchObject({ channel: 'online', receivingAgency: 'mot-cua-xa.tan-an', receivedBy: null, status: 'received' });
  });
});

describe('Feature: a receipt sent again under its Idempotency-Key is not a second dossier', () => {
  const send = (key: string, procedureCode = BIRTH) =>
    h.dossiers.receive(STAFF.counter, {
      procedureCode,
      channel: 'counter',
      intake: procedureCode === BIRTH ? birthIntake() : deathIntake(),
      idempotencyKey: key,
    });
  const dossiers = async () => (await h.db.query(`select count(*)::int as n from domain.dossiers`)).rows[0].n;

  test('Scenario: the answer was lost and the counter sends it again → the same dossier, a new lookup secret (the first void), one process', async () => {
    const first = await send('k-1');
    const again = await send('k-1');
    expect(again).toMatchObject({ repeated: true, dossier: { code: first.dossier.code, processInstanceKey: first.dossier.processInstanceKey } });
    expect(again.lookupSecret).not.toBe(first.lookupSecret);
    expect((again.form01.data as any).lookupSecret).toBe(again.lookupSecret);
    expect(await dossiers()).toBe(1);
    expect((await h.db.query(`select count(*)::int as n from engine.process_instances`)).rows[0].n).toBe(1);
    const hash = (await h.dossier(first.dossier.code)).lookupSecretHash;
    expect(await verifyPassword(normaliseSecret(again.lookupSecret), hash)).toBe(true);
    expect(await verifyPassword(normaliseSecret(first.lookupSecret), hash)).toBe(false);
    // Another key is another dossier; the same key for another procedure is refused.
    expect((await send('k-2')).dossier.code).not.toBe(first.dossier.code);
    expect((await rejection(send('k-1', 'death-registration-group'))).name).toBe('Conflict');
    expect(await dossiers()).toBe(2);
  });

  test('Scenario: the same key twice at once → one dossier, both answers name it', async () => {
    const [a, b] = await Promise.all([send('k-3'), send('k-3')]);
    expect(a.dossier.code).toBe(b.dossier.code);
    expect([a.repeated ?? false, b.repeated ?? false].sort()).toEqual([false, true]);
    expect(await dossiers()).toBe(1);
  });

  test('Scenario: the first receipt was interrupted before its process was linked → sending it again gives that dossier, and starts no second process', async () => {
    const broken = brokenLink();
    const first = await broken.receive(STAFF.counter, { procedureCode: BIRTH, channel: 'counter', intake: birthIntake(), idempotencyKey: 'k-4' });
    expect(first.dossier.processInstanceKey).toBeNull();
    const again = await send('k-4');
    expect(again.dossier.code).toBe(first.dossier.code);
    expect((await h.db.query(`select count(*)::int as n from engine.process_instances`)).rows[0].n).toBe(1);
    // Its first task links the process the first request started.
    await h.inbox();
    expect((await h.dossier(first.dossier.code)).processInstanceKey).toBe((await h.db.query(`select key::text from engine.process_instances`)).rows[0].key);
    expect((await h.db.query(`select state from domain.dossier_intakes`)).rows[0].state).toBe('received');
  });
});

describe('Feature: no orphan survives a failure between the dossier and its process', () => {
  test('Scenario: the engine refuses to start the process → the receipt is undone, the journal and the audit log say why, the code is not reused', async () => {
    const failing = new DossierService({
      ...h.dossiers.deps,
      engine: {
        ...h.dossiers.deps.engine,
        createProcessInstance: () => Promise.reject(new Error('engine unavailable')),
      },
    });
    const e = await rejection(failing.receive(STAFF.counter, { procedureCode: BIRTH, channel: 'counter', intake: birthIntake() }));
    expect(e.message).toBe('engine unavailable');
    const q = (sql: string) => h.db.query(sql).then((r) => r.rows);
    expect(await q(`select code from domain.dossiers`)).toEqual([]);
    expect(await q(`select code, state, error from domain.dossier_intakes`)).toEqual([
      { code: '000.02.31.H99-260105-0001', state: 'failed', error: 'engine unavailable' },
    ]);
    expect((await q(`select action from domain.audit_log order by seq`)).map((r: any) => r.action)).toEqual(['dossier.received', 'dossier.receipt_failed']);
    expect(await q(`select count(*)::int as n from engine.process_instances`)).toEqual([{ n: 0 }]);
    expect((await h.receive(BIRTH)).dossier.code).toBe('000.02.31.H99-260105-0002');
  });

  test("Scenario: linking the process fails after it started → the dossier's first task links it, in the inbox's transaction, the clock from the receipt", async () => {
    const r = await brokenLink().receive(STAFF.counter, { procedureCode: BIRTH, channel: 'counter', intake: birthIntake() });
    expect(r.dossier.processInstanceKey).toBeNull();
    await h.inbox(); // the first step reaches its inbox: the hook links the instance
    const d = await h.dossier(r.dossier.code);
    expect(d.processInstanceKey).toBe((await h.db.query(`select key::text from engine.process_instances`)).rows[0].key);
    expect((await h.db.query(`select state from domain.dossier_intakes`)).rows[0].state).toBe('received');
    expect((await h.sla.clocks(h.db, d.code))[0]).toMatchObject({ kind: 'dossier', state: 'running', startedAt: d.receivedAt });
    h.clock.advance(10 * 60_000);
    expect((await h.dossiers.reconcile()).recovered).toBe(0);
  });

  test('Scenario: linking the process fails after it started and the inbox hook is not there → form 01 is still given; reconcile finishes the receipt later', async () => {
    h.hook(false);
    const broken = brokenLink();
    const r = await broken.receive(STAFF.counter, { procedureCode: BIRTH, channel: 'counter', intake: birthIntake() });
    expect(r.lookupSecret).toBeTruthy();
    const journal = () => h.db.query(`select state from domain.dossier_intakes`).then((x) => x.rows[0].state);
    expect(await journal()).toBe('starting');
    expect(r.dossier.processInstanceKey).toBeNull();
    await h.inbox(); // the first step reaches its inbox meanwhile
    h.clock.advance(10 * 60_000);
    expect((await h.dossiers.reconcile()).recovered).toBe(1);
    expect(await journal()).toBe('received');
    const d = await h.dossier(r.dossier.code);
    const { rows } = await h.db.query(`select count(*)::int as n from engine.process_instances`);
    expect(rows[0].n).toBe(1); // adopted from the inbox row, not started twice
    expect(d.processInstanceKey).toBe((await h.db.query(`select key::text from engine.process_instances`)).rows[0].key);
    expect((await h.sla.clocks(h.db, d.code))[0]).toMatchObject({ kind: 'dossier', state: 'running' });
  });

  test('Scenario: linking the process fails after it started, and its first step reaches no inbox within the grace (its job held by a replica that died) → reconcile adopts the instance the engine holds for the dossier, not a second one', async () => {
    h.hook(false);
    const broken = brokenLink();
    const r = await broken.receive(STAFF.counter, { procedureCode: BIRTH, channel: 'counter', intake: birthIntake() });
    const [started] = (await h.db.query<{ key: string }>(`select key::text from engine.process_instances`)).rows;
    // No inbox runs: no task names the instance
    h.clock.advance(10 * 60_000);
    expect((await h.dossiers.reconcile()).recovered).toBe(1);
    expect((await h.db.query(`select key::text, state from engine.process_instances`)).rows).toEqual([{ key: started.key, state: 'ACTIVE' }]);
    expect((await h.dossier(r.dossier.code)).processInstanceKey).toBe(started.key);
  });

  test('Scenario: a withdrawn dossier whose cancel did not reach the engine, its papers already handed back → reconcile cancels its process', async () => {
    const unreachable = new DossierService({
      ...h.dossiers.deps,
      engine: new Proxy(h.engine, {
        get: (t, p) => (p === 'cancelProcessInstance' ? () => Promise.reject(new Error('engine unreachable')) : (t as any)[p].bind(t)),
      }),
    });
    const r = await h.receive(BIRTH);
    await unreachable.withdraw(r.dossier.code, undefined, { reason: 'Người nộp xin rút hồ sơ' }, STAFF.counter);
    expect((await unreachable.returnResult(STAFF.counter, r.dossier.code)).status).toBe('returned');
    expect((await h.instance(r.dossier.processInstanceKey!)).state).toBe('ACTIVE');
    expect((await h.dossiers.reconcile()).cancelled).toBe(1);
    expect((await h.instance(r.dossier.processInstanceKey!)).state).toBe('TERMINATED');
  });

  test("Scenario: a second instance running for one dossier is cancelled by reconcile, and its step leaves the inbox at once, the dossier's own staying", async () => {
    const r = await h.receive(BIRTH);
    const own = r.dossier.processInstanceKey!;
    const stray = await h.start(BIRTH, { dossierCode: r.dossier.code, dueDates: r.dossier.data.dueDates });
    await h.inbox();
    expect((await h.dossiers.reconcile()).cancelled).toBe(1);
    expect((await h.instance(stray)).state).toBe('TERMINATED');
    expect((await h.instance(own)).state).toBe('ACTIVE');
    const tasks = await h.db.query<{ pi: string; state: string }>(`select process_instance_key::text as pi, state from domain.tasks order by id`);
    expect(tasks.rows).toEqual([
      { pi: own, state: 'open' },
      { pi: stray, state: 'cancelled' },
    ]);
    const clocks = await h.db.query<{ state: string }>(
      `select c.state from domain.sla_clocks c join domain.tasks t on t.id = c.task_id where t.process_instance_key = $1`,
      [stray],
    );
    expect(clocks.rows.map((c) => c.state)).toEqual(['cancelled']);
    const audit = await h.db.query<{ action: string }>(`select action from domain.audit_log where action = 'task.withdrawn'`);
    expect(audit.rows).toHaveLength(1);
  });

  test('Scenario: a second instance running for one dossier, none of its steps in any inbox (its job held by a replica that died) → reconcile finds it through the engine and cancels it', async () => {
    const r = await h.receive(BIRTH);
    const own = r.dossier.processInstanceKey!;
    h.hook(false);
    const stray = await h.start(BIRTH, { dossierCode: r.dossier.code, dueDates: r.dossier.data.dueDates });
    // No inbox runs: no task names the stray
    expect((await h.dossiers.reconcile()).cancelled).toBe(1);
    expect((await h.instance(stray)).state).toBe('TERMINATED');
    expect((await h.instance(own)).state).toBe('ACTIVE');
  });

  test('Scenario: the engine timed out on starting the process but had started it → the receipt is undone, and reconcile cancels the orphan instance', async () => {
    const timedOut = new DossierService({
      ...h.dossiers.deps,
      engine: new Proxy(h.engine, {
        get: (t, p) =>
          p === 'createProcessInstance'
            ? (req: any) => t.createProcessInstance(req).then(() => Promise.reject(new Error('DEADLINE_EXCEEDED')))
            : (t as any)[p].bind(t),
      }),
    });
    await rejection(timedOut.receive(STAFF.counter, { procedureCode: BIRTH, channel: 'counter', intake: birthIntake() }));
    const [orphan] = (await h.db.query<{ key: string }>(`select key::text from engine.process_instances where state = 'ACTIVE'`)).rows;
    expect(orphan).toBeDefined();
    expect((await h.dossiers.reconcile()).cancelled).toBe(1);
    expect((await h.instance(orphan.key)).state).toBe('TERMINATED');
  });

  test('Scenario: a process ended while its dossier waits → a recent pass stops the dossier; one that ended before its look-back is left to the next full pass', async () => {
    const recent = { recent: true };
    const a = await h.receive(BIRTH);
    await h.engine.cancelProcessInstance(a.dossier.processInstanceKey!); // e.g. an administrator through /v2
    expect(await h.dossiers.reconcile(recent)).toMatchObject({ stopped: 1 });
    expect((await h.dossier(a.dossier.code)).result).toMatchObject({ outcome: 'stopped', by: 'process', reason: 'quy trình giải quyết hồ sơ bị hủy' });
    const b = await h.receive(BIRTH);
    await h.engine.cancelProcessInstance(b.dossier.processInstanceKey!);
    h.clock.advance(20 * 60_000);
    expect(await h.dossiers.reconcile(recent)).toMatchObject({ stopped: 0 });
    expect(await h.status(b.dossier.code)).toBe('received');
    expect(await h.dossiers.reconcile()).toMatchObject({ stopped: 1 });
    expect(await h.status(b.dossier.code)).toBe('stopped');
  });

  test('Scenario: an instance whose receipt is still being linked (within the grace) is not taken for a stray', async () => {
    h.hook(false);
    const r = await brokenLink().receive(STAFF.counter, { procedureCode: BIRTH, channel: 'counter', intake: birthIntake() });
    expect(r.dossier.processInstanceKey).toBeNull();
    const out = await h.dossiers.reconcile({ intakeGraceMs: 3_600_000 });
    expect(out).toMatchObject({ recovered: 0, cancelled: 0 });
    expect((await h.db.query(`select state from engine.process_instances`)).rows).toEqual([{ state: 'ACTIVE' }]);
  });
});
