/**
 * /api/dossiers and /api/registers: the dossier lifecycle over HTTP. Bodies and query strings are
 * checked against schemas/api/dossier-*.json before anything runs (the intake itself against its
 * procedure's schema, by the dossier room, with Vietnamese and English reasons); who may see and
 * do what is decided again by DossierService from `req.user`, whatever the guards let through.
 *
 *   POST /api/dossiers                              receive → 201 { dossier, lookupSecret, form01 }
 *                                                   (?format=html: form 01 as a printable page)
 *   GET  /api/dossiers?citizenId=|from=&to=          staff: find dossiers by the applicant's CCCD or the days received
 *   GET  /api/dossiers/{code}                       staff: the whole dossier; public: ?secret= (or the
 *                                                   X-Lookup-Secret header) → status, appointment, what to supplement
 *   POST /api/dossiers/{code}/supplement-requests   form 02
 *   POST /api/dossiers/{code}/supplements           the applicant (with the secret) or counter staff
 *   POST /api/dossiers/{code}/refusal               form 03
 *   POST /api/dossiers/{code}/stop                  form 05
 *   POST /api/dossiers/{code}/withdrawal            form 05: the applicant (with the secret) or counter staff
 *   POST /api/dossiers/{code}/apology               form 04 (a new appointment)
 *   POST /api/dossiers/{code}/return                returned
 *   GET  /api/dossiers/{code}/forms/{01..06}        ?format=html|json
 *   GET  /api/dossiers/{code}/trace                 steps, clocks, status changes, audit rows, diagram states
 *   GET  /api/registers/07?from&to&agency           form 07
 *
 * Who sees which dossier is one rule of the dossier room (dossiers/visibility.ts), applied by the
 * service on every one of these routes: outside it a dossier is a 404, as one that does not exist;
 * a role that sees no dossier (designer) is a 403. The guards below only refuse roles early.
 *
 * Receiving, supplementing and withdrawing are public routes: the online portal files and supplements without
 * an account; the handlers then require a counter officer for any other channel, and the secret
 * from anyone not signed in (in the body, or the X-Lookup-Secret header).
 *
 * Every use of the secret (the status, a supplement, a withdrawal) is throttled per address and
 * per code (dossiers/lookup.ts): too many failures → 429 with Retry-After, even with the right
 * secret, until the window passes; a wrong secret and an unknown code are the same 404, after the
 * same work.
 */
import { Router, type Request, type Response } from 'express';
import {
  renderHtml,
  type Actor,
  type ApologyInput,
  type DecisionInput,
  type DossierRow,
  type DossierService,
  type FormDoc,
  type FormNo,
  type ReceiveRequest,
  type SupplementRequestInput,
} from '../dossiers/index.js';
import { Forbidden, Invalid, TooManyRequests, Unauthenticated } from '../errors.js';
import { problem } from '../schemas.js';
import { publicRoute, requireRole, type Principal } from './auth.js';
import { clientIp } from './login.js';
import { describeRoute, type QueryParamDoc } from './routes.js';
import { SchemaRegistry, schemaId, validBody } from './validate.js';

export interface DossiersRouterOptions {
  dossiers: DossierService;
  /** Default: the schemas in schemas/api. */
  schemas?: SchemaRegistry;
}

const STAFF = ['officer', 'counter', 'auditor', 'admin'] as const;
const DECIDERS = ['officer', 'counter', 'admin'] as const;
const CODE = /^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/;
const FORMS: readonly FormNo[] = ['01', '02', '03', '04', '05', '06'];

export function dossiersRouter(opts: DossiersRouterOptions): Router {
  const { dossiers } = opts;
  const schemas = opts.schemas ?? SchemaRegistry.load('api');
  const body = (name: string) => validBody(schemas, schemaId(`api/${name}.json`));
  const QUERY = schemaId('api/dossier-query.json');
  const REGISTER = schemaId('api/register-query.json');
  const SEARCH = schemaId('api/dossier-search-query.json');
  schemas.validator(QUERY);
  schemas.validator(REGISTER);
  const query = (req: Request, id: string) => {
    const q = { ...(req.query as Record<string, unknown>) };
    schemas.check(id, q, 'query string');
    return q as Record<string, string | undefined>;
  };
  const router = Router();

  router.post(
    '/dossiers',
    publicRoute(),
    describeRoute({
      summary: 'Tiếp nhận hồ sơ (receive a dossier): counter staff, or the public for the online channel; answers form 01 with the lookup secret',
      description:
        'Send an `Idempotency-Key` header (e.g. a UUID per receipt): sent again with the same key at the same section, the request answers 200 with the dossier the first one received (its receipt finished if it was interrupted) and a new lookup secret, never a second dossier; the same key with another procedure is a 409.',
    }),
    body('dossier-receive'),
    async (req, res) => {
      const q = query(req, QUERY);
      const user = req.user;
      if (user && user.role !== 'counter' && user.role !== 'admin') {
        throw new Forbidden(`vai trò '${user.role}' không tiếp nhận hồ sơ (role '${user.role}' may not receive dossiers)`);
      }
      const input = req.body as ReceiveRequest;
      if (!user && input.channel !== 'online') {
        throw new Unauthenticated(
          'hồ sơ nộp trực tiếp hoặc qua bưu chính do cán bộ một cửa tiếp nhận: cần đăng nhập (sign in to receive counter or postal dossiers)',
        );
      }
      const r = await dossiers.receive(user ? dossierActor(user) : undefined, { ...input, idempotencyKey: idempotencyKey(req) });
      // 200 for a receipt sent again under its key: the same dossier, not a new one.
      const status = r.repeated ? 200 : 201;
      res.status(status).location(`/api/dossiers/${encodeURIComponent(r.dossier.code)}`);
      if (q.format === 'html') {
        sendHtml(res, r.form01, status);
        return;
      }
      res.json({ dossier: summary(r.dossier), lookupSecret: r.lookupSecret, form01: r.form01 });
    },
  );

  router.get(
    '/dossiers',
    requireRole(...STAFF),
    describeRoute({
      summary: 'Tìm hồ sơ theo số định danh của người nộp hoặc theo ngày tiếp nhận (find dossiers by citizen ID or days received)',
      query: queryDocOf(schemas, SEARCH),
    }),
    async (req, res) => {
      const q = query(req, SEARCH);
      res.json(
        await dossiers.search(dossierActor(req.user!), {
          citizenId: q.citizenId,
          from: q.from,
          to: q.to,
          page: q.page ? Number(q.page) : undefined,
          pageSize: q.pageSize ? Number(q.pageSize) : undefined,
        }),
      );
    },
  );

  router.get(
    '/dossiers/:code',
    publicRoute(),
    describeRoute({
      summary: 'Một hồ sơ: cán bộ xem toàn bộ; người dân xem tình trạng bằng mã tra cứu (staff: the dossier; public: its status with ?secret=)',
      query: {
        secret: { description: 'The lookup secret printed on form 01 (or the X-Lookup-Secret header)', schema: { type: 'string' } },
      },
    }),
    async (req, res) => {
      const q = query(req, QUERY);
      const code = codeOf(req);
      const secret = q.secret ?? header(req, 'x-lookup-secret');
      if (req.user && !secret) return res.json(await dossiers.get(dossierActor(req.user), code));
      if (!secret) throw new Unauthenticated('cần đăng nhập, hoặc mã tra cứu in trên giấy tiếp nhận (sign in, or give the lookup secret printed on form 01)');
      res.set('Cache-Control', 'no-store').json(await throttled(res, dossiers.publicStatus(code, secret, clientIp(req))));
    },
  );

  router.post(
    '/dossiers/:code/supplement-requests',
    requireRole(...DECIDERS),
    describeRoute({ summary: 'Yêu cầu bổ sung, hoàn thiện hồ sơ (form 02); pauses or restarts the clock per the rule version' }),
    body('dossier-supplement-request'),
    async (req, res) => {
      res.status(201).json(await dossiers.requestSupplement(dossierActor(req.user!), codeOf(req), req.body as SupplementRequestInput));
    },
  );

  router.post(
    '/dossiers/:code/supplements',
    publicRoute(),
    describeRoute({
      summary: 'Người nộp bổ sung hồ sơ (the applicant supplements, with the lookup secret; or counter staff on their behalf)',
    }),
    body('dossier-supplement'),
    async (req, res) => {
      const { secret: inBody, ...input } = req.body as { secret?: string };
      const code = codeOf(req);
      const secret = inBody ?? header(req, 'x-lookup-secret');
      if (secret) return res.json(summary(await throttled(res, dossiers.supplement(code, secret, input, undefined, clientIp(req)))));
      if (!req.user) throw new Unauthenticated('cần mã tra cứu in trên giấy tiếp nhận (give the lookup secret printed on form 01)');
      res.json(summary(await dossiers.supplement(code, undefined, input, dossierActor(req.user))));
    },
  );

  router.post(
    '/dossiers/:code/refusal',
    requireRole(...DECIDERS),
    describeRoute({ summary: 'Từ chối giải quyết hồ sơ (form 03)' }),
    body('dossier-decision'),
    async (req, res) => {
      res.status(201).json(await dossiers.refuse(dossierActor(req.user!), codeOf(req), req.body as DecisionInput));
    },
  );

  router.post(
    '/dossiers/:code/stop',
    requireRole(...DECIDERS),
    describeRoute({ summary: 'Dừng giải quyết hồ sơ (form 05)' }),
    body('dossier-decision'),
    async (req, res) => {
      res.status(201).json(await dossiers.stop(dossierActor(req.user!), codeOf(req), req.body as DecisionInput));
    },
  );

  router.post(
    '/dossiers/:code/withdrawal',
    publicRoute(),
    describeRoute({
      summary: 'Người nộp rút hồ sơ (form 05): the applicant withdraws the dossier with the lookup secret, or counter staff on their behalf',
    }),
    body('dossier-withdrawal'),
    async (req, res) => {
      const { secret: inBody, ...input } = req.body as { secret?: string; reason?: string };
      const code = codeOf(req);
      const secret = inBody ?? header(req, 'x-lookup-secret');
      if (secret) return res.status(201).json(await throttled(res, dossiers.withdraw(code, secret, input, undefined, clientIp(req))));
      if (!req.user) throw new Unauthenticated('cần mã tra cứu in trên giấy tiếp nhận (give the lookup secret printed on form 01)');
      res.status(201).json(await dossiers.withdraw(code, undefined, input, dossierActor(req.user)));
    },
  );

  router.post(
    '/dossiers/:code/apology',
    requireRole(...DECIDERS),
    describeRoute({ summary: 'Xin lỗi và hẹn lại ngày trả kết quả (form 04)' }),
    body('dossier-apology'),
    async (req, res) => {
      res.status(201).json(await dossiers.apologize(dossierActor(req.user!), codeOf(req), req.body as ApologyInput));
    },
  );

  router.post(
    '/dossiers/:code/return',
    requireRole('counter', 'admin'),
    describeRoute({ summary: 'Trả kết quả (or the papers of a refused or stopped dossier) at the counter' }),
    body('dossier-return'),
    async (req, res) => {
      res.json(summary(await dossiers.returnResult(dossierActor(req.user!), codeOf(req), req.body as { note?: string })));
    },
  );

  router.get(
    '/dossiers/:code/forms/:no',
    requireRole(...STAFF),
    describeRoute({
      summary: 'Mẫu 01–06 của hồ sơ (forms 01–05 as issued, 06 built now), JSON or printable HTML',
      query: { format: { schema: { enum: ['json', 'html'] } } },
    }),
    async (req, res) => {
      const q = query(req, QUERY);
      const no = req.params.no as FormNo;
      if (!FORMS.includes(no)) {
        throw new Invalid(`mẫu phải là 01–06; mẫu 07 là sổ theo dõi: GET /api/registers/07 (form must be 01–06; form 07 is GET /api/registers/07)`, [
          {
            parameter: 'no',
            value: req.params.no,
            message: "must be one of '01'…'06'",
            ...problem('/no', "phải là một trong '01'…'06'", "must be one of '01'…'06'"),
          },
        ]);
      }
      // The counter, right after a receipt, prints form 01 with the secret it was just shown.
      const secret = no === '01' ? header(req, 'x-lookup-secret') : undefined;
      const doc = await dossiers.form(dossierActor(req.user!), codeOf(req), no, secret);
      if (q.format === 'html') {
        sendHtml(res, doc);
        return;
      }
      res.json(doc);
    },
  );

  router.get(
    '/dossiers/:code/trace',
    requireRole(...STAFF),
    describeRoute({
      summary: 'Dòng thời gian của hồ sơ: từng bước, cơ quan, người xử lý, thời điểm, trạng thái hạn, lịch sử biến (trace of a dossier)',
      query: { include: { description: "'xml': each diagram with its deployed BPMN XML (the trace page draws it)", schema: { enum: ['xml'] } } },
    }),
    async (req, res) => {
      const include = req.query.include;
      if (include !== undefined && include !== 'xml') {
        throw new Invalid(`include chỉ nhận 'xml' (include must be 'xml', not ${JSON.stringify(include)})`, [
          { parameter: 'include', value: include, message: "must be 'xml'", ...problem('/include', "phải là 'xml'", "must be 'xml'") },
        ]);
      }
      res.json(await dossiers.trace(dossierActor(req.user!), codeOf(req), { xml: include === 'xml' }));
    },
  );

  router.get(
    '/registers/07',
    requireRole(...STAFF),
    describeRoute({
      summary: 'Sổ theo dõi hồ sơ (form 07) of an agency for a period',
      query: {
        from: { schema: { type: 'string', format: 'date' }, required: true },
        to: { schema: { type: 'string', format: 'date' }, required: true },
        agency: { schema: { type: 'string' } },
        format: { schema: { enum: ['json', 'html'] } },
      },
    }),
    async (req, res) => {
      const q = query(req, REGISTER);
      const doc = await dossiers.register(dossierActor(req.user!), { agency: q.agency, from: q.from!, to: q.to! });
      if (q.format === 'html') {
        sendHtml(res, doc);
        return;
      }
      res.json(doc);
    },
  );

  return router;
}

/** A query schema's properties as the OpenAPI document's parameters. */
function queryDocOf(schemas: SchemaRegistry, id: string): Record<string, QueryParamDoc> {
  const props = (schemas.validator(id).schema as { properties: Record<string, Record<string, unknown>> }).properties;
  return Object.fromEntries(Object.entries(props).map(([name, { description, ...schema }]) => [name, { description: description as string, schema }]));
}

/** The caller as the dossier room knows it; an API client is refused (403). */
export function dossierActor(u: Principal): Actor {
  // An API client's 'worker' role works jobs only and reaches no dossier (accounts/roles.ts).
  if (u.role === 'worker') throw new Forbidden("vai trò 'worker' không được thao tác trên hồ sơ (role 'worker' may not act on dossiers)");
  return { username: u.username, role: u.role, agencyCode: u.agencyCode };
}

function codeOf(req: Request): string {
  const v = req.params.code;
  if (typeof v !== 'string' || !CODE.test(v)) {
    throw new Invalid(`mã hồ sơ không hợp lệ (not a dossier code: ${JSON.stringify(v)})`, [
      {
        parameter: 'code',
        value: v,
        message: 'must be a dossier code',
        ...problem('/code', 'phải là một mã hồ sơ', 'must be a dossier code'),
      },
    ]);
  }
  return v;
}

/**
 * A lookup with code + secret: a wrong secret and an unknown code are one 404 (dossiers/lookup.ts);
 * too many failures from the address or for the code a 429, told when to retry (`Retry-After`).
 */
async function throttled<T>(res: Response, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    const wait = e instanceof TooManyRequests ? (e.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : undefined;
    if (wait) res.setHeader('Retry-After', String(wait));
    throw e;
  }
}

/** `Idempotency-Key`: 1–200 visible ASCII characters (a UUID, say); a 400 names the header otherwise. */
function idempotencyKey(req: Request): string | undefined {
  const v = header(req, 'idempotency-key');
  if (v === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(v)) {
    throw new Invalid('Idempotency-Key phải có 1–200 ký tự ASCII nhìn thấy được (the Idempotency-Key header must be 1-200 visible ASCII characters)', [
      { parameter: 'Idempotency-Key', ...problem('/Idempotency-Key', 'phải có 1–200 ký tự ASCII nhìn thấy được', 'must be 1-200 visible ASCII characters') },
    ]);
  }
  return v;
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v ? v : undefined;
}

/** A dossier as the API shows it: everything but the secret's hash. */
function summary(d: DossierRow): Omit<DossierRow, 'lookupSecretHash'> {
  const { lookupSecretHash: _hidden, ...rest } = d;
  return rest;
}

function sendHtml(res: Response, doc: FormDoc, status = 200): void {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(renderHtml(doc));
}
