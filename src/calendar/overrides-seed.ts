/**
 * Seed rows for the approved override table: the government's decisions on the working
 * days of public agencies (cán bộ, công chức, viên chức), only where both the days and
 * the deciding document are known with confidence. Everything else is left to the
 * rules in holidays.ts until an authorised user enters the decision through the API.
 *
 * Covered
 *  - 2025, Tết Ất Tỵ: off Saturday 25/01 to Sunday 02/02/2025 (26 tháng Chạp – mùng 5).
 *    The rules alone would give Tuesday 28/01 – Saturday 01/02 plus Monday 03/02 in lieu
 *    of the Saturday; the rows make Monday 27/01 a day off and Monday 03/02 a working day.
 *  - 2025, 30/4 – 1/5: off Wednesday 30/04 to Sunday 04/05/2025, Friday 02/05 swapped
 *    for Saturday 26/04/2025.
 *  - 2025, Quốc khánh: off Saturday 30/08 to Tuesday 02/09/2025; the adjacent day is
 *    Monday 01/09 (the rules give the same day; the row records the decision).
 *  Source of all 2025 rows: Thông báo 6150/TB-LĐTBXH (2024) of the Ministry of Labour,
 *  Invalids and Social Affairs, announcing the arrangement the Prime Minister approved.
 *
 * Deliberately left out
 *  - 2025, Saturday 08/02/2025 as a make-up working day for Monday 27/01: reported by
 *    some as part of the Tết arrangement, while other accounts count 27/01 as one of the
 *    five Tết days (28 tháng Chạp) with no make-up day. Not confirmed, so no row; the
 *    rules keep 08/02/2025 a Saturday off.
 *  - 2026, Tết Bính Ngọ (mùng 1 = Tuesday 17/02/2026): the arrangement reported for
 *    public servants, five Tết days Monday 16/02 – Friday 20/02 (off 14/02 – 22/02 with
 *    the weekends), is exactly the rule-based default, so no row is needed; the deciding
 *    document's number is not confirmed here.
 *  - 2026, other swaps reported in the press (around 1/1 and Quốc khánh 2026) and any new
 *    holiday created after the Labour Code 2019: not confirmed here, no rows. Hùng Kings
 *    2026 (Sunday 26/04, day in lieu Monday 27/04) and 30/4 – 1/5/2026 follow the rules.
 *  - Every year other than 2025: rules only.
 */
import type { Override } from './calendar.js';

const NOTICE_2025 = 'Thông báo 6150/TB-LĐTBXH (2024) của Bộ Lao động – Thương binh và Xã hội';

export const OVERRIDES_SEED: readonly Override[] = [
  {
    date: '2025-01-27',
    kind: 'day_off',
    reason: 'Nghỉ Tết Âm lịch Ất Tỵ (28 tháng Chạp): nghỉ từ 25/01/2025 đến hết 02/02/2025',
    source: NOTICE_2025,
    enteredBy: 'seed',
  },
  {
    date: '2025-02-03',
    kind: 'working_day',
    reason: 'Làm việc bình thường: kỳ nghỉ Tết Ất Tỵ kết thúc Chủ nhật 02/02/2025, không nghỉ bù',
    source: NOTICE_2025,
    enteredBy: 'seed',
  },
  {
    date: '2025-04-26',
    kind: 'working_day',
    reason: 'Làm bù cho thứ Sáu 02/05/2025 (hoán đổi ngày làm việc dịp 30/4 – 1/5/2025)',
    source: NOTICE_2025,
    enteredBy: 'seed',
  },
  {
    date: '2025-05-02',
    kind: 'day_off',
    reason: 'Nghỉ hoán đổi dịp 30/4 – 1/5/2025 (làm bù thứ Bảy 26/04/2025)',
    source: NOTICE_2025,
    enteredBy: 'seed',
  },
  {
    date: '2025-09-01',
    kind: 'day_off',
    reason: 'Nghỉ lễ Quốc khánh: ngày liền kề trước 02/09/2025 (nghỉ từ 30/08 đến hết 02/09/2025)',
    source: NOTICE_2025,
    enteredBy: 'seed',
  },
];
