/**
 * What the process designer reads beside the diagram. main.ts mounts both under /api.
 *
 *   GET /api/procedures                             the catalog: each procedure and its versions,
 *                                                   which one is in force today (Asia/Ho_Chi_Minh)
 *   GET /api/procedures/by-process/{bpmnProcessId}  the procedure running that process and the
 *                                                   whole rule version in force today (else the newest)
 *   GET /api/element-templates                      Camunda 8 element templates: one per lienthong
 *                                                   job type, and the agency step (element-templates.ts)
 *
 * Both catalog routes take `?on=YYYY-MM-DD` to ask about another day. "Today" comes from the
 * injected clock, so tests pin it.
 */
import { Router } from 'express';
import type { Queryable } from '../db/index.js';
import { agencyKinds } from '../dossiers/index.js';
import type { Clock } from '../engine/clock.js';
import { systemClock } from '../engine/clock.js';
import { Invalid, NotFound } from '../errors.js';
import { problem } from '../schemas.js';
import { catalogSummary, localDate, procedureForProcess, type Catalog } from '../procedures/index.js';
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

  return router;
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
