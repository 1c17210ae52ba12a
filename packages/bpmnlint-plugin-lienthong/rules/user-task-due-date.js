/**
 * Every user task has a due date read from the variables the dossier layer computes
 * (`dueDates.<step>`), so an agency's inbox shows when its step is due. Needs no procedure
 * version: without one it checks every process of the file.
 */
'use strict';

const { ext, is, isExpression } = require('../lib/moddle');
const { isOtherProcess } = require('../lib/context');

/** @type {import('../index').RuleFactory} */
module.exports = function userTaskDueDate(config) {
  return {
    check(node, reporter) {
      if (isOtherProcess(node, config)) return false;
      if (!is(node, 'bpmn:UserTask')) return;
      const schedule = ext(node, 'zeebe:TaskSchedule');
      /** @type {string | undefined} */
      const due = schedule && schedule.dueDate;
      if (!due) {
        reporter.report(node.id, 'việc của cán bộ phải có hạn xử lý (a user task needs zeebe:taskSchedule dueDate, e.g. =dueDates.<step>)');
      } else if (!isExpression(due) || !/\bdueDates\b/.test(due)) {
        reporter.report(node.id, `hạn xử lý '${due}' phải lấy từ biến dueDates do tầng hồ sơ tính (the due date must be a FEEL expression over dueDates)`);
      }
    },
  };
};
