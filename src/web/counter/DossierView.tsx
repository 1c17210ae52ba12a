/** One dossier at the counter: its status, applicant, appointment and steps, and handing the result back. */
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime } from '../shared/format';
import { counterApi, form01Url, messageOf, type CounterDossier } from './counter-api';

/** The states from which the counter hands the result (or the papers) back (dossiers/lifecycle.ts, `return`). */
const RETURNABLE = ['done', 'refused', 'stopped'];

const TASK_STATE_VI: Record<string, string> = {
  open: 'Chờ nhận xử lý',
  claimed: 'Đang xử lý',
  completing: 'Đang hoàn thành',
  completed: 'Đã hoàn thành',
  cancelled: 'Đã hủy',
};

export interface Me {
  username: string;
  agencyCode: string | null;
}

export function DossierView({ code, me }: { code: string; me: Me }) {
  const [d, setD] = useState<CounterDossier | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    setD(null);
    setError(null);
    setDone(null);
    counterApi
      .dossier(code)
      .then(setD)
      .catch((e: unknown) => setError(messageOf(e)));
  }, [code]);

  if (error)
    return (
      <p class="lt-c-alert" role="alert" data-testid="dossier-error">
        {error}
      </p>
    );
  if (!d) return <p class="lt-muted">Đang tải hồ sơ {code}…</p>;

  const mayReturn = RETURNABLE.includes(d.status) && (me.agencyCode === null || me.agencyCode === d.receivingAgency);
  const handBack = async () => {
    setBusy(true);
    setActionError(null);
    try {
      await counterApi.handBack(d.code, note.trim() || undefined);
      const fresh = await counterApi.dossier(d.code);
      setD(fresh);
      setDone(`Đã ghi nhận trả kết quả hồ sơ ${d.code}. Tình trạng mới: ${fresh.statusVi}.`);
    } catch (e) {
      setActionError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="lt-c-dossier" aria-labelledby="lt-c-dossier-title" data-testid="dossier">
      <h2 id="lt-c-dossier-title">
        Hồ sơ <code>{d.code}</code>
      </h2>
      <p class="lt-c-proc">
        {d.procedure.name.vi}
        {d.procedure.case && ` (${d.procedure.case.name.vi})`}
      </p>
      <dl class="lt-c-facts">
        <dt>Tình trạng</dt>
        <dd>
          <span class={`lt-c-status lt-c-status-${d.status}`} data-testid="dossier-status">
            {d.statusVi.charAt(0).toUpperCase() + d.statusVi.slice(1)}
          </span>
        </dd>
        <dt>Người nộp</dt>
        <dd>{d.applicant.fullName}</dd>
        <dt>Ngày tiếp nhận</dt>
        <dd>{formatDateTime(d.receivedAt)}</dd>
        <dt>Ngày hẹn trả kết quả</dt>
        <dd>{formatDateTime(d.appointmentAt)}</dd>
        {d.returnedAt && (
          <>
            <dt>Ngày trả kết quả</dt>
            <dd>{formatDateTime(d.returnedAt)}</dd>
          </>
        )}
      </dl>
      <h3>Các bước xử lý</h3>
      {d.tasks.length ? (
        <table class="lt-c-steps">
          <thead>
            <tr>
              <th scope="col">Bước</th>
              <th scope="col">Cơ quan</th>
              <th scope="col">Tình trạng</th>
              <th scope="col">Người xử lý</th>
              <th scope="col">Hạn xử lý</th>
              <th scope="col">Hoàn thành lúc</th>
            </tr>
          </thead>
          <tbody>
            {d.tasks.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td title={t.agencyCode}>{t.agencyName ?? t.agencyCode}</td>
                <td>{TASK_STATE_VI[t.state] ?? t.state}</td>
                <td>{t.completedBy ?? t.assignee ?? '—'}</td>
                <td>{t.dueAt ? formatDateTime(t.dueAt) : '—'}</td>
                <td>{t.completedAt ? formatDateTime(t.completedAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="lt-muted">Hồ sơ chưa được chuyển đến cơ quan nào.</p>
      )}
      <div class="lt-c-actions">
        <a class="lt-btn" href={form01Url(d.code)} target="_blank" rel="noopener">
          In lại giấy tiếp nhận (mẫu 01)
        </a>
      </div>
      {mayReturn && (
        <section class="lt-c-return" aria-labelledby="lt-c-return-title">
          <h3 id="lt-c-return-title">Trả kết quả</h3>
          <p class="lt-c-hint">
            {d.status === 'done'
              ? 'Kết quả đã có: trao kết quả cho người nộp rồi ghi nhận tại đây.'
              : 'Hồ sơ không được giải quyết: trả lại giấy tờ cho người nộp rồi ghi nhận tại đây.'}
          </p>
          <label for="lt-c-note">Ghi chú (không bắt buộc)</label>
          <input id="lt-c-note" type="text" maxLength={2000} value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
          <button type="button" class="lt-btn lt-btn-primary" onClick={() => void handBack()} disabled={busy} data-testid="hand-back">
            {busy ? 'Đang ghi nhận…' : 'Trả kết quả'}
          </button>
        </section>
      )}
      {actionError && (
        <p class="lt-c-alert" role="alert">
          {actionError}
        </p>
      )}
      {done && (
        <p class="lt-c-ok" role="status" data-testid="hand-back-done">
          {done}
        </p>
      )}
    </article>
  );
}
