/**
 * Automated steps are jobs of lienthong's own workers: every job type is namespaced
 * `lienthong.<name>` and declared in procedure.json, and every declared job type is used.
 */
'use strict';

const { ext, is } = require('../lib/moddle');
const { inactive, isOtherProcess, isOwnProcess, procedureContext } = require('../lib/context');

const JOB_ELEMENTS = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:ScriptTask', 'bpmn:BusinessRuleTask'];

/** @type {import('../index').RuleFactory} */
module.exports = function serviceTaskJobType(config) {
  const ctx = procedureContext(config);
  if (!ctx) return inactive();
  const declared = new Set(ctx.version.process.jobTypes);
  return {
    check(node, reporter) {
      if (isOtherProcess(node, ctx)) return false;
      if (isOwnProcess(node, ctx)) {
        /** @type {Set<string>} */
        const used = new Set();
        collect(node, used);
        for (const t of declared)
          if (!used.has(t))
            reporter.report(node.id, `loại việc tự động '${t}' được khai báo nhưng không dùng (job type declared in procedure.json but unused)`);
        return;
      }
      if (!JOB_ELEMENTS.some((t) => is(node, t))) return;
      if (is(node, 'bpmn:ScriptTask') && ext(node, 'zeebe:Script')) return;
      const definition = ext(node, 'zeebe:TaskDefinition');
      /** @type {string | undefined} */
      const type = definition && definition.type;
      if (!type) return; // the engine refuses it at deploy, with its own message
      if (!/^lienthong\.[a-z][a-z0-9-]*$/.test(type)) {
        reporter.report(node.id, `loại việc '${type}' phải có dạng lienthong.<tên> (job types are namespaced lienthong.<name>)`);
      } else if (!declared.has(type)) {
        reporter.report(node.id, `loại việc '${type}' chưa khai báo trong procedure.json (job type not declared in process.jobTypes)`);
      }
    },
  };
};

/**
 * @param {any} container
 * @param {Set<string>} out
 */
function collect(container, out) {
  for (const e of container.flowElements || []) {
    const definition = ext(e, 'zeebe:TaskDefinition');
    if (definition && definition.type) out.add(definition.type);
    if (is(e, 'bpmn:SubProcess')) collect(e, out);
  }
}
