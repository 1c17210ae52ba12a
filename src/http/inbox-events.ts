/**
 * GET /api/inbox/events: the inbox's live feed as server-sent events, for the /inbox page. Fed
 * in-process by the inbox's own commits (TaskFeed: a task created by the worker or the follower,
 * claimed, given back, assigned, completed) and by the SLA relay's deliveries (an agency's
 * at-risk / overdue notice) — no polling. Each person hears only of what they may see: tasks by
 * the list's rule (`maySee`), notices of their agency (admins all). Events:
 *
 *   event: task          data: { kind: created|changed, id, dossierCode, elementId, name, state, assignee }
 *   event: notification  data: { id, kind, dossierCode, text, at }
 *
 * A request without `Accept: text/event-stream` gets 406 (EventSource always sends it).
 * A comment every 25 s keeps proxies from closing an idle stream. Nothing is replayed: a page
 * that (re)connects reloads its list (`event: ready` tells it when to).
 */
import { Router, type Request, type Response } from 'express';
import type { OutboxRow } from '../sla/index.js';
import { maySee, type Actor, type Feed, type TaskEvent } from '../tasks/index.js';
import { requireRole } from './auth.js';
import { describeRoute } from './routes.js';

export interface InboxEventsOptions {
  tasks: Feed<TaskEvent>;
  notices?: Feed<OutboxRow>;
  /** Between keep-alive comments, ms (default 25 s). */
  heartbeatMs?: number;
}

export function inboxEventsRouter(opts: InboxEventsOptions): Router {
  const router = Router();
  router.get(
    '/inbox/events',
    requireRole('officer', 'counter', 'admin'),
    describeRoute({
      summary: 'Luồng sự kiện của hộp công việc (server-sent events: tasks created or changed, SLA notices), scoped like GET /api/tasks',
    }),
    (req: Request, res: Response) => {
      const actor = req.user as Actor;
      // A stream never ends: a client that did not ask for one (a plain HTTP call) gets an answer instead.
      if (!(req.get('accept') ?? '').includes('text/event-stream')) {
        res.status(406).json({
          error: 'NotAcceptable',
          message: 'đây là luồng sự kiện: gửi Accept: text/event-stream (this is an event stream: send Accept: text/event-stream)',
        });
        return;
      }
      res.status(200);
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();
      const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      res.write('retry: 3000\n\n');
      const offTasks = opts.tasks.subscribe(({ kind, task: t }) => {
        if (!maySee(actor, t)) return;
        send('task', { kind, id: t.id, dossierCode: t.dossierCode, elementId: t.elementId, name: t.name, state: t.state, assignee: t.assignee });
      });
      const offNotices = opts.notices?.subscribe((n) => {
        if (actor.role !== 'admin' && n.recipient !== actor.agencyCode) return;
        const text = typeof n.payload.text === 'string' ? n.payload.text : n.kind;
        send('notification', { id: n.id, kind: n.kind, dossierCode: n.dossier_code, text, at: n.at.toISOString() });
      });
      send('ready', {});
      const beat = setInterval(() => res.write(': keep-alive\n\n'), opts.heartbeatMs ?? 25_000);
      beat.unref();
      req.on('close', () => {
        clearInterval(beat);
        offTasks();
        offNotices?.();
      });
    },
  );
  return router;
}
