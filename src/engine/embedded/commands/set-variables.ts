/** SetVariables on an instance or element scope: local, or propagated outward (Zeebe's rule). */
import { NotFound } from '../../../errors.js';
import type { SetVariablesRequest } from '../../port.js';
import type { EngineCore } from '../core.js';
import { checkVariables } from '../state.js';
import { isKey } from '../definitions.js';
import { lockInstance, lockInstanceOfElement } from '../sql/lockInstance.js';
import { localsOf, propagateVariables, setVariables as writeVariables } from '../runtime/variables.js';

export async function setVariables(core: EngineCore, req: SetVariablesRequest): Promise<void> {
  const variables = checkVariables(req.variables);
  if (!isKey(req.elementInstanceKey)) throw new NotFound(`element instance ${req.elementInstanceKey} not found`);
  await core.command(async (c) => {
    const locked = (await lockInstance(c.q, req.elementInstanceKey)) ?? (await lockInstanceOfElement(c.q, req.elementInstanceKey));
    const inst = await core.lockActive(c, locked, `element instance ${req.elementInstanceKey}`);
    const scope = req.elementInstanceKey;
    if (scope !== inst.key && !inst.doc.els[scope]) throw new NotFound(`element instance ${scope} not found`);
    const ctx = c.runtime.ctx;
    ctx.cause = { command: 'SET_VARIABLES' };
    if (req.local) {
      writeVariables(ctx, inst, scope, scope === inst.key ? inst.doc.vars : localsOf(inst.doc.els[scope]), variables);
    } else {
      propagateVariables(ctx, inst, scope, variables);
    }
    c.fx.track(inst, false);
    c.fx.event({
      valueType: 'VARIABLE_DOCUMENT',
      intent: 'UPDATED',
      at: core.clock.now(),
      processInstanceKey: inst.key,
      elementInstanceKey: scope,
      bpmnProcessId: inst.bpmnProcessId,
      payload: { variables: Object.keys(variables), local: !!req.local },
    });
  });
}
