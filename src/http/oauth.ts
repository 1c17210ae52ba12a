/**
 * POST /oauth/token — OAuth 2 client credentials (RFC 6749 §4.4), as Camunda's clients send it
 * (`@camunda8/sdk`'s OAuthProvider, zbctl's `--authzUrl`): a form-encoded body with
 * `grant_type=client_credentials`, `client_id`, `client_secret` and, optionally, `audience` (and
 * `scope`), or the id and secret in an `Authorization: Basic` header (§2.3.1). The answer is
 * `{ access_token, token_type: "Bearer", expires_in }`: the API's signed token for the API
 * client, carrying its roles, job types and token version; `/v2` and the gRPC gateway take it.
 *
 * Errors have RFC 6749's shape `{ error, error_description }` (§5.2): 400 `invalid_request`
 * (missing, repeated or malformed parameters, the wrong media type), 400
 * `unsupported_grant_type`, 401 `invalid_client` (unknown client, wrong secret, deactivated —
 * one answer for the three, costing the same time), 429 `invalid_client` with Retry-After after
 * too many failures (the login throttle, per client id and per address). The audience is accepted whatever it names:
 * the token is good for this service alone. Every issue and refusal is audited, never the secret.
 */
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { appendAudit } from '../audit/index.js';
import { authenticateClient, type AccountsDb, type LoginThrottle } from '../accounts/index.js';
import { maskPersonalData } from '../security/personal-data.js';
import { publicRoute, type TokenService } from './auth.js';
import { describeRoute } from './routes.js';
import { clientIp } from './login.js';

export interface OAuthDeps {
  db: AccountsDb;
  tokens: TokenService;
  throttle: LoginThrottle;
  now: () => number;
}

const PARAMS = new Set(['grant_type', 'client_id', 'client_secret', 'audience', 'scope']);

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

export function oauthRouter(deps: OAuthDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  router.post(
    '/oauth/token',
    publicRoute({ signIn: true }),
    describeRoute({
      summary: 'Cấp mã truy cập cho ứng dụng (OAuth 2 client credentials: form-encoded grant_type, client_id, client_secret, optional audience → access_token)',
    }),
    form,
    async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
      let clientId: string | undefined;
      try {
        const p = params(req);
        clientId = p.clientId;
        const ip = clientIp(req);
        const wait = await deps.throttle.retryAfterSeconds({ clientId: p.clientId }, ip);
        if (wait > 0) {
          res.setHeader('Retry-After', String(wait));
          throw new OAuthError(429, 'invalid_client', `quá nhiều lần sai, thử lại sau ${wait} giây (too many failed attempts; retry after ${wait} s)`);
        }
        const client = await authenticateClient(deps.db, p.clientId, p.secret);
        if (!client) {
          await deps.throttle.failed({ clientId: p.clientId }, ip);
          if (req.headers.authorization) res.setHeader('WWW-Authenticate', 'Basic realm="lienthong"');
          throw new OAuthError(
            401,
            'invalid_client',
            'sai mã ứng dụng hoặc mật khẩu ứng dụng, hoặc ứng dụng đã bị khoá (unknown client, wrong secret or deactivated client)',
          );
        }
        await deps.throttle.succeeded({ clientId: p.clientId });
        const principal = {
          username: `client:${client.clientId}`,
          role: client.roles[0],
          roles: client.roles,
          agencyCode: null,
          clientId: client.clientId,
          jobTypes: client.jobTypes,
        };
        const { token, expiresAt } = await deps.tokens.issue(principal, client.tokenVersion);
        await audit(deps, req, `client:${client.clientId}`, client.roles[0], 'auth.client_token', { audience: p.audience ?? null });
        res.json({
          access_token: token,
          token_type: 'Bearer',
          expires_in: Math.max(0, Math.round((expiresAt.getTime() - deps.now()) / 1000)),
        });
      } catch (e) {
        if (!(e instanceof OAuthError)) throw e;
        await audit(deps, req, clientId ? `client:${clientId}` : 'anonymous', 'anonymous', 'auth.client_token_refused', { error: e.error, status: e.status });
        sendError(res, e);
      }
    },
  );
  // A body the form parser refuses (too large, malformed, bad charset) is an OAuth error too.
  router.use('/oauth/token', ((err, _req, res, next) => {
    const type = (err as { type?: unknown } | null)?.type;
    if (typeof type !== 'string') {
      next(err);
      return;
    }
    sendError(res, new OAuthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded, at most 16 kB'));
  }) as ErrorRequestHandler);
  return router;
}

function params(req: Request): { clientId: string; secret: string; audience?: string } {
  if (!req.is('application/x-www-form-urlencoded')) {
    throw new OAuthError(400, 'invalid_request', 'yêu cầu phải là application/x-www-form-urlencoded (the body must be application/x-www-form-urlencoded)');
  }
  if (Object.keys(req.query).some((k) => k === 'client_secret')) {
    throw new OAuthError(400, 'invalid_request', 'client_secret must not be sent in the URL');
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  const one = (name: string): string | undefined => {
    const v = body[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new OAuthError(400, 'invalid_request', `tham số '${name}' chỉ được gửi một lần (parameter '${name}' must be sent once)`);
    if (v.length > 512) throw new OAuthError(400, 'invalid_request', `tham số '${name}' quá dài (parameter '${name}' is too long)`);
    return v;
  };
  // Unrecognised parameters are ignored (RFC 6749 §3.2); the known ones must come once.
  for (const k of Object.keys(body)) if (PARAMS.has(k)) one(k);
  const grant = one('grant_type');
  if (!grant) throw new OAuthError(400, 'invalid_request', "thiếu tham số 'grant_type' (missing parameter 'grant_type')");
  if (grant !== 'client_credentials') {
    throw new OAuthError(400, 'unsupported_grant_type', `chỉ hỗ trợ grant_type=client_credentials (unsupported grant_type '${grant.slice(0, 40)}')`);
  }
  let clientId = one('client_id');
  let secret = one('client_secret');
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    if (clientId !== undefined && secret !== undefined)
      throw new OAuthError(400, 'invalid_request', 'send the client credentials once: in the Basic header or in the body');
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError(400, 'invalid_request', 'the Basic header must carry client_id:client_secret');
    try {
      clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      throw new OAuthError(400, 'invalid_request', 'the Basic header is not form-encoded client_id:client_secret');
    }
  }
  if (!clientId) throw new OAuthError(400, 'invalid_request', "thiếu tham số 'client_id' (missing parameter 'client_id')");
  if (!secret) throw new OAuthError(400, 'invalid_request', "thiếu tham số 'client_secret' (missing parameter 'client_secret')");
  return { clientId, secret, audience: one('audience') };
}

function sendError(res: Response, e: OAuthError): void {
  res.setHeader('Cache-Control', 'no-store');
  res.status(e.status).json({ error: e.error, error_description: maskPersonalData(e.message) });
}

async function audit(deps: OAuthDeps, req: Request, actor: string, role: string, action: string, payload: Record<string, unknown>): Promise<void> {
  await deps.db.tx((q) =>
    appendAudit(q, { actor, role, agency: null, action, payload: { ...payload, ip: clientIp(req), requestId: req.id }, at: new Date(deps.now()) }),
  );
}
