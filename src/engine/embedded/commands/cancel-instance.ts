/** CancelProcessInstance: every element instance terminates (called instances too), then the process. */
import { Conflict } from '../../../errors.js';
import type { EngineCore } from '../core.js';
import { isKey } from '../definitions.js';
import { resolveIncidentsOf } from '../sql/incidents.js';
import { lockInstance } from '../sql/lockInstance.js';

export async function cancelProcessInstance(core: EngineCore, processInstanceKey: string): Promise<void> {
  await core.command(async (c) => {
    const locked = isKey(processInstanceKey) ? await lockInstance(c.q, processInstanceKey) : undefined;
    const inst = await core.lockActive(c, locked, `process instance ${processInstanceKey}`);
    if (inst.parentProcessInstanceKey) {
      throw new Conflict(
        `process instance ${processInstanceKey} was created by a call activity of process instance ${inst.parentProcessInstanceKey}; cancel that root instance instead`,
      );
    }
    c.fx.track(inst, false);
    c.runtime.cancel(inst);
    await resolveIncidentsOf(c.q, inst.key, core.clock.now());
  });
}
