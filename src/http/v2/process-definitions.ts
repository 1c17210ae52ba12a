/** /v2/process-definitions: search, read, and the deployed BPMN XML. */
import { Router } from 'express';
import type { ProcessDefinitionFilter, ProcessDefinitionSortField, SearchQuery } from '../../engine/queries.js';
import { requireRole } from '../auth.js';
import { pathKey } from '../params.js';
import { schemaId, validBody } from '../validate.js';
import { searchPage, type V2Context } from './context.js';

export function processDefinitionsRouter(ctx: V2Context): Router {
  const router = Router();
  const readers = requireRole('designer', 'admin', 'auditor');

  router.post('/process-definitions/search', readers, validBody(ctx.schemas, schemaId('v2/process-definition-search.json')), async (req, res) => {
    const r = await ctx.queries.searchProcessDefinitions(req.body as SearchQuery<ProcessDefinitionFilter, ProcessDefinitionSortField>);
    res.json(searchPage(r.items, r.totalItems));
  });

  router.get('/process-definitions/:processDefinitionKey', readers, async (req, res) => {
    res.json(await ctx.queries.getProcessDefinition(pathKey(req, 'processDefinitionKey')));
  });

  router.get('/process-definitions/:processDefinitionKey/xml', readers, async (req, res) => {
    const xml = await ctx.queries.getProcessDefinitionXml(pathKey(req, 'processDefinitionKey'));
    res.type('text/xml').send(xml);
  });
  return router;
}
