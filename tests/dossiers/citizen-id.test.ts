/**
 * Feature: the structure of a 12-digit personal identification number (Decree 137/2015/NĐ-CP
 * art. 13; Circular 07/2016/TT-BCA art. 7 and Appendix I) — province, century and gender, birth
 * year — and no invented checksum.
 */
import { citizenIdProblems, decodeCitizenId, PROVINCE_CODES } from '../../src/dossiers/index.js';

describe('Feature: decoding a citizen ID', () => {
  test('Scenario: the 63 province codes of Circular 07/2016, from 001 Hà Nội to 096 Cà Mau', () => {
    expect(Object.keys(PROVINCE_CODES)).toHaveLength(63);
    expect(PROVINCE_CODES['001']).toBe('Hà Nội');
    expect(PROVINCE_CODES['079']).toBe('Hồ Chí Minh');
    expect(PROVINCE_CODES['096']).toBe('Cà Mau');
    expect(PROVINCE_CODES['003']).toBeUndefined();
  });

  test.each([
    ['001090123456', 'male', 1990],
    ['079301654321', 'female', 2001],
    ['031200000001', 'male', 2000],
    ['048499000001', 'male', 2199],
    ['096599000001', 'female', 2199],
  ])('Scenario: %s decodes to its gender and birth year', (id, gender, year) => {
    const parts = decodeCitizenId(id)!;
    expect(parts.gender).toBe(gender);
    expect(parts.birthYear).toBe(year);
  });

  test('Scenario: the century digit follows the table — 0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 2300s (not the 1800s)', () => {
    const year = (d: number) => decodeCitizenId(`001${d}25000001`)!.birthYear;
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(year)).toEqual([1925, 1925, 2025, 2025, 2125, 2125, 2225, 2225, 2325, 2325]);
    expect([0, 1, 2, 3, 8, 9].map((d) => decodeCitizenId(`001${d}25000001`)!.gender)).toEqual(['male', 'female', 'male', 'female', 'male', 'female']);
  });
});

describe('Feature: checking a citizen ID against what the person declares', () => {
  test('Scenario: consistent — no problem; the last six digits are random and never checked', () => {
    expect(citizenIdProblems('001090123456', { birthDate: '1990-05-12', gender: 'male' })).toEqual([]);
    expect(citizenIdProblems('001090999999', { birthDate: '1990-12-31', gender: 'male' })).toEqual([]);
  });

  test('Scenario: each inconsistency is its own problem, in both languages', () => {
    const p = citizenIdProblems('000190123456', { birthDate: '1991-01-01', gender: 'male' });
    expect(p.map((x) => x.messageEn)).toEqual([
      expect.stringContaining("the first 3 digits '000' are not a province code"),
      expect.stringContaining("digits 5–6 '90' are the last two digits of the birth year, which do not match 1991"),
      expect.stringContaining("the 4th digit '1' codes the gender female"),
    ]);
    expect(p.every((x) => x.messageVi.length > 10)).toBe(true);
  });

  test('Scenario: a number of the wrong length is one problem', () => {
    expect(citizenIdProblems('12345')).toEqual([
      {
        messageVi: 'số định danh cá nhân phải gồm đúng 12 chữ số',
        messageEn: 'the personal identification number must be exactly 12 digits',
      },
    ]);
  });
});
