/**
 * In-app notifications: the outbox relay's only channel today. A delivered SLA notice becomes a
 * row of domain.notifications (migration 010) that the responsible agency's inbox reads.
 *
 * | reader            | sees                         | marks read        |
 * |-------------------|------------------------------|-------------------|
 * | officer, counter  | their agency's notifications | what they see     |
 * | admin             | every notification           | every one         |
 * | anyone else       | nothing (403)                | nothing (403)     |
 *
 * Another agency's notification is a 404, never a 403 (as in the inbox). Read state belongs to
 * the agency's inbox: the first reader and instant are kept.
 */
import type { Queryable } from '../db/index.js';
import { Forbidden, Invalid, NotFound, Unauthenticated } from '../errors.js';
import type { Role } from '../roles.js';
import type { OutboxRow } from './sql/claimOutbox.js';

/** Who reads (the signed-in user; the sla room does not import http's Principal). */
export interface NotificationReader {
  username: string;
  role: Role;
  agencyCode?: string | null;
}

export interface NotificationView {
  id: string;
  /** 'sla.at_risk' | 'sla.overdue' */
  kind: string;
  agencyCode: string;
  dossierCode: string | null;
  /** The message, in Vietnamese. */
  text: string;
  /** What the scanner recorded: the clock (id, kind, step, taskId), due, dueVn, atRiskAt. */
  payload: Record<string, unknown>;
  /** When the event was decided. */
  at: string;
  deliveredAt: string;
  readAt: string | null;
  readBy: string | null;
}

export interface NotificationPage {
  items: NotificationView[];
  page: number;
  pageSize: number;
  total: number;
}

export const NOTIFICATION_PAGE_SIZE = 50;
export const NOTIFICATION_MAX_PAGE_SIZE = 200;

/** The in-app channel's delivery: the notification row, in the relay's transaction (at most one per outbox row). */
export async function deliverInApp(q: Queryable, row: OutboxRow, now: Date): Promise<void> {
  const { text, ...payload } = row.payload as { text?: unknown } & Record<string, unknown>;
  await q.query(
    `insert into domain.notifications (outbox_id, agency_code, kind, dossier_code, text, payload, at, delivered_at)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7::timestamptz, $8::timestamptz)
     on conflict (outbox_id) do nothing`,
    [
      row.id,
      row.recipient,
      row.kind,
      row.dossier_code,
      typeof text === 'string' ? text : row.kind,
      JSON.stringify(payload),
      row.at.toISOString(),
      now.toISOString(),
    ],
  );
}

/** The reader's notifications, newest first. */
export async function listNotifications(
  q: Queryable,
  reader: NotificationReader,
  f: { page?: number; pageSize?: number; unread?: boolean } = {},
): Promise<NotificationPage> {
  const page = f.page ?? 1;
  const pageSize = f.pageSize ?? NOTIFICATION_PAGE_SIZE;
  if (!Number.isInteger(page) || page < 1) throw new Invalid('page must be a positive integer', { param: 'page' });
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > NOTIFICATION_MAX_PAGE_SIZE) {
    throw new Invalid(`pageSize must be an integer from 1 to ${NOTIFICATION_MAX_PAGE_SIZE}`, { param: 'pageSize' });
  }
  const params: unknown[] = [];
  const where = [scope(reader, params)];
  if (f.unread) where.push('read_at is null');
  const w = where.join(' and ');
  const total = Number((await q.query<{ n: string }>(`select count(*)::text as n from domain.notifications where ${w}`, params)).rows[0].n);
  const { rows } = await q.query<Row>(
    `select ${COLUMNS} from domain.notifications where ${w} order by at desc, id desc limit ${pageSize} offset ${(page - 1) * pageSize}`,
    params,
  );
  return { items: rows.map(view), page, pageSize, total };
}

/** Marks one notification read (the first reader and instant stay); 404 outside the reader's scope. */
export async function markNotificationRead(q: Queryable, reader: NotificationReader, id: string, at: Date): Promise<NotificationView> {
  if (typeof id !== 'string' || !/^[1-9]\d{0,18}$/.test(id))
    throw new Invalid(`id must be a notification id (digits), got ${JSON.stringify(id)}`, { param: 'id' });
  const params: unknown[] = [id, at.toISOString(), reader.username];
  const { rows } = await q.query<Row>(
    `update domain.notifications set read_at = coalesce(read_at, $2::timestamptz), read_by = coalesce(read_by, $3)
      where id = $1 and ${scope(reader, params)} returning ${COLUMNS}`,
    params,
  );
  if (!rows.length) throw new NotFound(`notification ${id} does not exist`);
  return view(rows[0]);
}

function scope(reader: NotificationReader, params: unknown[]): string {
  if (!reader || typeof reader.username !== 'string' || !reader.username) throw new Unauthenticated('cần đăng nhập (sign in first)');
  switch (reader.role) {
    case 'admin':
      return 'true';
    case 'officer':
    case 'counter':
      if (!reader.agencyCode) return 'false';
      params.push(reader.agencyCode);
      return `agency_code = $${params.length}`;
    default:
      throw new Forbidden(`vai trò '${reader.role}' không có hộp thông báo (role '${reader.role}' has no notification inbox)`);
  }
}

const COLUMNS = `id::text, kind, agency_code, dossier_code, text, payload, at, delivered_at, read_at, read_by`;

interface Row {
  id: string;
  kind: string;
  agency_code: string;
  dossier_code: string | null;
  text: string;
  payload: Record<string, unknown>;
  at: Date | string;
  delivered_at: Date | string;
  read_at: Date | string | null;
  read_by: string | null;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

function view(r: Row): NotificationView {
  return {
    id: r.id,
    kind: r.kind,
    agencyCode: r.agency_code,
    dossierCode: r.dossier_code,
    text: r.text,
    payload: r.payload,
    at: iso(r.at),
    deliveredAt: iso(r.delivered_at),
    readAt: r.read_at === null ? null : iso(r.read_at),
    readBy: r.read_by,
  };
}
