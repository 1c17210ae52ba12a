/**
 * Process instances that run for a dossier but are not its own: reconcile (sync.ts) cancels them.
 *
 * Two ways one arises. A receipt cut off between the engine and T2 is recovered by starting its
 * process again when recovery finds no instance to adopt (receipt-steps.ts); should the first
 * surface later, it is a second instance of the dossier. And an engine that timed out on
 * CreateProcessInstance may have created the instance all the same: the receipt was undone (its
 * journal says 'failed', the dossier row is gone), and the instance is an orphan.
 *
 * Two ways to find one. The inbox: an open task of an instance its dossier does not name. The
 * engine: a live root instance of a catalog process, started within the pass's look-back (an hour
 * for the background loop's recent passes, a day for its full ones: sync.ts), that no dossier
 * names — its `dossierCode` variable says whose it is, and it is a stray when that dossier names
 * another instance, an orphan when that receipt failed. An instance whose dossier names none yet
 * is a receipt still being linked (recovery adopts it) and is left alone. The look-back bounds a
 * pass to the receipts of that time (a stray arises within minutes of its receipt); an older one
 * is still found through the inbox.
 */
import { openTaskInstances } from '../tasks/index.js';
import { eachCatalogRootPage, type DossierDeps } from './context.js';
import { dossierInstances, failedIntakes } from './store.js';

export interface Stray {
  key: string;
  code: string;
}

/** Every live-looking stray or orphan instance found now; the caller checks each is still active before cancelling. */
export async function strayInstances(deps: DossierDeps, startedWithinMs: number): Promise<Stray[]> {
  const byKey = new Map<string, Stray>();
  for (const s of [...(await fromInbox(deps)), ...(await fromEngine(deps, startedWithinMs))]) byKey.set(s.key, s);
  return [...byKey.values()];
}

async function fromInbox(deps: DossierDeps): Promise<Stray[]> {
  const withTasks = await openTaskInstances(deps.db);
  const own = await ownKeys(
    deps,
    withTasks.map((t) => t.dossierCode),
  );
  return withTasks
    .filter((t) => {
      const key = own.get(t.dossierCode);
      return key != null && key !== t.processInstanceKey;
    })
    .map((t) => ({ key: t.processInstanceKey, code: t.dossierCode }));
}

async function fromEngine(deps: DossierDeps, startedWithinMs: number): Promise<Stray[]> {
  const since = new Date(deps.clock.now() - startedWithinMs).toISOString();
  const out: Stray[] = [];
  await eachCatalogRootPage(deps, { state: 'ACTIVE', startDate: { $gte: since } }, async (items) => {
    out.push(
      ...(await unnamed(
        deps,
        items.map((pi) => pi.processInstanceKey),
      )),
    );
  });
  return out;
}

/** Of these instances, those no dossier names whose dossier names another, or whose receipt failed. */
async function unnamed(deps: DossierDeps, keys: string[]): Promise<Stray[]> {
  if (!keys.length) return [];
  const named = new Set((await dossierInstances(deps.db, `d.process_instance_key = any($1::bigint[])`, [keys])).map((d) => d.processInstanceKey));
  const rest = keys.filter((k) => !named.has(k));
  if (!rest.length) return [];
  const { items } = await deps.queries!.searchVariableChanges({
    filter: { processInstanceKey: { $in: rest }, name: 'dossierCode' },
    page: { limit: rest.length * 4 },
  });
  const codeOf = new Map<string, string>();
  for (const v of items) {
    if (v.scopeKey !== v.processInstanceKey) continue; // a local variable of that name is not the instance's
    const code: unknown = JSON.parse(v.value);
    if (typeof code === 'string') codeOf.set(v.processInstanceKey, code);
  }
  const codes = [...new Set(codeOf.values())];
  const own = await ownKeys(deps, codes);
  const failed = await failedIntakes(deps.db, codes);
  return [...codeOf.entries()]
    .filter(([key, code]) => {
      const mine = own.get(code);
      return mine !== undefined ? mine !== null && mine !== key : failed.has(code);
    })
    .map(([key, code]) => ({ key, code }));
}

/** Each dossier's own instance key (null while its receipt is being linked); a code with no dossier is absent. */
async function ownKeys(deps: DossierDeps, codes: string[]): Promise<Map<string, string | null>> {
  if (!codes.length) return new Map();
  const rows = await dossierInstances(deps.db, `d.code = any($1::text[])`, [[...new Set(codes)]]);
  return new Map(rows.map((d) => [d.code, d.processInstanceKey]));
}
