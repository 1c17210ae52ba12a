/**
 * The dossier actions an official takes from a task: ask for a supplement (form 02), refuse
 * (form 03), apologise and extend (form 04). Each is a small form; the server's answer is the
 * form as issued, shown as printed, with a link to its printable page.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { dossierActions, type PrintedForm } from '../shared/inbox-api';
import { ErrorLine } from '../shared/ErrorLine';

type Action = 'supplement' | 'refuse' | 'apology';
const ACTIONS: Array<[Action, string, string]> = [
  ['supplement', 'Yêu cầu bổ sung (mẫu 02)', '02'],
  ['refuse', 'Từ chối giải quyết (mẫu 03)', '03'],
  ['apology', 'Xin lỗi, gia hạn (mẫu 04)', '04'],
];

export function DossierActions(p: { code: string }) {
  const [open, setOpen] = useState<Action | null>(null);
  const [printed, setPrinted] = useState<PrintedForm | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async (no: string, f: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await f();
      setPrinted(await dossierActions.form(p.code, no));
      setOpen(null);
    } catch (e) {
      const problems = e instanceof ApiError && Array.isArray(e.details) ? (e.details as Array<{ messageVi?: string }>) : [];
      setError(
        e instanceof ApiError && e.status === 409
          ? `Không thực hiện được: ${e.message.split(' (')[0]}`
          : problems.length
            ? problems.map((x) => x.messageVi).join('; ')
            : e instanceof Error
              ? e.message
              : String(e),
      );
    }
  };

  return (
    <section class="lt-task-dossier-actions" aria-labelledby="lt-da-title">
      <h2 id="lt-da-title">Thao tác với hồ sơ</h2>
      <div class="lt-task-actions">
        {ACTIONS.map(([a, label]) => (
          <button type="button" key={a} aria-expanded={open === a} onClick={() => setOpen(open === a ? null : a)}>
            {label}
          </button>
        ))}
      </div>
      <ErrorLine text={error} />
      {open === 'supplement' && (
        <TwoFields
          first="Giấy tờ cần bổ sung (mỗi dòng một loại)"
          second="Lý do"
          third="Căn cứ pháp lý"
          submit="Gửi yêu cầu bổ sung"
          onSubmit={(items, reason, legalBasis) =>
            run('02', () => dossierActions.requestSupplement(p.code, { items: lines(items).map((name) => ({ name })), reasons: lines(reason), legalBasis }))
          }
        />
      )}
      {open === 'refuse' && (
        <TwoFields
          first="Lý do từ chối"
          third="Căn cứ pháp lý"
          submit="Từ chối hồ sơ"
          onSubmit={(reason, _x, legalBasis) => run('03', () => dossierActions.refuse(p.code, { reason, legalBasis }))}
        />
      )}
      {open === 'apology' && (
        <TwoFields
          first="Lý do chậm trễ"
          second="Gia hạn thêm (ngày làm việc)"
          submit="Ghi nhận xin lỗi và hẹn lại"
          onSubmit={(reason, days) => run('04', () => dossierActions.apologize(p.code, { reason, extra: { value: Number(days), unit: 'working_days' } }))}
        />
      )}
      {printed && <Printed form={printed} code={p.code} />}
    </section>
  );
}

function lines(s: string): string[] {
  return s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);
}

function TwoFields(p: { first: string; second?: string; third?: string; submit: string; onSubmit: (a: string, b: string, c: string) => unknown }) {
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [c, setC] = useState('');
  return (
    <form
      class="lt-form lt-task-da-form"
      onSubmit={(e) => {
        e.preventDefault();
        void p.onSubmit(a, b, c);
      }}
    >
      <label>
        {p.first}
        <textarea required value={a} onInput={(e) => setA(e.currentTarget.value)} rows={2} />
      </label>
      {p.second && (
        <label>
          {p.second}
          <input required value={b} onInput={(e) => setB(e.currentTarget.value)} />
        </label>
      )}
      {p.third && (
        <label>
          {p.third}
          <input required value={c} onInput={(e) => setC(e.currentTarget.value)} />
        </label>
      )}
      <button type="submit" class="lt-button">
        {p.submit}
      </button>
    </form>
  );
}

/** A form as issued, laid out as on paper (the printable page is the server's `?format=html`). */
function Printed(p: { form: PrintedForm; code: string }) {
  const f = p.form;
  return (
    <article class="lt-printed" aria-label={`Mẫu ${f.form}`}>
      <h3>{f.title.toUpperCase()}</h3>
      {f.reference && <p>{f.reference}</p>}
      <p class="lt-muted">{f.placeDate}</p>
      {f.addressee && <p>{f.addressee}</p>}
      {f.body.map((b, i) =>
        b.kind === 'fields' ? (
          <dl key={i}>
            {b.items.map((x) => (
              <div key={x.label}>
                <dt>{x.label}:</dt> <dd>{x.value}</dd>
              </div>
            ))}
          </dl>
        ) : b.kind === 'table' ? (
          <table key={i}>
            <thead>
              <tr>
                {b.columns.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {b.rows.map((r, j) => (
                <tr key={j}>
                  {r.map((c, k) => (
                    <td key={k}>{c}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p key={i} class={b.kind === 'note' ? 'lt-muted' : b.kind === 'heading' ? 'lt-printed-h' : undefined}>
            {b.text}
          </p>
        ),
      )}
      <p>
        <a href={`/api/dossiers/${encodeURIComponent(p.code)}/forms/${f.form}?format=html`} target="_blank" rel="noopener">
          Mở bản in mẫu {f.form}
        </a>
      </p>
    </article>
  );
}
