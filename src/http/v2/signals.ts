/** /v2/signals/broadcast: every wait for the signal fires, every process that starts by it starts. */
import { Router } from 'express';
import { requireRole } from '../auth.js';
import { schemaId, validBody } from '../validate.js';
import { TENANT, type V2Context } from './context.js';

interface SignalBody {
  signalName: string;
  variables?: Record<string, unknown> | null;
}

export function signalsRouter(ctx: V2Context): Router {
  const router = Router();
  router.post('/signals/broadcast', requireRole('designer', 'admin'), validBody(ctx.schemas, schemaId('v2/signal-broadcast.json')), async (req, res) => {
    const b = req.body as SignalBody;
    const { signalKey } = await ctx.engine.broadcastSignal({ signalName: b.signalName, variables: b.variables ?? undefined });
    res.json({ tenantId: TENANT, signalKey });
  });
  return router;
}
