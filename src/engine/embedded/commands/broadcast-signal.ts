/**
 * BroadcastSignal (Zeebe's signal): every wait for the signal fires — catch events complete,
 * boundary events and event sub-processes start, interrupting or not — in every instance, and
 * every process whose latest version has a signal start event with that name starts; a signal is
 * not buffered: a wait opened later does not see it. Thrown by a signal throw event, the same
 * broadcast runs inside the command that threw it.
 */
import { Invalid } from '../../../errors.js';
import type { Variables } from '../../port.js';
import type { Command, EngineCore } from '../core.js';
import { checkVariables } from '../state.js';
import { signalStarts, signalWaits } from '../sql/signals.js';

export async function broadcastSignal(core: EngineCore, req: { signalName: string; variables?: Variables }): Promise<{ signalKey: string }> {
  const variables = checkVariables(req.variables);
  if (typeof req.signalName !== 'string' || !req.signalName) throw new Invalid('signalName is required');
  return core.command((c) => broadcast(core, c, req.signalName, variables));
}

/** The broadcast itself, inside command `c` (a public broadcast, or a throw event's). */
export async function broadcast(core: EngineCore, c: Command, signalName: string, variables: Variables): Promise<{ signalKey: string }> {
  const signalKey = c.keys.next();
  const started: string[] = [];
  for (const s of await signalStarts(c.q, signalName)) {
    const inst = await core.newInstance(c, s.definition_key);
    c.runtime.startBy(inst, s.element_id, variables);
    started.push(inst.key);
  }
  const waits = await signalWaits(c.q, signalName);
  // Instances are locked in key order, so two broadcasts never wait on each other in a cycle.
  for (const key of [...new Set(waits.map((w) => w.process_instance_key))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))) await core.load(c, key);
  const reached = new Set<string>();
  for (const w of waits) {
    const inst = await core.load(c, w.process_instance_key);
    if (inst?.state !== 'ACTIVE') continue;
    if (c.runtime.trigger(inst, w.element_instance_key, w.target_element_id, variables, w.interrupting)) reached.add(inst.key);
  }
  c.fx.event({
    valueType: 'SIGNAL',
    intent: 'BROADCASTED',
    at: core.clock.now(),
    payload: { signalKey, signalName, variables: Object.keys(variables), started, reached: [...reached] },
  });
  return { signalKey };
}
