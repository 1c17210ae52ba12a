/**
 * The structure of a 12-digit personal identification number (số định danh cá nhân), checked
 * against what the applicant declares. There is no check digit in the law, so none is invented:
 * the last six digits are a random range and are not checked.
 *
 *   PPP G YY RRRRRR
 *   │   │ │  └─ random range
 *   │   │ └──── last two digits of the birth year
 *   │   └────── century and gender: 0/1 = 1900–1999 male/female, 2/3 = 2000–2099,
 *   │           4/5 = 2100–2199, 6/7 = 2200–2299, 8/9 = 2300–2399 (the 24th century —
 *   │           not the 19th: nobody born before 1900 was given one)
 *   └────────── province where the birth was registered (province-codes.ts)
 *
 * Source: Nghị định 137/2015/NĐ-CP, Điều 13 (12 digits: 6 coded + 6 random); Thông tư
 * 07/2016/TT-BCA, Điều 7 (meaning of each digit, the century/gender table above), kept by
 * Thông tư 59/2021/TT-BCA; Luật Căn cước 2023, Điều 12 (12 digits, one per citizen for life).
 */
import { PROVINCE_CODES } from './province-codes.js';

export const CITIZEN_ID_SOURCE = 'Nghị định 137/2015/NĐ-CP, Điều 13; Thông tư 07/2016/TT-BCA, Điều 7';

export type Gender = 'male' | 'female';

export interface CitizenIdParts {
  provinceCode: string;
  provinceName: string;
  gender: Gender;
  /** The birth year the number encodes. */
  birthYear: number;
}

export interface CitizenIdProblem {
  messageVi: string;
  messageEn: string;
}

/** Decodes a well-formed number; undefined when it is not 12 digits with a known province. */
export function decodeCitizenId(id: string): CitizenIdParts | undefined {
  if (!/^\d{12}$/.test(id)) return undefined;
  const provinceName = PROVINCE_CODES[id.slice(0, 3)];
  if (!provinceName) return undefined;
  const g = Number(id[3]);
  return {
    provinceCode: id.slice(0, 3),
    provinceName,
    gender: g % 2 === 0 ? 'male' : 'female',
    birthYear: 1900 + 100 * Math.floor(g / 2) + Number(id.slice(4, 6)),
  };
}

/**
 * Problems of `id` as the number of someone born on `birthDate` ('YYYY-MM-DD') with `gender`;
 * either may be absent, and is then not compared. Empty: consistent.
 */
export function citizenIdProblems(id: string, declared: { birthDate?: string; gender?: Gender } = {}): CitizenIdProblem[] {
  if (!/^\d{12}$/.test(id)) {
    return [
      {
        messageVi: 'số định danh cá nhân phải gồm đúng 12 chữ số',
        messageEn: 'the personal identification number must be exactly 12 digits',
      },
    ];
  }
  const out: CitizenIdProblem[] = [];
  const province = id.slice(0, 3);
  if (!PROVINCE_CODES[province]) {
    out.push({
      messageVi: `3 chữ số đầu '${province}' không phải mã tỉnh, thành phố nơi đăng ký khai sinh (Thông tư 07/2016/TT-BCA, Phụ lục I); số của công dân đăng ký khai sinh ở nước ngoài chưa được hỗ trợ`,
      messageEn: `the first 3 digits '${province}' are not a province code of the birth registration (Circular 07/2016/TT-BCA, Appendix I); numbers of citizens registered abroad are not supported`,
    });
  }
  const g = Number(id[3]);
  const year = 1900 + 100 * Math.floor(g / 2) + Number(id.slice(4, 6));
  const gender: Gender = g % 2 === 0 ? 'male' : 'female';
  if (declared.birthDate && /^\d{4}-/.test(declared.birthDate)) {
    const declaredYear = Number(declared.birthDate.slice(0, 4));
    const centuryStart = 1900 + 100 * Math.floor(g / 2);
    if (declaredYear < centuryStart || declaredYear > centuryStart + 99) {
      out.push({
        messageVi: `chữ số thứ 4 '${g}' là mã thế kỷ ${centuryStart}–${centuryStart + 99}, không khớp năm sinh ${declaredYear}`,
        messageEn: `the 4th digit '${g}' stands for the years ${centuryStart}–${centuryStart + 99}, which does not match the birth year ${declaredYear}`,
      });
    } else if (year !== declaredYear) {
      out.push({
        messageVi: `chữ số thứ 5–6 '${id.slice(4, 6)}' là hai số cuối năm sinh, không khớp năm sinh ${declaredYear}`,
        messageEn: `digits 5–6 '${id.slice(4, 6)}' are the last two digits of the birth year, which do not match ${declaredYear}`,
      });
    }
  }
  if (declared.gender && declared.gender !== gender) {
    out.push({
      messageVi: `chữ số thứ 4 '${g}' là mã giới tính ${gender === 'male' ? 'nam' : 'nữ'}, không khớp giới tính đã khai (${declared.gender === 'male' ? 'nam' : 'nữ'})`,
      messageEn: `the 4th digit '${g}' codes the gender ${gender}, which does not match the declared gender (${declared.gender})`,
    });
  }
  return out;
}
