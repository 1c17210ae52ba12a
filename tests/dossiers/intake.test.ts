/**
 * Feature: dossier intake — each procedure's JSON Schema, then what a schema cannot say (citizen
 * ID structure, dates, the child's age, the version's documents); every problem has its JSON
 * pointer and its reason in Vietnamese and English.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntakeValidator } from '../../src/dossiers/index.js';
import { loadCatalog, ruleVersionAt, type Catalog } from '../../src/procedures/index.js';
import { birthIntake, constructionIntake, deathIntake, INTAKES, landIntake } from './fixtures.js';

const PROCESSES = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'processes');
const RECEIVED = new Date('2026-01-05T02:00:00Z'); // Monday 05/01/2026 09:00 in Hà Nội

let catalog: Catalog;
let v: IntakeValidator;
beforeAll(async () => {
  catalog = await loadCatalog(PROCESSES);
  v = IntakeValidator.load();
});

const problems = (code: string, intake: unknown, at = RECEIVED) => v.problems(code, ruleVersionAt(catalog.get(code), at), intake, { receivedAt: at });

describe('Feature: a valid intake passes', () => {
  test.each(Object.keys(INTAKES))('Scenario: %s — the fixture a counter officer types in has no problem', (code) => {
    expect(problems(code, INTAKES[code]())).toEqual([]);
  });

  test('Scenario: every procedure of the catalog has an intake schema', () => {
    for (const p of catalog.procedures) expect(v.has(p.code)).toBe(true);
  });
});

describe('Feature: schema problems name the path and say why, in Vietnamese and English', () => {
  test('Scenario: a missing required property, a wrong type and an unknown property are all reported', () => {
    const x = birthIntake();
    delete x.child.fullName;
    x.child.birthDate = 20251220;
    x.applicant.nickname = 'Tí';
    const p = problems('birth-registration-group', x);
    expect(p).toEqual(
      expect.arrayContaining([
        {
          path: '/child/fullName',
          messageVi: "thiếu thông tin bắt buộc 'fullName'",
          messageEn: "the required property 'fullName' is missing",
        },
        expect.objectContaining({
          path: '/child/birthDate',
          messageVi: expect.stringMatching(/ngày/),
          messageEn: expect.stringMatching(/date|string/),
        }),
        expect.objectContaining({
          path: '/applicant/nickname',
          messageVi: expect.stringContaining("không có trường 'nickname'"),
          messageEn: expect.stringContaining("'nickname' is not part"),
        }),
      ]),
    );
  });

  test('Scenario: a district in an address is refused — two-tier government since 01/07/2025', () => {
    const x = deathIntake();
    x.applicant.address.district = 'huyện Cũ';
    const p = problems('death-registration-group', x);
    expect(p).toEqual([
      expect.objectContaining({
        path: '/applicant/address/district',
        messageVi: expect.stringContaining('không có cấp huyện'),
        messageEn: expect.stringContaining('no district'),
      }),
    ]);
  });

  test('Scenario: a citizen ID that is not 12 digits, a bad date and a bad phone get their own messages', () => {
    const x = landIntake();
    x.applicant.citizenId = '00109012345';
    x.transferor.birthDate = '1975-02-30';
    x.applicant.phone = '12345';
    const p = problems('land-use-right-transfer', x);
    expect(p).toEqual(
      expect.arrayContaining([
        {
          path: '/applicant/citizenId',
          messageVi: 'phải là số định danh cá nhân gồm đúng 12 chữ số',
          messageEn: 'must be a personal identification number of exactly 12 digits',
        },
        {
          path: '/transferor/birthDate',
          messageVi: 'phải là một ngày có thật dạng YYYY-MM-DD',
          messageEn: 'must be a real date written YYYY-MM-DD',
        },
        expect.objectContaining({ path: '/applicant/phone', messageVi: expect.stringContaining('số điện thoại') }),
      ]),
    );
  });

  test('Scenario: the death group only links the three procedures it knows, each once', () => {
    const p = problems('death-registration-group', deathIntake(['funeral_allowance', 'funeral_allowance', 'pension']));
    expect(p).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: '/linked/2',
          messageEn: expect.stringContaining('residence_removal, funeral_allowance, survivor_benefit'),
        }),
        expect.objectContaining({ path: '/linked', messageVi: 'mục thứ 1 và thứ 2 trùng nhau' }),
      ]),
    );
  });

  test('Scenario: the birth group needs the mother or the father', () => {
    const x = birthIntake();
    delete x.mother;
    delete x.father;
    expect(problems('birth-registration-group', x)).toEqual([
      {
        path: '',
        messageVi: "phải có ít nhất một trong các thông tin 'mother', 'father'",
        messageEn: "must have at least one of 'mother', 'father'",
      },
    ]);
  });

  test('Scenario: a construction permit needs at least one consulted agency', () => {
    expect(problems('construction-permit', constructionIntake([]))).toEqual([
      { path: '/consultedAgencies', messageVi: 'phải có ít nhất 1 mục', messageEn: 'must have at least 1 items' },
    ]);
  });
});

describe('Feature: what the schema cannot say', () => {
  test('Scenario: a citizen ID whose gender digit contradicts the declared gender and birth century', () => {
    const x = birthIntake();
    x.mother.citizenId = '079201654321'; // 2 = male, 21st century — she is declared female
    x.applicant.citizenId = '001290123456'; // 2 = 21st century, but born in 1990
    const p = problems('birth-registration-group', x);
    expect(p).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: '/mother/citizenId',
          messageVi: expect.stringContaining('mã giới tính nam'),
          messageEn: expect.stringContaining('codes the gender male'),
        }),
        expect.objectContaining({
          path: '/applicant/citizenId',
          messageVi: expect.stringContaining('mã thế kỷ 2000–2099'),
          messageEn: expect.stringContaining('2000–2099'),
        }),
      ]),
    );
  });

  test('Scenario: a citizen ID whose province code does not exist, and whose year digits do not match', () => {
    const x = deathIntake();
    x.deceased.citizenId = '003051987654'; // 003 is no province; 51 ≠ 1950
    const p = problems('death-registration-group', x).filter((e) => e.path === '/deceased/citizenId');
    expect(p.map((e) => e.messageEn)).toEqual([expect.stringContaining("'003' are not a province code"), expect.stringContaining("digits 5–6 '51'")]);
  });

  test('Scenario: dates after the day of receipt, and a death before the birth', () => {
    const x = deathIntake();
    x.deceased.deathDate = '2026-01-06';
    const later = problems('death-registration-group', x);
    expect(later).toEqual([expect.objectContaining({ path: '/deceased/deathDate', messageVi: 'ngày chết không được sau ngày tiếp nhận (05/01/2026)' })]);
    x.deceased.deathDate = '1949-12-31';
    expect(problems('death-registration-group', x)).toEqual([
      expect.objectContaining({ path: '/deceased/deathDate', messageEn: 'the date of death must not be before the birth date' }),
    ]);
  });

  test("Scenario: the birth group is for a child under 6 on the day of receipt (the version's threshold)", () => {
    const x = birthIntake();
    x.child.birthDate = '2020-01-05'; // 6 years old exactly on 05/01/2026
    expect(problems('birth-registration-group', x)).toEqual([
      expect.objectContaining({ path: '/child/birthDate', messageVi: expect.stringContaining('đủ 6 tuổi') }),
    ]);
    x.child.birthDate = '2020-01-06'; // one day short of 6
    expect(problems('birth-registration-group', x)).toEqual([]);
  });

  test('Scenario: documents are checked against the rule version: unknown, duplicate, too few copies, missing', () => {
    const x = constructionIntake();
    x.documents = [{ code: 'don-de-nghi' }, { code: 'don-de-nghi' }, { code: 'ban-ve-thiet-ke', count: 1 }, { code: 'giay-khai-sinh' }];
    const p = problems('construction-permit', x);
    expect(p).toEqual([
      {
        path: '/documents/1',
        messageVi: "giấy tờ 'don-de-nghi' được kê khai hai lần",
        messageEn: "document 'don-de-nghi' is listed twice",
      },
      expect.objectContaining({ path: '/documents/2/count', messageVi: expect.stringContaining('cần 2 bản') }),
      expect.objectContaining({
        path: '/documents/3/code',
        messageEn: expect.stringContaining("'giay-khai-sinh' is not in the list of documents of rule version 2025.07"),
      }),
      expect.objectContaining({
        path: '/documents',
        messageVi: expect.stringContaining('thiếu giấy tờ bắt buộc'),
        messageEn: expect.stringContaining('(giay-to-dat-dai)'),
      }),
    ]);
  });

  test('Scenario: a conditional document (power of attorney) may be handed in, and is not required', () => {
    const x = birthIntake();
    x.documents.push({ code: 'van-ban-uy-quyen' });
    expect(problems('birth-registration-group', x)).toEqual([]);
  });
});
