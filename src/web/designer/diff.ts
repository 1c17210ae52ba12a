/**
 * Compare two versions of a process: bpmn-js-differ over the two moddle trees. Added, removed
 * and changed elements (with the attributes that changed) become rows; layout-only moves are
 * listed apart, since a designer rarely cares about them.
 */
import { diff } from 'bpmn-js-differ';

export type ChangeKind = 'added' | 'removed' | 'changed' | 'layout';

export interface Change {
  id: string;
  kind: ChangeKind;
  type: string;
  name: string;
  /** For 'changed': attribute → [old, new]. */
  attrs: Array<{ name: string; oldValue: string; newValue: string }>;
}

export const KIND_VI: Record<ChangeKind, string> = {
  added: 'Thêm',
  removed: 'Bỏ',
  changed: 'Sửa',
  layout: 'Dời vị trí',
};

export async function compareXml(moddle: any, oldXml: string, newXml: string): Promise<Change[]> {
  const [{ rootElement: a }, { rootElement: b }] = await Promise.all([moddle.fromXML(oldXml), moddle.fromXML(newXml)]);
  const d = diff(a, b);
  const rows: Change[] = [];
  const push = (kind: ChangeKind, map: Record<string, any>) => {
    for (const [id, entry] of Object.entries(map ?? {})) {
      const model = entry?.model ?? entry;
      if (isDiagramOnly(model?.$type)) continue;
      // bpmn-js-differ 3.2 names the attribute values the other way round (diff(a, b) reports
      // a's value as newValue; added and removed are the right way): swapped back here.
      const attrs = Object.entries(entry?.attrs ?? {}).map(([name, v]: [string, any]) => ({
        name,
        oldValue: show(v?.newValue),
        newValue: show(v?.oldValue),
      }));
      rows.push({ id, kind, type: String(model?.$type ?? ''), name: String(model?.name ?? ''), attrs });
    }
  };
  push('added', d._added);
  push('removed', d._removed);
  push('changed', d._changed);
  const listed = new Set(rows.map((r) => r.id));
  for (const [id, model] of Object.entries<any>(d._layoutChanged ?? {})) {
    if (!listed.has(id) && !isDiagramOnly(model?.$type))
      rows.push({ id, kind: 'layout', type: String(model?.$type ?? ''), name: String(model?.name ?? ''), attrs: [] });
  }
  const order: ChangeKind[] = ['changed', 'added', 'removed', 'layout'];
  return rows.sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind) || x.id.localeCompare(y.id));
}

function isDiagramOnly(type: unknown): boolean {
  return typeof type === 'string' && (type.startsWith('bpmndi:') || type.startsWith('dc:') || type.startsWith('di:'));
}

/** An attribute's value (moddle's are primitives, or elements and lists of them) as shown in a row. */
function show(v: string | number | boolean | object | null | undefined): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'object') {
    const o = v as { $type?: string; id?: string };
    return o.id ?? o.$type ?? JSON.stringify(v);
  }
  return String(v);
}

/** The type shown to a Vietnamese designer. */
export function typeVi(type: string): string {
  const t = type.replace(/^bpmn:/, '');
  const names: Record<string, string> = {
    UserTask: 'Việc của cán bộ',
    ServiceTask: 'Việc tự động',
    SendTask: 'Gửi',
    ReceiveTask: 'Nhận',
    ScriptTask: 'Kịch bản',
    BusinessRuleTask: 'Quy tắc',
    Task: 'Việc',
    StartEvent: 'Sự kiện bắt đầu',
    EndEvent: 'Sự kiện kết thúc',
    IntermediateCatchEvent: 'Sự kiện chờ',
    IntermediateThrowEvent: 'Sự kiện phát',
    BoundaryEvent: 'Sự kiện biên',
    ExclusiveGateway: 'Cổng rẽ nhánh',
    ParallelGateway: 'Cổng song song',
    InclusiveGateway: 'Cổng bao hàm',
    EventBasedGateway: 'Cổng theo sự kiện',
    SequenceFlow: 'Luồng',
    SubProcess: 'Quy trình con',
    CallActivity: 'Gọi quy trình',
    Process: 'Quy trình',
  };
  return names[t] ?? t;
}
