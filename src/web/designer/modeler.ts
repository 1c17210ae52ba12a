/**
 * The designer's canvas: camunda-bpmn-js's Camunda 8 (Zeebe) Modeler with its properties panel,
 * @camunda/linting's annotations, and lienthong's element templates — and the read-only viewer
 * used to look at a deployed version or a comparison.
 */
import Modeler from 'camunda-bpmn-js/lib/camunda-cloud/Modeler';
import NavigatedViewer from 'camunda-bpmn-js/lib/camunda-cloud/NavigatedViewer';
import lintingModule from '@camunda/linting/modeler';
import { translateViModule } from './translate-vi';

import 'camunda-bpmn-js/dist/assets/camunda-cloud-modeler.css';
import 'camunda-bpmn-js/dist/assets/camunda-cloud-navigated-viewer.css';
import '@camunda/linting/assets/linting.css';

/** What @camunda/linting reads to pick its rules (without it, it reports nothing). */
export const EXECUTION_PLATFORM = 'Camunda Cloud';
export const EXECUTION_PLATFORM_VERSION = '8.6.0';

export function createModeler(container: HTMLElement, propertiesParent: HTMLElement): any {
  return new Modeler({
    container,
    propertiesPanel: { parent: propertiesParent },
    // A new user task is a Camunda user task (`zeebe:userTask`), as in Camunda's modeler: the engine runs them (docs/engine.md).
    additionalModules: [lintingModule, translateViModule],
    linting: { active: true },
  });
}

export function createViewer(container: HTMLElement): any {
  return new NavigatedViewer({ container, additionalModules: [translateViModule] });
}

/** Sets the execution platform on the definitions so the Camunda lint runs (a command: undoable). */
export function ensureExecutionPlatform(modeler: any): void {
  const definitions = modeler.getDefinitions();
  if (!definitions) return;
  if (definitions.get('modeler:executionPlatform') && definitions.get('modeler:executionPlatformVersion')) return;
  definitions.set('modeler:executionPlatform', EXECUTION_PLATFORM);
  definitions.set('modeler:executionPlatformVersion', EXECUTION_PLATFORM_VERSION);
}

/** The first executable process of the diagram (the one a deployment names). */
export function mainProcess(definitions: any): any {
  return (definitions?.rootElements ?? []).find((e: any) => e.$type === 'bpmn:Process');
}

/** An empty diagram with a start event, ready to draw. */
export function newDiagramXml(processId: string, name: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="${esc(processId)}-definitions" targetNamespace="http://bpmn.io/schema/bpmn" exporter="lienthong" exporterVersion="0.1.0" modeler:executionPlatform="${EXECUTION_PLATFORM}" modeler:executionPlatformVersion="${EXECUTION_PLATFORM_VERSION}">
  <bpmn:process id="${esc(processId)}" name="${esc(name)}" isExecutable="true">
    <bpmn:startEvent id="start" name="Tiếp nhận hồ sơ" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="${esc(processId)}">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="180" y="160" width="36" height="36" /></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/**
 * Fits the diagram into the canvas beside the palette (which floats over the canvas's left edge),
 * never zooming in past 100 %.
 */
export function fitBesidePalette(canvas: any, left = 0): void {
  canvas.resized();
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !outer.width) return;
  const pad = 24;
  const scale = Math.min(1, (outer.width - left - 2 * pad) / inner.width, (outer.height - 2 * pad) / inner.height);
  const freeHeight = outer.height / scale - inner.height;
  canvas.viewbox({
    x: inner.x - (left + pad) / scale,
    y: inner.y - freeHeight / 2,
    width: outer.width / scale,
    height: outer.height / scale,
  });
}

/** Resolves once Preact has rendered the state just set and the browser has laid it out. */
export function afterRender(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => resolve()), 0));
}

export function paletteWidth(container: HTMLElement | null): number {
  const palette = container?.querySelector('.djs-palette') as HTMLElement | null;
  return palette ? palette.getBoundingClientRect().right - container!.getBoundingClientRect().left : 0;
}
