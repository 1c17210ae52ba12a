/**
 * /api/notifications: the agency's in-app notifications, delivered by the SLA room's outbox
 * relay (src/sla/outbox-relay.ts). Officers and counter staff see their agency's, admins all;
 * another agency's notification is a 404 (src/sla/notifications.ts decides, whatever the guard
 * let through).
 *
 *   GET  /api/notifications              ?unread=true|false&page=&pageSize=  → { items, page, pageSize, total }, newest first
 *   POST /api/notifications/{id}/read    (no body) → the notification, readAt / readBy set (the first reader stays)
 */
import { Router, type Request } from 'express';
import type { Queryable } from '../db/index.js';
import { systemClock, type Clock } from '../clock.js';
import { listNotifications, markNotificationRead, type NotificationReader } from '../sla/index.js';
import { requireRole } from './auth.js';
import { pathKey } from './params.js';
import { describeRoute, type QueryParamDoc } from './routes.js';
import { SchemaRegistry, schemaId, validBody } from './validate.js';

export interface NotificationsRouterOptions {
  db: Queryable;
  /** Time of a read; default the system clock. */
  clock?: Clock;
  /** Default: the schemas in schemas/api. */
  schemas?: SchemaRegistry;
}

const ROLES = ['officer', 'counter', 'admin'] as const;
const SCOPE = 'Officers and counter staff see their agency’s notifications, admins all; another agency’s notification is 404.';

export function notificationsRouter(opts: NotificationsRouterOptions): Router {
  const { db } = opts;
  const clock = opts.clock ?? systemClock;
  const schemas = opts.schemas ?? SchemaRegistry.load('api');
  const QUERY = schemaId('api/notifications-list-query.json');
  const queryDoc = Object.fromEntries(
    Object.entries((schemas.validator(QUERY).schema as { properties: Record<string, Record<string, unknown>> }).properties).map(
      ([name, { description, ...schema }]): [string, QueryParamDoc] => [name, { description: description as string, schema }],
    ),
  );
  const router = Router();

  router.get(
    '/notifications',
    requireRole(...ROLES),
    describeRoute({
      summary: 'Thông báo của cơ quan (the agency’s notifications: at risk, overdue), newest first; { items, page, pageSize, total }',
      description: SCOPE,
      query: queryDoc,
    }),
    async (req, res) => {
      const query = { ...(req.query as Record<string, unknown>) };
      schemas.check(QUERY, query, 'query string');
      const q = query as Record<string, string | undefined>;
      res.json(
        await listNotifications(db, reader(req), {
          unread: q.unread === 'true',
          page: q.page === undefined ? undefined : Number(q.page),
          pageSize: q.pageSize === undefined ? undefined : Number(q.pageSize),
        }),
      );
    },
  );

  router.post(
    '/notifications/:id/read',
    requireRole(...ROLES),
    describeRoute({ summary: 'Đánh dấu đã đọc (mark a notification read; the first reader and instant stay)', description: SCOPE }),
    validBody(schemas, schemaId('api/notifications-read.json')),
    async (req, res) => {
      res.json(await markNotificationRead(db, reader(req), pathKey(req, 'id'), new Date(clock.now())));
    },
  );

  return router;
}

function reader(req: Request): NotificationReader {
  const u = req.user!;
  return { username: u.username, role: u.role, agencyCode: u.agencyCode };
}
