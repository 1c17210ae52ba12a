/** /v2/messages: publish (buffered for its time to live) and correlate (now or 404). */
import { Router } from 'express';
import { requireRole } from '../auth.js';
import { schemaId, validBody } from '../validate.js';
import { TENANT, type V2Context } from './context.js';

interface MessageBody {
  name: string;
  correlationKey?: string;
  timeToLive?: number;
  messageId?: string;
  variables?: Record<string, unknown> | null;
}

export function messagesRouter(ctx: V2Context): Router {
  const router = Router();
  const body = (name: string) => validBody(ctx.schemas, schemaId(`v2/${name}.json`));

  router.post('/messages/publication', requireRole('designer', 'admin'), body('message-publication'), async (req, res) => {
    const b = req.body as MessageBody;
    const { key } = await ctx.engine.publishMessage({
      name: b.name,
      correlationKey: b.correlationKey ?? '',
      timeToLive: b.timeToLive ?? 0,
      messageId: b.messageId,
      variables: b.variables ?? undefined,
    });
    res.json({ tenantId: TENANT, messageKey: key });
  });

  router.post('/messages/correlation', requireRole('designer', 'admin'), body('message-correlation'), async (req, res) => {
    const b = req.body as MessageBody;
    const r = await ctx.engine.correlateMessage({
      name: b.name,
      correlationKey: b.correlationKey ?? '',
      variables: b.variables ?? undefined,
    });
    res.json({ tenantId: TENANT, messageKey: r.messageKey, processInstanceKey: r.processInstanceKey });
  });
  return router;
}
