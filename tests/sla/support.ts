/**
 * SLA tests on a real database: one database per file (PGlite, or PostgreSQL with DATABASE_URL),
 * the shipped calendar (rules + the seeded override table), a ManualClock, and the minimal
 * agency / dossier / task rows the clock table's foreign keys need.
 */
import { randomBytes } from 'node:crypto';
import { CalendarStore, type WorkingCalendar } from '../../src/calendar/index.js';
import type { Db, Queryable } from '../../src/db/index.js';
import { ManualClock } from '../../src/clock.js';
import { slaDossierFacts } from '../../src/dossiers/index.js';
import { SlaService, type SlaServiceOptions } from '../../src/sla/index.js';
import { openTestDb, type TestDb } from '../support/db.js';

export interface SlaHarness {
  readonly db: Db;
  readonly calendar: WorkingCalendar;
  readonly clock: ManualClock;
  /** A new service on the same database (a restart, as far as the clocks are concerned). */
  service(opts?: Partial<SlaServiceOptions>): SlaService;
}

export function useSla(): SlaHarness {
  let t: TestDb;
  let calendar: WorkingCalendar;
  const clock = new ManualClock();
  beforeAll(async () => {
    t = await openTestDb();
    calendar = await new CalendarStore(t.db).init();
    await agency(t.db, 'ubnd-xa-a', 'ubnd-xa', 'Ủy ban nhân dân xã A');
    await agency(t.db, 'cong-an-xa-a', 'cong-an-xa', 'Công an xã A');
    await agency(t.db, 'bhxh-tinh', 'bhxh', 'Bảo hiểm xã hội tỉnh');
  });
  afterAll(async () => {
    await t.close();
  });
  return {
    get db() {
      return t.db;
    },
    get calendar() {
      return calendar;
    },
    clock,
    service(opts = {}) {
      return new SlaService({ db: t.db, dossiers: slaDossierFacts, calendar: () => calendar, clock, ...opts });
    },
  };
}

export async function agency(q: Queryable, code: string, kind: string, name: string): Promise<void> {
  await q.query(
    `insert into domain.agencies (code, kind, name, level, province_code, commune_code) values ($1, $2, $3, 'commune', '01', $1)
     on conflict (code) do nothing`,
    [code, kind, name],
  );
}

/** A unique dossier code, shaped like Circular 03/2025's. */
export function dossierCode(): string {
  return `000.00.00.H01-260212-${randomBytes(3).toString('hex')}`;
}

export async function dossier(
  q: Queryable,
  a: { code?: string; procedure?: string; channel?: 'counter' | 'online' | 'postal'; agency?: string; receivedAt?: Date } = {},
): Promise<string> {
  const code = a.code ?? dossierCode();
  const receivedAt = a.receivedAt ?? new Date('2026-03-02T08:00:00+07:00');
  await q.query(
    `insert into domain.dossiers (code, procedure_code, rule_version, status, channel, receiving_agency, applicant, data,
       lookup_secret_hash, received_at, appointment_at)
     values ($1, $2, '2025.07', 'received', $3, $4, '{}', '{}', 'x', $5::timestamptz, $5::timestamptz)`,
    [code, a.procedure ?? 'birth-registration-group', a.channel ?? 'counter', a.agency ?? 'ubnd-xa-a', receivedAt.toISOString()],
  );
  return code;
}

/** The job key of the next task row (one database per file: unique within it). */
let jobKey = 7_000_000_000n;

/** An inbox row for one agency step of a dossier; returns its id. Its creation instant is fixed: nothing here reads it, and no row takes the real clock's. */
export async function task(q: Queryable, dossierCode: string, agencyCode: string, elementId = 'step'): Promise<string> {
  jobKey++;
  const { rows } = await q.query<{ id: string }>(
    `insert into domain.tasks (job_key, dossier_code, process_instance_key, element_id, element_instance_key, name, agency_code,
       candidate_groups, state, created_at)
     values ($1, $2, 1, $3, $1, $3, $4, array[$4], 'open', '2025-07-01T08:00:00+07:00') returning id::text`,
    [String(jobKey), dossierCode, elementId, agencyCode],
  );
  return rows[0].id;
}

/** An instant written the way Vietnamese officials read it: 'dd/mm/yyyy HH:MM' in Asia/Ho_Chi_Minh. */
export function vn(s: string): Date {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(s);
  if (!m) throw new Error(`bad test instant ${s}`);
  return new Date(`${m[3]}-${m[2]}-${m[1]}T${m[4]}:${m[5]}:00+07:00`);
}

/** The inverse of vn(): how a due instant reads on a form. */
export function show(d: Date): string {
  const local = new Date(d.getTime() + 7 * 3_600_000).toISOString();
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
}
