/**
 * The trace page's search: a dossier by its code (→ /trace/{code}), or dossiers by the applicant's
 * citizen ID (CCCD) or by the days they were received (→ /trace?citizenId= or ?from=&to=, listed
 * below the form). The server applies the one visibility rule (GET /api/dossiers).
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { dossierSearch, type DossierHit, type Paged } from '../shared/api-auditor';
import { formatDateTime, formatIsoDay, parseViDay } from '../shared/format';

type Mode = 'code' | 'citizenId' | 'period';

export function SearchBar(p: { code: string | null }) {
  const params = new URLSearchParams(location.search);
  const [mode, setMode] = useState<Mode>(params.get('citizenId') ? 'citizenId' : params.get('from') ? 'period' : 'code');
  const [code, setCode] = useState(p.code ?? '');
  const [citizenId, setCitizenId] = useState(params.get('citizenId') ?? '');
  const [from, setFrom] = useState(viDay(params.get('from')));
  const [to, setTo] = useState(viDay(params.get('to')));
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    if (mode === 'code' && code.trim()) location.assign(`/trace/${encodeURIComponent(code.trim())}`);
    if (mode === 'citizenId') location.assign(`/trace?${new URLSearchParams({ citizenId: citizenId.trim() })}`);
    if (mode === 'period') {
      const [f, t] = [parseViDay(from), parseViDay(to)];
      if (!f || !t) setProblem(`${!f ? 'Từ ngày' : 'Đến ngày'} phải là một ngày dạng dd/mm/yyyy`);
      else location.assign(`/trace?${new URLSearchParams({ from: f, to: t })}`);
    }
  };
  return (
    <form class="lt-t-search" role="search" onSubmit={submit}>
      <label>
        Tìm theo
        <select name="mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as Mode)}>
          <option value="code">Mã hồ sơ</option>
          <option value="citizenId">Số CCCD người nộp</option>
          <option value="period">Ngày tiếp nhận</option>
        </select>
      </label>
      {mode === 'code' && (
        <label>
          Mã hồ sơ
          <input name="code" value={code} onInput={(e) => setCode(e.currentTarget.value)} placeholder="VD: 000.02.31.H99-260105-0001" required />
        </label>
      )}
      {mode === 'citizenId' && (
        <label>
          Số CCCD (12 chữ số)
          <input
            name="citizenId"
            value={citizenId}
            onInput={(e) => setCitizenId(e.currentTarget.value)}
            inputMode="numeric"
            pattern="[0-9]{12}"
            title="12 chữ số"
            required
          />
        </label>
      )}
      {mode === 'period' && (
        <>
          <label>
            Từ ngày
            <input name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} placeholder="dd/mm/yyyy" class="lt-day" required />
          </label>
          <label>
            Đến ngày
            <input name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} placeholder="dd/mm/yyyy" class="lt-day" required />
          </label>
        </>
      )}
      <button type="submit" class="lt-button">
        {mode === 'code' ? 'Tra vết' : 'Tìm hồ sơ'}
      </button>
      {problem && (
        <span class="lt-error" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}

function viDay(iso: string | null): string {
  return iso && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? formatIsoDay(iso) : '';
}

/** The dossiers the URL's citizenId or from/to find; null when the URL asks for none. */
export function SearchResults() {
  const params = new URLSearchParams(location.search);
  const q = { citizenId: params.get('citizenId') ?? undefined, from: params.get('from') ?? undefined, to: params.get('to') ?? undefined };
  const [r, setR] = useState<Paged<DossierHit> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const asked = Boolean(q.citizenId || q.from || q.to);
  useEffect(() => {
    if (!asked) return;
    dossierSearch(q).then(setR, (e: unknown) =>
      setError(e instanceof ApiError && e.status === 400 ? `Điều kiện tìm không hợp lệ: ${e.message}` : `Không tìm được: ${(e as Error).message}`),
    );
  }, []);
  if (!asked)
    return <p class="lt-t-pad lt-muted">Nhập mã hồ sơ, số CCCD của người nộp hoặc khoảng ngày tiếp nhận để tìm hồ sơ và xem toàn bộ quá trình giải quyết.</p>;
  if (error)
    return (
      <p class="lt-error lt-t-margin" role="alert">
        {error}
      </p>
    );
  if (!r) return <p class="lt-loading">Đang tìm…</p>;
  return (
    <section class="lt-t-results" data-testid="search-results">
      <p>
        {r.total ? `${r.total} hồ sơ` : 'Không tìm thấy hồ sơ nào'}
        {r.total > r.items.length ? ` (hiện ${r.items.length} hồ sơ mới nhất)` : ''}
        {r.total ? ' — chọn một hồ sơ để tra vết.' : ' (hoặc bạn không được xem các hồ sơ đó).'}
      </p>
      {r.items.length > 0 && (
        <table class="lt-t-steps">
          <thead>
            <tr>
              <th>Mã hồ sơ</th>
              <th>Người nộp</th>
              <th>Thủ tục</th>
              <th>Tiếp nhận</th>
              <th>Hẹn trả</th>
              <th>Tình trạng</th>
            </tr>
          </thead>
          <tbody>
            {r.items.map((d) => (
              <tr key={d.code}>
                <td>
                  <a href={`/trace/${encodeURIComponent(d.code)}`}>{d.code}</a>
                </td>
                <td>
                  {d.applicant.fullName}
                  <div class="lt-muted">{d.applicant.citizenId}</div>
                </td>
                <td>{d.procedureCode}</td>
                <td>{formatDateTime(d.receivedAt)}</td>
                <td>{formatDateTime(d.appointmentAt)}</td>
                <td>{d.statusVi}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
