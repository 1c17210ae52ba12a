/**
 * The timer command: fires due timers in one transaction — a timer start event starts a new
 * instance; a catch event, event-gateway or boundary timer triggers its owner (an instance busy
 * with another command keeps its timer for the next round).
 */
import type { Command, EngineCore } from '../core.js';
import { lockInstancesSkipLocked } from '../sql/lockInstance.js';
import { claimDueTimers, type DueTimer } from '../sql/timers.js';
import type { InstanceRow } from '../state.js';

/** Fires up to `limit` due timers in one transaction; returns how many were claimed. */
export async function fireDueTimers(core: EngineCore, limit = 500): Promise<number> {
  return core.command(
    async (c) => {
      c.runtime.ctx.cause = { command: 'FIRE_TIMER' };
      const now = core.clock.now();
      const due = await claimDueTimers(c.q, now, limit);
      if (!due.length) return 0;
      const instanceKeys = [...new Set(due.map((t) => t.process_instance_key).filter((k): k is string => !!k))];
      const locked = new Map((await lockInstancesSkipLocked(c.q, instanceKeys)).map((r) => [r.key, r]));
      for (const r of locked.values()) {
        await core.use(c, r.definitionKey);
        c.fx.track(r, false);
      }
      for (const t of due) await fire(core, c, t, locked, now);
      return due.length;
    },
    Math.min(100_000, 256 + limit * 64),
  );
}

async function fire(core: EngineCore, c: Command, t: DueTimer, locked: Map<string, InstanceRow>, now: number): Promise<void> {
  const event = (inst: InstanceRow | null, intent: string) =>
    c.fx.event({
      valueType: 'TIMER',
      intent,
      at: now,
      processInstanceKey: inst?.key ?? null,
      elementInstanceKey: t.element_instance_key,
      elementId: t.element_id,
      bpmnProcessId: t.bpmn_process_id,
      payload: { timerKey: t.key, targetElementId: t.target_element_id, dueDate: new Date(t.due_at).toISOString() },
    });
  if (!t.process_instance_key) {
    // A timer start event: a new instance of that version, then the next repetition.
    const inst = await core.newInstance(c, t.definition_key);
    event(inst, 'TRIGGERED');
    c.runtime.startBy(inst, t.element_id, {});
    c.runtime.rescheduleOrDrop(t);
    return;
  }
  const inst = locked.get(t.process_instance_key);
  if (!inst) {
    // The instance is busy with another command: this timer stays due for the next round.
    return;
  }
  const def = c.scope.defs.get(inst.definitionKey)!;
  const target = def.elements[t.target_element_id];
  // A non-interrupting boundary event or event sub-process start keeps its timer (a cycle fires again).
  const interrupting = !((target?.type === 'boundaryEvent' || target?.type === 'startEvent') && target.cancelActivity === false);
  event(inst, 'TRIGGERED');
  const fired = inst.state === 'ACTIVE' && c.runtime.trigger(inst, t.element_instance_key!, t.target_element_id, {}, interrupting);
  if (fired && !interrupting) c.runtime.rescheduleOrDrop(t);
  else c.fx.deleteTimer(t.key);
}
