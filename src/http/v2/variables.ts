/**
 * POST /v2/variables/search — Camunda's search of variables: each variable's current value, per
 * scope (the process instance, or an element instance that holds a local one). Built on the
 * engine's history of changes (`searchVariableChanges`): the latest change of each name in each
 * scope is its value. What the Zeebe adapter's trace reads on a cluster, and what Camunda's own
 * clients call.
 */
import { Router } from 'express';
import type { KeyFilter, SearchQuery, SortOrder, StringFilter, VariableChangeItem, VariableItem } from '../../engine/queries.js';
import { requireRole } from '../auth.js';
import { schemaId, validBody } from '../validate.js';
import { searchPage, type V2Context } from './context.js';

interface VariableSearch {
  filter?: { processInstanceKey?: KeyFilter; scopeKey?: KeyFilter; name?: StringFilter };
  page?: { from?: number; limit?: number };
  sort?: { field: 'name'; order?: SortOrder }[];
}

const BATCH = 10_000;

export function variablesRouter(ctx: V2Context): Router {
  const router = Router();
  router.post('/variables/search', requireRole('admin', 'auditor'), validBody(ctx.schemas, schemaId('v2/variable-search.json')), async (req, res) => {
    const q = req.body as VariableSearch;
    const latest = new Map<string, VariableChangeItem>();
    for (let from = 0; ; from += BATCH) {
      const changes = await ctx.queries.searchVariableChanges({
        filter: q.filter ?? {},
        sort: [{ field: 'position', order: 'ASC' }],
        page: { from, limit: BATCH },
      } satisfies SearchQuery<object, 'position'>);
      for (const c of changes.items) latest.set(`${c.scopeKey}-${c.name}`, c);
      if (changes.items.length < BATCH) break;
    }
    const desc = q.sort?.[0]?.order === 'DESC';
    const all: VariableItem[] = [...latest.entries()]
      .map(([variableKey, c]) => ({
        variableKey,
        name: c.name,
        value: c.value,
        isTruncated: false,
        processInstanceKey: c.processInstanceKey,
        scopeKey: c.scopeKey,
        tenantId: c.tenantId,
      }))
      .sort((a, b) => (desc ? -1 : 1) * a.name.localeCompare(b.name) || a.scopeKey.localeCompare(b.scopeKey));
    const from = q.page?.from ?? 0;
    res.json(searchPage(all.slice(from, from + (q.page?.limit ?? 100)), all.length));
  });
  return router;
}
