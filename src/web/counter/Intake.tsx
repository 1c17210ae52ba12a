/**
 * Receiving a dossier: choose the procedure, fill the form drawn from its intake schema, send it.
 * A refusal's problems show at their fields, listed at the top with links to them, and the first
 * field named takes the focus; a receipt shows the code, the lookup secret and form 01.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { counterApi, fieldProblems, messageOf, newReceiptKey, type FieldProblem, type ProcedureItem, type ReceivedDossier } from './counter-api';
import { ErrorSummary } from './ErrorSummary';
import { drawnPaths, placeProblems, problemsByPath } from './problems';
import { Receipt } from './Receipt';
import { SchemaFields } from './SchemaForm';
import { buildIntake, emptyValue, setAt, type JsonSchema, type Raw } from './schema';

export function Intake() {
  const [procedures, setProcedures] = useState<ProcedureItem[] | null>(null);
  const [code, setCode] = useState('');
  const [schema, setSchema] = useState<JsonSchema | null>(null);
  const [value, setValue] = useState<Raw>({});
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [receipt, setReceipt] = useState<ReceivedDossier | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const [focusTick, setFocusTick] = useState(0);

  useEffect(() => {
    counterApi
      .procedures()
      .then((r) => setProcedures(r.items.filter((p) => p.versions.some((v) => v.inForce))))
      .catch((e: unknown) => setError(messageOf(e)));
  }, []);

  const choose = async (next: string) => {
    setCode(next);
    setSchema(null);
    setProblems([]);
    setError(null);
    if (!next) return;
    try {
      const s = await counterApi.intakeSchema(next);
      setValue(emptyValue(s));
      setSchema(s);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const placed = useMemo(() => (schema ? placeProblems(problems, drawnPaths(schema, value)) : []), [schema, value, problems]);
  const byPath = useMemo(() => problemsByPath(placed), [placed]);

  // After a refusal: the first field (or group) named takes the focus.
  useEffect(() => {
    if (!focusTick) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? formRef.current?.querySelector<HTMLElement>('.lt-c-summary');
    first?.focus();
  }, [focusTick]);

  // One key per form filled: a second press after a lost answer names the same receipt.
  const receiptKey = useRef(newReceiptKey());
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!schema || sending) return;
    setError(null);
    const built = buildIntake(schema, value);
    if (built.problems.length) {
      setProblems(built.problems);
      setFocusTick((n) => n + 1);
      return;
    }
    setSending(true);
    try {
      setReceipt(await counterApi.receive(code, built.intake, receiptKey.current));
      receiptKey.current = newReceiptKey(); // the next form is another dossier
      setProblems([]);
    } catch (err) {
      const list = err instanceof ApiError && err.status === 400 ? fieldProblems(err.details) : [];
      if (list.length) setProblems(list);
      else setError(messageOf(err));
      setFocusTick((n) => n + 1);
    } finally {
      setSending(false);
    }
  };

  const again = () => {
    setReceipt(null);
    if (schema) setValue(emptyValue(schema));
  };

  if (receipt) return <Receipt receipt={receipt} onNext={again} />;

  return (
    <section class="lt-c-intake" aria-labelledby="lt-c-intake-title">
      <h2 id="lt-c-intake-title">Tiếp nhận hồ sơ</h2>
      <div class="lt-c-field lt-c-procedure">
        <label for="lt-c-procedure">Thủ tục</label>
        <select id="lt-c-procedure" value={code} onChange={(e) => void choose((e.target as HTMLSelectElement).value)} disabled={!procedures}>
          <option value="">{procedures ? '— Chọn thủ tục —' : 'Đang tải danh mục thủ tục…'}</option>
          {(procedures ?? []).map((p) => (
            <option key={p.code} value={p.code}>
              {p.name.vi}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p class="lt-c-alert" role="alert">
          {error}
        </p>
      )}
      {code && !schema && !error && <p class="lt-muted">Đang tải mẫu tờ khai…</p>}
      {schema && (
        <form ref={formRef} class="lt-c-form" noValidate onSubmit={(e) => void submit(e)} data-procedure={code}>
          {schema.title && <h3 class="lt-c-form-title">{schema.title}</h3>}
          <p class="lt-muted">
            Trường có dấu <span class="lt-c-req">*</span> là bắt buộc. Ngày ghi theo dạng dd/mm/yyyy.
          </p>
          <ErrorSummary placed={placed} />
          <SchemaFields schema={schema} ctx={{ value, set: (path, v) => setValue((old) => setAt(old, path, v)), problems: byPath }} />
          <div class="lt-c-actions">
            <button type="submit" class="lt-btn lt-btn-primary" disabled={sending}>
              {sending ? 'Đang tiếp nhận…' : 'Tiếp nhận hồ sơ'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
