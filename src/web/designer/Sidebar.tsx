/** The designer's left column: every deployed process with its versions, a new diagram, a file. */
import { useState } from 'preact/hooks';
import type { ProcessDefinition } from '../shared/api';

export interface ProcessGroup {
  id: string;
  name: string;
  versions: ProcessDefinition[];
}

export function groupDefinitions(items: ProcessDefinition[]): ProcessGroup[] {
  const byId = new Map<string, ProcessGroup>();
  for (const d of items) {
    const g = byId.get(d.processDefinitionId) ?? { id: d.processDefinitionId, name: '', versions: [] };
    g.versions.push(d);
    byId.set(d.processDefinitionId, g);
  }
  for (const g of byId.values()) {
    g.versions.sort((a, b) => b.version - a.version);
    g.name = g.versions[0]?.name || g.id;
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function Sidebar(props: {
  groups: ProcessGroup[];
  currentId: string | null;
  onOpenDraft(group: ProcessGroup, version: ProcessDefinition): void;
  onView(group: ProcessGroup, version: ProcessDefinition): void;
  onNew(id: string, name: string): void;
  onFile(file: File): void;
  /** The forms tab is open: it has the whole width. */
  hidden?: boolean;
}) {
  const [expanded, setExpanded] = useState<string | null>(props.currentId);
  const [creating, setCreating] = useState(false);
  const [newId, setNewId] = useState('');
  const [newName, setNewName] = useState('');
  const idProblem = newId && !ID_PATTERN.test(newId) ? 'Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch; bắt đầu bằng chữ' : '';

  return (
    <aside class="lt-d-sidebar" aria-label="Danh sách quy trình" hidden={props.hidden}>
      <div class="lt-d-sidebar-actions">
        <button type="button" class="lt-button" onClick={() => setCreating(!creating)}>
          + Quy trình mới
        </button>
        <label class="lt-d-file">
          Mở tệp .bpmn
          <input
            type="file"
            accept=".bpmn,.xml,application/xml,text/xml"
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              if (f) props.onFile(f);
              e.currentTarget.value = '';
            }}
          />
        </label>
      </div>
      {creating && (
        <form
          class="lt-d-new"
          onSubmit={(e) => {
            e.preventDefault();
            if (!newId || idProblem) return;
            props.onNew(newId, newName || newId);
            setCreating(false);
            setNewId('');
            setNewName('');
          }}
        >
          <label>
            Mã quy trình (bpmnProcessId)
            <input name="processId" value={newId} onInput={(e) => setNewId(e.currentTarget.value.trim())} required />
          </label>
          {idProblem && <span class="lt-d-field-error">{idProblem}</span>}
          <label>
            Tên quy trình
            <input name="processName" value={newName} onInput={(e) => setNewName(e.currentTarget.value)} />
          </label>
          <button type="submit" class="lt-button">
            Tạo
          </button>
        </form>
      )}
      <h2 class="lt-d-h2">Quy trình đã triển khai</h2>
      {props.groups.length === 0 && <p class="lt-muted lt-d-pad">Chưa có quy trình nào.</p>}
      <ul class="lt-d-processes">
        {props.groups.map((g) => (
          <li key={g.id} class={g.id === props.currentId ? 'lt-d-current' : ''} data-process-id={g.id}>
            <button type="button" class="lt-d-process" aria-expanded={expanded === g.id} onClick={() => setExpanded(expanded === g.id ? null : g.id)}>
              <span class="lt-d-process-name">{g.name}</span>
              <span class="lt-d-process-meta">
                {g.id} · {g.versions.length} phiên bản
              </span>
            </button>
            {expanded === g.id && (
              <ul class="lt-d-versions" aria-label={`Các phiên bản của ${g.id}`}>
                {g.versions.map((v) => (
                  <li key={v.processDefinitionKey} data-version={v.version}>
                    <span class="lt-d-version">Phiên bản {v.version}</span>
                    <button type="button" onClick={() => props.onView(g, v)} title="Xem, không sửa">
                      Xem
                    </button>
                    <button type="button" onClick={() => props.onOpenDraft(g, v)} title="Mở làm gốc cho một phiên bản mới">
                      Sửa từ bản này
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
