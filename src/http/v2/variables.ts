/**
 * POST /v2/variables/search — Camunda's search of variables: each variable's current value, per
 * scope (the process instance, or an element instance that holds a local one). Built on the
 * engine's history of changes (`searchVariableChanges`): the latest change of each name in each
 * scope is its value. What the Zeebe adapter's trace reads on a cluster, and what Camunda's own
 * clients call.
 *
 * A `value` filter takes the current value, as Camunda's does: a variable that once held the value
 * and holds another now is not found. The history is asked for the changes that set such a value,
 * then for the whole history of those scopes, and a variable is found when its latest change is one
 * of the first.
 */
import { Router } from 'express';
import type { KeyFilter, SearchQuery, SortOrder, StringFilter, VariableChangeItem, VariableItem } from '../../engine/queries.js';
import { requireRole } from '../auth.js';
import { schemaId, validBody } from '../validate.js';
import { searchPage, type V2Context } from './context.js';

interface Filter {
  processInstanceKey?: KeyFilter;
  scopeKey?: KeyFilter;
  name?: StringFilter;
  value?: StringFilter;
}

interface VariableSearch {
  filter?: Filter;
  page?: { from?: number; limit?: number };
  sort?: { field: 'name'; order?: SortOrder }[];
}

const BATCH = 10_000;
/** Scopes asked for at once in a `$in`. */
const SCOPES = 500;

export function variablesRouter(ctx: V2Context): Router {
  const router = Router();
  router.post('/variables/search', requireRole('admin', 'auditor'), validBody(ctx.schemas, schemaId('v2/variable-search.json')), async (req, res) => {
    const q = req.body as VariableSearch;
    const { value, ...rest } = q.filter ?? {};
    const current = value === undefined ? latest(await history(ctx, rest)) : await holding(ctx, rest, value);
    const desc = q.sort?.[0]?.order === 'DESC';
    const all: VariableItem[] = current
      .map((c) => ({
        variableKey: `${c.scopeKey}-${c.name}`,
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

/** Every change the filter takes, oldest first. */
async function history(ctx: V2Context, filter: Filter): Promise<VariableChangeItem[]> {
  const out: VariableChangeItem[] = [];
  for (let from = 0; ; from += BATCH) {
    const changes = await ctx.queries.searchVariableChanges({
      filter,
      sort: [{ field: 'position', order: 'ASC' }],
      page: { from, limit: BATCH },
    } satisfies SearchQuery<object, 'position'>);
    out.push(...changes.items);
    if (changes.items.length < BATCH) return out;
  }
}

/** The latest change of each name in each scope: the variables' values now. */
function latest(changes: VariableChangeItem[]): VariableChangeItem[] {
  const byVariable = new Map<string, VariableChangeItem>();
  for (const c of changes) byVariable.set(`${c.scopeKey}-${c.name}`, c);
  return [...byVariable.values()];
}

/** The variables the filter takes whose value now is one `value` takes. */
async function holding(ctx: V2Context, filter: Filter, value: StringFilter): Promise<VariableChangeItem[]> {
  const hits = await history(ctx, { ...filter, value });
  const setByHit = new Set(hits.map((c) => c.position));
  const scopes = [...new Set(hits.map((c) => c.scopeKey))];
  const out: VariableChangeItem[] = [];
  for (let i = 0; i < scopes.length; i += SCOPES) {
    // The hits' scopes already meet the filter's own scopeKey, so the $in replaces it.
    const now = latest(await history(ctx, { ...filter, scopeKey: { $in: scopes.slice(i, i + SCOPES) } }));
    out.push(...now.filter((c) => setByHit.has(c.position)));
  }
  return out;
}
