/**
 * Feature: a migration that changes what existing rows mean brings them along, on a database that
 * ran the version before it — here migration 026, which gave every outbox row its channel. The
 * applicants' notices the earlier version wrote, with no channel to carry them, are parked: an
 * e-mail or text about a step long past would mislead more than it tells, and switching a channel
 * on later must not send that backlog. The agencies' SLA notices keep going to their inbox.
 *
 * Each scenario starts from a database migrated up to 025 (`migrate(knex, { to })`), writes
 * rows as that version did, then migrates to the latest and relays as the service does.
 */
import { ManualClock } from '../../src/clock.js';
import { openDb, pgliteImage, type Db } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrate.js';
import { enqueueNotice, inAppChannel, OutboxRelay, type OutboxChannel, type OutboxRow } from '../../src/sla/index.js';
import { createScratchDatabase, migratedImage } from '../support/db.js';

const BEFORE = '025_process_variables_owed';
let db: Db;
let drop: (() => Promise<void>) | undefined;
/** PGlite: a database migrated up to BEFORE (global setup's, else made here once), cloned for each test. */
let image: Uint8Array | undefined;

beforeAll(async () => {
  if (!process.env.DATABASE_URL) image = migratedImage(BEFORE) ?? (await pgliteImage({ to: BEFORE }));
});
beforeEach(async () => {
  if (image) {
    db = await openDb({ pgliteImage: image, migrate: false });
    return;
  }
  const scratch = await createScratchDatabase();
  drop = () => scratch.drop();
  db = await openDb({ databaseUrl: scratch.url, poolMax: 2, migrate: false });
  await migrate(db.knex, { to: BEFORE });
});
afterEach(async () => {
  await db.close();
  await drop?.();
  drop = undefined;
});

const at = new Date('2026-03-05T03:00:00Z'); // Thu 05/03/2026 10:00 in Vietnam

/** An outbox row as the version before 026 wrote it: no channel. */
async function writtenBefore026(kind: string, recipient: string, payload: object, sentAt: Date | null = null): Promise<void> {
  await db.query(`insert into domain.outbox (at, kind, recipient, dossier_code, payload, sent_at) values ($1, $2, $3, $4, $5::jsonb, $6)`, [
    at.toISOString(),
    kind,
    recipient,
    'HB-2026-000001',
    JSON.stringify(payload),
    sentAt?.toISOString() ?? null,
  ]);
}

/** A channel that keeps what it was given to send (the outbound side is tests/dossiers/notices.test.ts's). */
function keeping(name: 'email' | 'sms'): OutboxChannel & { sent: OutboxRow[] } {
  const sent: OutboxRow[] = [];
  return { name, external: true, sent, deliver: (_q, row) => Promise.resolve(void sent.push(row)) };
}

test('Given notices written before 026, when the database is migrated, then each row names its channel: in-app for the agency, e-mail or text for the applicant', async () => {
  await writtenBefore026('sla.overdue', 'cong-an-xa-a', { text: 'Hồ sơ HB-2026-000001 đã quá hạn' });
  await writtenBefore026('dossier.received', 'an.nguyen@example.vn', { appointmentAt: at.toISOString() });
  await writtenBefore026('dossier.done', '0912345678', {});

  await migrate(db.knex);

  const { rows } = await db.query<{ kind: string; channel: string }>(`select kind, channel from domain.outbox order by id`);
  expect(rows).toEqual([
    { kind: 'sla.overdue', channel: 'in-app' },
    { kind: 'dossier.received', channel: 'email' },
    { kind: 'dossier.done', channel: 'sms' },
  ]);
});

test("Given an applicant's notices unsent before 026, when the service relays every channel after it, then the agency's notice reaches its inbox and the applicant is sent nothing written before — only what is written after", async () => {
  await writtenBefore026('sla.overdue', 'cong-an-xa-a', { text: 'Hồ sơ HB-2026-000001 đã quá hạn' });
  await writtenBefore026('dossier.received', 'an.nguyen@example.vn', { appointmentAt: at.toISOString() });
  await writtenBefore026('dossier.done', '0912345678', {});
  await writtenBefore026('dossier.supplement_requested', 'an.nguyen@example.vn', {}, at); // already sent: left as it was

  await migrate(db.knex);
  const clock = new ManualClock(Date.UTC(2026, 2, 5, 4, 0, 0));
  const email = keeping('email');
  const sms = keeping('sms');
  const relay = new OutboxRelay({ db, clock, channels: [inAppChannel, email, sms] });

  expect(await relay.relayOnce()).toEqual({ claimed: 1, delivered: 1, failed: 0 });
  const inbox = await db.query<{ agency_code: string; text: string }>(`select agency_code, text from domain.notifications`);
  expect(inbox.rows).toEqual([{ agency_code: 'cong-an-xa-a', text: 'Hồ sơ HB-2026-000001 đã quá hạn' }]);
  expect([...email.sent, ...sms.sent]).toEqual([]);

  const parked = await db.query<{ kind: string; sent: boolean; parked: boolean; last_error: string | null }>(
    `select kind, sent_at is not null as sent, coalesce(next_attempt_at = 'infinity', false) as parked, last_error from domain.outbox where kind like 'dossier.%' order by id`,
  );
  expect(parked.rows).toEqual([
    { kind: 'dossier.received', sent: false, parked: true, last_error: 'written before the service had a channel for it; not sent' },
    { kind: 'dossier.done', sent: false, parked: true, last_error: 'written before the service had a channel for it; not sent' },
    { kind: 'dossier.supplement_requested', sent: true, parked: false, last_error: null },
  ]);

  // A year later still nothing of it goes; a notice written now does.
  clock.advance(366 * 24 * 3_600_000);
  await enqueueNotice(db, {
    at: new Date(clock.now()),
    channel: 'email',
    kind: 'dossier.done',
    recipient: 'an.nguyen@example.vn',
    dossierCode: 'HB-2026-000001',
    payload: {},
  });
  expect(await relay.relayOnce()).toEqual({ claimed: 1, delivered: 1, failed: 0 });
  expect(email.sent.map((r) => [r.kind, r.recipient])).toEqual([['dossier.done', 'an.nguyen@example.vn']]);
  expect(sms.sent).toEqual([]);
});

test('A migration name that does not exist is refused, naming it, and changes nothing', async () => {
  await expect(migrate(db.knex, { to: '099_no_such_change' })).rejects.toThrow('no migration named 099_no_such_change');
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from engine.knex_migrations`);
  expect(rows[0].n).toBe(25);
});
