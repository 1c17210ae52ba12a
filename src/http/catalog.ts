/**
 * What the process designer reads beside the diagram. main.ts mounts both under /api.
 *
 *   GET /api/procedures                             the catalog: each procedure and its versions,
 *                                                   which one is in force today (Asia/Ho_Chi_Minh)
 *   GET /api/procedures/by-process/{bpmnProcessId}  the procedure running that process and the
 *                                                   whole rule version in force today (else the newest)
 *   GET /api/procedures/{code}/intake-schema        the procedure's intake JSON Schema, its $refs resolved
 *                                                   (one document for the counter's form generator)
 *   GET /api/element-templates                      Camunda 8 element templates: one per lienthong
 *                                                   job type, and the agency step (element-templates.ts)
 *
 * Both catalog routes take `?on=YYYY-MM-DD` to ask about another day. "Today" comes from the
 * injected clock, so tests pin it.
 */
import { Router } from 'express';
import type { Queryable } from '../db/index.js';
import { agencyKinds } from '../accounts/index.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { Invalid, NotFound } from '../errors.js';
import { problem, schemaDocument, schemaId, schemaIds } from '../schemas.js';
import { catalogSummary, localDate, procedureForProcess, type Catalog, type RuleVersion } from '../procedures/index.js';
import { JOB_TYPES } from '../workers/index.js';
import { requireRole } from './auth.js';
import { buildElementTemplates, type JobTypeInput } from './element-templates.js';
import { describeRoute, type QueryParamDoc } from './routes.js';

const ON: Record<string, QueryParamDoc> = {
  on: {
    description: 'Ngày xét hiệu lực, YYYY-MM-DD (mặc định: hôm nay, giờ Việt Nam) — the day to judge which version is in force (default: today)',
    schema: { type: 'string', format: 'date' },
  },
};

export interface ProceduresRouterOptions {
  catalog: Catalog;
  /** Default: the system clock. */
  clock?: Clock;
}

export function proceduresRouter(opts: ProceduresRouterOptions): Router {
  const clock = opts.clock ?? systemClock;
  const router = Router();
  const dayOf = (query: unknown): string => {
    const on = (query as Record<string, unknown>).on;
    if (on === undefined) return localDate(new Date(clock.now()));
    if (typeof on !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(on) || Number.isNaN(Date.parse(`${on}T00:00:00Z`))) {
      throw new Invalid(`'on' phải là một ngày YYYY-MM-DD ('on' must be a date YYYY-MM-DD)`, [
        { parameter: 'on', value: on, ...problem('/on', 'phải là một ngày YYYY-MM-DD', 'must be a date YYYY-MM-DD') },
      ]);
    }
    return on;
  };

  router.get(
    '/procedures',
    requireRole(),
    describeRoute({
      summary: 'Danh mục thủ tục: mã, tên, lĩnh vực, các phiên bản và phiên bản đang có hiệu lực (the procedure catalog)',
      query: ON,
    }),
    (req, res) => {
      const today = dayOf(req.query);
      res.json({ today, items: catalogSummary(opts.catalog, today) });
    },
  );

  router.get(
    '/procedures/by-process/:bpmnProcessId',
    requireRole(),
    describeRoute({
      summary:
        'Thủ tục chạy quy trình BPMN này và phiên bản quy định đang có hiệu lực: cơ quan, bước, thời hạn và căn cứ (the procedure running a process, its rule version in force)',
      description: 'The whole rule version as procedure.json has it; the newest version when none is in force yet. 404 when no procedure runs the process.',
      query: ON,
    }),
    (req, res) => {
      const id = String(req.params.bpmnProcessId);
      const today = dayOf(req.query);
      const found = procedureForProcess(opts.catalog, id, today);
      if (!found) {
        const shown = id.length > 100 ? `${id.slice(0, 100)}…` : id;
        throw new NotFound(`không có thủ tục nào chạy quy trình '${shown}' (no procedure runs the process '${shown}')`);
      }
      res.json({ today, ...found });
    },
  );

  router.get(
    '/procedures/:code/intake-schema',
    requireRole('designer', 'officer', 'counter', 'auditor', 'admin'),
    describeRoute({
      summary: 'Mẫu tờ khai (JSON Schema) của thủ tục, đã giải các $ref: trang Một cửa sinh biểu mẫu tiếp nhận từ đây (the intake schema, dereferenced)',
      description:
        "schemas/dossiers/<code>.intake.json with every $ref (into common.json) replaced by what it names, so a browser needs one document. The documents' `code` gets a `oneOf` of `{ const, title }` from the rule version in force (`?on=`, default today), naming each paper. 404 for a procedure without an intake schema.",
      query: ON,
    }),
    (req, res) => {
      const code = String(req.params.code);
      const procedure = opts.catalog.find(code);
      const schema = procedure ? intakeSchema(code) : undefined;
      if (!procedure || !schema) {
        const shown = code.length > 100 ? `${code.slice(0, 100)}…` : code;
        throw new NotFound(`không có thủ tục '${shown}' hoặc thủ tục chưa có mẫu tờ khai (no procedure '${shown}' with an intake schema)`);
      }
      const day = dayOf(req.query);
      const version = procedure.versions.find((v) => v.effectiveFrom <= day && (v.effectiveTo === null || day <= v.effectiveTo));
      res.json(version ? withDocumentChoices(schema, version) : schema);
    },
  );

  return router;
}

// ---- the intake schema as one document ---------------------------------------------------------

const INTAKE_PREFIX = schemaId('dossiers/');
const INTAKE_SUFFIX = '.intake.json';
/** Each procedure's dereferenced intake schema, built once from the schemas the service loaded. */
const dereferenced = new Map<string, Record<string, unknown>>();

function intakeSchema(procedureCode: string): Record<string, unknown> | undefined {
  const id = `${INTAKE_PREFIX}${procedureCode}${INTAKE_SUFFIX}`;
  if (!schemaIds('dossiers').includes(id)) return undefined;
  let d = dereferenced.get(id);
  if (!d) {
    const { $defs: _defs, ...top } = schemaDocument(id) as Record<string, unknown>;
    d = deref(top, id, 0) as Record<string, unknown>;
    dereferenced.set(id, d);
  }
  return d;
}

/** `node` with each `$ref` (relative to the document `base`) replaced by its target, sibling keywords kept. */
function deref(node: unknown, base: string, depth: number): unknown {
  if (depth > 32) throw new Error(`intake schema ${base}: $ref nested too deep (a cycle?)`);
  if (Array.isArray(node)) return node.map((x) => deref(x, base, depth + 1));
  if (!node || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  const own = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, deref(v, base, depth + 1)]));
  if (typeof $ref !== 'string') return own;
  const [file, fragment = ''] = $ref.split('#');
  const docId = file ? new URL(file, base).href : base;
  let target: unknown = schemaDocument(docId);
  for (const seg of fragment.split('/').filter(Boolean)) {
    target = (target as Record<string, unknown> | undefined)?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (target === undefined) throw new Error(`intake schema ${base}: $ref ${$ref} names nothing`);
  const { $id: _id, $schema: _s, $defs: _d, ...resolved } = deref(target, docId, depth + 1) as Record<string, unknown>;
  return { ...resolved, ...own };
}

/** The schema with the version's papers as the choices of `documents[].code` (a copy; the cache stays as loaded). */
function withDocumentChoices(schema: Record<string, unknown>, version: RuleVersion): Record<string, unknown> {
  const props = schema.properties as Record<string, { items?: { properties?: Record<string, unknown> } }> | undefined;
  const codeNode = props?.documents?.items?.properties?.code;
  if (!codeNode || !version.documents?.length) return schema;
  const copy = structuredClone(schema);
  const items = (copy.properties as Record<string, { items: { properties: Record<string, Record<string, unknown>> } }>).documents.items;
  items.properties.code = {
    ...items.properties.code,
    oneOf: version.documents.map((d) => ({ const: d.code, title: d.name.vi })),
  };
  return copy;
}

export interface ElementTemplatesRouterOptions {
  /** Where the agency registry is (domain.agencies, read through the dossier room). */
  db: Queryable;
  /** Default: every lienthong worker (src/workers). */
  jobTypes?: readonly JobTypeInput[];
}

export function elementTemplatesRouter(opts: ElementTemplatesRouterOptions): Router {
  const jobTypes = opts.jobTypes ?? JOB_TYPES;
  const router = Router();
  router.get(
    '/element-templates',
    requireRole('designer', 'admin'),
    describeRoute({
      summary: 'Mẫu phần tử (Camunda 8 element templates) cho trình thiết kế quy trình: việc tự động của lienthong và bước xử lý của cơ quan',
      description:
        'A JSON array of zeebe element templates: one per lienthong job type (type and retries hidden, headers as fields) and the agency step (candidate group from the registry’s agency kinds, due date =dueDates.<step>). The agency step is a job-worker user task (no zeebe:userTask).',
    }),
    async (_req, res) => {
      res.json(buildElementTemplates({ jobTypes, agencyKinds: await agencyKinds(opts.db) }));
    },
  );
  return router;
}
