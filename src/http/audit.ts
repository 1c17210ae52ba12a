/**
 * The audit log over HTTP (auditors and admins). Payloads are shown in clear to auditors, whose
 * reads are themselves audited (personal-data.ts), and masked for admins (citizen ID and phone
 * numbers a reason or note quoted).
 *
 *   GET /api/audit/verify   walks the hash chain: { ok, rowsChecked, brokenAt?, lastHash }
 *   GET /api/audit/verify   ?after=&prevHash=&limit=   one batch of it, with progress: { …, lastSeq, done, total }
 *   GET /api/audit          ?dossier=&actor=&action=&from=&to=&page=&pageSize=  (oldest first)
 */
import { Router, type Request } from 'express';
import { auditLength, searchAudit, verifyAudit, type AuditSearch } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import { Invalid } from '../errors.js';
import { pointer, problem, type Problem } from '../schemas.js';
import { maskDeep } from '../security/personal-data.js';
import { requireRole } from './auth.js';
import { describeRoute } from './routes.js';

export interface AuditDeps {
  db: Queryable & { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> };
  /** The service's clock (ms since the epoch): audit rows are stamped with it. */
  now: () => number;
}

const PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;
const MAX_VERIFY_BATCH = 100_000;

export function auditRouter(deps: AuditDeps): Router {
  const router = Router();

  router.get(
    '/audit/verify',
    requireRole('auditor', 'admin'),
    describeRoute({
      summary: 'Kiểm tra chuỗi băm của nhật ký: nêu dòng đầu tiên bị sửa (verify the audit hash chain)',
      description:
        'Without parameters: the whole chain at once. With `limit`: one batch of at most `limit` rows after `after` (a previous batch’s `lastSeq`, whose hash is `prevHash`, its `lastHash`), answered with `lastSeq`, `done` and `total` (the chain’s length) so a client shows its progress.',
      query: {
        after: { description: 'the last row a previous batch checked (its lastSeq); with prevHash', schema: { type: 'string', pattern: '^[0-9]{1,19}$' } },
        prevHash: { description: 'that row’s hash (the previous batch’s lastHash); with after', schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        limit: { description: 'rows to check in this batch', schema: { type: 'integer', minimum: 1, maximum: MAX_VERIFY_BATCH } },
      },
    }),
    async (req, res) => {
      const v = verifyQuery(req);
      if (v.limit === undefined) {
        const r = await verifyAudit(deps.db);
        res.json(
          r.ok
            ? { ok: true, rowsChecked: r.rowsChecked, lastHash: r.lastHash }
            : { ok: false, rowsChecked: r.rowsChecked, brokenAt: r.brokenAt, lastHash: r.lastHash },
        );
        return;
      }
      const [r, total] = await Promise.all([verifyAudit(deps.db, { ...v, batch: Math.min(v.limit, 10_000) }), auditLength(deps.db)]);
      res.json({ ...r, total });
    },
  );

  router.get(
    '/audit',
    requireRole('auditor', 'admin'),
    describeRoute({
      summary: 'Nhật ký kiểm tra, lọc theo hồ sơ, hành động, thời gian (audit log rows, oldest first)',
      query: {
        dossier: { description: 'dossier code', schema: { type: 'string', maxLength: 64 } },
        actor: { description: 'username of who acted (system: the service)', schema: { type: 'string', maxLength: 100 } },
        action: {
          description: "exact action ('auth.login') or a prefix ending in '.' ('auth.')",
          schema: { type: 'string', maxLength: 64 },
        },
        from: { description: 'ISO 8601 instant, inclusive', schema: { type: 'string', format: 'date-time' } },
        to: { description: 'ISO 8601 instant, exclusive', schema: { type: 'string', format: 'date-time' } },
        page: { schema: { type: 'integer', minimum: 1, default: 1 } },
        pageSize: { schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: PAGE_SIZE } },
      },
    }),
    async (req, res) => {
      const result = await searchAudit(deps.db, auditFilter(req));
      res.json(req.user?.role === 'auditor' ? result : { ...result, items: result.items.map((r) => ({ ...r, payload: maskDeep(r.payload) })) });
    },
  );
  return router;
}

function verifyQuery(req: Request): { after?: string; prevHash?: string; limit?: number } {
  const q = req.query as Record<string, unknown>;
  const problems: (Problem & { parameter: string; message: string })[] = [];
  const refuse = (parameter: string, vi: string, en: string) => problems.push({ parameter, message: en, ...problem(pointer(parameter), vi, en) });
  for (const k of Object.keys(q))
    if (!['after', 'prevHash', 'limit'].includes(k)) refuse(k, 'không phải tham số của đường dẫn này', 'is not a parameter of this route');
  const str = (name: string, re: RegExp, vi: string, en: string): string | undefined => {
    const v = q[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !re.test(v)) refuse(name, vi, en);
    return typeof v === 'string' ? v : undefined;
  };
  const after = str('after', /^[0-9]{1,19}$/, 'phải là số thứ tự của một dòng', 'must be a row number');
  const prevHash = str('prevHash', /^[0-9a-f]{64}$/, 'phải là mã băm SHA-256 (64 ký tự hex)', 'must be a SHA-256 hash (64 hex characters)');
  const limitText = str('limit', /^[0-9]{1,9}$/, `phải là số nguyên từ 1 đến ${MAX_VERIFY_BATCH}`, `must be an integer from 1 to ${MAX_VERIFY_BATCH}`);
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && (limit < 1 || limit > MAX_VERIFY_BATCH))
    refuse('limit', `phải từ 1 đến ${MAX_VERIFY_BATCH}`, `must be from 1 to ${MAX_VERIFY_BATCH}`);
  if ((after === undefined) !== (prevHash === undefined))
    refuse(after === undefined ? 'after' : 'prevHash', 'after và prevHash phải đi cùng nhau', 'after and prevHash go together');
  if (after !== undefined && limit === undefined) refuse('limit', 'cần khi có after', 'is required with after');
  if (problems.length) throw new Invalid(`query string is invalid: ${problems.map((p) => `${p.parameter} ${p.message}`).join('; ')}`, problems);
  return { after, prevHash, limit };
}

function auditFilter(req: Request): AuditSearch {
  const q = req.query as Record<string, unknown>;
  const problems: (Problem & { parameter: string; message: string })[] = [];
  const refuse = (parameter: string, vi: string, en: string) => problems.push({ parameter, message: en, ...problem(pointer(parameter), vi, en) });
  const known = new Set(['dossier', 'actor', 'action', 'from', 'to', 'page', 'pageSize']);
  for (const k of Object.keys(q)) if (!known.has(k)) refuse(k, 'không phải tham số của đường dẫn này', 'is not a parameter of this route');
  const str = (name: string, re: RegExp): string | undefined => {
    const v = q[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || !re.test(v)) {
      refuse(name, 'không đúng định dạng quy định', `must match ${re}`);
      return undefined;
    }
    return v;
  };
  const instant = (name: string): string | undefined => {
    const v = str(name, /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/);
    if (v !== undefined && Number.isNaN(Date.parse(v))) refuse(name, 'không phải là một ngày', 'is not a date');
    return v;
  };
  const int = (name: string, min: number, max: number, dflt: number): number => {
    const v = str(name, /^\d{1,9}$/);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (n < min || n > max) refuse(name, `phải từ ${min} đến ${max}`, `must be from ${min} to ${max}`);
    return n;
  };
  const f: AuditSearch = {
    dossier: str('dossier', /^[A-Za-z0-9.\-_]{1,64}$/),
    actor: str('actor', /^[A-Za-z0-9.\-_@]{1,100}$/),
    action: str('action', /^[a-z0-9_.-]{1,64}$/),
    from: instant('from'),
    to: instant('to'),
    page: int('page', 1, 1_000_000, 1),
    pageSize: int('pageSize', 1, MAX_PAGE_SIZE, PAGE_SIZE),
  };
  if (problems.length) {
    throw new Invalid(`query string is invalid: ${problems.map((p) => `${p.parameter} ${p.message}`).join('; ')}`, problems);
  }
  return f;
}
