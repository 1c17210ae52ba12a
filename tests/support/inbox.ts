/** Waiting for the inbox worker: the open task of a dossier at an element, as one person's inbox lists it. */
import { waitFor } from './engine.js';

/**
 * Resolves with the task once `GET /api/tasks?state=open&dossierCode=…` (asked through `get`, as
 * `who`) lists it at `elementId` — the inbox worker writes it on its own, after the engine.
 */
export async function openInboxTask(get: (path: string) => Promise<{ body: any }>, who: string, code: string, elementId: string): Promise<any> {
  let task: any;
  await waitFor(
    `${elementId} of ${code} in the inbox of ${who}`,
    async () => {
      const r = await get(`/api/tasks?state=open&dossierCode=${encodeURIComponent(code)}`);
      task = r.body.items?.find((x: any) => x.elementId === elementId);
      return !!task;
    },
    20_000,
  );
  return task;
}
