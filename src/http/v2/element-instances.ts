/** /v2/element-instances: each activation of a flow element (Operate's flow node instances), with its BPMN name. */
import { Router } from 'express';
import type { ElementInstanceFilter, ElementInstanceSortField, SearchQuery } from '../../engine/queries.js';
import { requireRole } from '../auth.js';
import { schemaId, validBody } from '../validate.js';
import { searchPage, type V2Context } from './context.js';

export function elementInstancesRouter(ctx: V2Context): Router {
  const router = Router();
  router.post(
    '/element-instances/search',
    requireRole('admin', 'auditor'),
    validBody(ctx.schemas, schemaId('v2/element-instance-search.json')),
    async (req, res) => {
      const r = await ctx.queries.searchElementInstances(req.body as SearchQuery<ElementInstanceFilter, ElementInstanceSortField>);
      res.json(searchPage(r.items, r.totalItems));
    },
  );
  return router;
}
