/** /v2/process-instances: create, read, cancel, search, and the flows an instance took. */
import { Router } from 'express';
import type { ProcessInstanceFilter, ProcessInstanceSortField, SearchQuery } from '../../engine/queries.js';
import { requireRole } from '../auth.js';
import { pathKey } from '../params.js';
import { schemaId, validBody } from '../validate.js';
import { TENANT, type V2Context, searchPage } from './context.js';

interface CreateBody {
  processDefinitionId?: string;
  processDefinitionVersion?: number;
  processDefinitionKey?: string;
  variables?: Record<string, unknown>;
}

export function processInstancesRouter(ctx: V2Context): Router {
  const router = Router();
  const body = (name: string) => validBody(ctx.schemas, schemaId(`v2/${name}.json`));

  router.post('/process-instances', requireRole('admin'), body('process-instance-create'), async (req, res) => {
    const b = req.body as CreateBody;
    const created = await ctx.engine.createProcessInstance({
      bpmnProcessId: b.processDefinitionId,
      version: b.processDefinitionVersion,
      processDefinitionKey: b.processDefinitionKey,
      variables: b.variables,
    });
    res.json({
      processDefinitionId: created.bpmnProcessId,
      processDefinitionVersion: created.version,
      processDefinitionKey: created.processDefinitionKey,
      processInstanceKey: created.processInstanceKey,
      // Camunda returns the variables only when it awaits completion, which is not supported.
      variables: {},
      tenantId: TENANT,
    });
  });

  router.post('/process-instances/search', requireRole('admin', 'auditor'), body('process-instance-search'), async (req, res) => {
    const r = await ctx.queries.searchProcessInstances(req.body as SearchQuery<ProcessInstanceFilter, ProcessInstanceSortField>);
    res.json(searchPage(r.items, r.totalItems));
  });

  router.get('/process-instances/:processInstanceKey', requireRole('admin', 'auditor'), async (req, res) => {
    res.json(await ctx.queries.getProcessInstance(pathKey(req, 'processInstanceKey')));
  });

  router.get('/process-instances/:processInstanceKey/sequence-flows', requireRole('admin', 'auditor'), async (req, res) => {
    res.json({ items: await ctx.queries.getSequenceFlows(pathKey(req, 'processInstanceKey')) });
  });

  router.get('/process-instances/:processInstanceKey/statistics/element-instances', requireRole('admin', 'auditor'), async (req, res) => {
    res.json({ items: await ctx.queries.getElementInstanceStatistics(pathKey(req, 'processInstanceKey')) });
  });

  router.post('/process-instances/:processInstanceKey/cancellation', requireRole('admin'), body('process-instance-cancellation'), async (req, res) => {
    await ctx.engine.cancelProcessInstance(pathKey(req, 'processInstanceKey'));
    res.status(204).end();
  });
  return router;
}
