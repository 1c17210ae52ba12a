/**
 * The administrator's routes over the accounts room (src/accounts), every change audited there:
 *
 *   GET   /api/users                         staff accounts
 *   POST  /api/users                         create one (201)
 *   PATCH /api/users/{username}              change name, role, agency, active (role, agency or
 *                                            active: the user's sessions end at once)
 *   POST  /api/users/{username}/password     reset the password (204; the sessions end)
 *   GET   /api/agencies, POST /api/agencies, PATCH /api/agencies/{code}   the agency registry
 *   GET   /api/clients                       API clients (never their secrets)
 *   POST  /api/clients                       create one (201): the answer holds its secret, once
 *   POST  /api/clients/{clientId}/deactivation   its tokens stop working at once
 *   POST  /api/clients/{clientId}/secret     a new secret, shown once; the old one and its tokens end
 *
 * Admins only. An administrator cannot deactivate or demote their own account here (another
 * administrator must), so the last one cannot lock everybody out by a slip.
 */
import { Router, type Request } from 'express';
import {
  createAgency,
  createClient,
  createUser,
  deactivateClient,
  listAgencies,
  listClients,
  listUsers,
  resetPassword,
  rotateSecret,
  updateAgency,
  updateUser,
  type AccountsContext,
  type Actor,
  type AgencyChange,
  type NewAgency,
  type NewClient,
  type NewUser,
  type UserChange,
} from '../accounts/index.js';
import { Conflict, Invalid } from '../errors.js';
import { pointer, problem } from '../schemas.js';
import { requireRole } from './auth.js';
import { describeRoute } from './routes.js';
import { schemaId, validBody, type SchemaRegistry } from './validate.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

function pathName(req: Request, name: string): string {
  const v = req.params[name];
  if (typeof v !== 'string' || !NAME.test(v)) {
    throw new Invalid(`${name} must be lower-case letters, digits, '.', '_' or '-', not ${JSON.stringify(v)}`, [
      {
        parameter: name,
        value: v,
        ...problem(pointer(name), "chỉ gồm chữ thường, chữ số, '.', '_' hoặc '-'", "only lower-case letters, digits, '.', '_' or '-'"),
      },
    ]);
  }
  return v;
}

const actorOf = (req: Request): Actor => ({ actor: req.user!.username, role: req.user!.role, agency: req.user!.agencyCode });

export function accountsRouter(deps: { accounts: AccountsContext; schemas: SchemaRegistry }): Router {
  const router = Router();
  const ctx = deps.accounts;
  const admin = requireRole('admin');
  const body = (name: string) => validBody(deps.schemas, schemaId(`api/${name}.json`));

  router.get('/users', admin, describeRoute({ summary: 'Danh sách người dùng (staff accounts)' }), async (_req, res) => {
    res.json({ items: await listUsers(ctx.db) });
  });
  router.post('/users', admin, describeRoute({ summary: 'Tạo người dùng (create a staff account)' }), body('account-user-create'), async (req, res) => {
    res.status(201).json(await createUser(ctx, actorOf(req), req.body as NewUser));
  });
  router.patch(
    '/users/:username',
    admin,
    describeRoute({ summary: 'Sửa người dùng: vai trò, cơ quan, khoá (change a staff account; role, agency or active end its sessions)' }),
    body('account-user-update'),
    async (req, res) => {
      const username = pathName(req, 'username');
      const change = req.body as UserChange;
      if (username === req.user!.username && (change.active === false || (change.role && change.role !== 'admin'))) {
        throw new Conflict('không tự khoá hay tự hạ quyền tài khoản của mình (an administrator cannot deactivate or demote their own account)');
      }
      res.json(await updateUser(ctx, actorOf(req), username, change));
    },
  );
  router.post(
    '/users/:username/password',
    admin,
    describeRoute({ summary: 'Đặt lại mật khẩu (reset a password; the sessions of the user end)' }),
    body('account-password'),
    async (req, res) => {
      await resetPassword(ctx, actorOf(req), pathName(req, 'username'), (req.body as { password: string }).password);
      res.status(204).end();
    },
  );

  router.get('/agencies', admin, describeRoute({ summary: 'Danh sách cơ quan (the agency registry)' }), async (_req, res) => {
    res.json({ items: await listAgencies(ctx.db) });
  });
  router.post('/agencies', admin, describeRoute({ summary: 'Thêm cơ quan (add an agency)' }), body('account-agency-create'), async (req, res) => {
    res.status(201).json(await createAgency(ctx, actorOf(req), req.body as NewAgency));
  });
  router.patch('/agencies/:code', admin, describeRoute({ summary: 'Sửa cơ quan (change an agency)' }), body('account-agency-update'), async (req, res) => {
    res.json(await updateAgency(ctx, actorOf(req), pathName(req, 'code'), req.body as AgencyChange));
  });

  router.get('/clients', admin, describeRoute({ summary: 'Danh sách ứng dụng (API clients, without secrets)' }), async (_req, res) => {
    res.json({ items: await listClients(ctx.db) });
  });
  router.post(
    '/clients',
    admin,
    describeRoute({ summary: 'Tạo ứng dụng: mật khẩu ứng dụng chỉ hiện một lần (create an API client; its secret is shown once)' }),
    body('account-client-create'),
    async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.status(201).json(await createClient(ctx, actorOf(req), req.body as NewClient));
    },
  );
  router.post(
    '/clients/:clientId/deactivation',
    admin,
    describeRoute({ summary: 'Khoá ứng dụng (deactivate an API client: its tokens stop working)' }),
    async (req, res) => {
      res.json(await deactivateClient(ctx, actorOf(req), pathName(req, 'clientId')));
    },
  );
  router.post(
    '/clients/:clientId/secret',
    admin,
    describeRoute({ summary: 'Đổi mật khẩu ứng dụng, hiện một lần (rotate an API client secret, shown once)' }),
    async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json(await rotateSecret(ctx, actorOf(req), pathName(req, 'clientId')));
    },
  );
  return router;
}
