/**
 * Signal throw events (intermediate and end): the signal is broadcast — the command that threw it
 * fires every wait for it, in every instance, and starts the processes with its start event —
 * and the throw event completes.
 */
import { evaluateString } from '../../../feel/index.js';
import { visibleVariables } from '../state.js';
import type { Activate } from './behaviour.js';
import { IncidentSignal } from './incidents.js';

export const activateSignalThrow: Activate = (t, inst, el, node) => {
  if (node.event?.kind !== 'signal') return;
  let signalName: string;
  try {
    signalName = evaluateString(node.event.signal.name, visibleVariables(inst.doc, el.key), 'the signal name');
  } catch (e) {
    throw new IncidentSignal('EXTRACT_VALUE_ERROR', (e as Error).message);
  }
  t.markActivated(inst, el, node);
  t.pend({ kind: 'broadcast', signalName, variables: {} });
  t.queueComplete(inst, el.key);
};
