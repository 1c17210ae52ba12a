/**
 * An auditor's every read of citizens' personal data is itself an audit row (docs/api.md,
 * "Sign-in, roles, logs"). `PERSONAL_DATA_READS` names the routes whose answers carry it — the dossier, its
 * forms and trace, register 07, inbox tasks with their forms and variables, the audit log (its
 * payloads are shown to auditors in clear), a user task's variables — and `auditPersonalDataReads`
 * is mounted before each: when an auditor's read succeeds (status < 400), an
 * 'audit.read_personal_data' row naming the auditor, the path, the request id and the dossier (when
 * the path or filter names one) is appended before the body leaves; if the row cannot be written,
 * the data is not sent either. Other roles' reads (their work: a counter prints form 01, an officer
 * reads the step they decide) and failed reads pass untouched.
 *
 * tests/http/personal-data.test.ts calls every route an auditor may call and requires a row for
 * each answer that carried an applicant's ID or phone number: a new route that shows them and is
 * not listed here fails it.
 */
import type { Request, RequestHandler } from 'express';
import { appendAudit } from '../audit/index.js';
import { dossierExists } from '../dossiers/index.js';
import type { AuditDeps } from './audit.js';

interface PersonalDataRoute {
  /** Where the middleware is mounted (`req.path` below is relative to it). */
  mount: string;
  /** Whether this request is a read of personal data. */
  reads(req: Request): boolean;
  /** The dossier code the request names, to be checked against the dossiers (or none). */
  dossier(req: Request): string | undefined;
}

const isGet = (req: Request) => req.method === 'GET' || req.method === 'HEAD';
const SEGMENT = /^[A-Za-z0-9.\-_]{1,100}$/;
const named = (v: unknown) => (typeof v === 'string' && SEGMENT.test(v) ? v : undefined);

export const PERSONAL_DATA_READS: PersonalDataRoute[] = [
  // GET /api/dossiers (search by CCCD), /{code}, /{code}/forms/{no}, /{code}/trace
  { mount: '/api/dossiers', reads: isGet, dossier: (req) => named(req.path.split('/').filter(Boolean)[0]) },
  // GET /api/registers/07: the applicants of a period, with addresses and phone numbers
  { mount: '/api/registers', reads: isGet, dossier: () => undefined },
  // GET /api/tasks, /{id}, /{id}/form: the step's variables, the applicant's among them
  { mount: '/api/tasks', reads: isGet, dossier: () => undefined },
  // GET /api/audit (not /verify): payloads in clear for auditors
  { mount: '/api/audit', reads: (req) => isGet(req) && req.path === '/', dossier: (req) => named(req.query.dossier) },
  // POST /v2/user-tasks/{key}/variables/search, POST /v2/variables/search: reads with a body
  { mount: '/v2/user-tasks', reads: (req) => req.method === 'POST' && /^\/[^/]+\/variables\/search$/.test(req.path), dossier: () => undefined },
  { mount: '/v2/variables', reads: (req) => req.method === 'POST' && req.path === '/search', dossier: () => undefined },
];

/** Mounts the read audit before the routers of every route in PERSONAL_DATA_READS. */
export function mountPersonalDataReads(app: { use(path: string, h: RequestHandler): unknown }, deps: AuditDeps): void {
  for (const route of PERSONAL_DATA_READS) app.use(route.mount, auditPersonalDataReads(route, deps));
}

function auditPersonalDataReads(route: PersonalDataRoute, { db, now }: AuditDeps): RequestHandler {
  return (req, res, next) => {
    const user = req.user;
    if (!user || user.role !== 'auditor' || !route.reads(req)) {
      next();
      return;
    }
    // Read now: routing rewrites req.url (and so req.path) on the way to the handler.
    const segment = route.dossier(req);
    const path = req.originalUrl.split('?')[0];
    const send = res.send.bind(res);
    let held = false;
    res.send = function (body?: unknown) {
      if (held || res.statusCode >= 400) return send(body);
      held = true;
      db.tx(async (q) => {
        // A name that is not a dossier (a sub-resource of the list, an unknown filter) names none.
        const known = segment ? await dossierExists(q, segment) : false;
        await appendAudit(q, {
          actor: user.username,
          role: user.role,
          agency: user.agencyCode,
          dossierCode: known ? segment : null,
          action: 'audit.read_personal_data',
          at: new Date(now()),
          payload: { method: req.method, path, requestId: req.id },
        });
      }).then(
        () => send(body),
        (e: unknown) => next(e),
      );
      return res;
    } as typeof res.send;
    next();
  };
}
