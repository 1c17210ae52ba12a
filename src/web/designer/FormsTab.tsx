/**
 * The designer's "Biểu mẫu" tab: the Camunda forms (form-js JSON) the current diagram's user
 * tasks link by `zeebe:formDefinition formId`, each marked deployed or not; one chosen opens in
 * the form-js editor (@bpmn-io/form-js 1.23) with its latest deployed schema, or a new empty one;
 * "Triển khai biểu mẫu" deploys it as `<formId>.form` through POST /v2/deployments, where a
 * changed schema becomes the form id's next version. A user task without a form can get one
 * named as the catalog names them (`<bpmnProcessId>.<elementId>`): the diagram then links it.
 */
import { FormEditor, schemaVersion } from '@bpmn-io/form-js-editor';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, engine, request } from '../shared/api';
import type { Banner, View } from './controls';
import { EXECUTION_PLATFORM, EXECUTION_PLATFORM_VERSION } from './modeler';

import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import '@bpmn-io/form-js-editor/dist/assets/form-js-editor.css';

/** A user task of the diagram and the form it links. */
export interface LinkedForm {
  elementId: string;
  taskName: string;
  /** `zeebe:formDefinition formId`; null when the task links no form by id. */
  formId: string | null;
}

/** GET /v2/forms: the latest version of every deployed form id. */
interface FormSummary {
  formKey: string;
  formId: string;
  version: number;
}

const LEAVE_FORM = 'Biểu mẫu có thay đổi chưa triển khai. Bỏ các thay đổi đó?';

/** The user tasks of the modeler's diagram, in the order of the element registry. */
export function linkedForms(modeler: any): LinkedForm[] {
  const registry = modeler?.get('elementRegistry');
  if (!registry) return [];
  return registry
    .filter((e: any) => e.type === 'bpmn:UserTask')
    .map((e: any) => {
      const bo = e.businessObject;
      const def = (bo.extensionElements?.values ?? []).find((v: any) => v.$type === 'zeebe:FormDefinition');
      return { elementId: bo.id, taskName: bo.name || bo.id, formId: def?.formId || null };
    });
}

/** Links a new form id to a user task (`zeebe:formDefinition formId`), as one undoable command. */
function linkForm(modeler: any, elementId: string, formId: string): void {
  const element = modeler.get('elementRegistry').get(elementId);
  const moddle = modeler.get('moddle');
  const modeling = modeler.get('modeling');
  const bo = element.businessObject;
  let ext = bo.extensionElements;
  if (!ext) {
    ext = moddle.create('bpmn:ExtensionElements', { values: [] });
    ext.$parent = bo;
    modeling.updateModdleProperties(element, bo, { extensionElements: ext });
  }
  const def = moddle.create('zeebe:FormDefinition', { formId });
  def.$parent = ext;
  modeling.updateModdleProperties(element, ext, { values: [...ext.values.filter((v: any) => v.$type !== 'zeebe:FormDefinition'), def] });
}

/**
 * The canvas shown again (the diagram tab, another mode) is resized to its container; back from
 * the forms tab, the diagram is where it was left. Returns the tabs' `set`.
 */
export function useCanvasTabs(target: any, mode: string | undefined, view: View, setView: (v: View) => void): (v: View) => void {
  const leftAt = useRef<any>(null);
  useEffect(() => {
    if (view === 'forms' || !target) return;
    target.get('canvas').resized();
    if (leftAt.current && mode === 'draft') target.get('canvas').viewbox(leftAt.current);
    leftAt.current = null;
  }, [mode, view]);
  return (v: View) => {
    if (v === 'forms' && view === 'diagram' && mode === 'draft') leftAt.current = target?.get('canvas').viewbox();
    setView(v);
  };
}

export function emptySchema(formId: string): Record<string, unknown> {
  return {
    executionPlatform: EXECUTION_PLATFORM,
    executionPlatformVersion: EXECUTION_PLATFORM_VERSION,
    exporter: { name: 'lienthong', version: '0.1.0' },
    schemaVersion,
    id: formId,
    type: 'default',
    components: [],
  };
}

export function FormsTab(props: {
  /** Shown: the tab is selected. */
  active: boolean;
  /** The diagram's process id (forms listed again when it changes). */
  processId: string | null;
  /** Changes with every change of the diagram: the links are read again. */
  revision: number;
  modeler: any;
  onBanner(b: Banner | null): void;
  /** The designer's message line, shown under the form toolbar. */
  children?: ComponentChildren;
}) {
  const editorRef = useRef<HTMLDivElement>(null);
  const editor = useRef<any>(null);
  const dirtyRef = useRef(false);
  const [tasks, setTasks] = useState<LinkedForm[]>([]);
  const [deployed, setDeployed] = useState<Map<string, number> | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [dirty, setDirtyState] = useState(false);
  const [busy, setBusy] = useState(false);

  const setDirty = (d: boolean) => {
    dirtyRef.current = d;
    setDirtyState(d);
  };

  useEffect(() => {
    const e = new FormEditor({ container: editorRef.current!, exporter: { name: 'lienthong', version: '0.1.0' } });
    editor.current = e;
    e.on('changed', () => setDirty(true));
    const beforeUnload = (ev: BeforeUnloadEvent) => {
      if (dirtyRef.current) ev.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      e.destroy();
    };
  }, []);

  async function refreshDeployed(): Promise<Map<string, number>> {
    const page = await request<{ items: FormSummary[] }>('GET', '/v2/forms');
    const m = new Map(page.items.map((f) => [f.formId, f.version]));
    setDeployed(m);
    return m;
  }

  // Another diagram: nothing chosen.
  useEffect(() => {
    setSelected(null);
    setDirty(false);
  }, [props.processId]);

  useEffect(() => {
    if (!props.active) return;
    setTasks(linkedForms(props.modeler));
  }, [props.active, props.revision, props.processId]);

  useEffect(() => {
    if (props.active) refreshDeployed().catch(showError);
  }, [props.active]);

  function showError(e: unknown) {
    if (e instanceof ApiError && e.status === 401) return;
    props.onBanner({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
  }

  async function open(formId: string) {
    if (formId === selected) return;
    if (dirtyRef.current && !window.confirm(LEAVE_FORM)) return;
    setBusy(true);
    try {
      let schema: Record<string, unknown> = emptySchema(formId);
      let note = `Biểu mẫu mới ${formId}: chưa triển khai.`;
      if ((deployed ?? (await refreshDeployed())).has(formId)) {
        const form = await request<{ version: number; schema: string }>('GET', `/v2/forms/by-id/${encodeURIComponent(formId)}`);
        schema = JSON.parse(form.schema) as Record<string, unknown>;
        note = `Đang sửa biểu mẫu ${formId}, dựa trên phiên bản ${form.version}.`;
      }
      setSelected(formId);
      await editor.current.importSchema(schema);
      setDirty(false);
      props.onBanner({ kind: 'info', text: note });
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  }

  async function deploy() {
    if (!selected) return;
    setBusy(true);
    props.onBanner(null);
    try {
      const schema = { ...editor.current.saveSchema(), id: selected };
      const res = await engine.deploy(`${selected}.form`, JSON.stringify(schema, null, 2));
      const forms = res.deployments.flatMap((d) => ('form' in d ? [d.form] : []));
      const v = forms.find((f) => f.formId === selected)?.version ?? null;
      setDirty(false);
      await refreshDeployed();
      props.onBanner({ kind: 'ok', text: `Đã triển khai biểu mẫu ${selected}: phiên bản ${v}.` });
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) props.onBanner({ kind: 'error', text: `Không triển khai được biểu mẫu: ${e.message}` });
      else showError(e);
    } finally {
      setBusy(false);
    }
  }

  function createFor(t: LinkedForm) {
    if (!props.processId) return;
    if (dirtyRef.current && !window.confirm(LEAVE_FORM)) return;
    setDirty(false);
    const formId = `${props.processId}.${t.elementId}`;
    linkForm(props.modeler, t.elementId, formId);
    setTasks(linkedForms(props.modeler));
    void open(formId).then(() =>
      props.onBanner({
        kind: 'info',
        text: `Đã gắn biểu mẫu ${formId} vào bước “${t.taskName}”: triển khai biểu mẫu, rồi triển khai lại quy trình.`,
      }),
    );
  }

  const version = selected ? deployed?.get(selected) : undefined;
  return (
    <div class="lt-d-forms" data-testid="forms-tab">
      <nav class="lt-d-form-list" aria-label="Biểu mẫu của các bước">
        <h2 class="lt-d-h2">Biểu mẫu của các bước</h2>
        {tasks.length === 0 && <p class="lt-muted lt-d-pad">Sơ đồ chưa có bước xử lý nào của cán bộ (user task).</p>}
        <ul>
          {tasks.map((t) => {
            const v = t.formId ? deployed?.get(t.formId) : undefined;
            return (
              <li
                key={t.elementId}
                data-element-id={t.elementId}
                data-form-id={t.formId ?? ''}
                class={t.formId && t.formId === selected ? 'lt-d-form-current' : ''}
              >
                <span class="lt-d-form-task">{t.taskName}</span>
                {t.formId ? (
                  <>
                    <button
                      type="button"
                      class="lt-link lt-d-form-open"
                      aria-current={t.formId === selected}
                      disabled={busy}
                      onClick={() => void open(t.formId!)}
                    >
                      {t.formId}
                    </button>
                    <span class={`lt-d-form-state ${v ? 'lt-d-form-deployed' : 'lt-d-form-missing'}`} data-testid="form-state">
                      {deployed === null ? '…' : v ? `Đã triển khai · phiên bản ${v}` : 'Chưa triển khai'}
                    </span>
                  </>
                ) : (
                  <>
                    <span class="lt-d-form-state lt-d-form-missing">Chưa gắn biểu mẫu</span>
                    <button type="button" class="lt-d-form-create" disabled={busy || !props.processId} onClick={() => createFor(t)}>
                      Tạo biểu mẫu
                    </button>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      </nav>
      <section class="lt-d-form-work" aria-label="Soạn biểu mẫu">
        <div class="lt-d-toolbar" role="toolbar" aria-label="Thao tác với biểu mẫu">
          <span class="lt-d-status" data-testid="form-status">
            {selected
              ? `${selected}${version ? ` — phiên bản mới nhất ${version}` : ' — chưa triển khai'}${dirty ? ' · có thay đổi chưa triển khai' : ''}`
              : 'Chọn một biểu mẫu bên trái để soạn.'}
          </span>
          <button type="button" class="lt-button" disabled={busy || !selected} onClick={() => void deploy()}>
            Triển khai biểu mẫu
          </button>
        </div>
        {props.children}
        <div ref={editorRef} class="lt-d-form-editor" hidden={!selected} data-testid="form-editor" />
      </section>
    </div>
  );
}
