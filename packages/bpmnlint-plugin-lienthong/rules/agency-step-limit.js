/**
 * Every user task is a step of an agency with a time limit, and every step the procedure lists
 * is a user task of the process or of a process it calls (`calledProcesses`) — so each step's due
 * date can be computed and nothing the catalog promises is missing from the model.
 */
'use strict';

const { is, stepsOn } = require('../lib/moddle');
const { inactive, isOtherProcess, isOwnProcess, procedureContext } = require('../lib/context');

/** @type {import('../index').RuleFactory} */
module.exports = function agencyStepLimit(config) {
  const ctx = procedureContext(config);
  if (!ctx) return inactive();
  const { version } = ctx;
  return {
    check(node, reporter) {
      if (isOtherProcess(node, ctx)) return false;
      if (is(node, 'bpmn:UserTask')) {
        const steps = stepsOn(version, node.id);
        if (steps.length === 0)
          reporter.report(node.id, 'việc của cán bộ không phải là bước của cơ quan nào (the user task is no agency step, so it has no time limit)');
        for (const { agency, step } of steps) {
          if (!hasLimit(step.limit)) reporter.report(node.id, `bước '${step.id}' của cơ quan '${agency}' không có thời hạn (the step has no time limit)`);
        }
        return;
      }
      if (isOwnProcess(node, ctx)) {
        /** @type {Set<string>} */
        const userTasks = new Set();
        collectUserTasks(node, userTasks);
        for (const p of calledProcesses(ctx)) collectUserTasks(p, userTasks);
        for (const a of version.agencies) {
          for (const s of a.steps) {
            if (!userTasks.has(s.elementId))
              reporter.report(
                node.id,
                `bước '${s.id}' của cơ quan '${a.code}' chỉ đến '${s.elementId}', không phải việc của cán bộ trong quy trình (the step names no user task of the process)`,
              );
          }
        }
      }
    },
  };
};

/**
 * The called processes the caller gave (a Map or a plain object).
 *
 * @param {import('../index').LienthongContext} ctx
 * @returns {any[]}
 */
function calledProcesses(ctx) {
  const called = /** @type {any} */ (ctx.called);
  if (!called) return [];
  return typeof called.values === 'function' ? [...called.values()] : Object.values(called);
}

/**
 * @param {unknown} limit
 * @returns {boolean}
 */
function hasLimit(limit) {
  const l = /** @type {{ value?: unknown, unit?: unknown } | undefined} */ (limit);
  return !!l && typeof l.value === 'number' && Number.isFinite(l.value) && l.value >= 0 && (l.unit === 'working_days' || l.unit === 'working_hours');
}

/**
 * @param {any} container
 * @param {Set<string>} out
 */
function collectUserTasks(container, out) {
  for (const e of container.flowElements || []) {
    if (is(e, 'bpmn:UserTask')) out.add(e.id);
    if (is(e, 'bpmn:SubProcess')) collectUserTasks(e, out);
  }
}
