/**
 * /reports: on-time statistics for a reporting period — by agency (each agency's own steps), by
 * procedure and by channel (whole dossiers) — as a chart and a table with the counts (early, on
 * time, late, still open, overdue), the dossiers behind any bar or count, and a CSV export. The
 * numbers are the API's (GET /api/reports/on-time, /open), i.e. reportOnTime's; officers and
 * counter staff get their own agency's row only (the server decides).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, request } from '../shared/api';
import { reports, type ClockResult, type GroupBy, type OnTimeAnswer, type OnTimeRow, type OpenRow, type PeriodQuery } from '../shared/api-auditor';
import { downloadCsv, toCsv } from '../shared/csv';
import { formatIsoDay } from '../shared/format';
import { BarChart } from './BarChart';
import { Behind } from './Behind';
import { PeriodForm } from './PeriodForm';
import { ErrorLine } from '../shared/ErrorLine';

const GROUP_VI: Record<GroupBy, string> = { agency: 'Theo cơ quan', procedure: 'Theo thủ tục', channel: 'Theo kênh tiếp nhận' };
const CHANNEL_VI: Record<string, string> = { counter: 'Trực tiếp tại Bộ phận Một cửa', online: 'Trực tuyến', postal: 'Qua bưu chính công ích' };

interface Line {
  key: string;
  label: string;
  done: OnTimeRow | null;
  open: OpenRow | null;
}

/** The month containing `now` in Asia/Ho_Chi_Minh. */
function currentMonth(now: number): PeriodQuery {
  const d = new Date(now + 7 * 3_600_000);
  return { year: d.getUTCFullYear(), period: 'month', index: d.getUTCMonth() + 1, convention: 'calendar' };
}

export function ReportsPage(p: { role: string; agencyCode: string | null; now: number }) {
  const scoped = p.role === 'officer' || p.role === 'counter';
  const [period, setPeriod] = useState<PeriodQuery>(() => currentMonth(p.now));
  const [groupBy, setGroupBy] = useState<GroupBy>('agency');
  const [data, setData] = useState<{ onTime: OnTimeAnswer; open: OpenRow[]; openTotal: OpenRow } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [drill, setDrill] = useState<{ key: string; result: ClockResult } | null>(null);
  const [procedureNames, setProcedureNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    request<{ items: { code: string; name: { vi: string } }[] }>('GET', '/api/procedures').then(
      (c) => setProcedureNames(new Map(c.items.map((x) => [x.code, x.name.vi]))),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    setData(null);
    setError(null);
    setDrill(null);
    Promise.all([reports.onTime(period, groupBy), reports.open(period, groupBy)]).then(
      ([onTime, open]) => setData({ onTime, open: open.rows, openTotal: open.total }),
      (e: unknown) =>
        setError(e instanceof ApiError && e.status === 400 ? `Kỳ báo cáo không hợp lệ: ${e.message}` : `Không tải được báo cáo: ${(e as Error).message}`),
    );
  }, [period, groupBy]);

  const labelOf = (key: string, name: string | null) =>
    groupBy === 'agency' ? (name ?? key) : groupBy === 'channel' ? (CHANNEL_VI[key] ?? key) : (procedureNames.get(key) ?? key);
  const lines = useMemo<Line[]>(() => {
    if (!data) return [];
    const keys = [...new Set([...data.onTime.rows.map((r) => r.key), ...data.open.map((r) => r.key)])].sort();
    return keys.map((key) => {
      const done = data.onTime.rows.find((r) => r.key === key) ?? null;
      const open = data.open.find((r) => r.key === key) ?? null;
      return { key, label: labelOf(key, done?.name ?? open?.name ?? null), done, open };
    });
  }, [data, procedureNames]);
  const charted = useMemo(() => (data ? data.onTime.rows.filter((r) => r.total > 0) : []), [data]);

  return (
    <div class="lt-reports">
      <h1>Báo cáo giải quyết hồ sơ đúng hạn</h1>
      <PeriodForm value={period} onChange={setPeriod} now={p.now} />
      {data && (
        <p class="lt-r-period" data-testid="report-period">
          <strong>{data.onTime.period.label}</strong> · từ {formatIsoDay(data.onTime.period.firstDay)} đến {formatIsoDay(data.onTime.period.lastDay)}
          {period.convention === 'nd09' ? ' (kỳ số liệu theo Nghị định 09/2019/NĐ-CP)' : ''}
          {scoped ? ' · số liệu của cơ quan bạn' : ''}
        </p>
      )}
      {!scoped && (
        <div class="lt-r-tabs" role="tablist">
          {(Object.keys(GROUP_VI) as GroupBy[]).map((g) => (
            <button type="button" role="tab" key={g} aria-selected={g === groupBy} onClick={() => setGroupBy(g)}>
              {GROUP_VI[g]}
            </button>
          ))}
        </div>
      )}
      <ErrorLine text={error} />
      {!data && !error && <p class="lt-loading">Đang tính báo cáo…</p>}
      {data && (
        <>
          <p class="lt-muted">
            {groupBy === 'agency'
              ? 'Mỗi cơ quan được tính theo các bước do chính cơ quan đó xử lý (hạn của từng bước).'
              : 'Tính theo toàn bộ hồ sơ (hạn trả kết quả cho người nộp).'}{' '}
            Hồ sơ được tính vào kỳ có kết quả; bấm vào một cột hoặc một con số để xem các hồ sơ.
          </p>
          {charted.length ? (
            <BarChart rows={charted} label={(r) => labelOf(r.key, r.name)} onPick={(key, result) => setDrill({ key, result })} />
          ) : (
            <p class="lt-muted" data-testid="report-empty">
              Không có hồ sơ nào có kết quả trong kỳ.
            </p>
          )}
          <div class="lt-r-actions">
            <button type="button" class="lt-button" data-testid="export-csv" onClick={() => exportCsv(lines, data, groupBy)}>
              Xuất CSV
            </button>
          </div>
          <ReportTable
            lines={lines}
            total={data.onTime.total}
            openTotal={data.openTotal}
            groupBy={groupBy}
            onPick={(key, result) => setDrill({ key, result })}
          />
          {drill && (
            <Behind
              period={period}
              groupBy={groupBy}
              pick={drill}
              label={lines.find((l) => l.key === drill.key)?.label ?? drill.key}
              onClose={() => setDrill(null)}
            />
          )}
        </>
      )}
    </div>
  );
}

const pct = (x: number) => `${(x * 100).toFixed(1).replace('.', ',')}%`;

function ReportTable(p: { lines: Line[]; total: OnTimeRow; openTotal: OpenRow; groupBy: GroupBy; onPick: (key: string, r: ClockResult) => void }) {
  const cell = (key: string, result: ClockResult, n: number) => (
    <td class={`lt-num${result === 'late' || result === 'overdue' ? (n ? ' lt-r-late' : '') : ''}`} data-result={result}>
      <button type="button" disabled={!n} onClick={() => p.onPick(key, result)}>
        {n}
      </button>
    </td>
  );
  return (
    <table class="lt-table lt-r-table" data-testid="report-table">
      <thead>
        <tr>
          <th>{p.groupBy === 'agency' ? 'Cơ quan' : p.groupBy === 'procedure' ? 'Thủ tục' : 'Kênh tiếp nhận'}</th>
          <th class="lt-num">Đã giải quyết</th>
          <th class="lt-num">Trước hạn</th>
          <th class="lt-num">Đúng hạn</th>
          <th class="lt-num">Trễ hạn</th>
          <th class="lt-num">Tỷ lệ trước và đúng hạn</th>
          <th class="lt-num">Đang giải quyết</th>
          <th class="lt-num">Trong đó quá hạn</th>
        </tr>
      </thead>
      <tbody>
        {p.lines.map((l) => (
          <tr key={l.key} data-key={l.key}>
            <td>{l.label}</td>
            <td class="lt-num" data-result="total">
              {l.done?.total ?? 0}
            </td>
            {cell(l.key, 'early', l.done?.early ?? 0)}
            {cell(l.key, 'on_time', l.done?.onTime ?? 0)}
            {cell(l.key, 'late', l.done?.late ?? 0)}
            <td class="lt-num">{l.done?.total ? pct(l.done.withinLimitRate) : '—'}</td>
            {cell(l.key, 'open', l.open?.open ?? 0)}
            {cell(l.key, 'overdue', l.open?.overdue ?? 0)}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr data-key="*">
          <td>Tổng cộng</td>
          <td class="lt-num">{p.total.total}</td>
          <td class="lt-num">{p.total.early}</td>
          <td class="lt-num">{p.total.onTime}</td>
          <td class="lt-num">{p.total.late}</td>
          <td class="lt-num">{p.total.total ? pct(p.total.withinLimitRate) : '—'}</td>
          <td class="lt-num">{p.openTotal.open}</td>
          <td class="lt-num">{p.openTotal.overdue}</td>
        </tr>
      </tfoot>
    </table>
  );
}

function exportCsv(lines: Line[], data: { onTime: OnTimeAnswer; openTotal: OpenRow }, groupBy: GroupBy): void {
  const header = [
    groupBy === 'agency' ? 'Cơ quan' : groupBy === 'procedure' ? 'Thủ tục' : 'Kênh tiếp nhận',
    'Mã',
    'Đã giải quyết',
    'Trước hạn',
    'Đúng hạn',
    'Trễ hạn',
    'Tỷ lệ trước hạn',
    'Tỷ lệ đúng hạn',
    'Tỷ lệ trễ hạn',
    'Tỷ lệ trước và đúng hạn',
    'Đang giải quyết',
    'Trong đó quá hạn',
  ];
  const row = (label: string, key: string, d: OnTimeRow | null, o: OpenRow | null) => [
    label,
    key,
    d?.total ?? 0,
    d?.early ?? 0,
    d?.onTime ?? 0,
    d?.late ?? 0,
    d ? pct(d.earlyRate) : '',
    d ? pct(d.onTimeRate) : '',
    d ? pct(d.lateRate) : '',
    d ? pct(d.withinLimitRate) : '',
    o?.open ?? 0,
    o?.overdue ?? 0,
  ];
  const p = data.onTime.period;
  const csv = toCsv(header, [
    ...lines.map((l) => row(l.label, l.key, l.done, l.open)),
    row(`Tổng cộng (${p.label}, ${formatIsoDay(p.firstDay)}–${formatIsoDay(p.lastDay)})`, '', data.onTime.total, data.openTotal),
  ]);
  downloadCsv(`bao-cao-dung-han-${p.firstDay}-${p.lastDay}-${groupBy}.csv`, csv);
}
