/** The trace's side panels: the timeline, the history of every variable, and the agency steps. */
import { useMemo, useState } from 'preact/hooks';
import type { Trace, TraceStep, TraceTimelineEntry, TraceVariableChange } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { ACTION_VI, COMMAND_VI, KIND_VI, STATUS_VI, verdictOf } from './labels';

export interface Row {
  entry: TraceTimelineEntry;
  elementId: string | null;
  text: string;
}

/** Timeline entries in words, each with the diagram element it concerns (when one does). */
export function timelineRows(t: Trace): Row[] {
  const stepById = new Map(t.steps.map((s) => [s.taskId, s]));
  const auditBySeq = new Map(t.audit.map((a) => [a.seq, a]));
  return t.timeline.map((entry) => {
    let elementId: string | null = entry.taskId ? (stepById.get(entry.taskId)?.elementId ?? null) : null;
    let text = entry.what;
    if (entry.kind === 'status') text = entry.what.replace(/[a-z_]+/g, (w) => STATUS_VI[w] ?? w).replace('∅', 'mới');
    if (entry.kind === 'audit') {
      const a = entry.seq ? auditBySeq.get(entry.seq) : undefined;
      const taskId = typeof a?.payload?.taskId === 'string' ? a.payload.taskId : undefined;
      if (taskId) elementId = stepById.get(taskId)?.elementId ?? null;
      const reason = typeof a?.payload?.reason === 'string' ? `: ${a.payload.reason}` : '';
      text = `${ACTION_VI[entry.what] ?? entry.what}${reason}`;
    }
    return { entry, elementId, text };
  });
}

export function Timeline(p: {
  rows: Row[];
  selected: string | null;
  onSelect: (elementId: string | null) => void;
  agencyName: (c: string | null) => string;
  person: (username: string | null) => string;
}) {
  return (
    <ol class="lt-t-list" data-testid="timeline">
      {p.rows.map((r, i) => (
        <li
          key={i}
          class={`lt-t-row lt-t-kind-${r.entry.kind}${r.elementId && r.elementId === p.selected ? ' lt-t-hit' : ''}`}
          data-kind={r.entry.kind}
          data-element-id={r.elementId ?? undefined}
        >
          <button
            type="button"
            class="lt-t-rowbtn"
            disabled={!r.elementId}
            onClick={() => p.onSelect(r.elementId)}
            title={r.elementId ? 'Xem trên sơ đồ' : undefined}
          >
            <span class="lt-t-when">{formatDateTime(r.entry.at)}</span>
            <span class="lt-t-kind">{KIND_VI[r.entry.kind]}</span>
            <span class="lt-t-what">{r.text}</span>
            <span class="lt-t-who">
              {p.person(r.entry.actor)}
              {r.entry.agencyCode ? ` · ${p.agencyName(r.entry.agencyCode)}` : ''}
            </span>
          </button>
        </li>
      ))}
    </ol>
  );
}

export function Variables(p: {
  changes: TraceVariableChange[];
  selected: string | null;
  onSelect: (elementId: string | null) => void;
  elementName: (id: string) => string;
}) {
  const byName = useMemo(() => {
    const m = new Map<string, TraceVariableChange[]>();
    for (const c of p.changes) m.set(c.name, [...(m.get(c.name) ?? []), c]);
    return [...m].sort(([a], [b]) => a.localeCompare(b));
  }, [p.changes]);
  const [open, setOpen] = useState<string | null>(null);
  if (!byName.length) return <p class="lt-muted lt-t-pad">Quy trình chưa ghi biến nào.</p>;
  return (
    <ul class="lt-t-vars" data-testid="variables">
      {byName.map(([name, changes]) => (
        <li key={name} data-variable={name} class={changes.some((c) => c.elementId && c.elementId === p.selected) ? 'lt-t-hit' : ''}>
          <button type="button" class="lt-t-var-name" aria-expanded={open === name} onClick={() => setOpen(open === name ? null : name)}>
            <code>{name}</code>
            <span class="lt-muted">{changes.length} lần đổi</span>
          </button>
          {open === name && (
            <ol class="lt-t-var-changes">
              {changes.map((c) => (
                <li key={c.position} data-position={c.position}>
                  <button type="button" class="lt-t-rowbtn" disabled={!c.elementId} onClick={() => p.onSelect(c.elementId ?? null)}>
                    <span class="lt-t-when">{formatDateTime(c.at)}</span>
                    <code class="lt-t-value" title={c.value}>
                      {c.value}
                    </code>
                    <span class="lt-t-who">
                      {c.intent === 'CREATED' ? 'Tạo' : 'Đổi'}
                      {c.elementId ? ` tại “${p.elementName(c.elementId)}”` : ''}
                      {c.person ? ` · ${c.person}` : ''}
                      {c.command ? ` · ${COMMAND_VI[c.command] ?? c.command}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          )}
        </li>
      ))}
    </ul>
  );
}

export function Steps(p: { steps: TraceStep[]; selected: string | null; onSelect: (elementId: string) => void; person: (username: string | null) => string }) {
  return (
    <table class="lt-t-steps" data-testid="steps">
      <thead>
        <tr>
          <th>Bước · cơ quan</th>
          <th>Nhận lúc</th>
          <th>Hạn</th>
          <th>Kết quả</th>
        </tr>
      </thead>
      <tbody>
        {p.steps.map((s) => {
          const v = verdictOf(s.sla);
          return (
            <tr key={s.taskId} data-element-id={s.elementId} class={s.elementId === p.selected ? 'lt-t-hit' : ''} onClick={() => p.onSelect(s.elementId)}>
              <td>
                <strong>{s.name}</strong>
                <div class="lt-muted">{s.agencyName ?? s.agencyCode}</div>
                <div class="lt-muted">{s.completedBy || s.claimedBy ? p.person(s.completedBy ?? s.claimedBy) : '—'}</div>
              </td>
              <td>{formatDateTime(s.handedOverAt)}</td>
              <td>{s.sla ? formatDateTime(s.sla.statutoryDueAt) : '—'}</td>
              <td class={`lt-t-tone-${v.tone}`}>{v.text}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
