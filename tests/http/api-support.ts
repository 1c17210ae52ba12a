/**
 * The service started in-process over a fresh database holding two communes' offices and a
 * user of every role, signed in over HTTP as each of them would be.
 *
 *   agency A: 'ubnd-xa.a' (commune People's Committee), 'mot-cua-xa.a' (its one-stop counter)
 *   agency B: 'ubnd-xa.b'
 *   users: thietke (designer), canbo.a / canbo.b (officers of A / B), motcua.a (counter of A),
 *          thanhtra (auditor), quantri (admin) — all with PASSWORD
 */
import { pino, type Logger } from 'pino';
import type { Config } from '../../src/config.js';
import type { Clock } from '../../src/clock.js';
import type { Role } from '../../src/http/auth.js';
import { startService, type Service } from '../../src/main.js';
import { hashPassword } from '../../src/security/passwords.js';
import { call, testConfig, type Reply } from './support.js';
import { openTestDb, type TestDb } from '../support/db.js';

export const PASSWORD = 'mat-khau-thu-nghiem-2026';

export type Caller = 'anonymous' | 'designer' | 'officerA' | 'officerB' | 'counter' | 'auditor' | 'admin';
export const CALLERS: Caller[] = ['anonymous', 'designer', 'officerA', 'officerB', 'counter', 'auditor', 'admin'];

export const USERS: Record<Exclude<Caller, 'anonymous'>, { username: string; role: Role; agencyCode: string | null; fullName: string }> = {
  designer: { username: 'thietke', role: 'designer', agencyCode: null, fullName: 'Nguyễn Thị Thiết Kế' },
  officerA: { username: 'canbo.a', role: 'officer', agencyCode: 'ubnd-xa.a', fullName: 'Trần Văn An' },
  officerB: { username: 'canbo.b', role: 'officer', agencyCode: 'ubnd-xa.b', fullName: 'Lê Thị Bình' },
  counter: { username: 'motcua.a', role: 'counter', agencyCode: 'mot-cua-xa.a', fullName: 'Phạm Thị Cửa' },
  auditor: { username: 'thanhtra', role: 'auditor', agencyCode: null, fullName: 'Đỗ Văn Tra' },
  admin: { username: 'quantri', role: 'admin', agencyCode: null, fullName: 'Quản Trị' },
};

export interface ApiService {
  url: string;
  service: Service;
  t: TestDb;
  /** Authorization headers of each caller (anonymous: an empty header, i.e. none). */
  headers: Record<Caller, Record<string, string>>;
  as(caller: Caller, method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<Reply>;
  /** Signs `caller` in again (after a sign-out ended its token). */
  signInAgain(caller: Exclude<Caller, 'anonymous'>): Promise<void>;
  close(): Promise<void>;
}

export async function seedRegistry(t: TestDb): Promise<void> {
  // A light scrypt cost keeps the test quick; the service verifies whatever cost a hash names.
  const hash = await hashPassword(PASSWORD, { ln: 10, r: 8, p: 1 });
  await t.db.tx(async (q) => {
    for (const [code, kind, name, commune] of [
      ['ubnd-xa.a', 'ubnd-xa', 'Ủy ban nhân dân xã A', '99001'],
      ['mot-cua-xa.a', 'mot-cua-xa', 'Bộ phận một cửa xã A', '99001'],
      ['ubnd-xa.b', 'ubnd-xa', 'Ủy ban nhân dân xã B', '99002'],
    ]) {
      await q.query(`insert into domain.agencies (code, kind, name, level, province_code, commune_code) values ($1, $2, $3, 'commune', '99', $4)`, [
        code,
        kind,
        name,
        commune,
      ]);
    }
    for (const u of Object.values(USERS)) {
      await q.query(`insert into domain.users (username, full_name, password_hash, role, agency_code) values ($1, $2, $3, $4, $5)`, [
        u.username,
        u.fullName,
        hash,
        u.role,
        u.agencyCode,
      ]);
    }
  });
}

export async function login(url: string, username: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<Reply> {
  return call(url, 'POST', '/api/auth/login', { username, password }, { authorization: '', ...headers });
}

/** `clock`: the service's time (a ManualClock the test moves; default: the system clock). */
export async function startApiService(opts: { config?: Partial<Config>; logger?: Logger; seed?: boolean; clock?: Clock } = {}): Promise<ApiService> {
  const t = await openTestDb();
  let service: Service;
  try {
    if (opts.seed !== false) await seedRegistry(t);
    service = await startService(testConfig(opts.config), {
      db: t.db,
      logger: opts.logger ?? pino({ level: 'silent' }),
      clock: opts.clock,
    });
  } catch (e) {
    await t.close();
    throw e;
  }
  const url = service.url;
  const headers = { anonymous: { authorization: '' } } as unknown as Record<Caller, Record<string, string>>;
  if (opts.seed !== false) {
    for (const [caller, u] of Object.entries(USERS)) {
      const r = await login(url, u.username);
      if (r.status !== 200) throw new Error(`login of ${u.username} failed: ${r.status} ${JSON.stringify(r.body)}`);
      headers[caller as Caller] = { authorization: `Bearer ${r.body.token}` };
    }
  }
  return {
    url,
    service,
    t,
    headers,
    as: (caller, method, path, body, extra = {}) => call(url, method, path, body, { ...headers[caller], ...extra }),
    async signInAgain(caller) {
      const r = await login(url, USERS[caller].username);
      if (r.status !== 200) throw new Error(`login of ${USERS[caller].username} failed: ${r.status} ${JSON.stringify(r.body)}`);
      headers[caller] = { authorization: `Bearer ${r.body.token}` };
    },
    async close() {
      await service.close();
      await t.close();
    },
  };
}
