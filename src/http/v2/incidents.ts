/** /v2/incidents: search, read, resolve. */
import { Router } from 'express';
import type { IncidentFilter, IncidentSortField, SearchQuery } from '../../engine/queries.js';
import { requireRole } from '../auth.js';
import { pathKey } from '../params.js';
import { schemaId, validBody } from '../validate.js';
import { searchPage, type V2Context } from './context.js';

export function incidentsRouter(ctx: V2Context): Router {
  const router = Router();
  const body = (name: string) => validBody(ctx.schemas, schemaId(`v2/${name}.json`));

  router.post('/incidents/search', requireRole('admin', 'auditor'), body('incident-search'), async (req, res) => {
    const r = await ctx.queries.searchIncidents(req.body as SearchQuery<IncidentFilter, IncidentSortField>);
    res.json(searchPage(r.items, r.totalItems));
  });

  router.get('/incidents/:incidentKey', requireRole('admin', 'auditor'), async (req, res) => {
    res.json(await ctx.queries.getIncident(pathKey(req, 'incidentKey')));
  });

  router.post('/incidents/:incidentKey/resolution', requireRole('admin'), body('incident-resolution'), async (req, res) => {
    await ctx.engine.resolveIncident(pathKey(req, 'incidentKey'));
    res.status(204).end();
  });
  return router;
}
