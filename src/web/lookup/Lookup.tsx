/**
 * /tra-cuu: the citizen looks a dossier up with its code and the lookup secret printed on the
 * receipt (form 01) — its status in plain words, the appointment, the steps the agencies
 * finished (agency and date, never an official), what to supplement and a form to send it.
 * A wrong secret and an unknown code get one message; too many tries a wait (the API's throttle).
 * The secret stays in this page's memory: never in the address bar.
 */
import type { Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDate, formatDateTime } from '../shared/format';
import { LookupError, lookUp, sendSupplement, type PublicStatus, type PublicStep, type SuppliedDocument } from './api';
import { statusText } from './labels';

const NOT_FOUND = 'Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Vui lòng kiểm tra lại hai mã in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.';

function errorText(e: unknown): string {
  if (e instanceof LookupError) {
    if (e.kind === 'notFound') return NOT_FOUND;
    if (e.kind === 'throttled') {
      const minutes = e.retryAfter ? Math.ceil(e.retryAfter / 60) : undefined;
      return `Ông/bà đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau${minutes ? ` ${minutes} phút` : ' ít phút'}.`;
    }
    if (e.kind === 'invalid') return 'Mã hồ sơ hoặc nội dung gửi không đúng định dạng. Vui lòng kiểm tra lại.';
    if (e.kind === 'conflict') return 'Hồ sơ không còn chờ bổ sung. Vui lòng tra cứu lại để xem tình trạng mới nhất.';
  }
  return 'Không kết nối được với hệ thống. Vui lòng thử lại sau.';
}

export function LookupPage({ code: initialCode }: { code: string | null }) {
  const [code, setCode] = useState(initialCode ?? '');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; kind: string } | null>(null);
  const [status, setStatus] = useState<PublicStatus | null>(null);
  const [sent, setSent] = useState(false);
  /** The code and secret of the dossier shown (to look it up again after a supplement). */
  const shown = useRef<{ code: string; secret: string } | null>(null);
  const secretInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (initialCode) secretInput.current?.focus();
  }, [initialCode]);

  async function load(c: string, s: string): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const st = await lookUp(c, s);
      shown.current = { code: st.code, secret: s };
      setStatus(st);
      // The code (never the secret) in the address bar, so the page can be bookmarked.
      history.replaceState(null, '', `/tra-cuu/${encodeURIComponent(st.code)}`);
    } catch (e) {
      shown.current = null;
      setStatus(null);
      setError({ text: errorText(e), kind: e instanceof LookupError ? e.kind : 'failed' });
    } finally {
      setBusy(false);
    }
  }

  function submit(ev: Event): void {
    ev.preventDefault();
    const c = code.trim();
    const s = secret.trim();
    if (!c || !s) {
      setError({ text: 'Vui lòng nhập cả mã hồ sơ và mã tra cứu.', kind: 'invalid' });
      return;
    }
    setSent(false);
    void load(c, s);
  }

  async function supplied(): Promise<void> {
    setSent(true);
    if (shown.current) await load(shown.current.code, shown.current.secret);
  }

  return (
    <div class="lt-lookup">
      <h1>Tra cứu hồ sơ</h1>
      <p class="lt-muted">
        Nhập <strong>mã hồ sơ</strong> và <strong>mã tra cứu</strong> in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả để xem tình trạng giải quyết.
      </p>
      <form class="lt-form lt-lookup-form" onSubmit={submit} data-testid="lookup-form">
        <PrintedCode label="Mã hồ sơ" name="code" value={code} onInput={setCode} placeholder="VD: 000.02.31.H99-260105-0001" />
        <PrintedCode label="Mã tra cứu" name="secret" value={secret} onInput={setSecret} placeholder="VD: 7KQM-2XWP-R9HD" inputRef={secretInput} />
        <button type="submit" disabled={busy}>
          {busy ? 'Đang tra cứu…' : 'Tra cứu'}
        </button>
      </form>
      {error && (
        <p class="lt-error" role="alert" data-testid="lookup-error" data-kind={error.kind}>
          {error.text}
        </p>
      )}
      {sent && status && (
        <p class="lt-notice" role="status" data-testid="supplement-sent">
          Đã gửi hồ sơ bổ sung. Cơ quan giải quyết sẽ tiếp tục xử lý hồ sơ.
        </p>
      )}
      {status && <StatusView s={status} secret={shown.current?.secret ?? ''} onSupplied={() => void supplied()} />}
    </div>
  );
}

/** A code the citizen copies from the receipt (form 01): no autocompletion, no spell check. */
function PrintedCode(p: {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  placeholder: string;
  inputRef?: Ref<HTMLInputElement>;
}) {
  return (
    <label>
      {p.label}
      <input
        ref={p.inputRef}
        name={p.name}
        value={p.value}
        onInput={(e) => p.onInput(e.currentTarget.value)}
        placeholder={p.placeholder}
        autoComplete="off"
        spellcheck={false}
        required
      />
    </label>
  );
}

function StatusView({ s, secret, onSupplied }: { s: PublicStatus; secret: string; onSupplied: () => void }) {
  const t = statusText(s);
  return (
    <section class="lt-lookup-result" data-testid="lookup-result" data-status={s.status} aria-live="polite">
      <header class="lt-lookup-head">
        <div>
          <div class="lt-muted">
            {s.procedure.name}
            {s.procedure.case && ` (${s.procedure.case.name})`}
          </div>
          <div class="lt-lookup-code" data-testid="lookup-code">
            Mã hồ sơ: <strong>{s.code}</strong>
          </div>
          <div class="lt-muted">
            Người nộp: {s.applicant.fullName} · CCCD {s.applicant.citizenId}
          </div>
        </div>
        <span class={`lt-lookup-badge lt-tone-${t.tone}`} data-testid="lookup-status">
          {t.label}
        </span>
      </header>
      <p class="lt-lookup-explain">{t.explain}</p>
      {s.result?.reason && (
        <p class="lt-lookup-reason" data-testid="lookup-reason">
          Lý do: {s.result.reason}
        </p>
      )}

      <dl class="lt-lookup-facts">
        <div>
          <dt>Ngày tiếp nhận</dt>
          <dd>
            {formatDate(s.receivedAt)} tại {s.receivingAgency.name}
          </dd>
        </div>
        {s.status === 'returned' && s.returnedAt ? (
          <div>
            <dt>Ngày trả kết quả</dt>
            <dd data-testid="lookup-returned">{formatDate(s.returnedAt)}</dd>
          </div>
        ) : (
          <div>
            <dt>Ngày hẹn trả kết quả</dt>
            <dd data-testid="lookup-appointment">
              <strong>{formatDate(s.appointmentAt)}</strong> <span class="lt-muted">(lúc {formatDateTime(s.appointmentAt).split(' ')[0]})</span>
              {s.status === 'supplement_requested' && <span class="lt-muted"> — sẽ được tính lại khi ông/bà bổ sung hồ sơ</span>}
            </dd>
          </div>
        )}
        {(s.status === 'done' || s.status === 'refused' || s.status === 'stopped') && (
          <div>
            <dt>Nơi nhận</dt>
            <dd>{s.receivingAgency.name}</dd>
          </div>
        )}
      </dl>

      {s.supplement && <SupplementForm s={s} secret={secret} onSupplied={onSupplied} />}

      {s.current.length > 0 && (
        <>
          <h2>Đang xử lý tại</h2>
          <ul class="lt-lookup-steps" data-testid="lookup-current">
            {s.current.map((x, i) => (
              <StepRow key={i} x={x} when={`từ ${formatDate(x.since)}`} />
            ))}
          </ul>
        </>
      )}
      <h2>Các bước đã hoàn thành</h2>
      {s.steps.length ? (
        <ol class="lt-lookup-steps" data-testid="lookup-steps">
          {s.steps.map((x, i) => (
            <StepRow key={i} x={x} when={formatDate(x.finishedAt ?? x.since)} done />
          ))}
        </ol>
      ) : (
        <p class="lt-muted" data-testid="lookup-steps-none">
          Chưa có bước nào hoàn thành.
        </p>
      )}
    </section>
  );
}

function StepRow({ x, when, done }: { x: PublicStep; when: string; done?: boolean }) {
  return (
    <li class={done ? 'lt-done' : undefined}>
      <span class="lt-lookup-step-name">{x.stepName}</span>
      <span class="lt-lookup-step-agency">{x.agencyName}</span>
      <span class="lt-lookup-step-when">{when}</span>
    </li>
  );
}

/** What was asked, one line per item to declare as sent (name, file name or note), and a note. */
function SupplementForm({ s, secret, onSupplied }: { s: PublicStatus; secret: string; onSupplied: () => void }) {
  const items = s.supplement!.items;
  const [chosen, setChosen] = useState<boolean[]>(() => items.map(() => true));
  const [notes, setNotes] = useState<string[]>(() => items.map(() => ''));
  const [extra, setExtra] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(ev: Event): Promise<void> {
    ev.preventDefault();
    const documents: SuppliedDocument[] = items
      .map((it, i) => (chosen[i] ? { name: it.name, ...(notes[i].trim() ? { note: notes[i].trim() } : {}) } : undefined))
      .filter((d): d is SuppliedDocument => !!d);
    for (const line of extra.split('\n')) if (line.trim()) documents.push({ name: line.trim() });
    if (!documents.length) {
      setError('Vui lòng chọn hoặc ghi ít nhất một giấy tờ gửi bổ sung.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await sendSupplement(s.code, secret, { documents, ...(note.trim() ? { note: note.trim() } : {}) });
      onSupplied();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  const sup = s.supplement!;
  return (
    <section class="lt-lookup-supplement" data-testid="supplement">
      <h2>Hồ sơ cần bổ sung</h2>
      <p>
        Ngày {formatDate(sup.requestedAt)}
        {sup.agencyName ? `, ${sup.agencyName}` : ''} đề nghị bổ sung hồ sơ
        {sup.reasons.length ? ':' : '.'}
      </p>
      {sup.reasons.length > 0 && (
        <ul data-testid="supplement-reasons">
          {sup.reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      )}
      {sup.legalBasis && <p class="lt-muted">Căn cứ: {sup.legalBasis}</p>}
      <form class="lt-form" onSubmit={(e) => void submit(e)} data-testid="supplement-form">
        <fieldset>
          <legend>Giấy tờ gửi bổ sung</legend>
          {items.map((it, i) => (
            <div class="lt-lookup-item" key={i} data-testid="supplement-item">
              <label class="lt-lookup-check">
                <input type="checkbox" checked={chosen[i]} onChange={(e) => setChosen(chosen.map((v, j) => (j === i ? e.currentTarget.checked : v)))} />
                <span>
                  {it.name}
                  {it.note ? <span class="lt-muted"> — {it.note}</span> : null}
                </span>
              </label>
              <input
                class="lt-lookup-item-note"
                aria-label={`Ghi chú cho ${it.name}`}
                placeholder="Ghi chú (không bắt buộc): số bản, hình thức gửi…"
                value={notes[i]}
                onInput={(e) => setNotes(notes.map((v, j) => (j === i ? e.currentTarget.value : v)))}
                maxLength={1000}
              />
            </div>
          ))}
        </fieldset>
        <label>
          Giấy tờ khác (mỗi dòng một giấy tờ)
          <textarea name="extra" rows={2} value={extra} onInput={(e) => setExtra(e.currentTarget.value)} />
        </label>
        <label>
          Ghi chú gửi cơ quan giải quyết
          <textarea name="note" rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} maxLength={2000} />
        </label>
        {error && (
          <p class="lt-error" role="alert" data-testid="supplement-error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} data-testid="supplement-submit">
          {busy ? 'Đang gửi…' : 'Gửi bổ sung'}
        </button>
      </form>
    </section>
  );
}
