/** The dossiers behind one bar or count of the report: each a link to its trace. */
import { useEffect, useState } from 'preact/hooks';
import { reports, type BehindItem, type ClockResult, type GroupBy, type PeriodQuery } from '../shared/api-auditor';
import { formatDateTime } from '../shared/format';

export const RESULT_VI: Record<ClockResult, string> = {
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Trễ hạn',
  open: 'Đang giải quyết',
  overdue: 'Đang giải quyết, quá hạn',
};

export function Behind(p: { period: PeriodQuery; groupBy: GroupBy; pick: { key: string; result: ClockResult }; label: string; onClose: () => void }) {
  const [r, setR] = useState<{ items: BehindItem[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setR(null);
    reports.behind(p.period, p.groupBy, p.pick.key, p.pick.result).then(setR, (e: unknown) => setError(`Không tải được danh sách: ${(e as Error).message}`));
  }, [p.pick.key, p.pick.result]);
  return (
    <section class="lt-r-drill" data-testid="behind" data-key={p.pick.key} data-result={p.pick.result}>
      <h2>
        <span>
          {RESULT_VI[p.pick.result]} — {p.label}
          {r ? ` (${r.total} hồ sơ${r.total > r.items.length ? `, hiện ${r.items.length}` : ''})` : ''}
        </span>
        <button type="button" class="lt-button lt-button-quiet" onClick={p.onClose}>
          Đóng
        </button>
      </h2>
      {error && <p class="lt-error">{error}</p>}
      {!r && !error && <p class="lt-loading">Đang tải…</p>}
      {r && (
        <table class="lt-table">
          <thead>
            <tr>
              <th>Mã hồ sơ</th>
              <th>Thủ tục</th>
              <th>Bước</th>
              <th>Bắt đầu tính hạn</th>
              <th>Hạn theo quy định</th>
              <th>Có kết quả</th>
            </tr>
          </thead>
          <tbody>
            {r.items.map((x) => (
              <tr key={`${x.code}-${x.step ?? ''}`}>
                <td class="lt-nowrap">
                  <a href={`/trace/${encodeURIComponent(x.code)}`}>{x.code}</a>
                </td>
                <td>{x.procedureCode}</td>
                <td>{x.step ?? 'Toàn hồ sơ'}</td>
                <td class="lt-nowrap">{formatDateTime(x.startedAt)}</td>
                <td class="lt-nowrap">{formatDateTime(x.statutoryDueAt)}</td>
                <td class="lt-nowrap">{x.stoppedAt ? formatDateTime(x.stoppedAt) : 'Chưa'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
