/**
 * /v2/user-tasks: Camunda user tasks (`zeebe:userTask`) — search, read, assign, unassign,
 * update, complete, the linked form and the variables a task sees. These are the engine's
 * tasks, for administrators and auditors: officials work their agency's tasks through
 * /api/tasks (candidate groups are agency kinds, not agencies).
 */
import { Router } from 'express';
import type { UserTaskChangeset } from '../../engine/port.js';
import type { SearchQuery, UserTaskFilter, UserTaskSortField, VariableFilter } from '../../engine/queries.js';
import { requireRole } from '../auth.js';
import { pathKey } from '../params.js';
import { schemaId, validBody } from '../validate.js';
import { searchPage, type V2Context } from './context.js';

interface AssignmentBody {
  assignee: string;
  allowOverride?: boolean | null;
  action?: string | null;
}

interface UpdateBody {
  changeset?: {
    dueDate?: string | null;
    followUpDate?: string | null;
    candidateGroups?: string[] | null;
    candidateUsers?: string[] | null;
    priority?: number | null;
  } | null;
  action?: string | null;
}

interface CompletionBody {
  variables?: Record<string, unknown> | null;
  action?: string | null;
}

export function userTasksRouter(ctx: V2Context): Router {
  const router = Router();
  const body = (name: string) => validBody(ctx.schemas, schemaId(`v2/${name}.json`));
  const readers = requireRole('admin', 'auditor');
  const key = (req: Parameters<typeof pathKey>[0]) => pathKey(req, 'userTaskKey');

  router.post('/user-tasks/search', readers, body('user-task-search'), async (req, res) => {
    const r = await ctx.queries.searchUserTasks(req.body as SearchQuery<UserTaskFilter, UserTaskSortField>);
    res.json(searchPage(r.items, r.totalItems));
  });

  router.get('/user-tasks/:userTaskKey', readers, async (req, res) => {
    res.json(await ctx.queries.getUserTask(key(req)));
  });

  router.post('/user-tasks/:userTaskKey/assignment', requireRole('admin'), body('user-task-assignment'), async (req, res) => {
    const b = req.body as AssignmentBody;
    await ctx.engine.assignUserTask({
      userTaskKey: key(req),
      assignee: b.assignee,
      allowOverride: b.allowOverride ?? undefined,
      action: b.action ?? undefined,
    });
    res.status(204).end();
  });

  router.delete('/user-tasks/:userTaskKey/assignee', requireRole('admin'), async (req, res) => {
    await ctx.engine.unassignUserTask(key(req));
    res.status(204).end();
  });

  router.patch('/user-tasks/:userTaskKey', requireRole('admin'), body('user-task-update'), async (req, res) => {
    const b = req.body as UpdateBody;
    await ctx.engine.updateUserTask({ userTaskKey: key(req), changeset: changeset(b.changeset), action: b.action ?? undefined });
    res.status(204).end();
  });

  router.post('/user-tasks/:userTaskKey/completion', requireRole('admin'), body('user-task-completion'), async (req, res) => {
    const b = req.body as CompletionBody;
    await ctx.engine.completeUserTask({ userTaskKey: key(req), variables: b.variables ?? undefined, action: b.action ?? undefined });
    res.status(204).end();
  });

  router.get('/user-tasks/:userTaskKey/form', readers, async (req, res) => {
    const form = await ctx.queries.getUserTaskForm(key(req));
    if (form) res.json(form);
    else res.status(204).end();
  });

  router.post('/user-tasks/:userTaskKey/variables/search', readers, body('user-task-variable-search'), async (req, res) => {
    const r = await ctx.queries.searchUserTaskVariables(key(req), req.body as SearchQuery<VariableFilter, 'name'>);
    res.json(searchPage(r.items, r.totalItems));
  });
  return router;
}

/**
 * The engine's changeset from the body's: a date that is null or "" (Camunda's way) is cleared;
 * a list or priority that is null is left unchanged, as an absent one is.
 */
function changeset(c: UpdateBody['changeset']): UserTaskChangeset | undefined {
  if (!c) return undefined;
  const out: UserTaskChangeset = {};
  if (c.dueDate !== undefined) out.dueDate = c.dueDate || null;
  if (c.followUpDate !== undefined) out.followUpDate = c.followUpDate || null;
  if (c.candidateGroups != null) out.candidateGroups = c.candidateGroups;
  if (c.candidateUsers != null) out.candidateUsers = c.candidateUsers;
  if (c.priority != null) out.priority = c.priority;
  return out;
}
