/**
 * Feature: element templates for the process designer — GET /api/element-templates gives the
 * Modeler (camunda-bpmn-js with the Zeebe properties panel) one template per lienthong job type
 * and the agency step, so nobody types a job type, a header or an agency by hand.
 *
 * The templates are checked against the element-templates validator the Modeler itself uses
 * (@bpmn-io/element-templates-validator, present as a dependency of camunda-bpmn-js) when it is
 * installed, and by hand in any case. The agency step is a Camunda user task (`zeebe:userTask`),
 * as the procedures' steps are, so every template is valid under that schema.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { agencyKinds, kindName } from '../../src/accounts/index.js';
import {
  AGENCY_STEP_TEMPLATE_ID,
  buildElementTemplates,
  DUE_DATE_PATTERN,
  ELEMENT_TEMPLATE_SCHEMA,
  type ElementTemplate,
} from '../../src/http/element-templates.js';
import { startService, type Service } from '../../src/main.js';
import { JOB_TYPES } from '../../src/workers/index.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { call, testConfig, tokenFor } from './support.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const PROCESSES = join(ROOT, 'processes');

/** The bindings of bpmn-js-element-templates 2.37 (Zeebe) a template of ours may use. */
const ALLOWED_BINDINGS = new Set([
  'property',
  'zeebe:taskDefinition',
  'zeebe:taskHeader',
  'zeebe:input',
  'zeebe:output',
  'zeebe:property',
  'zeebe:assignmentDefinition',
  'zeebe:taskSchedule',
  'zeebe:userTask',
]);
const WORKER_TYPES = ['lienthong.handoff', 'lienthong.notify-citizen', 'lienthong.remind-agency', 'lienthong.stop-dossier', 'lienthong.transfer-to-tax'];

let t: TestDb;
let svc: Service;
const as: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  t = await openTestDb();
  try {
    // An empty database outside production: the demo registry is loaded (src/dossiers/seed.ts).
    svc = await startService(testConfig({ processesDir: PROCESSES, processesDirExplicit: true }), {
      db: t.db,
      logger: pino({ level: 'silent' }),
    });
  } catch (e) {
    await t.close();
    throw e;
  }
  const token = async (username: string, role: any, agencyCode: string | null) => ({
    authorization: `Bearer ${await tokenFor({ username, role, agencyCode }, 1)}`,
  });
  as.designer = await token('thietke', 'designer', null);
  as.admin = await token('quantri', 'admin', null);
  as.counter = await token('motcua.hoa-binh', 'counter', 'mot-cua-xa.hoa-binh');
  as.officer = await token('congan.hoa-binh', 'officer', 'cong-an-xa.hoa-binh');
  as.auditor = await token('thanhtra', 'auditor', null);
  as.anonymous = { authorization: '' };
});
afterAll(async () => {
  await svc?.close();
  await t?.close();
});

const templates = async (who = 'designer') => call<ElementTemplate[]>(svc.url, 'GET', '/api/element-templates', undefined, as[who]);

/** The validator the Modeler runs, when installed (it is a dependency of camunda-bpmn-js). */
async function zeebeValidator(): Promise<
  ((t: unknown) => { valid: boolean; errors: { keyword: string; message: string; instancePath: string }[] }) | undefined
> {
  const name = '@bpmn-io/element-templates-validator';
  try {
    const mod = await import(name);
    return mod.validateZeebe ?? mod.default?.validateZeebe;
  } catch {
    return undefined;
  }
}

function checkByHand(list: ElementTemplate[]): string[] {
  const problems: string[] = [];
  const ids = list.map((x) => `${x.id}@${x.version}`);
  if (new Set(ids).size !== ids.length) problems.push(`template ids not unique: ${ids.join(', ')}`);
  for (const x of list) {
    if (x.$schema !== ELEMENT_TEMPLATE_SCHEMA) problems.push(`${x.id}: $schema`);
    if (!x.name || !x.id || !Array.isArray(x.appliesTo) || !x.appliesTo.length || !Array.isArray(x.properties))
      problems.push(`${x.id}: name, id, appliesTo, properties are required`);
    if (!Number.isInteger(x.version)) problems.push(`${x.id}: version must be an integer`);
    if (!x.appliesTo.includes(x.elementType.value)) problems.push(`${x.id}: elementType ${x.elementType.value} not in appliesTo`);
    const groups = new Set(x.groups.map((g) => g.id));
    const propIds = x.properties.filter((p) => p.id).map((p) => p.id);
    if (new Set(propIds).size !== propIds.length) problems.push(`${x.id}: property ids not unique`);
    for (const p of x.properties) {
      if (!ALLOWED_BINDINGS.has(p.binding.type)) problems.push(`${x.id}: binding ${p.binding.type} not allowed`);
      if (p.group && !groups.has(p.group)) problems.push(`${x.id}: unknown group ${p.group}`);
      if (p.type === 'Dropdown' && !(p.choices ?? []).length) problems.push(`${x.id}: Dropdown without choices`);
      if (p.type === 'Hidden' && p.value === undefined) problems.push(`${x.id}: Hidden without value`);
      if (p.type !== 'Hidden' && !p.label) problems.push(`${x.id}: a visible property without label`);
      if (p.value !== undefined && p.choices && !p.choices.some((c) => c.value === p.value)) problems.push(`${x.id}: default ${p.value} not a choice`);
    }
  }
  return problems;
}

describe('Feature: GET /api/element-templates', () => {
  test('Given the workers of src/workers, when a designer reads the templates, then there is one per lienthong job type with its type and retries hidden, for service tasks', async () => {
    const r = await templates();
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    const jobs = r.body.filter((x) => x.id.startsWith('lienthong.') && x.id !== AGENCY_STEP_TEMPLATE_ID);
    expect(jobs.map((x) => x.id).sort()).toEqual(WORKER_TYPES);
    for (const x of jobs) {
      expect(x).toMatchObject({
        $schema: ELEMENT_TEMPLATE_SCHEMA,
        version: 1,
        elementType: { value: 'bpmn:ServiceTask' },
        category: { id: 'lienthong' },
      });
      expect(x.appliesTo).toEqual(expect.arrayContaining(['bpmn:ServiceTask', 'bpmn:Task']));
      const type = x.properties.filter((p) => p.binding.type === 'zeebe:taskDefinition' && p.binding.property === 'type');
      expect(type).toEqual([{ type: 'Hidden', value: x.id, binding: { type: 'zeebe:taskDefinition', property: 'type' } }]);
      expect(x.properties.find((p) => p.binding.property === 'retries')).toMatchObject({ type: 'Hidden', value: '3' });
      expect(x.name).toMatch(/[À-ỹ]/); // a Vietnamese name
    }
  });

  test('Given the headers each worker reads, then they are fields with Vietnamese labels — a dropdown where the worker accepts only some values', async () => {
    const byId = new Map((await templates()).body.map((x) => [x.id, x]));
    const headers = (id: string) => byId.get(id)!.properties.filter((p) => p.binding.type === 'zeebe:taskHeader');
    const [to] = headers('lienthong.handoff');
    expect(to).toMatchObject({ label: 'Cơ quan nhận', type: 'String', binding: { key: 'to' }, constraints: { notEmpty: true } });
    const toPattern = new RegExp(to.constraints!.pattern!.value);
    expect(toPattern.test('cong-an-xa,bhxh')).toBe(true);
    expect(toPattern.test('cong-an-xa, khong-co')).toBe(false);
    const [template] = headers('lienthong.notify-citizen');
    expect(template).toMatchObject({ label: 'Mẫu thông báo', type: 'Dropdown', binding: { key: 'template' } });
    expect(template.choices!.map((c) => c.value)).toEqual(['result-ready', 'tax-notice', 'permit-decision']);
    const [reason] = headers('lienthong.stop-dossier');
    expect(reason).toMatchObject({ label: 'Lý do dừng', type: 'Dropdown', value: 'tax-unpaid', binding: { key: 'reason' } });
    expect(headers('lienthong.transfer-to-tax')).toEqual([]);
  });

  test('Given the demo registry, then the agency step offers its kinds as a dropdown for the candidate group, a =dueDates. due date, and a Camunda user task', async () => {
    const step = (await templates()).body.find((x) => x.id === AGENCY_STEP_TEMPLATE_ID)!;
    expect(step).toMatchObject({
      name: 'Bước xử lý của cơ quan',
      appliesTo: expect.arrayContaining(['bpmn:UserTask']),
      elementType: { value: 'bpmn:UserTask' },
    });
    const group = step.properties.find((p) => p.binding.type === 'zeebe:assignmentDefinition')!;
    expect(group).toMatchObject({ type: 'Dropdown', binding: { property: 'candidateGroups' }, constraints: { notEmpty: true } });
    const kinds = group.choices!.map((c) => c.value).filter(Boolean);
    expect(kinds).toEqual(
      expect.arrayContaining(['cong-an-xa', 'bhxh', 'ubnd-xa.tu-phap-ho-tich', 'mot-cua-xa', 'mot-cua-tinh', 'so-xay-dung', 'vpdkdd', 'co-quan-thue']),
    );
    const registry = (await t.db.query<{ kind: string }>(`select distinct kind from domain.agencies order by kind`)).rows.map((r) => r.kind);
    expect(kinds).toEqual(registry);
    expect(group.choices!.find((c) => c.value === 'cong-an-xa')!.name).toBe('Công an xã — cong-an-xa');
    expect(group.choices!.find((c) => c.value === 'ubnd-xa.tu-phap-ho-tich')!.name).toBe(
      'Ủy ban nhân dân xã (công chức Tư pháp – Hộ tịch) — ubnd-xa.tu-phap-ho-tich',
    );

    const due = step.properties.find((p) => p.binding.type === 'zeebe:taskSchedule')!;
    expect(due).toMatchObject({ type: 'String', binding: { property: 'dueDate' }, placeholder: '=dueDates.<mã bước>' });
    expect(due.description).toMatch(/=dueDates\.birthRegistration/);
    const pattern = new RegExp(due.constraints!.pattern!.value);
    expect(['=dueDates.birthRegistration', '=dueDates.returnResult'].every((v) => pattern.test(v))).toBe(true);
    expect(['dueDates.birthRegistration', '=now()', '2026-01-05T09:00:00+07:00', '=dueDates.'].some((v) => pattern.test(v))).toBe(false);

    const bindings = step.properties.map((p) => p.binding.type);
    expect(bindings).toContain('zeebe:userTask');
    expect(bindings.filter((b) => b === 'zeebe:taskDefinition')).toEqual([]);
  });

  test('Given every template, when checked by hand, then ids are unique and every binding is one the Modeler knows', async () => {
    expect(checkByHand((await templates()).body)).toEqual([]);
  });

  test('Given the Modeler’s own validator, when every template is validated, then every template is valid', async () => {
    const validate = await zeebeValidator();
    const installed = existsSync(join(ROOT, 'node_modules', '@bpmn-io', 'element-templates-validator', 'package.json'));
    expect(validate !== undefined).toBe(installed);
    if (!validate) return; // not installed: the check by hand above stands alone
    for (const x of (await templates()).body) {
      const r = validate(x);
      const relevant = (r.errors ?? []).filter((e) => e.keyword === 'errorMessage').map((e) => e.message);
      expect({ id: x.id, valid: r.valid, errors: relevant }).toEqual({ id: x.id, valid: true, errors: [] });
    }
  });

  test('Given the roles, then designers and admins read the templates; counter staff, officers and auditors get 403; anonymous 401', async () => {
    expect((await templates('admin')).status).toBe(200);
    expect((await templates('counter')).status).toBe(403);
    expect((await templates('officer')).status).toBe(403);
    expect((await templates('auditor')).status).toBe(403);
    expect((await templates('anonymous')).status).toBe(401);
  });
});

describe('Feature: buildElementTemplates on its own', () => {
  test('Given no agency in the registry, then the agency step still builds, its dropdown only asking for a choice, and the handoff field accepts any kind-like list', () => {
    const list = buildElementTemplates({ jobTypes: JOB_TYPES, agencyKinds: [] });
    expect(checkByHand(list)).toEqual([]);
    const step = list.find((x) => x.id === AGENCY_STEP_TEMPLATE_ID)!;
    expect(step.properties[0].choices).toEqual([{ name: '— chọn loại cơ quan —', value: '' }]);
    const to = list.find((x) => x.id === 'lienthong.handoff')!.properties.find((p) => p.binding.key === 'to')!;
    expect(new RegExp(to.constraints!.pattern!.value).test('cong-an-xa,bhxh')).toBe(true);
  });

  test('Given a kind with regular-expression characters, then the handoff pattern matches it literally', () => {
    const list = buildElementTemplates({ jobTypes: JOB_TYPES, agencyKinds: [{ kind: 'ubnd-xa.tu-phap-ho-tich', name: 'x' }] });
    const to = list.find((x) => x.id === 'lienthong.handoff')!.properties.find((p) => p.binding.key === 'to')!;
    const re = new RegExp(to.constraints!.pattern!.value);
    expect(re.test('ubnd-xa.tu-phap-ho-tich')).toBe(true);
    expect(re.test('ubnd-xaXtu-phap-ho-tich')).toBe(false);
  });

  test('the due-date pattern is the one exported', () => {
    const step = buildElementTemplates({ jobTypes: [], agencyKinds: [] })[0];
    expect(step.properties.find((p) => p.id === 'dueDate')!.constraints!.pattern!.value).toBe(DUE_DATE_PATTERN);
  });
});

describe('Feature: agency kinds of the registry (src/dossiers)', () => {
  test('Given the demo registry, then each kind once, with an office’s name less its place, its level and how many offices', async () => {
    const kinds = await agencyKinds(t.db);
    expect(kinds.find((k) => k.kind === 'cong-an-xa')).toEqual({ kind: 'cong-an-xa', name: 'Công an xã', level: 'commune', offices: 2 });
    expect(kinds.find((k) => k.kind === 'so-xay-dung')).toEqual({
      kind: 'so-xay-dung',
      name: 'Sở Xây dựng tỉnh',
      level: 'province',
      offices: 1,
    });
    expect(new Set(kinds.map((k) => k.kind)).size).toBe(kinds.length);
  });

  test('kindName leaves a name without a place as it is', () => {
    expect(kindName('Ủy ban nhân dân xã A', null)).toBe('Ủy ban nhân dân xã A');
    expect(kindName('Thuế tỉnh Thử Nghiệm', 'Thử Nghiệm')).toBe('Thuế tỉnh');
  });
});
