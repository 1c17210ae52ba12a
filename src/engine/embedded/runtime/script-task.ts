/** A script task with a FEEL expression: evaluated in place, its value the result variable. */
import { evaluateExpr } from '../../../feel/index.js';
import { visibleVariables } from '../state.js';
import type { Activate } from './behaviour.js';

export const activateScriptTask: Activate = (t, inst, el, node) => {
  const value = evaluateExpr(node.script!.expression, visibleVariables(inst.doc, el.key));
  t.markActivated(inst, el, node);
  t.queueComplete(inst, el.key, { [node.script!.resultVariable]: value });
};
