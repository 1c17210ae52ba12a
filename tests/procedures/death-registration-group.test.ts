/**
 * Feature: the death group (Decree 63/2024) — death registration, then only the procedures the
 * applicant chose to link (removal of permanent residence, funeral allowance, survivor benefit)
 * in parallel through an inclusive gateway, joined, then returned at the counter.
 */
import { ended, useProcedures } from './support.js';

const h = useProcedures();
const CODE = 'death-registration-group';

const STEP = {
  residence_removal: { elementId: 'residenceRemoval', agency: 'cong-an-xa', result: { residenceRemoved: true } },
  funeral_allowance: { elementId: 'funeralAllowance', agency: 'bhxh', result: { funeralAllowance: { granted: true } } },
  survivor_benefit: { elementId: 'survivorBenefit', agency: 'bhxh', result: { survivorBenefit: { granted: true } } },
} as const;
type Link = keyof typeof STEP;

describe('Feature: death registration → the linked procedures the applicant chose → return', () => {
  test.each<[string, Link[]]>([
    ['nothing linked: death registration only', []],
    ['only residence removal', ['residence_removal']],
    ['only the funeral allowance', ['funeral_allowance']],
    ['only the survivor benefit', ['survivor_benefit']],
    ['both social-insurance benefits', ['funeral_allowance', 'survivor_benefit']],
    ['all three', ['residence_removal', 'funeral_allowance', 'survivor_benefit']],
  ])('Scenario: %s — "an inclusive gateway takes every flow whose condition holds; its join waits for those only"', async (_, linked) => {
    const key = await h.startDossier(CODE, `HS-KT-${linked.length}`, { linked });
    await h.desk.complete(key, 'deathRegistration', 'ubnd-xa.tu-phap-ho-tich', { deathCertificate: { number: 'KT-3/2026' } });

    const chosen = linked.map((l) => STEP[l].elementId).sort();
    if (chosen.length) {
      // Exactly the chosen steps are open, each in its agency's inbox
      expect(await h.desk.inHand(key)).toEqual(chosen);
      // Completed in reverse order: the join still waits until the last of them
      for (const [i, l] of [...linked].reverse().entries()) {
        if (i > 0) expect(await h.desk.inHand(key)).not.toContain('returnResult');
        await h.desk.complete(key, STEP[l].elementId, STEP[l].agency, STEP[l].result);
      }
    }
    await h.desk.complete(key, 'returnResult', 'mot-cua-xa');
    await ended(h, key);

    const { state, variables } = await h.instance(key);
    expect(state).toBe('COMPLETED');
    expect(variables.notification).toMatchObject({
      template: 'result-ready',
      text: expect.stringContaining(`hồ sơ HS-KT-${linked.length} đã có kết quả`),
    });
    for (const l of linked) expect(variables).toMatchObject(STEP[l].result);
    const created = await h.userTasksCreated(key);
    expect(created[0]).toBe('deathRegistration');
    expect(created.slice(1, -1).sort()).toEqual(chosen);
    expect(created.at(-1)).toBe('returnResult');
  });
});
