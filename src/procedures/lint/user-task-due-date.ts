/**
 * Every user task has a due date read from the variables the dossier layer computes
 * (`dueDates.<step>`), so an agency's inbox shows when its step is due.
 */
import type { LintContext, Rule } from './types.js';
import { ext, is, isExpression } from './moddle.js';

export default function userTaskDueDate(_ctx: LintContext): Rule {
  return {
    check(node, reporter) {
      if (!is(node, 'bpmn:UserTask')) return;
      const due: string | undefined = ext(node, 'zeebe:TaskSchedule')?.dueDate;
      if (!due) {
        reporter.report(node.id, 'việc của cán bộ phải có hạn xử lý (a user task needs zeebe:taskSchedule dueDate, e.g. =dueDates.<step>)');
      } else if (!isExpression(due) || !/\bdueDates\b/.test(due)) {
        reporter.report(node.id, `hạn xử lý '${due}' phải lấy từ biến dueDates do tầng hồ sơ tính (the due date must be a FEEL expression over dueDates)`);
      }
    },
  };
}
