/**
 * /trace and /trace/{code}: an auditor reconstructs a dossier from its code alone — the diagram of
 * the version it ran with each element's state and each agency step's verdict, the timeline, and
 * the history of every variable. A row of a panel selects its element on the diagram; a click on
 * the diagram selects the rows of that element.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, dossiers, type Trace } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { createDiagram, type DiagramView } from './diagram';
import { STATUS_VI, verdictOf } from './labels';
import { Steps, Timeline, timelineRows, Variables } from './Panels';
import { SearchBar, SearchResults } from './Search';

type Tab = 'timeline' | 'variables' | 'steps';

export function TracePage(p: { code: string | null }) {
  return (
    <div class="lt-trace">
      <SearchBar code={p.code} />
      {p.code ? <DossierTrace code={p.code} /> : <SearchResults />}
    </div>
  );
}

function DossierTrace(p: { code: string }) {
  const [trace, setTrace] = useState<Trace | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    dossiers.trace(p.code).then(setTrace, (e: unknown) => {
      setError(
        e instanceof ApiError && e.status === 404
          ? `Không tìm thấy hồ sơ ${p.code} (hoặc bạn không được xem hồ sơ này).`
          : `Không tải được hồ sơ: ${(e as Error).message}`,
      );
    });
  }, [p.code]);
  if (error)
    return (
      <p class="lt-error lt-t-margin" role="alert">
        {error}
      </p>
    );
  if (!trace) return <p class="lt-loading">Đang tải hồ sơ {p.code}…</p>;
  return <TraceView trace={trace} />;
}

function TraceView({ trace }: { trace: Trace }) {
  const canvasRef = useRef<HTMLDivElement>(null);
  const view = useRef<DiagramView | null>(null);
  const [instanceKey, setInstanceKey] = useState(trace.diagram[0]?.processInstanceKey ?? null);
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('timeline');
  const [drawn, setDrawn] = useState(0);
  const [diagramError, setDiagramError] = useState<string | null>(null);
  const diagram = trace.diagram.find((d) => d.processInstanceKey === instanceKey) ?? null;
  const rows = useMemo(() => timelineRows(trace), [trace]);
  const agencyNames = useMemo(() => new Map(trace.steps.map((s) => [s.agencyCode, s.agencyName ?? s.agencyCode])), [trace]);
  /** An official as a person reads them: full name and, for the record, the account. */
  const person = (u: string | null) => (!u ? 'hệ thống' : trace.people[u] ? `${trace.people[u]} (${u})` : u);
  const agencyName = (c: string | null) =>
    c ? (agencyNames.get(c) ?? (c === trace.dossier.receivingAgency ? (trace.dossier.receivingAgencyName ?? c) : c)) : '';

  const select = (id: string | null) => {
    setSelected(id);
    view.current?.select(id);
  };
  const onElementClick = (id: string, type: string) => {
    // The instance this call activity started (the latest, if it ran more than once).
    const child =
      type === 'bpmn:CallActivity' ? [...trace.diagram].reverse().find((x) => x.parentProcessInstanceKey === instanceKey && x.calledBy === id) : undefined;
    if (child) setInstanceKey(child.processInstanceKey);
    else select(id);
  };
  const clickRef = useRef(onElementClick);
  clickRef.current = onElementClick;

  useEffect(() => {
    view.current = createDiagram(canvasRef.current!, (id, type) => clickRef.current(id, type));
    return () => view.current?.destroy();
  }, []);
  useEffect(() => {
    if (!diagram || !view.current) return;
    setSelected(null);
    view.current.show(diagram, trace.steps).then(
      () => {
        // The bench (bench/trace-render.ts) reads this: navigation start → the diagram drawn with its states.
        if (!performance.getEntriesByName('lt-trace-ready').length) performance.mark('lt-trace-ready');
        setDrawn((n) => n + 1);
      },
      (e: unknown) => setDiagramError(`Không vẽ được sơ đồ: ${(e as Error).message}`),
    );
  }, [diagram, trace]);

  const d = trace.dossier;
  const dossierClock = trace.clocks.find((c) => c.kind === 'dossier') ?? null;
  const verdict = verdictOf(dossierClock);
  const late = trace.steps.filter((s) => verdictOf(s.sla).tone === 'late');
  const variableChanges = diagram ? trace.variables.filter((v) => v.processInstanceKey === diagram.processInstanceKey) : trace.variables;
  return (
    <div class="lt-t-body">
      <section class="lt-t-summary" aria-label="Tóm tắt hồ sơ">
        <div>
          <h1>
            Hồ sơ{' '}
            <span class="lt-t-code" data-testid="dossier-code">
              {d.code}
            </span>
          </h1>
          <div class="lt-muted">
            {d.procedureCode}
            {d.caseName && ` (${d.caseName})`} · quy định {d.ruleVersion} · {STATUS_VI[d.status] ?? d.status}
          </div>
        </div>
        <dl class="lt-t-facts">
          <dt>Tiếp nhận</dt>
          <dd>
            {formatDateTime(d.receivedAt)} · {d.receivingAgencyName ?? d.receivingAgency}
          </dd>
          <dt>Hẹn trả</dt>
          <dd>{formatDateTime(d.appointmentAt)}</dd>
          <dt>Toàn hồ sơ</dt>
          <dd class={`lt-t-tone-${verdict.tone}`}>{verdict.text}</dd>
        </dl>
        <div class="lt-t-late" data-testid="late-summary">
          {late.length ? (
            late.map((s) => (
              <button type="button" class="lt-link" key={s.taskId} onClick={() => select(s.elementId)}>
                Trễ tại {s.agencyName ?? s.agencyCode}: {verdictOf(s.sla).text.replace(/^Trễ hạn /, '')}
              </button>
            ))
          ) : (
            <span class="lt-muted">Không bước nào trễ hạn.</span>
          )}
        </div>
      </section>
      <div class="lt-t-work">
        <div class="lt-t-diagram">
          {trace.diagram.length > 1 && (
            <nav class="lt-t-instances" aria-label="Quy trình">
              {trace.diagram.map((x) => (
                <button
                  type="button"
                  key={x.processInstanceKey}
                  aria-pressed={x.processInstanceKey === instanceKey}
                  onClick={() => setInstanceKey(x.processInstanceKey)}
                >
                  {x.parentProcessInstanceKey ? '↳ ' : ''}
                  {x.bpmnProcessId} (bản {x.processDefinitionVersion})
                </button>
              ))}
            </nav>
          )}
          {diagramError && <p class="lt-error">{diagramError}</p>}
          {!diagram && <p class="lt-t-pad lt-muted">Hồ sơ chưa có quy trình.</p>}
          <div class="lt-t-canvas" ref={canvasRef} data-testid="trace-canvas" data-drawn={drawn} />
          <Legend />
        </div>
        <aside class="lt-t-side">
          <div class="lt-t-tabs" role="tablist">
            {(
              [
                ['timeline', `Dòng thời gian (${rows.length})`],
                ['variables', `Lịch sử biến (${variableChanges.length})`],
                ['steps', `Các bước (${trace.steps.length})`],
              ] as const
            ).map(([t, label]) => (
              <button type="button" role="tab" key={t} aria-selected={tab === t} onClick={() => setTab(t)}>
                {label}
              </button>
            ))}
          </div>
          {selected && (
            <div class="lt-t-selected">
              Đang chọn: <strong>{view.current?.nameOf(selected) ?? selected}</strong>
              <button type="button" class="lt-link" onClick={() => select(null)}>
                Bỏ chọn
              </button>
            </div>
          )}
          <div class="lt-t-panel">
            {tab === 'timeline' && <Timeline rows={rows} selected={selected} onSelect={select} agencyName={agencyName} person={person} />}
            {tab === 'variables' && (
              <Variables changes={variableChanges} selected={selected} onSelect={select} elementName={(id) => view.current?.nameOf(id) ?? id} />
            )}
            {tab === 'steps' && <Steps steps={trace.steps} selected={selected} onSelect={select} person={person} />}
          </div>
        </aside>
      </div>
    </div>
  );
}

function Legend() {
  return (
    <ul class="lt-t-legend" aria-label="Chú giải">
      <li class="lt-t-lg-completed">Đã xong</li>
      <li class="lt-t-lg-active">Đang xử lý</li>
      <li class="lt-t-lg-late">Trễ hạn</li>
      <li class="lt-t-lg-terminated">Dừng</li>
      <li class="lt-t-lg-incident">Sự cố</li>
      <li class="lt-t-lg-taken">Luồng đã đi</li>
    </ul>
  );
}
