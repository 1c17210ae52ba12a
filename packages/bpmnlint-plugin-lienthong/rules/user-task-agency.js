/**
 * Every user task names, as its candidate group, an agency the procedure version lists, and
 * that agency performs a step on this task. A FEEL candidate group (a multi-instance step over
 * agencies) is checked at run time; here it needs at least one agency performing the step.
 */
'use strict';

const { ext, is, isExpression, staticList, stepsOn } = require('../lib/moddle');
const { inactive, isOtherProcess, procedureContext } = require('../lib/context');

/** @type {import('../index').RuleFactory} */
module.exports = function userTaskAgency(config) {
  const ctx = procedureContext(config);
  if (!ctx) return inactive();
  const { version } = ctx;
  const agencies = new Set(version.agencies.map((a) => a.code));
  return {
    check(node, reporter) {
      if (isOtherProcess(node, ctx)) return false;
      if (!is(node, 'bpmn:UserTask')) return;
      const assignment = ext(node, 'zeebe:AssignmentDefinition');
      /** @type {string | undefined} */
      const groups = assignment && assignment.candidateGroups;
      if (!groups || !groups.trim()) {
        reporter.report(node.id, 'việc của cán bộ phải có nhóm xử lý là mã cơ quan (a user task needs candidateGroups: the agency code)');
        return;
      }
      const performers = stepsOn(version, node.id).map((s) => s.agency);
      if (isExpression(groups)) {
        if (performers.length === 0) {
          reporter.report(
            node.id,
            `nhóm xử lý '${groups}' tính theo biểu thức nhưng không cơ quan nào có bước ở việc này (no agency of the procedure performs a step on this task)`,
          );
        }
        return;
      }
      for (const code of staticList(groups)) {
        if (!agencies.has(code)) reporter.report(node.id, `cơ quan '${code}' không có trong thủ tục (agency '${code}' is not listed by the procedure)`);
        else if (!performers.includes(code))
          reporter.report(node.id, `cơ quan '${code}' không khai báo bước nào ở việc này (agency '${code}' lists no step on this task)`);
      }
    },
  };
};
