/**
 * Demo data for `npm start`: one demo province and two communes, with a
 * concrete office of every agency kind the four procedures name, and a user for each role and
 * office. The names are invented ("tỉnh Thử Nghiệm") and the province code 99 is not a real one,
 * so nothing here can be mistaken for a real registry. README lists the users and passwords.
 *
 * It lives in the dossier room because the dossier room is what it demonstrates: receipts need
 * one-stop sections, the inbox needs offices of each kind in the dossier's place.
 * Refused when NODE_ENV=production: a production registry is loaded by its administrator.
 *
 * Versioned (`DEMO_SEED_VERSION`; accounts/registry-seed.ts): an entry added after the first
 * version says `since`, and a demo database started before it gets the entry at its next start.
 * Version 2 (30/11/2026): each commune's economic office and its official, who grant the
 * construction permit of a detached house.
 *
 * Electronic identifiers (mã định danh) follow the structure of QCVN 102:2016/BTTTT,
 * `V1V2V3.Z1Z2.Y1Y2.MX1X2`: a province's People's Committee is level 1 `000.00.00.H<province>`
 * (H: provinces); a body under it level 2 `000.00.Y1Y2.H99` (the departments, the provincial
 * service centre and — with no district since 01/07/2025 — each commune People's Committee); a
 * body under one of those level 3 `000.Z1Z2.Y1Y2.H99` (a commune's one-stop centre or economic office, a
 * department's office). So the demo's dossier codes read as a province's do (Circular
 * 01/2018/TT-VPCP art. 19: identifier-YYMMDD-sequence), e.g. `000.02.31.H99-260105-0001`. H99 is
 * no real province. The police, tax and social insurance offices are vertical bodies whose
 * identifiers come from their ministry's tree (G…), not the province's: none is invented here.
 */
import { applyRegistrySeed, type SeedApplied } from '../accounts/index.js';
import type { Db } from '../db/index.js';

export const DEMO_PROVINCE = { code: '99', name: 'tỉnh Thử Nghiệm' };
export const DEMO_COMMUNES = [
  { code: '99001', slug: 'hoa-binh', name: 'xã Hòa Bình' },
  { code: '99002', slug: 'tan-an', name: 'xã Tân An' },
] as const;

/** One documented password per role (demo only). */
export const DEMO_PASSWORDS = {
  admin: 'demo-quantri-2026',
  designer: 'demo-thietke-2026',
  auditor: 'demo-thanhtra-2026',
  counter: 'demo-motcua-2026',
  officer: 'demo-canbo-2026',
} as const;

type Role = keyof typeof DEMO_PASSWORDS;

/**
 * The demo passwords' scrypt hashes, made once with `hashPassword` and kept here. The passwords are
 * printed in the README and `NODE_ENV=production` refuses demo data, so neither a fixed salt nor
 * the cost protects anything: they are made at ln=10, r=8, p=1 (~2 ms to check) instead of
 * PASSWORD_COST (~0.12 s of CPU, on purpose, for every real account). Each sign-in of a demo
 * account — about 130 per test run, on each database — then costs nothing measurable.
 * tests/dossiers/seed.test.ts checks that each still verifies against its password.
 */
export const DEMO_PASSWORD_HASHES: Record<Role, string> = {
  admin: '$scrypt$ln=10,r=8,p=1$702xJ5umiCWeh7elYFYRAQ$Falc18HvseEM1Z+Vk3M4q6hklj837jiG/llGvuP4UIQ',
  designer: '$scrypt$ln=10,r=8,p=1$ekaPdaXaVabyBioF+MiFXw$9Cca2+4MYcXC+cFY+cQ3uJQuN6R2r8AFp/lyob+fCZU',
  auditor: '$scrypt$ln=10,r=8,p=1$kIl4pe5nK2oI6qHSxl0oLQ$pHpmOl25aYNkfgGxQCz7KXtacrpKvxOYclrvL6BbKH8',
  counter: '$scrypt$ln=10,r=8,p=1$LtfG4fuqQKIp9VcrZ4OqMQ$aCQKQv2VjKVmGhnd7no4li1kFZg4USYurQuidkmHWaE',
  officer: '$scrypt$ln=10,r=8,p=1$s4MyjJ6oW4WHQ1iDR10FIg$WeKP7XbjtfB/fZISCaPemQGOHa29eCXDlv/VKZKHZMk',
};

/** The demo registry's version: raise it with every entry added, and mark the entry `since`. */
export const DEMO_SEED_VERSION = 2;

interface AgencySeed {
  code: string;
  kind: string;
  name: string;
  nameEn: string;
  level: 'province' | 'commune';
  communeCode: string | null;
  parentCode: string | null;
  placeName: string;
  identifier: string | null;
  since?: number;
}

interface UserSeed {
  username: string;
  fullName: string;
  role: Role;
  agencyCode: string | null;
  since?: number;
}

/** What the seed wrote: the version it came from (null: an empty registry) and the codes and usernames added. */
export type SeedResult = SeedApplied;

export function demoAgencies(): AgencySeed[] {
  const p = DEMO_PROVINCE;
  const province = (
    code: string,
    kind: string,
    name: string,
    nameEn: string,
    parentCode: string | null = 'ubnd-tinh.thu-nghiem',
    identifier: string | null = null,
  ): AgencySeed => ({
    code,
    kind,
    name,
    nameEn,
    level: 'province',
    communeCode: null,
    parentCode,
    placeName: 'Thử Nghiệm',
    identifier,
  });
  const id = (z: number, y: number) => `000.${String(z).padStart(2, '0')}.${String(y).padStart(2, '0')}.H${p.code}`;
  const out: AgencySeed[] = [
    province('ubnd-tinh.thu-nghiem', 'ubnd-tinh', `Ủy ban nhân dân ${p.name}`, 'Provincial People’s Committee (demo)', null, id(0, 0)),
    province(
      'mot-cua-tinh.thu-nghiem',
      'mot-cua-tinh',
      `Trung tâm Phục vụ hành chính công ${p.name}`,
      'Provincial public administration service centre (demo)',
      undefined,
      id(0, 1),
    ),
    province('so-xay-dung.thu-nghiem', 'so-xay-dung', `Sở Xây dựng ${p.name}`, 'Department of Construction (demo)', undefined, id(0, 2)),
    province(
      'canh-sat-pccc.thu-nghiem',
      'canh-sat-pccc',
      `Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ – Công an ${p.name}`,
      'Fire and rescue police (demo)',
      null,
    ),
    province(
      'so-nong-nghiep-moi-truong.thu-nghiem',
      'so-nong-nghiep-moi-truong',
      `Sở Nông nghiệp và Môi trường ${p.name}`,
      'Department of Agriculture and Environment (demo)',
      undefined,
      id(0, 3),
    ),
    province(
      'so-van-hoa-the-thao-du-lich.thu-nghiem',
      'so-van-hoa-the-thao-du-lich',
      `Sở Văn hóa, Thể thao và Du lịch ${p.name}`,
      'Department of Culture, Sports and Tourism (demo)',
      undefined,
      id(0, 4),
    ),
    province(
      'vpdkdd.thu-nghiem',
      'vpdkdd',
      `Văn phòng Đăng ký đất đai ${p.name}`,
      'Land registration office (demo)',
      'so-nong-nghiep-moi-truong.thu-nghiem',
      id(1, 3),
    ),
    province('co-quan-thue.thu-nghiem', 'co-quan-thue', `Thuế ${p.name}`, 'Provincial tax office (demo)', null),
    province('bhxh.thu-nghiem', 'bhxh', `Bảo hiểm xã hội ${p.name}`, 'Social insurance office (demo)', null),
  ];
  for (const [i, c] of DEMO_COMMUNES.entries()) {
    const y = 31 + i; // each commune People's Committee is a level-2 body of the province
    const commune = (kind: string, name: string, nameEn: string, parent: string | null, identifier: string | null, since?: number): AgencySeed => ({
      code: `${kind}.${c.slug}`,
      kind,
      name,
      nameEn,
      level: 'commune',
      communeCode: c.code,
      parentCode: parent,
      placeName: c.name.replace(/^xã /, ''),
      identifier,
      since,
    });
    const committee = `ubnd-xa.${c.slug}`;
    out.push(
      commune('ubnd-xa', `Ủy ban nhân dân ${c.name}`, 'Commune People’s Committee (demo)', null, id(0, y)),
      commune(
        'ubnd-xa.tu-phap-ho-tich',
        `Ủy ban nhân dân ${c.name} (công chức Tư pháp – Hộ tịch)`,
        'Commune justice and civil status officer (demo)',
        committee,
        id(1, y),
      ),
      commune(
        'ubnd-xa.kinh-te',
        `Ủy ban nhân dân ${c.name} (Phòng Kinh tế)`,
        'Commune economic office: construction permits for detached houses (demo)',
        committee,
        id(3, y),
        2,
      ),
      commune('cong-an-xa', `Công an ${c.name}`, 'Commune police (demo)', null, null),
      commune('mot-cua-xa', `Trung tâm Phục vụ hành chính công ${c.name}`, 'Commune one-stop counter (demo)', committee, id(2, y)),
    );
  }
  return out;
}

export function demoUsers(): UserSeed[] {
  const users: UserSeed[] = [
    { username: 'quantri', fullName: 'Quản Trị Hệ Thống', role: 'admin', agencyCode: null },
    { username: 'thietke', fullName: 'Nguyễn Thị Thiết Kế', role: 'designer', agencyCode: null },
    { username: 'thanhtra', fullName: 'Lê Văn Thanh Tra', role: 'auditor', agencyCode: null },
    { username: 'motcua.tinh', fullName: 'Phạm Thị Một Cửa', role: 'counter', agencyCode: 'mot-cua-tinh.thu-nghiem' },
    { username: 'xaydung', fullName: 'Trần Văn Xây', role: 'officer', agencyCode: 'so-xay-dung.thu-nghiem' },
    { username: 'pccc', fullName: 'Đỗ Văn Phòng', role: 'officer', agencyCode: 'canh-sat-pccc.thu-nghiem' },
    { username: 'nnmt', fullName: 'Hoàng Thị Môi', role: 'officer', agencyCode: 'so-nong-nghiep-moi-truong.thu-nghiem' },
    { username: 'vhttdl', fullName: 'Vũ Văn Hóa', role: 'officer', agencyCode: 'so-van-hoa-the-thao-du-lich.thu-nghiem' },
    { username: 'vpdkdd', fullName: 'Ngô Thị Đất', role: 'officer', agencyCode: 'vpdkdd.thu-nghiem' },
    { username: 'thue', fullName: 'Bùi Văn Thuế', role: 'officer', agencyCode: 'co-quan-thue.thu-nghiem' },
    { username: 'bhxh', fullName: 'Đặng Thị Bảo', role: 'officer', agencyCode: 'bhxh.thu-nghiem' },
  ];
  const people: Record<string, [string, string, string, string]> = {
    'hoa-binh': ['Nguyễn Thị Hòa', 'Trần Văn Bình', 'Lê Thị Hộ', 'Mai Văn Kiến'],
    'tan-an': ['Phạm Văn Tân', 'Võ Thị An', 'Đinh Văn Tịch', 'Lý Thị Thiết'],
  };
  for (const c of DEMO_COMMUNES) {
    const [counter, police, civil, economy] = people[c.slug];
    users.push(
      { username: `motcua.${c.slug}`, fullName: counter, role: 'counter', agencyCode: `mot-cua-xa.${c.slug}` },
      { username: `congan.${c.slug}`, fullName: police, role: 'officer', agencyCode: `cong-an-xa.${c.slug}` },
      { username: `hotich.${c.slug}`, fullName: civil, role: 'officer', agencyCode: `ubnd-xa.tu-phap-ho-tich.${c.slug}` },
      { username: `kinhte.${c.slug}`, fullName: economy, role: 'officer', agencyCode: `ubnd-xa.kinh-te.${c.slug}`, since: 2 },
    );
  }
  return users;
}

/**
 * Loads the demo registry into an empty database, or what later versions of it added into a
 * database seeded before them (accounts/registry-seed.ts); undefined when it wrote nothing (the
 * demo is up to date, or the registry is not the demo's). Throws when `nodeEnv` is 'production'.
 */
export async function seedDemo(db: Db, opts: { nodeEnv: string }): Promise<SeedResult | undefined> {
  if (opts.nodeEnv === 'production') {
    throw new Error('refusing to load demo agencies and users with NODE_ENV=production: load the real agency registry and users instead');
  }
  return db.tx((q) =>
    applyRegistrySeed(q, {
      name: 'demo',
      version: DEMO_SEED_VERSION,
      belongsTo: 'ubnd-tinh.thu-nghiem',
      agencies: parentsFirst(demoAgencies()).map((a) => ({ ...a, provinceCode: DEMO_PROVINCE.code })),
      users: demoUsers().map((u) => ({ ...u, passwordHash: DEMO_PASSWORD_HASHES[u.role] })),
    }),
  );
}

/** The agencies ordered so that each comes after its parent (the foreign key). */
function parentsFirst(all: AgencySeed[]): AgencySeed[] {
  const out: AgencySeed[] = [];
  const placed = new Set<string>();
  let rest = all;
  while (rest.length) {
    const ready = rest.filter((a) => !a.parentCode || placed.has(a.parentCode));
    if (!ready.length) throw new Error(`demo agencies with unknown parents: ${rest.map((a) => a.code).join(', ')}`);
    for (const a of ready) placed.add(a.code);
    out.push(...ready);
    rest = rest.filter((a) => !placed.has(a.code));
  }
  return out;
}
