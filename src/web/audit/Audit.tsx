/**
 * /audit (auditors, admins): search the audit log by dossier, actor, action and period, read it a
 * page at a time, export the rows shown as CSV, and verify the whole hash chain (Verify.tsx).
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { audit, type AuditLogRow, type AuditQuery, type Paged } from '../shared/api-auditor';
import { downloadCsv, toCsv } from '../shared/csv';
import { formatDateTime, parseViDay } from '../shared/format';
import { ACTION_CHOICES, actionVi, ROLE_VI } from './labels';
import { VerifyChain } from './Verify';
import { ErrorLine } from '../shared/ErrorLine';

const PAGE_SIZE = 50;

interface Filter {
  dossier: string;
  actor: string;
  action: string;
  /** Days as typed, dd/mm/yyyy (Asia/Ho_Chi_Minh), both inclusive. */
  from: string;
  to: string;
}

const EMPTY: Filter = { dossier: '', actor: '', action: '', from: '', to: '' };

/** The filter as the API's query: days become the instants that bound them in Asia/Ho_Chi_Minh. */
export function auditQuery(f: Filter, page: number): AuditQuery {
  const from = parseViDay(f.from);
  const to = parseViDay(f.to);
  if (from === null || to === null) throw new Error(`${from === null ? 'Từ ngày' : 'Đến ngày'} phải là một ngày dạng dd/mm/yyyy`);
  const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00+07:00`) + 86_400_000).toISOString();
  return {
    dossier: f.dossier.trim() || undefined,
    actor: f.actor.trim() || undefined,
    action: f.action || undefined,
    from: from ? new Date(Date.parse(`${from}T00:00:00+07:00`)).toISOString() : undefined,
    to: to ? nextDay(to) : undefined,
    page,
    pageSize: PAGE_SIZE,
  };
}

export function AuditPage() {
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<Paged<AuditLogRow> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    let q: AuditQuery;
    try {
      q = auditQuery(filter, page);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    audit
      .search(q)
      .then(setResult, (e: unknown) =>
        setError(e instanceof ApiError && e.status === 400 ? `Điều kiện tìm không hợp lệ: ${e.message}` : `Không tải được nhật ký: ${(e as Error).message}`),
      );
  }, [filter, page]);
  const field = (name: keyof Filter) => ({
    name,
    value: draft[name],
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value }),
  });
  const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;
  return (
    <div class="lt-audit">
      <h1>Nhật ký kiểm tra</h1>
      <VerifyChain />
      <form
        class="lt-a-filter"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setFilter({ ...draft });
        }}
      >
        <label>
          Mã hồ sơ
          <input {...field('dossier')} placeholder="VD: 000.02.31.H99-260105-0001" />
        </label>
        <label>
          Người thực hiện
          <input {...field('actor')} placeholder="tên đăng nhập" />
        </label>
        <label>
          Hành động
          <select {...field('action')} onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })}>
            {ACTION_CHOICES.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Từ ngày
          <input {...field('from')} placeholder="dd/mm/yyyy" class="lt-day" />
        </label>
        <label>
          Đến ngày
          <input {...field('to')} placeholder="dd/mm/yyyy" class="lt-day" />
        </label>
        <button type="submit" class="lt-button">
          Tìm
        </button>
        <button
          type="button"
          class="lt-button lt-button-quiet"
          onClick={() => {
            setDraft(EMPTY);
            setPage(1);
            setFilter(EMPTY);
          }}
        >
          Xóa điều kiện
        </button>
      </form>
      <ErrorLine text={error} />
      {result && (
        <>
          <div class="lt-a-bar">
            <span data-testid="audit-total">
              {result.total.toLocaleString('vi-VN')} dòng
              {result.total > result.pageSize ? ` · trang ${result.page}/${pages}` : ''}
            </span>
            <span class="lt-a-pager">
              <button type="button" class="lt-button lt-button-quiet" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                ‹ Trước
              </button>
              <button type="button" class="lt-button lt-button-quiet" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                Sau ›
              </button>
              <button type="button" class="lt-button" disabled={!result.items.length} onClick={() => exportRows(result.items, page)} data-testid="export-csv">
                Xuất CSV (các dòng đang hiện)
              </button>
            </span>
          </div>
          <AuditTable rows={result.items} />
        </>
      )}
      {!result && !error && <p class="lt-loading">Đang tải nhật ký…</p>}
    </div>
  );
}

function AuditTable({ rows }: { rows: AuditLogRow[] }) {
  if (!rows.length) return <p class="lt-muted">Không có dòng nào khớp điều kiện.</p>;
  return (
    <table class="lt-table lt-a-table" data-testid="audit-rows">
      <thead>
        <tr>
          <th>Số</th>
          <th>Thời điểm</th>
          <th>Người thực hiện</th>
          <th>Hồ sơ</th>
          <th>Hành động</th>
          <th>Nội dung</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.seq} data-seq={r.seq}>
            <td class="lt-num">{r.seq}</td>
            <td class="lt-nowrap">{formatDateTime(r.at)}</td>
            <td>
              {r.actor}
              <div class="lt-muted">
                {ROLE_VI[r.role] ?? r.role}
                {r.agency ? ` · ${r.agency}` : ''}
              </div>
            </td>
            <td class="lt-nowrap">{r.dossierCode ? <a href={`/trace/${encodeURIComponent(r.dossierCode)}`}>{r.dossierCode}</a> : '—'}</td>
            <td>
              {actionVi(r.action)}
              <div class="lt-muted">
                <code>{r.action}</code>
              </div>
            </td>
            <td class="lt-a-payload">
              <code title={JSON.stringify(r.payload)}>{payloadText(r.payload)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function payloadText(p: Record<string, unknown>): string {
  const s = JSON.stringify(p);
  return s === '{}' ? '' : s.length > 140 ? `${s.slice(0, 140)}…` : s;
}

/** Full time with seconds, Asia/Ho_Chi_Minh: dd/mm/yyyy hh:mm:ss. */
const full = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** dd/mm/yyyy hh:mm:ss (the date first, as Excel reads it in Vietnam). */
function fullDateTime(at: string): string {
  const part = Object.fromEntries(full.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return `${part.day}/${part.month}/${part.year} ${part.hour}:${part.minute}:${part.second}`;
}

function exportRows(rows: AuditLogRow[], page: number): void {
  const header = [
    'Số thứ tự',
    'Thời điểm',
    'Người thực hiện',
    'Vai trò',
    'Cơ quan',
    'Mã hồ sơ',
    'Hành động',
    'Mã hành động',
    'Nội dung',
    'Mã băm dòng trước',
    'Mã băm',
  ];
  const csv = toCsv(
    header,
    rows.map((r) => [
      r.seq,
      fullDateTime(r.at),
      r.actor,
      ROLE_VI[r.role] ?? r.role,
      r.agency,
      r.dossierCode,
      actionVi(r.action),
      r.action,
      JSON.stringify(r.payload),
      r.prevHash,
      r.hash,
    ]),
  );
  downloadCsv(`nhat-ky-kiem-tra-trang-${page}.csv`, csv);
}
