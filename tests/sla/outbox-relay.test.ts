/**
 * Feature: the outbox relay — the scanner's at-risk / overdue notices in domain.outbox become
 * in-app notifications of the responsible agency, exactly once: across repeated and concurrent
 * relays, a relay that died after claiming, and failed deliveries retried with back-off. Time
 * comes from the injected clock; relayOnce() is driven directly (no sleeps).
 */
import type { Queryable } from '../../src/db/index.js';
import { inAppChannel, listNotifications, markNotificationRead, OutboxRelay, type OutboxChannel } from '../../src/sla/index.js';
import { claimOutbox } from '../../src/sla/sql/claimOutbox.js';
import { dossier, task, useSla, vn } from './support.js';

const h = useSla();
const day = { value: 1, unit: 'working_days' as const };
const SECOND = 1000;

const relay = (opts: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}) => new OutboxRelay({ db: h.db, clock: h.clock, ...opts });

/** A 1-working-day step of `agency` started Wed 04/03/2026 10:00 (due Thu 05/03 10:00), scanned after due: one overdue notice in the outbox. */
async function overdueStep(agency = 'cong-an-xa-a', scanAt = vn('05/03/2026 10:00')) {
  const code = await dossier(h.db);
  const taskId = await task(h.db, code, agency, 'policeCheck');
  await h.db.tx((q) =>
    h.service().startStepClock(q, {
      dossierCode: code,
      taskId,
      agencyCode: agency,
      step: 'policeCheck',
      limit: day,
      startedAt: vn('04/03/2026 10:00'),
    }),
  );
  h.clock.set(scanAt);
  await h.service().scanOnce();
  return code;
}

async function notificationsOf(code: string) {
  const { rows } = await h.db.query(`select agency_code, kind, text, outbox_id::text from domain.notifications where dossier_code = $1 order by id`, [code]);
  return rows;
}

async function outboxOf(code: string) {
  const { rows } = await h.db.query<{
    id: string;
    kind: string;
    sent_at: Date | null;
    attempts: number;
    next_attempt_at: Date | null;
    last_error: string | null;
  }>(`select id::text, kind, sent_at, attempts, next_attempt_at, last_error from domain.outbox where dossier_code = $1 order by id`, [code]);
  return rows;
}

const officer = (agencyCode: string, username = `canbo.${agencyCode}`) => ({ username, role: 'officer' as const, agencyCode });

describe('Scenario: an overdue step notifies its agency exactly once', () => {
  test('Given an overdue police step, When the relay runs twice, Then the police have exactly one notification, and the row is marked sent', async () => {
    const code = await overdueStep();
    expect((await outboxOf(code)).map((r) => r.kind)).toEqual(['sla.overdue']);

    const r = relay();
    expect(await r.relayOnce()).toMatchObject({ delivered: 1, failed: 0 });
    expect(await r.relayOnce()).toEqual({ claimed: 0, delivered: 0, failed: 0 });
    expect(await relay().relayOnce()).toEqual({ claimed: 0, delivered: 0, failed: 0 }); // a restart

    const notes = await notificationsOf(code);
    expect(notes).toEqual([
      {
        agency_code: 'cong-an-xa-a',
        kind: 'sla.overdue',
        text: expect.stringMatching(/^Quá hạn: bước policeCheck của hồ sơ .* \(hạn 10:00 05\/03\/2026\)\.$/),
        outbox_id: (await outboxOf(code))[0].id,
      },
    ]);
    const [row] = await outboxOf(code);
    expect(row.sent_at?.toISOString()).toBe(vn('05/03/2026 10:00').toISOString());
    expect(row.attempts).toBe(1);
  });

  test('Given many overdue steps, When two relays run at once (small batches, both looping), Then every notice is delivered once', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await overdueStep(i % 2 ? 'cong-an-xa-a' : 'ubnd-xa-a'));
    const drain = async (r: OutboxRelay) => {
      let delivered = 0;
      for (;;) {
        const x = await r.relayOnce(2);
        delivered += x.delivered;
        if (x.claimed === 0) return delivered;
      }
    };
    const [a, b] = await Promise.all([drain(relay()), drain(relay())]);
    expect(a + b).toBe(6);
    for (const [i, code] of codes.entries()) {
      expect((await notificationsOf(code)).map((n: any) => [n.agency_code, n.kind])).toEqual([[i % 2 ? 'cong-an-xa-a' : 'ubnd-xa-a', 'sla.overdue']]);
    }
    const { rows } = await h.db.query(
      `select count(*)::int as n from domain.notifications n join domain.outbox o on o.id = n.outbox_id where o.dossier_code = any($1)`,
      [codes],
    );
    expect(rows[0].n).toBe(6);
  });

  test('Given a relay that claimed a notice and died, When another relay looks within the lease and after it, Then the notice waits for the lease, then is delivered once', async () => {
    const code = await overdueStep();
    await claimOutbox(h.db, new Date(h.clock.now()), 60 * SECOND, 1000, ['in-app']); // the relay that died: leased, never delivered
    h.clock.advance(59 * SECOND);
    await relay({ leaseMs: 60 * SECOND }).relayOnce();
    expect(await notificationsOf(code)).toEqual([]);
    h.clock.advance(1 * SECOND);
    await relay({ leaseMs: 60 * SECOND }).relayOnce();
    expect(await notificationsOf(code)).toHaveLength(1);
    expect((await outboxOf(code))[0].attempts).toBe(2);
  });
});

describe('Scenario: a failing delivery is retried later, with back-off, and delivered once', () => {
  test('Given a channel that writes and then fails twice, When the relay runs at the failure instants and the retry instants, Then nothing is delivered until it works, and then exactly once', async () => {
    const code = await overdueStep();
    let failures = 2;
    const flaky: OutboxChannel = {
      name: 'in-app',
      async deliver(q: Queryable, row, now) {
        await inAppChannel.deliver(q, row, now); // written, then the transaction must roll it back
        if (failures > 0) {
          failures--;
          throw new Error('kênh tạm thời không gửi được (channel down)');
        }
      },
    };
    const errors: unknown[] = [];
    const r = relay({ channels: [flaky], backoffMs: 30 * SECOND, maxBackoffMs: 3_600 * SECOND, onError: (e) => errors.push(e) });
    const t0 = h.clock.now();

    expect(await r.relayOnce()).toMatchObject({ claimed: 1, delivered: 0, failed: 1 });
    expect(await notificationsOf(code)).toEqual([]);
    let [row] = await outboxOf(code);
    expect({ sent: row.sent_at, attempts: row.attempts, next: row.next_attempt_at?.getTime(), error: row.last_error }).toEqual({
      sent: null,
      attempts: 1,
      next: t0 + 30 * SECOND,
      error: 'kênh tạm thời không gửi được (channel down)',
    });

    h.clock.set(t0 + 29 * SECOND);
    expect((await r.relayOnce()).claimed).toBe(0); // not yet

    h.clock.set(t0 + 30 * SECOND);
    expect(await r.relayOnce()).toMatchObject({ claimed: 1, failed: 1 });
    [row] = await outboxOf(code);
    expect(row.next_attempt_at?.getTime()).toBe(t0 + 30 * SECOND + 60 * SECOND); // doubled

    h.clock.set(t0 + 89 * SECOND);
    expect((await r.relayOnce()).claimed).toBe(0);
    h.clock.set(t0 + 90 * SECOND);
    expect(await r.relayOnce()).toMatchObject({ claimed: 1, delivered: 1, failed: 0 });
    h.clock.set(t0 + 3_600 * SECOND);
    expect(await r.relayOnce()).toEqual({ claimed: 0, delivered: 0, failed: 0 });

    expect(await notificationsOf(code)).toHaveLength(1);
    [row] = await outboxOf(code);
    expect({ attempts: row.attempts, sent: row.sent_at?.getTime(), error: row.last_error }).toEqual({
      attempts: 3,
      sent: t0 + 90 * SECOND,
      error: null,
    });
    expect(errors).toHaveLength(2);
  });

  test('the back-off doubles and stops growing at its ceiling', () => {
    h.clock.set(0);
    const r = relay({ backoffMs: 30 * SECOND, maxBackoffMs: 3_600 * SECOND });
    expect([1, 2, 3, 4, 8, 50].map((n) => r.retryAt(n).getTime() / SECOND)).toEqual([30, 60, 120, 240, 3_600, 3_600]);
  });
});

describe("Scenario: another agency's officer does not see the notification", () => {
  test("Given the police's overdue notice delivered, When officers of the police and of the commune and an admin read their notifications, Then only the police and the admin see it; marking it read is the police's, and another agency gets 404", async () => {
    const code = await overdueStep('cong-an-xa-a');
    await relay().relayOnce();

    const mine = await listNotifications(h.db, officer('cong-an-xa-a'), { pageSize: 200 });
    const note = mine.items.find((n) => n.dossierCode === code)!;
    expect(note).toMatchObject({
      kind: 'sla.overdue',
      agencyCode: 'cong-an-xa-a',
      readAt: null,
      payload: { clock: { kind: 'step', step: 'policeCheck' }, dueVn: '10:00 05/03/2026' },
    });
    expect(note.payload).not.toHaveProperty('text');
    expect(mine.items.every((n) => n.agencyCode === 'cong-an-xa-a')).toBe(true);

    const theirs = await listNotifications(h.db, officer('ubnd-xa-a'), { pageSize: 200 });
    expect(theirs.items.map((n) => n.dossierCode)).not.toContain(code);
    expect(
      (await listNotifications(h.db, { username: 'motcua', role: 'counter', agencyCode: 'ubnd-xa-a' }, { pageSize: 200 })).items.map((n) => n.id),
    ).not.toContain(note.id);
    expect((await listNotifications(h.db, { username: 'quantri', role: 'admin' }, { pageSize: 200 })).items.map((n) => n.id)).toContain(note.id);
    await expect(listNotifications(h.db, { username: 'thanhtra', role: 'auditor' })).rejects.toMatchObject({ name: 'Forbidden' });
    await expect(listNotifications(h.db, { username: 'x', role: 'officer', agencyCode: null })).resolves.toMatchObject({
      total: 0,
      items: [],
    });

    await expect(markNotificationRead(h.db, officer('ubnd-xa-a'), note.id, vn('05/03/2026 10:05'))).rejects.toMatchObject({
      name: 'NotFound',
    });
    const read = await markNotificationRead(h.db, officer('cong-an-xa-a', 'canbo.1'), note.id, vn('05/03/2026 10:05'));
    expect(read).toMatchObject({ readAt: vn('05/03/2026 10:05').toISOString(), readBy: 'canbo.1' });
    const again = await markNotificationRead(h.db, officer('cong-an-xa-a', 'canbo.2'), note.id, vn('05/03/2026 11:00'));
    expect(again).toMatchObject({ readAt: vn('05/03/2026 10:05').toISOString(), readBy: 'canbo.1' });
    const unread = await listNotifications(h.db, officer('cong-an-xa-a'), { unread: true, pageSize: 200 });
    expect(unread.items.map((n) => n.id)).not.toContain(note.id);
  });

  test('newest first, paginated', async () => {
    const codes = [await overdueStep('bhxh-tinh', vn('05/03/2026 10:00')), await overdueStep('bhxh-tinh', vn('05/03/2026 10:01'))];
    await relay().relayOnce();
    const p1 = await listNotifications(h.db, officer('bhxh-tinh'), { pageSize: 1 });
    const p2 = await listNotifications(h.db, officer('bhxh-tinh'), { page: 2, pageSize: 1 });
    expect({ total: p1.total, first: p1.items[0].dossierCode, second: p2.items[0].dossierCode }).toEqual({
      total: 2,
      first: codes[1],
      second: codes[0],
    });
  });
});

test("an applicant's notice waits, untouched, while the relay has no channel for it (a text message; an e-mail without a mail server)", async () => {
  const code = await dossier(h.db);
  for (const [channel, recipient] of [
    ['sms', '0912345678'],
    ['email', 'an.nguyen@example.vn'],
  ]) {
    await h.db.query(
      `insert into domain.outbox (at, channel, kind, recipient, dossier_code, payload) values ($1::timestamptz, $2, 'dossier.done', $3, $4, '{}')`,
      [vn('05/03/2026 09:00').toISOString(), channel, recipient, code],
    );
  }
  h.clock.set(vn('05/03/2026 10:00'));
  expect(await relay().relayOnce()).toMatchObject({ claimed: 0 });
  expect(await outboxOf(code)).toEqual([
    expect.objectContaining({ kind: 'dossier.done', sent_at: null, attempts: 0 }),
    expect.objectContaining({ kind: 'dossier.done', sent_at: null, attempts: 0 }),
  ]);
  expect(await notificationsOf(code)).toEqual([]);
});

test('a notice names a channel the relay knows: anything else is refused by the table', async () => {
  await expect(
    h.db.query(`insert into domain.outbox (at, channel, kind, recipient, payload) values (now(), 'fax', 'dossier.done', '024 3823 4567', '{}')`),
  ).rejects.toThrow(/outbox_channel/);
});
