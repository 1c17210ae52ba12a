/**
 * Feature: the procedure catalog beside the diagram — what the process designer reads when a
 * process is open: GET /api/procedures (every procedure and its versions) and
 * GET /api/procedures/by-process/{bpmnProcessId} (the procedure running it and the rule version in
 * force: agencies, steps, limits with their sources).
 *
 * The whole service runs in-process over the repository's processes/; "today" is pinned with
 * `?on=` over HTTP, and with an injected clock on the router itself — never the real date.
 */
import express from 'express';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { ManualClock } from '../../src/clock.js';
import { proceduresRouter } from '../../src/http/catalog.js';
import { errorHandler } from '../../src/http/errors.js';
import { startService, type Service } from '../../src/main.js';
import { loadCatalog, procedureForProcess, type Catalog } from '../../src/procedures/index.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { call, testConfig, tokenFor } from './support.js';

const PROCESSES = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'processes');
const silent = pino({ level: 'silent' });

let t: TestDb;
let svc: Service;
let catalog: Catalog;
const as: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  catalog = await loadCatalog(PROCESSES);
  t = await openTestDb();
  try {
    svc = await startService(testConfig({ processesDir: PROCESSES, processesDirExplicit: true }), { db: t.db, logger: silent });
  } catch (e) {
    await t.close();
    throw e;
  }
  as.officer = {
    authorization: `Bearer ${await tokenFor({ username: 'hotich.hoa-binh', role: 'officer', agencyCode: 'ubnd-xa.tu-phap-ho-tich.hoa-binh' }, 1)}`,
  };
  as.designer = { authorization: `Bearer ${await tokenFor({ username: 'thietke', role: 'designer', agencyCode: null }, 1)}` };
  as.counter = {
    authorization: `Bearer ${await tokenFor({ username: 'motcua.hoa-binh', role: 'counter', agencyCode: 'mot-cua-xa.hoa-binh' }, 1)}`,
  };
  as.anonymous = { authorization: '' };
});
afterAll(async () => {
  await svc?.close();
  await t?.close();
});

const get = (path: string, who = 'designer') => call(svc.url, 'GET', path, undefined, as[who]);

describe('Feature: GET /api/procedures/by-process/{bpmnProcessId}', () => {
  test('Given the birth group open in the designer, when its entry is read for 01/07/2025, then it lists the agencies, each step with its element, limit and the limit’s source, and every version', async () => {
    const r = await get('/api/procedures/by-process/birth-registration-group?on=2025-07-01');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      today: '2025-07-01',
      bpmnProcessId: 'birth-registration-group',
      procedure: { code: 'birth-registration-group', field: { code: 'ho-tich' } },
      inForce: true,
      version: {
        version: '2025.07',
        effectiveFrom: '2025-07-01',
        effectiveTo: '2026-11-30',
        process: { bpmnProcessId: 'birth-registration-group' },
      },
    });
    expect(r.body.procedure.name.vi).toMatch(/đăng ký khai sinh/);
    const agencies = r.body.version.agencies as any[];
    expect(agencies.map((a) => a.code)).toEqual(['ubnd-xa.tu-phap-ho-tich', 'cong-an-xa', 'bhxh', 'mot-cua-xa']);
    const birth = agencies[0].steps[0];
    expect(birth).toMatchObject({
      id: 'birthRegistration',
      elementId: 'birthRegistration',
      name: { vi: 'Đăng ký khai sinh' },
      limit: { value: 1, unit: 'working_days', confirmed: false },
    });
    expect(birth.limit.source).toMatch(/Luật Hộ tịch 2014/);
    for (const a of agencies) for (const s of a.steps) expect(typeof s.limit.source).toBe('string');
    // The rest of the rule version, as procedure.json has it.
    expect(r.body.version.totalLimit).toMatchObject({ value: expect.any(Number), unit: 'working_days', source: expect.any(String) });
    expect(r.body.version.cutOff).toMatchObject({ after: '15:00' });
    expect(r.body.version.supplement.clock.value).toBe('restart');
    expect(r.body.version.process.jobTypes).toEqual(['lienthong.handoff', 'lienthong.notify-citizen']);
    expect(r.body.version.legalBasis.length).toBeGreaterThan(0);
    expect(r.body.versions).toEqual([
      {
        version: '2024.06',
        effectiveFrom: '2024-06-10',
        effectiveTo: '2025-06-30',
        bpmnProcessId: 'birth-registration-group',
        inForce: false,
      },
      { version: '2025.07', effectiveFrom: '2025-07-01', effectiveTo: '2026-11-30', bpmnProcessId: 'birth-registration-group', inForce: true },
      { version: '2026.12', effectiveFrom: '2026-12-01', effectiveTo: null, bpmnProcessId: 'birth-registration-group', inForce: false },
    ]);
    // Nothing of where the catalog lies on disk.
    expect(JSON.stringify(r.body)).not.toContain(PROCESSES);
    expect(r.body.procedure.location).toBeUndefined();
  });

  test('Given 30/06/2025, when the entry is read, then it is the 2024.06 version, the one in force that day', async () => {
    const r = await get('/api/procedures/by-process/birth-registration-group?on=2025-06-30');
    expect(r.status).toBe(200);
    expect(r.body.version.version).toBe('2024.06');
    expect(r.body.inForce).toBe(true);
  });

  test('Given an unknown process id, when its entry is read, then 404 naming the process in Vietnamese and English', async () => {
    const r = await get('/api/procedures/by-process/khong-co-quy-trinh');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: 'NotFound' });
    expect(r.body.message).toMatch(/không có thủ tục nào chạy quy trình 'khong-co-quy-trinh' \(no procedure runs the process 'khong-co-quy-trinh'\)/);
  });

  test('Given a day that is not a date, when the entry is read, then 400', async () => {
    expect((await get('/api/procedures/by-process/birth-registration-group?on=2025-13-45')).status).toBe(400);
    expect((await get('/api/procedures?on=hom-nay')).status).toBe(400);
  });

  test('Given an officer, when they read the entry, then they may; a counter too; an anonymous caller gets 401', async () => {
    expect((await get('/api/procedures/by-process/birth-registration-group', 'officer')).status).toBe(200);
    expect((await get('/api/procedures/by-process/birth-registration-group', 'counter')).status).toBe(200);
    expect((await get('/api/procedures', 'officer')).status).toBe(200);
    expect((await get('/api/procedures/by-process/birth-registration-group', 'anonymous')).status).toBe(401);
    expect((await get('/api/procedures', 'anonymous')).status).toBe(401);
  });
});

describe('Feature: GET /api/procedures', () => {
  test('Given the four procedures of processes/, when the catalog is read for 01/07/2025, then each has its code, name, field and versions, with the one in force marked', async () => {
    const r = await get('/api/procedures?on=2025-07-01');
    expect(r.status).toBe(200);
    expect(r.body.today).toBe('2025-07-01');
    const items = r.body.items as any[];
    expect(items.map((p) => p.code).sort()).toEqual(['birth-registration-group', 'construction-permit', 'death-registration-group', 'land-use-right-transfer']);
    const land = items.find((p) => p.code === 'land-use-right-transfer');
    expect(land).toEqual({
      code: 'land-use-right-transfer',
      name: { vi: expect.stringMatching(/quyền sử dụng đất/), en: expect.any(String) },
      field: { code: 'dat-dai', vi: 'Đất đai', en: 'Land' },
      versions: [{ version: '2025.07', effectiveFrom: '2025-07-01', effectiveTo: null, bpmnProcessId: 'land-use-right-transfer', inForce: true }],
    });
    for (const p of items) expect(p.versions.filter((v: any) => v.inForce)).toHaveLength(1);
  });

  test('Given a day before any version, when the catalog is read, then no version is in force', async () => {
    const r = await get('/api/procedures?on=2020-01-01');
    for (const p of r.body.items) expect(p.versions.every((v: any) => v.inForce === false)).toBe(true);
  });
});

describe('Feature: "today" is the injected clock’s day in Asia/Ho_Chi_Minh', () => {
  const app = (clock: ManualClock) => {
    const a = express();
    a.use((req, _res, next) => {
      req.user = { username: 'thietke', role: 'designer', agencyCode: null };
      next();
    });
    a.use('/api', proceduresRouter({ catalog, clock }));
    a.use(errorHandler(silent));
    return a;
  };
  const read = async (clock: ManualClock, path: string) => {
    const server = app(clock).listen(0);
    try {
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const { port } = server.address() as { port: number };
      return await call(`http://127.0.0.1:${port}`, 'GET', path, undefined, { authorization: '' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };

  test('Given the clock at 30/06/2025 16:59 UTC (23:59 in Hà Nội), then the 2024.06 version; at 17:00 UTC (00:00 on 01/07), then 2025.07', async () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 30, 16, 59));
    let r = await read(clock, '/api/procedures/by-process/birth-registration-group');
    expect(r.body).toMatchObject({ today: '2025-06-30', version: { version: '2024.06' } });
    clock.set(Date.UTC(2025, 5, 30, 17, 0));
    r = await read(clock, '/api/procedures/by-process/birth-registration-group');
    expect(r.body).toMatchObject({ today: '2025-07-01', version: { version: '2025.07' } });
    r = await read(clock, '/api/procedures');
    expect(r.body.today).toBe('2025-07-01');
  });
});

describe('Feature: procedureForProcess (the lookup on its own)', () => {
  test('Given a day before every version, then the newest version, not in force', () => {
    const found = procedureForProcess(catalog, 'death-registration-group', '2020-01-01')!;
    expect(found.inForce).toBe(false);
    expect(found.version.version).toBe('2025.07');
    expect(found.versions.map((v) => v.inForce)).toEqual([false, false]);
  });

  test('Given a process no procedure runs, then nothing', () => {
    expect(procedureForProcess(catalog, 'trace-fixture', '2025-07-01')).toBeUndefined();
  });
});
