/**
 * /api/tasks: the agency inbox over HTTP. Bodies and query strings are checked against
 * schemas/api/tasks-*.json before anything runs; `requireRole` admits the roles, and who may see
 * and do what is decided again by TaskService from `req.user`, so it holds whatever the guards
 * let through. main.ts mounts it with the other rooms' routers (`api`).
 *
 *   GET  /api/tasks                      ?state=&assignedToMe=&unassigned=&dueSoon=&overdue=
 *                                        &procedure=&dossierCode=&agencyCode=&page=&pageSize=
 *   GET  /api/tasks/{id}
 *   GET  /api/tasks/{id}/form            the task's Camunda form (form-js), which its decision must match
 *   POST /api/tasks/{id}/claim           (no body)
 *   POST /api/tasks/{id}/unclaim         (no body)
 *   POST /api/tasks/{id}/assign          { "username": "..." }
 *   POST /api/tasks/{id}/complete        { "decision": { ... } }
 */
import { Router, type Request } from 'express';
import type { Actor, ListFilter, TaskRow, TaskService } from '../tasks/index.js';
import { requireRole } from './auth.js';
import { pathKey } from './params.js';
import { describeRoute, type QueryParamDoc } from './routes.js';
import { SchemaRegistry, schemaId, validBody } from './validate.js';

export interface TasksRouterOptions {
  tasks: TaskService;
  /** Default: the schemas in schemas/api. */
  schemas?: SchemaRegistry;
  /**
   * Office hours on working days between two instants (the working-day calendar): with it, each
   * task carries `workingHoursLeft` — before its due instant the working time left, after it the
   * working time late as a negative number — for the inbox's badge.
   */
  workingHours?: (a: Date, b: Date) => number;
  now?: () => number;
}

const READERS = ['officer', 'counter', 'designer', 'auditor', 'admin'] as const;
const ACTORS = ['officer', 'counter', 'designer', 'admin'] as const;
const SCOPE =
  'Officers see their agency’s tasks, counter staff their counter’s, designers their drafts’ (no dossier), auditors and admins all; another agency’s task is 404.';

export function tasksRouter(opts: TasksRouterOptions): Router {
  const { tasks } = opts;
  const schemas = opts.schemas ?? SchemaRegistry.load('api');
  const body = (name: string) => validBody(schemas, schemaId(`api/${name}.json`));
  const QUERY = schemaId('api/tasks-list-query.json');
  const queryDoc = Object.fromEntries(
    Object.entries((schemas.validator(QUERY).schema as { properties: Record<string, Record<string, unknown>> }).properties).map(
      ([name, { description, ...schema }]): [string, QueryParamDoc] => [name, { description: description as string, schema }],
    ),
  );
  const router = Router();
  const left = (t: TaskRow): { workingHoursLeft?: number } => {
    if (!opts.workingHours || !t.dueAt || (t.state !== 'open' && t.state !== 'claimed')) return {};
    const now = new Date(opts.now?.() ?? Date.now());
    const due = new Date(t.dueAt);
    const h = now <= due ? opts.workingHours(now, due) : -opts.workingHours(due, now);
    return { workingHoursLeft: Math.round(h * 100) / 100 };
  };

  const one = (t: TaskRow) => ({ ...view(t, true), ...left(t) });

  router.get(
    '/tasks',
    requireRole(...READERS),
    describeRoute({
      summary: 'Danh sách công việc (the inbox): filters and paging; { items, page, pageSize, total }',
      description: SCOPE,
      query: queryDoc,
    }),
    async (req, res) => {
      const query = { ...(req.query as Record<string, unknown>) };
      schemas.check(QUERY, query, 'query string');
      const page = await tasks.list(user(req), toFilter(query as Record<string, string>));
      res.json({ ...page, items: page.items.map((t) => ({ ...view(t, false), ...left(t) })) });
    },
  );

  router.get('/tasks/:id', requireRole(...READERS), describeRoute({ summary: 'Một công việc (one task)', description: SCOPE }), async (req, res) => {
    res.json(one(await tasks.get(user(req), pathKey(req, 'id'))));
  });

  router.get(
    '/tasks/:id/form',
    requireRole(...READERS),
    describeRoute({
      summary: 'Biểu mẫu của công việc (the task’s Camunda form: form-js JSON, which its decision must match)',
      description:
        '{ formId, formKey, version, schema }: the form the engine linked (zeebe:formDefinition formId), else the catalog’s `<bpmnProcessId>.<elementId>`, else the default decision form (formKey null).',
    }),
    async (req, res) => {
      res.json(await tasks.form(user(req), pathKey(req, 'id')));
    },
  );

  router.post(
    '/tasks/:id/claim',
    requireRole(...ACTORS),
    describeRoute({ summary: 'Nhận xử lý (claim an open task)' }),
    body('tasks-action'),
    async (req, res) => {
      res.json(one(await tasks.claim(user(req), pathKey(req, 'id'))));
    },
  );

  router.post(
    '/tasks/:id/unclaim',
    requireRole(...ACTORS),
    describeRoute({ summary: 'Trả lại (give a claimed task back; its assignee or an admin)' }),
    body('tasks-action'),
    async (req, res) => {
      res.json(one(await tasks.unclaim(user(req), pathKey(req, 'id'))));
    },
  );

  router.post(
    '/tasks/:id/assign',
    requireRole(...ACTORS),
    describeRoute({ summary: 'Giao cho cán bộ khác (assign to an active officer of the task’s agency)' }),
    body('tasks-assign'),
    async (req, res) => {
      res.json(one(await tasks.assign(user(req), pathKey(req, 'id'), (req.body as { username: string }).username)));
    },
  );

  router.post(
    '/tasks/:id/complete',
    requireRole(...ACTORS),
    describeRoute({
      summary: 'Hoàn thành với quyết định (complete with a decision)',
      description:
        'The decision is checked against the task’s form (GET /api/tasks/{id}/form): required, min/max, length, pattern, allowed values; a 400 names each /decision/… path. Of two concurrent completions one wins; the other gets 409.',
    }),
    body('tasks-complete'),
    async (req, res) => {
      res.json(one(await tasks.complete(user(req), pathKey(req, 'id'), (req.body as { decision: unknown }).decision)));
    },
  );

  return router;
}

/** The signed-in user (requireRole let the request through; TaskService checks it again). */
function user(req: Request): Actor {
  return req.user as Actor;
}

function toFilter(q: Record<string, string>): ListFilter {
  const flag = (v: string | undefined) => (v === undefined ? undefined : v === 'true');
  const int = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  return {
    state: q.state as ListFilter['state'],
    assignedToMe: flag(q.assignedToMe),
    unassigned: flag(q.unassigned),
    dueSoon: int(q.dueSoon),
    overdue: flag(q.overdue),
    procedure: q.procedure,
    dossierCode: q.dossierCode,
    agencyCode: q.agencyCode,
    page: int(q.page),
    pageSize: int(q.pageSize),
  };
}

/** What a client sees of a task; the job's variables only on the task itself, not in lists. */
function view(t: TaskRow, withVariables: boolean): Record<string, unknown> {
  const { leaseUntil: _lease, variables, ...rest } = t;
  return withVariables ? { ...rest, variables } : rest;
}
