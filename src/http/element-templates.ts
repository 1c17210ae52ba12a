/**
 * Camunda 8 element templates for the process designer (bpmn-js / camunda-bpmn-js Modeler with
 * the Zeebe properties panel), so nobody types a job type, a header or an agency by hand:
 *
 * - one template per lienthong job type (src/workers): the job type and retries are Hidden, each
 *   header the worker reads is a field (a dropdown when the worker accepts only some values);
 *   for bpmn:ServiceTask, and bpmn:Task (which it turns into a service task);
 * - the agency step ("Bước xử lý của cơ quan"): a user task whose candidate group is picked from
 *   the agency kinds of the registry and whose due date is `=dueDates.<step id>`, the variable the
 *   dossier room computes for every step (src/dossiers/due-dates.ts).
 *
 * The agency step is a **Camunda user task** (`zeebe:userTask`, a hidden binding), as the
 * procedures' steps are: the engine keeps the task and the inbox follows it. With that binding
 * the template is valid under the element-templates JSON Schema (zeebe), which wants
 * `zeebe:userTask` beside `zeebe:assignmentDefinition` and `zeebe:taskSchedule`.
 *
 * Pure: no Express, no database; the router (catalog.ts) passes the job types and the kinds.
 */
import type { JobHeaderDoc, JobTypeDoc } from '../workers/index.js';

/** The Zeebe element templates schema, named but never fetched. */
export const ELEMENT_TEMPLATE_SCHEMA = 'https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json';

/** Bumped when a template changes in a way the Modeler should offer as an update. */
export const TEMPLATES_VERSION = 1;

export const AGENCY_STEP_TEMPLATE_ID = 'lienthong.agency-step';

/** A due date the dossier room computes: `=dueDates.<step id>` (the step id is the element id in the catalog). */
export const DUE_DATE_PATTERN = '^=dueDates\\.[A-Za-z_][A-Za-z0-9_]*$';

const CATEGORY = { id: 'lienthong', name: 'Một cửa liên thông' };
const JOB_RETRIES = '3';

export interface JobTypeInput extends JobTypeDoc {
  type: string;
}

export interface AgencyKindInput {
  kind: string;
  /** Vietnamese name of the kind ('Công an xã'). */
  name: string;
}

export interface TemplateBinding {
  type: string;
  property?: string;
  key?: string;
  name?: string;
}

export interface TemplateProperty {
  id?: string;
  label?: string;
  description?: string;
  type: 'Hidden' | 'String' | 'Text' | 'Dropdown' | 'Boolean' | 'Number';
  value?: string;
  placeholder?: string;
  group?: string;
  editable?: boolean;
  optional?: boolean;
  choices?: { name: string; value: string }[];
  constraints?: { notEmpty?: boolean; pattern?: { value: string; message: string } };
  binding: TemplateBinding;
}

export interface ElementTemplate {
  $schema: string;
  id: string;
  name: string;
  description: string;
  version: number;
  category: { id: string; name: string };
  keywords: string[];
  appliesTo: string[];
  elementType: { value: string };
  groups: { id: string; label: string }[];
  properties: TemplateProperty[];
}

export function buildElementTemplates(input: { jobTypes: readonly JobTypeInput[]; agencyKinds: readonly AgencyKindInput[] }): ElementTemplate[] {
  const kinds = [...input.agencyKinds].sort((a, b) => a.kind.localeCompare(b.kind));
  return [...input.jobTypes.map((j) => jobTemplate(j, kinds)), agencyStepTemplate(kinds)];
}

function jobTemplate(job: JobTypeInput, kinds: readonly AgencyKindInput[]): ElementTemplate {
  const properties: TemplateProperty[] = [
    { type: 'Hidden', value: job.type, binding: { type: 'zeebe:taskDefinition', property: 'type' } },
    { type: 'Hidden', value: JOB_RETRIES, binding: { type: 'zeebe:taskDefinition', property: 'retries' } },
    ...job.headers.map((h) => headerProperty(h, kinds)),
  ];
  return {
    $schema: ELEMENT_TEMPLATE_SCHEMA,
    id: job.type,
    name: job.name,
    description: `${job.description} Loại việc ${job.type}, do lienthong tự thực hiện.`,
    version: TEMPLATES_VERSION,
    category: CATEGORY,
    keywords: ['lienthong', 'tự động', job.type],
    appliesTo: ['bpmn:Task', 'bpmn:ServiceTask'],
    elementType: { value: 'bpmn:ServiceTask' },
    groups: job.headers.length ? [{ id: 'thamSo', label: 'Tham số' }] : [],
    properties,
  };
}

function headerProperty(h: JobHeaderDoc, kinds: readonly AgencyKindInput[]): TemplateProperty {
  const base = { id: `header-${h.key}`, label: h.label, group: 'thamSo', binding: { type: 'zeebe:taskHeader', key: h.key } };
  if (h.choices?.length) {
    return {
      ...base,
      description: h.description,
      type: 'Dropdown',
      value: h.choices[0].value,
      choices: h.choices.map((c) => ({ name: `${c.name} — ${c.value}`, value: c.value })),
      constraints: { notEmpty: true },
    };
  }
  if (h.format === 'agency-kinds') {
    const listed = kinds.length ? ` Có trong danh mục: ${kinds.map((k) => `${k.kind} (${k.name})`).join('; ')}.` : '';
    const one = kinds.length ? `(?:${kinds.map((k) => escapeRegExp(k.kind)).join('|')})` : '[a-z0-9][a-z0-9.-]*';
    return {
      ...base,
      description: h.description + listed,
      type: 'String',
      constraints: {
        notEmpty: true,
        pattern: {
          value: `^\\s*${one}(?:\\s*,\\s*${one})*\\s*$`,
          message: 'phải là các loại cơ quan có trong danh mục, cách nhau bởi dấu phẩy.',
        },
      },
    };
  }
  return { ...base, description: h.description, type: 'String', constraints: { notEmpty: true } };
}

function agencyStepTemplate(kinds: readonly AgencyKindInput[]): ElementTemplate {
  return {
    $schema: ELEMENT_TEMPLATE_SCHEMA,
    id: AGENCY_STEP_TEMPLATE_ID,
    name: 'Bước xử lý của cơ quan',
    description:
      'Việc của cán bộ một cơ quan: vào hộp công việc của cơ quan thuộc loại đã chọn ở xã/tỉnh của hồ sơ, có hạn xử lý theo thời hạn của bước trong procedure.json. ' +
      'Là Camunda user task (zeebe:userTask): hộp công việc theo dõi việc do máy xử lý tạo ra.',
    version: TEMPLATES_VERSION,
    category: CATEGORY,
    keywords: ['lienthong', 'cơ quan', 'cán bộ', 'hộp công việc'],
    appliesTo: ['bpmn:Task', 'bpmn:UserTask'],
    elementType: { value: 'bpmn:UserTask' },
    groups: [
      { id: 'coQuan', label: 'Cơ quan xử lý' },
      { id: 'hanXuLy', label: 'Hạn xử lý' },
    ],
    properties: [
      {
        id: 'candidateGroups',
        label: 'Loại cơ quan xử lý',
        description:
          'Nhóm xử lý (candidate group) là loại cơ quan; việc được giao cho cơ quan thuộc loại này ở xã (cơ quan cấp xã) hoặc tỉnh (cơ quan cấp tỉnh) của hồ sơ. ' +
          'Loại cơ quan phải có trong danh sách cơ quan của phiên bản thủ tục.',
        type: 'Dropdown',
        group: 'coQuan',
        // No default: the first choice asks for one, and notEmpty keeps the field red until then.
        choices: [{ name: '— chọn loại cơ quan —', value: '' }, ...kinds.map((k) => ({ name: `${k.name} — ${k.kind}`, value: k.kind }))],
        constraints: { notEmpty: true },
        binding: { type: 'zeebe:assignmentDefinition', property: 'candidateGroups' },
      },
      {
        id: 'dueDate',
        label: 'Hạn xử lý',
        description:
          'Ghi =dueDates. rồi mã bước, ví dụ =dueDates.birthRegistration. Mã bước là mã phần tử (id) của việc này và là bước khai báo trong procedure.json; ' +
          'tầng hồ sơ tính hạn của từng bước từ thời hạn trong phiên bản thủ tục.',
        type: 'String',
        group: 'hanXuLy',
        placeholder: '=dueDates.<mã bước>',
        constraints: {
          notEmpty: true,
          pattern: { value: DUE_DATE_PATTERN, message: 'phải có dạng =dueDates.<mã bước> (mã bước gồm chữ, số, dấu _).' },
        },
        binding: { type: 'zeebe:taskSchedule', property: 'dueDate' },
      },
      // A Camunda user task (zeebe:userTask), as the procedures' steps are.
      { type: 'Hidden', value: '', binding: { type: 'zeebe:userTask' } },
    ],
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
