/**
 * /v2/forms: the deployed Camunda forms (`.form` resources, form-js JSON), for the designer's
 * form editor — the latest version of every form id, one form's latest version by its id, and
 * (as Camunda 8) one version by its key. Forms are deployed through POST /v2/deployments.
 */
import { Router } from 'express';
import { NotFound } from '../../errors.js';
import { requireRole } from '../auth.js';
import { pathKey } from '../params.js';
import { describeRoute } from '../routes.js';
import { searchPage, type V2Context } from './context.js';

export function formsRouter(ctx: V2Context): Router {
  const router = Router();
  const readers = requireRole('designer', 'admin');

  router.get(
    '/forms',
    readers,
    describeRoute({
      summary: 'Danh sách biểu mẫu đã triển khai (the latest version of every deployed form id, without schemas)',
      description: 'Not in Camunda 8: one item per form id, its highest version, sorted by form id.',
    }),
    async (_req, res) => {
      const items = await ctx.queries.listLatestForms();
      res.json(searchPage(items, items.length));
    },
  );

  router.get(
    '/forms/by-id/:formId',
    readers,
    describeRoute({
      summary: 'Phiên bản mới nhất của một biểu mẫu theo mã (the latest version of a form id, with its form-js schema as a string)',
      description: 'Not in Camunda 8: the form linked by `zeebe:formDefinition formId`, as a task created now would get it.',
    }),
    async (req, res) => {
      const formId = String(req.params.formId);
      const form = await ctx.queries.getForm({ formId });
      if (!form) throw new NotFound(`không có biểu mẫu '${formId}' (no form '${formId}')`);
      res.json(form);
    },
  );

  router.get(
    '/forms/:formKey',
    readers,
    describeRoute({ summary: 'Một phiên bản biểu mẫu theo khoá (one deployed form version by its key, as Camunda 8)' }),
    async (req, res) => {
      const formKey = pathKey(req, 'formKey');
      const form = await ctx.queries.getForm({ formKey });
      if (!form) throw new NotFound(`không có biểu mẫu có khoá ${formKey} (no form ${formKey})`);
      res.json(form);
    },
  );
  return router;
}
