/**
 * /inbox/{taskId}: one task — what it is and how long is left, claim / give back / assign, its
 * Camunda form (form-js viewer) and *Hoàn thành*; beside it the dossier (applicant, what was
 * handed in, the steps so far with agencies and dates), the procedure's diagram with the current
 * step marked, and the dossier actions (supplement 02, refusal 03, apology 04).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, dossiers, type Trace } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { dossierActions, tasks, type PrintedForm, type StaffDossier, type Task, type TaskForm } from '../shared/inbox-api';
import { createDiagram } from '../trace/diagram';
import { DossierActions } from './DossierActions';
import { dueBadge, explain, STATE_VI } from './labels';
import { renderTaskForm, type TaskFormView } from './task-form';
import { ErrorLine } from '../shared/ErrorLine';

export function TaskPage(p: { id: string; username: string }) {
  const [task, setTask] = useState<Task | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; tone: 'ok' | 'error' } | null>(null);
  const reload = useCallback(
    () =>
      tasks.get(p.id).then(setTask, (e: unknown) => {
        setError(explain(e, 'mở'));
      }),
    [p.id],
  );
  useEffect(() => void reload(), [reload]);

  if (error)
    return (
      <p class="lt-error lt-t-margin" role="alert">
        {error} <a href="/inbox">Về hộp công việc</a>
      </p>
    );
  if (!task) return <p class="lt-loading">Đang tải công việc…</p>;
  const mine = task.state === 'claimed' && task.assignee === p.username;
  const active = task.state === 'open' || task.state === 'claimed';
  const act = (what: string, f: () => Promise<Task>, done: string) =>
    f().then(
      (t) => {
        setTask(t);
        setNotice({ text: done, tone: 'ok' });
      },
      (e: unknown) => {
        setNotice({ text: explain(e, what), tone: 'error' });
        void reload();
      },
    );
  const b = dueBadge(task);

  return (
    <div class="lt-task">
      <div class="lt-task-main">
        <p>
          <a href="/inbox">‹ Hộp công việc</a>
        </p>
        <h1>{task.name}</h1>
        <p class="lt-task-meta">
          <span class={`lt-badge lt-badge-${b.tone}`}>{b.text}</span> <span>Hồ sơ {task.dossierCode ?? '—'}</span>
          <span data-testid="task-state">
            {STATE_VI[task.state]}
            {task.assignee ? `: ${task.assignee}` : ''}
          </span>
          {task.dueAt && <span>Hạn: {formatDateTime(task.dueAt)}</span>}
        </p>
        {notice && (
          <p class={notice.tone === 'ok' ? 'lt-notice' : 'lt-error'} role={notice.tone === 'ok' ? 'status' : 'alert'}>
            {notice.text}
          </p>
        )}
        {active && (
          <div class="lt-task-actions">
            {task.state === 'open' && (
              <button type="button" class="lt-button" onClick={() => void act('nhận xử lý', () => tasks.claim(task.id), 'Bạn đã nhận xử lý công việc này.')}>
                Nhận xử lý
              </button>
            )}
            {task.state === 'claimed' && (
              <button type="button" onClick={() => void act('trả lại', () => tasks.unclaim(task.id), 'Đã trả lại công việc cho cơ quan.')}>
                Trả lại
              </button>
            )}
            <AssignBox onAssign={(u) => void act('giao việc', () => tasks.assign(task.id, u), `Đã giao cho ${u}.`)} />
          </div>
        )}
        {active && (
          <DecisionForm
            task={task}
            enabled={mine}
            onDone={(t) => {
              setTask(t);
              setNotice({ text: 'Đã hoàn thành công việc. Hồ sơ được chuyển bước tiếp theo.', tone: 'ok' });
            }}
            onConflict={() => void reload()}
          />
        )}
        {!active && task.decision && <DecisionShown decision={task.decision} />}
        {task.dossierCode && active && <DossierActions code={task.dossierCode} />}
      </div>
      {task.dossierCode && <DossierSide code={task.dossierCode} elementId={task.elementId} />}
    </div>
  );
}

function AssignBox(p: { onAssign: (username: string) => void }) {
  const [u, setU] = useState('');
  return (
    <form
      class="lt-task-assign"
      onSubmit={(e) => {
        e.preventDefault();
        if (u.trim()) p.onAssign(u.trim());
      }}
    >
      <label>
        Giao cho cán bộ
        <input name="assignee" value={u} onInput={(e) => setU(e.currentTarget.value)} placeholder="tên đăng nhập" />
      </label>
      <button type="submit">Giao</button>
    </form>
  );
}

function DecisionForm(p: { task: Task; enabled: boolean; onDone: (t: Task) => void; onConflict: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  const view = useRef<TaskFormView | null>(null);
  const [form, setForm] = useState<TaskForm | null>(null);
  const [problems, setProblems] = useState<Array<{ path: string; messageVi: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Claiming removes the button that had the focus: the focus goes on to the form's first field.
  const wasEnabled = useRef(p.enabled);
  useEffect(() => {
    if (p.enabled && !wasEnabled.current) box.current?.querySelector<HTMLElement>('input, textarea, select')?.focus();
    wasEnabled.current = p.enabled;
  }, [p.enabled]);
  useEffect(() => {
    tasks.form(p.task.id).then(setForm, (e: unknown) => setError(explain(e, 'tải biểu mẫu')));
  }, [p.task.id]);
  useEffect(() => {
    if (!form || !box.current) return;
    let gone = false;
    void renderTaskForm(box.current, form.schema).then((v) => (gone ? v.destroy() : (view.current = v)));
    return () => {
      gone = true;
      view.current?.destroy();
      view.current = null;
    };
  }, [form]);

  const submit = async () => {
    setProblems([]);
    setError(null);
    const data = view.current?.submit();
    if (!data) return;
    setBusy(true);
    try {
      p.onDone(await tasks.complete(p.task.id, data));
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && Array.isArray(e.details)) setProblems(e.details as Array<{ path: string; messageVi: string }>);
      else setError(explain(e, 'hoàn thành'));
      if (e instanceof ApiError && e.status === 409) p.onConflict();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="lt-task-form" aria-labelledby="lt-task-form-title">
      <h2 id="lt-task-form-title">Kết quả xử lý</h2>
      {!p.enabled && <p class="lt-muted">Nhận xử lý công việc để điền và hoàn thành biểu mẫu.</p>}
      <fieldset disabled={!p.enabled || busy}>
        <div ref={box} class="lt-task-formjs" data-form-id={form?.formId} />
      </fieldset>
      {problems.length > 0 && (
        <ul class="lt-error" role="alert" aria-label="Máy chủ từ chối biểu mẫu">
          {problems.map((x) => (
            <li key={x.path}>{x.messageVi}</li>
          ))}
        </ul>
      )}
      <ErrorLine text={error} />
      <button type="button" class="lt-button" disabled={!p.enabled || busy || !form} onClick={() => void submit()}>
        Hoàn thành
      </button>
    </section>
  );
}

function DecisionShown(p: { decision: Record<string, unknown> }) {
  return (
    <section class="lt-task-form">
      <h2>Kết quả đã ghi nhận</h2>
      <pre class="lt-task-decision">{JSON.stringify(p.decision, null, 2)}</pre>
    </section>
  );
}

function DossierSide(p: { code: string; elementId: string }) {
  const [d, setD] = useState<StaffDossier | null>(null);
  const [receipt, setReceipt] = useState<PrintedForm | null>(null);
  const [trace, setTrace] = useState<Trace | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canvas = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const fail = (e: unknown) => setError(e instanceof ApiError && e.status === 404 ? 'Bạn không được xem hồ sơ này.' : (e as Error).message);
    dossierActions.get(p.code).then(setD, fail);
    dossierActions.form(p.code, '01').then(setReceipt, () => setReceipt(null));
    dossiers.trace(p.code).then(setTrace, fail);
  }, [p.code]);
  useEffect(() => {
    const diagram = trace?.diagram[0];
    if (!diagram || !canvas.current) return;
    const view = createDiagram(canvas.current, () => undefined);
    void view.show(diagram, trace.steps).then(() => view.select(p.elementId));
    return () => view.destroy();
  }, [trace, p.elementId]);
  if (error)
    return (
      <aside class="lt-task-side">
        <p class="lt-error">{error}</p>
      </aside>
    );
  const documents = (receipt?.data.documents as Array<{ name: string; form?: string; count?: number }> | undefined) ?? [];
  return (
    <aside class="lt-task-side" aria-label="Hồ sơ">
      {d && (
        <section>
          <h2>Hồ sơ {d.code}</h2>
          <dl class="lt-t-facts">
            <dt>Thủ tục</dt>
            <dd>
              {d.procedure.name.vi}
              {d.procedure.case && ` (${d.procedure.case.name.vi})`}
            </dd>
            <dt>Người nộp</dt>
            <dd>{d.applicant.fullName}</dd>
            <dt>Tình trạng</dt>
            <dd>{d.statusVi}</dd>
            <dt>Tiếp nhận</dt>
            <dd>{formatDateTime(d.receivedAt)}</dd>
            <dt>Hẹn trả</dt>
            <dd>{formatDateTime(d.appointmentAt)}</dd>
          </dl>
          <h3>Giấy tờ đã nộp</h3>
          <ul class="lt-task-docs">
            {documents.map((x, i) => (
              <li key={i}>
                {x.name}
                {x.count ? ` — ${x.count} ${x.form ?? ''}` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
      <div class="lt-task-canvas" ref={canvas} aria-label="Sơ đồ quy trình, bước hiện tại được đánh dấu" />
      {trace && (
        <section>
          <h3>Các bước đã qua</h3>
          <ol class="lt-task-steps">
            {trace.steps.map((s) => (
              <li key={s.taskId} class={s.elementId === p.elementId && !s.completedAt ? 'lt-task-step-current' : undefined}>
                <strong>{s.name}</strong> — {s.agencyName ?? s.agencyCode}
                <br />
                <small>
                  Nhận {formatDateTime(s.handedOverAt)}
                  {s.completedAt ? `, xong ${formatDateTime(s.completedAt)}` : ', đang xử lý'}
                </small>
              </li>
            ))}
          </ol>
        </section>
      )}
    </aside>
  );
}
