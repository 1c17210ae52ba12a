/**
 * Feature: figures corrected as new rule versions (issue 15) — a dossier received before keeps its
 * version; every confirmed figure names its article; the death group cites the Social Insurance
 * Law in force on the day of receipt.
 */
import { loadCatalog, ruleVersionAt } from '../../src/procedures/index.js';
import { PROCESSES_DIR } from './support.js';

interface Case {
  code: string;
  totalLimit: { value: number; unit: string; confirmed: boolean; source: string };
  stepLimits?: Record<string, { value: number; unit: string }>;
  receivingAuthority?: { level: string; name: { vi: string }; source: string };
}

describe('Feature: the construction permit, corrected from 01/12/2026', () => {
  test('Scenario: received 30/11/2026 → version 2025.07, one supplement notice; received 01/12/2026 → 2026.12, a second notice allowed', async () => {
    const permit = (await loadCatalog(PROCESSES_DIR)).get('construction-permit');
    const before = ruleVersionAt(permit, '2026-11-30');
    const after = ruleVersionAt(permit, '2026-12-01');
    expect(before.version).toBe('2025.07');
    expect(before.supplement.maxRequests.value).toBe(1);
    expect(after.version).toBe('2026.12');
    expect(after.supplement.maxRequests).toMatchObject({ value: 2, confirmed: true });
    expect(after.supplement.maxRequests.source).toMatch(/Điều 102, khoản 1, điểm c/u);
  });

  test('Scenario: the total is 20 working days up to 30/11/2026 and 20 calendar days from 01/12/2026 (art. 102 says "20 ngày"), counted as the Civil Code counts days', async () => {
    const permit = (await loadCatalog(PROCESSES_DIR)).get('construction-permit');
    expect(ruleVersionAt(permit, '2026-11-30').totalLimit).toMatchObject({ value: 20, unit: 'working_days', confirmed: false });
    const after = ruleVersionAt(permit, '2026-12-01').totalLimit;
    expect(after).toMatchObject({ value: 20, unit: 'calendar_days', confirmed: true });
    expect(after.source).toMatch(/Điều 102, khoản 1, điểm e/u);
    expect(after.source).toMatch(/Bộ luật Dân sự 2015 .*Điều 147–148/u);
  });

  test('Scenario: detached houses have their own shorter limits and the commune People’s Committee receives them', async () => {
    const permit = (await loadCatalog(PROCESSES_DIR)).get('construction-permit');
    const cases = (ruleVersionAt(permit, '2026-12-01') as unknown as { cases: Case[] }).cases;
    expect(cases).toHaveLength(1);
    const house = cases[0];
    expect(house.code).toBe('nha-o-rieng-le');
    expect(house.totalLimit.value).toBeLessThan(ruleVersionAt(permit, '2026-12-01').totalLimit.value);
    // Art. 102: 15 days (calendar days, as the law writes "ngày") instead of 20; lienthong gives
    // the consulted agencies 5 working days of them (the law's 12 days, art. 102(1)(đ), run from
    // receipt and overlap the other steps).
    expect(house.totalLimit).toMatchObject({ value: 15, unit: 'calendar_days', confirmed: true });
    expect(house.stepLimits?.consultation).toMatchObject({ value: 5, unit: 'working_days' });
    expect(house.receivingAuthority).toMatchObject({ level: 'commune', name: { vi: 'Ủy ban nhân dân cấp xã' } });
    expect(house.receivingAuthority?.source).toMatch(/Nghị định 140\/2025\/NĐ-CP/u);
  });
});

describe('Feature: the death group cites the Social Insurance Law of the day of receipt', () => {
  test('Scenario: received 30/06/2025 → the 2014 law; received 01/07/2025 → the 2024 law (41/2024/QH15)', async () => {
    const death = (await loadCatalog(PROCESSES_DIR)).get('death-registration-group');
    const limit = (day: string, step: string) =>
      ruleVersionAt(death, day)
        .agencies.flatMap((a) => a.steps)
        .find((s) => s.id === step)!.limit;
    for (const step of ['funeralAllowance', 'survivorBenefit']) {
      expect(limit('2025-06-30', step).source).toMatch(/^Luật Bảo hiểm xã hội 2014 \(58\/2014\/QH13\)/u);
      expect(limit('2025-07-01', step).source).toMatch(/^Luật Bảo hiểm xã hội 2024 \(41\/2024\/QH15\)/u);
    }
  });
});

describe('Feature: no figure is confirmed without an article', () => {
  test('Scenario: every confirmed figure of every version names an article (Điều)', async () => {
    const catalog = await loadCatalog(PROCESSES_DIR);
    for (const p of catalog.procedures) {
      for (const v of p.versions) {
        const figures = [
          v.totalLimit,
          ...v.agencies.flatMap((a) => a.steps.map((s) => s.limit)),
          ...v.documents,
          ...v.fees,
          ...(v.thresholds ?? []),
          v.supplement.maxRequests,
          v.supplement.clock,
          ...(v.cutOff ? [v.cutOff] : []),
        ];
        for (const f of figures) if (f.confirmed) expect(f.source).toMatch(/Điều \d+/u);
      }
    }
  });
});

describe('Feature: the one-stop rules of Decree 118/2025 (in force from 01/07/2025), article by article', () => {
  test('Scenario: every version in force from 01/07/2025 that takes one supplement request, its clock restarting, cites the articles that say so', async () => {
    const catalog = await loadCatalog(PROCESSES_DIR);
    const cited = ['birth-registration-group', 'death-registration-group', 'land-use-right-transfer'].flatMap((code) =>
      catalog
        .get(code)
        .versions.filter((v) => v.effectiveFrom >= '2025-07-01')
        .map((v) => ({ code, version: v.version, maxRequests: v.supplement.maxRequests, clock: v.supplement.clock })),
    );
    expect(cited.length).toBeGreaterThanOrEqual(4);
    for (const c of cited) {
      expect(c.maxRequests).toMatchObject({ value: 1, confirmed: true, source: 'Nghị định 118/2025/NĐ-CP, Điều 11, khoản 2, điểm c' });
      expect(c.clock).toMatchObject({ value: 'restart', confirmed: true });
      expect(c.clock.source).toMatch(/^Nghị định 118\/2025\/NĐ-CP, Điều 19, khoản 5/u);
    }
  });

  test('Scenario: a version in force before 01/07/2025 does not claim the decree that was not yet in force as confirmed', async () => {
    const catalog = await loadCatalog(PROCESSES_DIR);
    for (const code of ['birth-registration-group', 'death-registration-group']) {
      const before = ruleVersionAt(catalog.get(code), '2025-06-30');
      expect(before.supplement.maxRequests.confirmed).toBe(false);
    }
  });
});
