/**
 * The citizen's page talks to the public API with its own small fetch: it has no session, so a
 * 401 must not send anyone to /login (shared/api.ts does), and the lookup secret travels in the
 * `X-Lookup-Secret` header, never in the URL (nor in the browser's history or the server's logs).
 */
import type { DossierStatus, PublicStatus, PublicStep } from '../../dossiers/api-types';

/** The public status of a dossier and its steps, and the statuses (dossiers/api-types.ts). */
export type { DossierStatus, PublicStatus, PublicStep };

export interface SuppliedDocument {
  name: string;
  fileName?: string;
  note?: string;
}

/** What went wrong, as the page tells it: `kind` picks the message, `retryAfter` (s) for a 429. */
export class LookupError extends Error {
  constructor(
    readonly kind: 'notFound' | 'throttled' | 'invalid' | 'conflict' | 'failed',
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

const HEADERS = { Accept: 'application/json', 'X-Requested-With': 'lienthong' };

export async function lookUp(code: string, secret: string): Promise<PublicStatus> {
  const res = await fetch(`/api/dossiers/${encodeURIComponent(code)}`, {
    headers: { ...HEADERS, 'X-Lookup-Secret': secret },
    credentials: 'same-origin',
    cache: 'no-store',
  });
  return answer<PublicStatus>(res);
}

export async function sendSupplement(code: string, secret: string, body: { documents: SuppliedDocument[]; note?: string }): Promise<void> {
  const res = await fetch(`/api/dossiers/${encodeURIComponent(code)}/supplements`, {
    method: 'POST',
    headers: { ...HEADERS, 'Content-Type': 'application/json', 'X-Lookup-Secret': secret },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  await answer<unknown>(res);
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let json: { message?: string } | undefined;
  try {
    json = text ? (JSON.parse(text) as { message?: string }) : undefined;
  } catch {
    json = undefined;
  }
  if (res.ok) return json as T;
  const message = json?.message ?? `HTTP ${res.status}`;
  if (res.status === 404 || res.status === 401) throw new LookupError('notFound', message);
  if (res.status === 429) {
    const after = Number(res.headers.get('Retry-After'));
    throw new LookupError('throttled', message, Number.isFinite(after) && after > 0 ? after : undefined);
  }
  if (res.status === 400) throw new LookupError('invalid', message);
  if (res.status === 409) throw new LookupError('conflict', message);
  throw new LookupError('failed', message);
}
