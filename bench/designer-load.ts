/**
 * The designer's first paint: how long until a 30-element diagram is on the canvas, ready to
 * edit, in a real Chromium (playwright-core), measured with the browser's own performance
 * timing — from the navigation's start to the page's `lt-diagram-ready` mark (set right after
 * the modeler imported and fitted the diagram), and to `lt-lint-done` (the live lint's first
 * report).
 *
 *   npm run bench:designer -- [--db postgres|pglite] [--runs 10] [--elements 30]
 *
 * A scratch database and the whole service (src/main.ts) on a free port; the demo designer signs
 * in once; each run is a fresh navigation with the browser cache warm after the first (the
 * hashed bundles are served immutable, so that is what a designer sees from the second visit).
 * The last line is JSON.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { DEMO_PASSWORDS } from '../src/dossiers/index.js';
import { startService } from '../src/main.js';
import { launchBrowser, openPage, signInAs } from '../tests/support/browser.js';
import { openScratchDb } from './support/scratch.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    runs: { type: 'string', default: '10' },
    elements: { type: 'string', default: '30' },
  },
});
const runs = Number(values.runs);
const elements = Number(values.elements);

/** start → (elements − 2) service tasks in a row → end, with its diagram. */
function chainXml(n: number): string {
  const tasks = n - 2;
  const shapes: string[] = [];
  const flows: string[] = [];
  const edges: string[] = [];
  const ids = ['start', ...Array.from({ length: tasks }, (_, i) => `task${i + 1}`), 'end'];
  const x = (i: number) => 100 + (i % 8) * 160;
  const y = (i: number) => 100 + Math.floor(i / 8) * 140;
  ids.forEach((id, i) => {
    const [w, h] = id === 'start' || id === 'end' ? [36, 36] : [100, 80];
    shapes.push(`<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x(i)}" y="${y(i)}" width="${w}" height="${h}"/></bpmndi:BPMNShape>`);
    if (i > 0) {
      flows.push(`<bpmn:sequenceFlow id="f${i}" sourceRef="${ids[i - 1]}" targetRef="${id}"/>`);
      edges.push(
        `<bpmndi:BPMNEdge id="f${i}_di" bpmnElement="f${i}"><di:waypoint x="${x(i - 1) + 50}" y="${y(i - 1) + 40}"/><di:waypoint x="${x(i)}" y="${y(i) + 40}"/></bpmndi:BPMNEdge>`,
      );
    }
  });
  const nodes = ids.map((id, i) => {
    const io = `${i > 0 ? `<bpmn:incoming>f${i}</bpmn:incoming>` : ''}${i < ids.length - 1 ? `<bpmn:outgoing>f${i + 1}</bpmn:outgoing>` : ''}`;
    if (id === 'start') return `<bpmn:startEvent id="start" name="Bắt đầu">${io}</bpmn:startEvent>`;
    if (id === 'end') return `<bpmn:endEvent id="end" name="Kết thúc">${io}</bpmn:endEvent>`;
    return `<bpmn:serviceTask id="${id}" name="Bước ${i}"><bpmn:extensionElements><zeebe:taskDefinition type="lienthong.notify-citizen"/></bpmn:extensionElements>${io}</bpmn:serviceTask>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="bench-defs" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">
<bpmn:process id="bench-designer" name="Đo tải trình thiết kế" isExecutable="true">${nodes.join('')}${flows.join('')}</bpmn:process>
<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="bench-designer">${shapes.join('')}${edges.join('')}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const scratch = await openScratchDb(values.db as 'postgres' | 'pglite', { poolMax: 10 });
const service = await startService(
  {
    port: 0,
    dataDir: '/nonexistent',
    processesDir: join(process.cwd(), 'processes'),
    processesDirExplicit: false,
    logLevel: 'silent',
    nodeEnv: 'development',
    jwtSecret: 'bench-designer-key-0123456789abcdef0123',
    jwtTtlSeconds: 3600,
  },
  { db: scratch.db, logger: pino({ level: 'silent' }) },
);
const browser = await launchBrowser();
try {
  const { page, problems } = await openPage(browser);
  await signInAs(page, service.url, 'thietke', DEMO_PASSWORDS.designer);
  const deployed = await page.evaluate(async (xml) => {
    const form = new FormData();
    form.append('resources', new Blob([xml]), 'bench-designer.bpmn');
    const r = await fetch('/v2/deployments', { method: 'POST', body: form, headers: { 'X-Requested-With': 'lienthong' } });
    return r.status;
  }, chainXml(elements));
  if (deployed !== 200) throw new Error(`deploy answered ${deployed}`);

  const ready: number[] = [];
  const linted: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.goto(`${service.url}/designer/bench-designer`);
    await page.waitForFunction(() => performance.getEntriesByName('lt-lint-done').length > 0, undefined, { timeout: 60_000 });
    const m = await page.evaluate(() => ({
      ready: performance.getEntriesByName('lt-diagram-ready')[0].startTime,
      lint: performance.getEntriesByName('lt-lint-done')[0].startTime,
      shapes: document.querySelectorAll('[data-testid="modeler"] .djs-element').length,
    }));
    if (m.shapes < elements) throw new Error(`only ${m.shapes} elements drawn`);
    ready.push(m.ready);
    linted.push(m.lint);
  }
  const row = (name: string, xs: number[]) =>
    `| ${name.padEnd(34)} | ${pct(xs, 0).toFixed(0).padStart(6)} | ${pct(xs, 50).toFixed(0).padStart(6)} | ${pct(xs, 100).toFixed(0).padStart(6)} |`;
  console.log(`designer load: ${elements} elements, ${runs} runs, database ${values.db} (${scratch.where})`);
  console.log('| measure (ms from navigation start)  |    min |    p50 |    max |');
  console.log('|------------------------------------|--------|--------|--------|');
  console.log(row('diagram on the canvas, ready to edit', ready));
  console.log(row('first lint report shown', linted));
  if (problems.length) console.log(`page problems: ${problems.join('; ')}`);
  console.log(
    JSON.stringify({
      bench: 'designer-load',
      elements,
      runs,
      db: values.db,
      readyP50Ms: Math.round(pct(ready, 50)),
      readyMaxMs: Math.round(pct(ready, 100)),
      lintP50Ms: Math.round(pct(linted, 50)),
      pageProblems: problems.length,
    }),
  );
} finally {
  await browser.close();
  await service.close();
  await scratch.drop();
}
