/**
 * BroadcastSignal (Zeebe's signal): every wait for the signal fires — catch events complete,
 * boundary events and event sub-processes start, interrupting or not — in every instance, and
 * every process whose latest version has a signal start event with that name starts; a signal is
 * not buffered: a wait opened later does not see it. Thrown by a signal throw event, the same
 * broadcast runs inside the command that threw it.
 */
import { Invalid } from '../../../errors.js';
import type { Variables } from '../../port.js';
import type { EngineCore } from '../core.js';
import { checkVariables } from '../state.js';

export async function broadcastSignal(core: EngineCore, req: { signalName: string; variables?: Variables }): Promise<{ signalKey: string }> {
  const variables = checkVariables(req.variables);
  if (typeof req.signalName !== 'string' || !req.signalName) throw new Invalid('signalName is required');
  return core.command((c) => {
    c.runtime.ctx.cause = { command: 'BROADCAST_SIGNAL' };
    return core.broadcast(c, req.signalName, variables);
  });
}
