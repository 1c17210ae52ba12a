/**
 * PublishMessage and CorrelateMessage, Zeebe's message semantics: correlate to the open
 * subscriptions with this name and key (at most one per process id), start instances of
 * processes with a message start event, and buffer the message for its time to live so
 * subscriptions opened later can take it.
 */
import { Conflict, Invalid, NotFound } from '../../../errors.js';
import type { PublishMessageRequest } from '../../port.js';
import type { EngineCore } from '../core.js';
import { checkVariables } from '../state.js';
import * as msgs from '../sql/messages.js';

export async function publishMessage(core: EngineCore, req: PublishMessageRequest): Promise<{ key: string }> {
  const { key } = await publish(core, req);
  return { key };
}

/**
 * Correlates a message now (Zeebe's CorrelateMessage): like publish with no time to live, but
 * it is an error when nothing correlates. The publish command itself says which instance it
 * correlated to first; nothing is read afterwards.
 *
 * Measured (bench/message-correlation.ts --db postgres, PostgreSQL 15, 2 cores at load average
 * 8–10, one call at a time): this used to find the instance after publishing with
 * `select … from engine.events where value_type = 'MESSAGE' and intent = 'CORRELATED' and
 * payload->>'messageKey' = $1 order by position limit 1` — the newest event, reached by walking
 * the log (1,005,898 rows removed by the filter at 1,000,000 events; the review saw 299,989
 * and 44 ms at 300,000): correlateMessage p50 / p99 9.7 / 28 ms with 10,000 events, 435 / 604 ms with
 * 1,000,000. Returned by the command: 4.0 / 24 ms and 7.6 / 18 ms (3.2–7.8 ms p50 over three
 * runs at either size: the event log is not read), 8.6 → 7.4 statements per call.
 */
export async function correlateMessage(
  core: EngineCore,
  req: Omit<PublishMessageRequest, 'timeToLive' | 'messageId'>,
): Promise<{ messageKey: string; processInstanceKey: string }> {
  // Refused inside the command: a message nothing takes leaves no trace (no PUBLISHED record, no keys).
  const { key, processInstanceKey } = await publish(core, { ...req, timeToLive: 0 }, true);
  return { messageKey: key, processInstanceKey: processInstanceKey! };
}

/**
 * Publishes and says, from the same transaction, which process instance the message correlated
 * to first (a waiting instance, or one its message start event created) — the instance of the
 * first MESSAGE CORRELATED event this command writes.
 */
async function publish(core: EngineCore, req: PublishMessageRequest, mustCorrelate = false): Promise<{ key: string; processInstanceKey?: string }> {
  const variables = checkVariables(req.variables);
  if (typeof req.name !== 'string' || !req.name) throw new Invalid('name is required');
  if (req.correlationKey !== undefined && typeof req.correlationKey !== 'string') throw new Invalid('correlationKey must be a string');
  const ttl = req.timeToLive ?? 0;
  if (!Number.isFinite(ttl) || ttl < 0) throw new Invalid('timeToLive must be a non-negative number of milliseconds');
  const correlationKey = req.correlationKey ?? '';
  return core.command(async (c) => {
    const { q } = c;
    c.runtime.ctx.cause = { command: 'CORRELATE_MESSAGE', messageName: req.name };
    const now = core.clock.now();
    let first: string | undefined;
    // Before reading subscriptions or buffered ids: one publish or subscriber of this name and key at a time.
    await msgs.lockCorrelation(q, req.name, correlationKey);
    if (req.messageId && (await msgs.messageIdTaken(q, req.name, correlationKey, req.messageId, now))) {
      throw new Conflict(`a message named '${req.name}' with correlation key '${correlationKey}' and id '${req.messageId}' is already published and buffered`);
    }
    const messageKey = c.keys.next();
    const done = new Set<string>();
    // Once per process id: `done` within this command; a buffered message's row keeps it so for the
    // subscriptions opened later (and goes when the message expires). An unbuffered message is gone
    // with this command, so it leaves no row (they used to stay for good).
    const claim = (bpmnProcessId: string) => (ttl > 0 ? msgs.claimCorrelation(q, messageKey, bpmnProcessId) : Promise.resolve(true));
    for (const sub of await msgs.findSubscriptions(q, req.name, correlationKey)) {
      if (done.has(sub.bpmn_process_id)) continue;
      const inst = await core.load(c, sub.process_instance_key);
      if (!inst || inst.state !== 'ACTIVE') continue;
      const target = (await core.use(c, inst.definitionKey)).process.elements[sub.target_element_id];
      // The owner is still there: an element instance, or the process itself (its event sub-processes).
      if (sub.element_instance_key !== inst.key && !inst.doc.els[sub.element_instance_key]) continue;
      if (!(await claim(sub.bpmn_process_id))) continue;
      done.add(sub.bpmn_process_id);
      first ??= inst.key;
      core.correlated(c, inst, sub.element_instance_key, req.name, correlationKey, messageKey, now);
      c.runtime.trigger(inst, sub.element_instance_key, sub.target_element_id, variables, target?.cancelActivity !== false);
    }
    for (const start of await msgs.messageStarts(q, req.name)) {
      if (done.has(start.bpmn_process_id)) continue;
      if (correlationKey) {
        await msgs.lockStartedWithKey(q, start.bpmn_process_id, correlationKey);
        if (await msgs.activeStartedWithKey(q, start.bpmn_process_id, correlationKey)) continue;
      }
      if (!(await claim(start.bpmn_process_id))) continue;
      done.add(start.bpmn_process_id);
      const inst = await core.newInstance(c, start.definition_key);
      inst.startCorrelationKey = correlationKey || null;
      c.runtime.startBy(inst, start.element_id, variables);
      first ??= inst.key;
      core.correlated(c, inst, inst.key, req.name, correlationKey, messageKey, now);
    }
    if (mustCorrelate && first === undefined) {
      throw new NotFound(`no process instance waits for message '${req.name}' with correlation key '${correlationKey}' (and no process starts with it)`);
    }
    if (ttl > 0) {
      await msgs.bufferMessage(q, {
        key: messageKey,
        name: req.name,
        correlationKey,
        messageId: req.messageId ?? null,
        variables,
        now,
        ttl,
      });
    }
    c.fx.event({
      valueType: 'MESSAGE',
      intent: 'PUBLISHED',
      at: now,
      payload: { messageKey, name: req.name, correlationKey, timeToLive: ttl, correlatedTo: [...done] },
    });
    return { key: messageKey, processInstanceKey: first };
  });
}
