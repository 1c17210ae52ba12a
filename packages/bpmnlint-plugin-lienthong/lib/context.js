/**
 * The procedure context a rule gets as its bpmnlint options (`'lienthong/<rule>': ['error',
 * context]`): the procedure version from procedure.json, the processes its call activities
 * may start, and the working hours of a working day.
 */
'use strict';

const { is } = require('./moddle');

/**
 * The context with its defaults, or undefined when the rule was configured without a procedure
 * version (e.g. `extends: 'plugin:lienthong/recommended'` in a .bpmnlintrc).
 *
 * @param {Partial<import('../index').LienthongContext> | undefined} config
 * @returns {Required<Pick<import('../index').LienthongContext, 'version' | 'hoursPerWorkingDay'>> & import('../index').LienthongContext | undefined}
 */
function procedureContext(config) {
  if (!config || !config.version) return undefined;
  return {
    ...config,
    version: config.version,
    hoursPerWorkingDay: typeof config.hoursPerWorkingDay === 'number' && config.hoursPerWorkingDay > 0 ? config.hoursPerWorkingDay : 8,
  };
}

/**
 * True for a process other than the version's own: a file may hold several processes, and the
 * rules hold only the procedure's process to its procedure.json. A check returning false for it
 * makes bpmnlint skip its subtree.
 *
 * @param {any} node
 * @param {{ version?: import('../index').ProcedureVersion } | undefined} ctx
 * @returns {boolean}
 */
function isOtherProcess(node, ctx) {
  return !!ctx && !!ctx.version && is(node, 'bpmn:Process') && node.id !== ctx.version.process.bpmnProcessId;
}

/**
 * True for the version's own process element.
 *
 * @param {any} node
 * @param {{ version: import('../index').ProcedureVersion }} ctx
 * @returns {boolean}
 */
function isOwnProcess(node, ctx) {
  return is(node, 'bpmn:Process') && node.id === ctx.version.process.bpmnProcessId;
}

/**
 * A called process (moddle bpmn:Process) by its BPMN process id, from `called` (a Map or a plain
 * object); undefined when the caller did not give it.
 *
 * @param {import('../index').LienthongContext} ctx
 * @param {string} id
 * @returns {any}
 */
function calledProcess(ctx, id) {
  const called = ctx.called;
  if (!called) return undefined;
  if (typeof called.get === 'function') return /** @type {Map<string, any>} */ (called).get(id);
  return Object.prototype.hasOwnProperty.call(called, id) ? /** @type {Record<string, any>} */ (called)[id] : undefined;
}

/**
 * A rule that checks nothing (bpmnlint requires a check).
 *
 * @returns {import('../index').RuleDefinition}
 */
function inactive() {
  return { check: () => undefined };
}

module.exports = { procedureContext, isOtherProcess, isOwnProcess, calledProcess, inactive };
