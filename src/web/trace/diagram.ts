/**
 * The dossier's diagram: camunda-bpmn-js's NavigatedViewer (read-only, pan and zoom) with the
 * instance drawn on it, as Camunda Operate does — a marker per element state (`lt-completed`,
 * `lt-active`, `lt-terminated`, `lt-incident`), the sequence flows taken (`lt-taken`), and on each
 * agency step an overlay with the agency, the official and the SLA verdict.
 */
import NavigatedViewer from 'camunda-bpmn-js/lib/camunda-cloud/NavigatedViewer';
import 'camunda-bpmn-js/dist/assets/camunda-cloud-navigated-viewer.css';
import type { TraceDiagram, TraceStep } from '../shared/api';
import { verdictOf } from './labels';

export interface DiagramView {
  /** Draws one instance of the trace; resolves when it is on the canvas. */
  show(d: TraceDiagram, steps: TraceStep[]): Promise<void>;
  /** Marks `elementId` as selected and brings it into view (null clears). */
  select(elementId: string | null): void;
  /** The element's name on the diagram shown (its id when it has none or is not there). */
  nameOf(elementId: string): string;
  destroy(): void;
}

const STATE_MARKERS: Array<[keyof Pick<TraceDiagram, 'completed' | 'active' | 'terminated'>, string]> = [
  ['completed', 'lt-completed'],
  ['active', 'lt-active'],
  ['terminated', 'lt-terminated'],
];

export function createDiagram(container: HTMLElement, onElementClick: (elementId: string, type: string) => void): DiagramView {
  const viewer = new NavigatedViewer({ container });
  let selected: string | null = null;
  viewer.get('eventBus').on('element.click', (e: any) => {
    const el = e.element;
    if (el && el.type !== 'bpmn:Process' && el.type !== 'label') onElementClick(el.id, el.type);
  });
  const has = (id: string) => !!viewer.get('elementRegistry').get(id);

  return {
    async show(d, steps) {
      if (!d.xml) throw new Error(`no diagram for ${d.bpmnProcessId}`);
      await viewer.importXML(d.xml);
      selected = null;
      const canvas = viewer.get('canvas');
      const overlays = viewer.get('overlays');
      for (const [field, marker] of STATE_MARKERS) for (const id of d[field]) if (has(id)) canvas.addMarker(id, marker);
      for (const id of d.takenSequenceFlows) if (has(id)) canvas.addMarker(id, 'lt-taken');
      for (const i of d.incidents) if (has(i.elementId)) canvas.addMarker(i.elementId, 'lt-incident');
      const mine = steps.filter((s) => has(s.elementId));
      // The newest step of an element speaks for it (a step done again after a supplement).
      const byElement = new Map(mine.map((s) => [s.elementId, s]));
      for (const s of byElement.values()) {
        const v = verdictOf(s.sla);
        if (v.tone === 'late') canvas.addMarker(s.elementId, 'lt-late');
        const box = document.createElement('div');
        box.className = `lt-t-overlay lt-t-tone-${v.tone}`;
        box.dataset.elementId = s.elementId;
        const who = s.completedBy ?? s.claimedBy;
        box.append(
          line('lt-t-ov-agency', s.agencyName ?? s.agencyCode),
          line('lt-t-ov-who', who ? `Cán bộ: ${who}` : 'Chưa có người nhận'),
          line('lt-t-ov-verdict', v.text),
        );
        box.title = `${s.name} — ${v.text}`;
        const shape = viewer.get('elementRegistry').get(s.elementId) as { height: number };
        overlays.add(s.elementId, 'lt-step', { position: { top: shape.height + 4, left: -12 }, html: box });
      }
      canvas.zoom('fit-viewport', 'auto');
    },
    select(elementId) {
      const canvas = viewer.get('canvas');
      if (selected && has(selected)) canvas.removeMarker(selected, 'lt-selected');
      selected = elementId && has(elementId) ? elementId : null;
      if (!selected) return;
      canvas.addMarker(selected, 'lt-selected');
      const el = viewer.get('elementRegistry').get(selected);
      if (typeof canvas.scrollToElement === 'function') canvas.scrollToElement(el, { top: 80, bottom: 120, left: 60, right: 60 });
    },
    nameOf(elementId) {
      const el = viewer.get('elementRegistry').get(elementId);
      return (el?.businessObject?.name as string | undefined) || elementId;
    },
    destroy() {
      viewer.destroy();
    },
  };
}

function line(className: string, text: string): HTMLElement {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  return s;
}
