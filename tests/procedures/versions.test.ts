/**
 * Feature: the rule version in force — "a new version applies only to dossiers received on or
 * after its effectiveFrom"; days are counted in Asia/Ho_Chi_Minh.
 */
import { Invalid, NotFound } from '../../src/errors.js';
import { loadCatalog, ruleVersionAt, type Procedure, type RuleVersion } from '../../src/procedures/index.js';
import { PROCESSES_DIR } from './support.js';

const version = (v: string, effectiveFrom: string, effectiveTo: string | null) => ({ version: v, effectiveFrom, effectiveTo }) as RuleVersion;
const synthetic: Procedure = {
  code: 'synthetic',
  name: { vi: 'Thử', en: 'Test' },
  field: { code: 'thu', vi: 'Thử', en: 'Test' },
  versions: [version('2024.01', '2024-01-01', '2024-12-31'), version('2025.03', '2025-03-01', '2025-06-30'), version('2025.07', '2025-07-01', null)],
};
const at = (p: Procedure, d: Date | string) => ruleVersionAt(p, d).version;

describe('Feature: ruleVersionAt', () => {
  test('Scenario: the birth group changes version on 01/07/2025 (Decree 118/2025, two-tier government) and on 01/12/2026 (its total limit corrected)', async () => {
    const birth = (await loadCatalog(PROCESSES_DIR)).get('birth-registration-group');
    expect(at(birth, '2024-06-10')).toBe('2024.06');
    expect(at(birth, '2025-06-30')).toBe('2024.06');
    expect(at(birth, '2025-07-01')).toBe('2025.07');
    expect(at(birth, '2026-11-30')).toBe('2025.07');
    // 01/12/2026: the total limit corrected to Decree 63/2024 art. 7(2)'s 3 working days (issue 15).
    expect(at(birth, '2026-12-01')).toBe('2026.12');
    expect(at(birth, '2030-01-01')).toBe('2026.12');
    expect(() => ruleVersionAt(birth, '2024-06-09')).toThrow(NotFound);
  });

  test('Scenario: an instant is read as its day in Hà Nội — 23:59:59 on 30/06 is still the old version, 00:00 on 01/07 the new', () => {
    expect(at(synthetic, new Date('2025-06-30T16:59:59.999Z'))).toBe('2025.03');
    expect(at(synthetic, new Date('2025-06-30T17:00:00.000Z'))).toBe('2025.07');
    expect(at(synthetic, '2025-07-01T06:59:00+07:00')).toBe('2025.07');
    expect(at(synthetic, '2025-06-30T23:30:00Z')).toBe('2025.07');
  });

  test('Scenario: effectiveFrom and effectiveTo are both days in force; a gap between versions has none', () => {
    expect(at(synthetic, '2024-01-01')).toBe('2024.01');
    expect(at(synthetic, '2024-12-31')).toBe('2024.01');
    expect(() => ruleVersionAt(synthetic, '2025-01-01')).toThrow(/không có phiên bản quy định nào có hiệu lực ngày 2025-01-01/);
    expect(() => ruleVersionAt(synthetic, '2025-02-28')).toThrow(NotFound);
    expect(at(synthetic, '2025-03-01')).toBe('2025.03');
    expect(at(synthetic, '2025-06-30')).toBe('2025.03');
  });

  test('Scenario: what is not a date is refused', () => {
    expect(() => ruleVersionAt(synthetic, 'yesterday')).toThrow(Invalid);
    expect(() => ruleVersionAt(synthetic, new Date(NaN))).toThrow(Invalid);
  });
});
