/**
 * Feature: the demo registry for `npm start` on an empty database — one province and two
 * communes with an office of every agency kind the catalog's processes name, a user of every
 * role, refused in production.
 */
import { DEMO_PASSWORDS, seedDemo } from '../../src/dossiers/index.js';
import { loadCatalog } from '../../src/procedures/index.js';
import { verifyPassword } from '../../src/security/passwords.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { PROCESSES_DIR } from '../procedures/support.js';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t.close();
});

test('Given NODE_ENV=production, when the demo seed is asked for, then it refuses and writes nothing', async () => {
  await expect(seedDemo(t.db, { nodeEnv: 'production' })).rejects.toThrow(/refusing to load demo agencies and users with NODE_ENV=production/);
  expect((await t.db.query(`select count(*)::int as n from domain.agencies`)).rows[0].n).toBe(0);
});

test('Given an empty database, when seeded, then every kind a process names has an office in each commune (or the province), and every role a user', async () => {
  const r = await seedDemo(t.db, { nodeEnv: 'development' });
  expect(r).toBeDefined();
  const catalog = await loadCatalog(PROCESSES_DIR);
  const kinds = new Set(
    catalog.procedures
      .flatMap((p) =>
        p.versions.flatMap((v) => [
          ...v.agencies.map((a) => ({ kind: a.code, level: a.level })),
          // A case's performers (the commune's economic office for a detached house) are offices too.
          ...(v.cases ?? []).flatMap((c) => Object.values(c.performers ?? {}).map((a) => ({ kind: a.code, level: a.level }))),
        ]),
      )
      .map((k) => `${k.kind}|${k.level}`),
  );
  const { rows } = await t.db.query<{ kind: string; level: string; commune_code: string | null }>(`select kind, level, commune_code from domain.agencies`);
  for (const k of kinds) {
    const [kind, level] = k.split('|');
    const offices = rows.filter((a) => a.kind === kind);
    if (level === 'commune') expect({ kind, communes: offices.map((o) => o.commune_code).sort() }).toEqual({ kind, communes: ['99001', '99002'] });
    else expect({ kind, offices: offices.length }).toEqual({ kind, offices: 1 });
  }
  const users = (
    await t.db.query<{ role: string; username: string; password_hash: string; agency_code: string | null }>(
      `select role, username, password_hash, agency_code from domain.users`,
    )
  ).rows;
  expect(new Set(users.map((u) => u.role))).toEqual(new Set(['admin', 'designer', 'auditor', 'counter', 'officer']));
  // Every office whose kind a process names (but the counters, who have counter staff) has an officer.
  const staffed = new Set(users.map((u) => u.agency_code));
  for (const a of (await t.db.query<{ code: string; kind: string }>(`select code, kind from domain.agencies where kind <> all(array['ubnd-xa', 'ubnd-tinh'])`))
    .rows) {
    expect({ agency: a.code, staffed: staffed.has(a.code) }).toEqual({ agency: a.code, staffed: true });
  }
  const counter = users.find((u) => u.username === 'motcua.hoa-binh')!;
  expect(await verifyPassword(DEMO_PASSWORDS.officer, counter.password_hash)).toBe(false);
  // The README's demo passwords sign each role in (the seed stores hashes made once, in seed.ts).
  for (const role of Object.keys(DEMO_PASSWORDS) as (keyof typeof DEMO_PASSWORDS)[]) {
    const user = users.find((u) => u.role === role)!;
    expect({ role, signsIn: await verifyPassword(DEMO_PASSWORDS[role], user.password_hash) }).toEqual({ role, signsIn: true });
  }
});

test('Given the demo registry at its current version, when seeded again, then nothing happens', async () => {
  expect(await seedDemo(t.db, { nodeEnv: 'development' })).toBeUndefined();
  expect((await t.db.query(`select count(*)::int as n from domain.users`)).rows[0].n).toBe(19);
});

test('Given the seeded registry, then every receiving section and body of the province carries an electronic identifier in the structure of QCVN 102:2016/BTTTT, each under its parent, so the demo dossier codes read as a real province’s', async () => {
  const { rows } = await t.db.query<{ code: string; kind: string; parent: string | null; identifier: string | null; parentIdentifier: string | null }>(
    `select a.code, a.kind, a.parent_code as parent, a.identifier, p.identifier as "parentIdentifier"
       from domain.agencies a left join domain.agencies p on p.code = a.parent_code order by a.code`,
  );
  const QCVN = /^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$/;
  // Every one-stop section (the code of every dossier it receives starts with its identifier) has one.
  for (const r of rows.filter((x) => x.kind.startsWith('mot-cua')))
    expect({ code: r.code, identifier: r.identifier }).toEqual({ code: r.code, identifier: expect.stringMatching(QCVN) });
  const given = rows.filter((r) => r.identifier !== null);
  expect(new Set(given.map((r) => r.identifier)).size).toBe(given.length);
  // Level 1 is the province's People's Committee; a child's identifier fills the next group of zeros
  // of its parent's (000.00.00.H99 → 000.00.Y1Y2.H99 → 000.Z1Z2.Y1Y2.H99), sharing the rest.
  const level = (id: string) =>
    4 -
    id
      .split('.')
      .slice(0, 3)
      .filter((g) => /^0+$/.test(g)).length;
  expect(given.filter((r) => level(r.identifier!) === 1).map((r) => [r.code, r.identifier])).toEqual([['ubnd-tinh.thu-nghiem', '000.00.00.H99']]);
  for (const r of given.filter((x) => x.parent !== null)) {
    expect({ code: r.code, parentHasOne: r.parentIdentifier !== null }).toEqual({ code: r.code, parentHasOne: true });
    const parentLevel = level(r.parentIdentifier!);
    const parentTail = r
      .parentIdentifier!.split('.')
      .slice(4 - parentLevel)
      .join('.');
    expect({ code: r.code, level: level(r.identifier!), underParent: r.identifier!.endsWith(`.${parentTail}`) }).toEqual({
      code: r.code,
      level: parentLevel + 1,
      underParent: true,
    });
  }
  expect(rows.find((r) => r.code === 'mot-cua-xa.hoa-binh')?.identifier).toBe('000.02.31.H99');
});

describe('Feature: a demo database started before a version of the demo registry gets what that version added, once, and keeps the administrator’s changes', () => {
  let u: TestDb;
  beforeEach(async () => {
    u = await openTestDb();
  });
  afterEach(async () => {
    await u.close();
  });

  /** A demo registry as version 1 wrote it (no economic offices, no version recorded). */
  async function demoBeforeVersions(): Promise<void> {
    await seedDemo(u.db, { nodeEnv: 'development' });
    await u.db.query(`delete from domain.users where username like 'kinhte.%'`);
    await u.db.query(`delete from domain.agencies where kind = 'ubnd-xa.kinh-te'`);
    await u.db.query(`delete from domain.registry_seeds`);
  }
  const count = async (sql: string) => (await u.db.query<{ n: number }>(`select count(*)::int as n from ${sql}`)).rows[0].n;

  test('Scenario: version 1 → the next start adds each commune’s economic office and its official; a renamed or deactivated account stays so; a start after adds nothing', async () => {
    await demoBeforeVersions();
    await u.db.query(`update domain.users set full_name = 'Nguyễn Thị Hòa (đã đổi)' where username = 'motcua.hoa-binh'`);
    await u.db.query(`update domain.users set active = false where username = 'congan.tan-an'`);

    const r = await seedDemo(u.db, { nodeEnv: 'development' });
    expect(r).toEqual({
      from: 1,
      to: 2,
      agencies: ['ubnd-xa.kinh-te.hoa-binh', 'ubnd-xa.kinh-te.tan-an'],
      users: ['kinhte.hoa-binh', 'kinhte.tan-an'],
    });
    const office = (await u.db.query(`select name, parent_code, identifier from domain.agencies where code = 'ubnd-xa.kinh-te.hoa-binh'`)).rows[0];
    expect(office).toEqual({ name: 'Ủy ban nhân dân xã Hòa Bình (Phòng Kinh tế)', parent_code: 'ubnd-xa.hoa-binh', identifier: '000.03.31.H99' });
    const kept = (await u.db.query(`select username, full_name, active from domain.users where username in ('motcua.hoa-binh', 'congan.tan-an') order by 1`))
      .rows;
    expect(kept).toEqual([
      { username: 'congan.tan-an', full_name: 'Võ Thị An', active: false },
      { username: 'motcua.hoa-binh', full_name: 'Nguyễn Thị Hòa (đã đổi)', active: true },
    ]);
    expect(await count('domain.users')).toBe(19);

    expect(await seedDemo(u.db, { nodeEnv: 'development' })).toBeUndefined();
    expect(await count('domain.users')).toBe(19);
  });

  test('Scenario: an administrator already made an office under the new code → it is kept as they made it, and the official is added to it', async () => {
    await demoBeforeVersions();
    await u.db.query(
      `insert into domain.agencies (code, kind, name, name_en, level, province_code, commune_code, parent_code, place_name)
       values ('ubnd-xa.kinh-te.tan-an', 'ubnd-xa.kinh-te', 'Phòng Kinh tế xã Tân An (quản trị tạo)', 'Economic office', 'commune', '99', '99002', 'ubnd-xa.tan-an', 'Tân An')`,
    );
    const r = await seedDemo(u.db, { nodeEnv: 'development' });
    expect(r?.agencies).toEqual(['ubnd-xa.kinh-te.hoa-binh']);
    expect(r?.users).toEqual(['kinhte.hoa-binh', 'kinhte.tan-an']);
    expect((await u.db.query(`select name from domain.agencies where code = 'ubnd-xa.kinh-te.tan-an'`)).rows[0].name).toBe(
      'Phòng Kinh tế xã Tân An (quản trị tạo)',
    );
  });

  test('Scenario: a registry that is not the demo’s (no demo province) → the demo writes nothing into it', async () => {
    await u.db.query(
      `insert into domain.agencies (code, kind, name, name_en, level, province_code, commune_code, parent_code, place_name)
       values ('mot-cua-tinh.that', 'mot-cua-tinh', 'Trung tâm Phục vụ hành chính công tỉnh Thật', 'Service centre', 'province', '01', null, null, 'Thật')`,
    );
    expect(await seedDemo(u.db, { nodeEnv: 'development' })).toBeUndefined();
    expect(await count('domain.agencies')).toBe(1);
    expect(await count('domain.users')).toBe(0);
    expect(await count('domain.registry_seeds')).toBe(0);
  });
});
