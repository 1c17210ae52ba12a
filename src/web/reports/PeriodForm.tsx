/** The reporting period: year, kind (month, quarter, 6/9/12 months), which one, and the convention (calendar months or Decree 09/2019's cut-off). */
import { useState } from 'preact/hooks';
import type { PeriodKind, PeriodQuery } from '../shared/api-auditor';

const KIND_VI: Record<PeriodKind, string> = {
  month: 'Tháng',
  quarter: 'Quý',
  '6months': '6 tháng đầu năm',
  '9months': '9 tháng đầu năm',
  '12months': 'Cả năm',
};
const ROMAN = ['I', 'II', 'III', 'IV'];

export function PeriodForm(p: { value: PeriodQuery; onChange: (q: PeriodQuery) => void; now: number }) {
  const [d, setD] = useState<PeriodQuery>(p.value);
  const thisYear = new Date(p.now + 7 * 3_600_000).getUTCFullYear();
  const years = Array.from({ length: 6 }, (_, i) => thisYear - i);
  const set = (x: Partial<PeriodQuery>) => setD({ ...d, ...x });
  return (
    <form
      class="lt-r-form"
      data-testid="period-form"
      onSubmit={(e) => {
        e.preventDefault();
        p.onChange({ ...d });
      }}
    >
      <label>
        Năm
        <select name="year" value={String(d.year)} onChange={(e) => set({ year: Number(e.currentTarget.value) })}>
          {years.map((y) => (
            <option key={y} value={String(y)}>
              {y}
            </option>
          ))}
        </select>
      </label>
      <label>
        Kỳ báo cáo
        <select name="period" value={d.period} onChange={(e) => set({ period: e.currentTarget.value as PeriodKind, index: 1 })}>
          {(Object.keys(KIND_VI) as PeriodKind[]).map((k) => (
            <option key={k} value={k}>
              {KIND_VI[k]}
            </option>
          ))}
        </select>
      </label>
      {(d.period === 'month' || d.period === 'quarter') && (
        <label>
          {d.period === 'month' ? 'Tháng' : 'Quý'}
          <select name="index" value={String(d.index ?? 1)} onChange={(e) => set({ index: Number(e.currentTarget.value) })}>
            {Array.from({ length: d.period === 'month' ? 12 : 4 }, (_, i) => (
              <option key={i} value={String(i + 1)}>
                {d.period === 'month' ? String(i + 1).padStart(2, '0') : ROMAN[i]}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Cách tính kỳ
        <select name="convention" value={d.convention} onChange={(e) => set({ convention: e.currentTarget.value as PeriodQuery['convention'] })}>
          <option value="calendar">Theo tháng dương lịch</option>
          <option value="nd09">Theo NĐ 09/2019 (từ ngày 15 tháng trước đến ngày 14)</option>
        </select>
      </label>
      <button type="submit" class="lt-button">
        Xem báo cáo
      </button>
    </form>
  );
}
