/**
 * Every user task is a step of an agency with a time limit, and every step the procedure lists
 * is a user task of the process — so each step's due date can be computed and nothing the
 * catalog promises is missing from the model.
 */
import type { LintContext, Rule } from './types.js';
import { is, stepsOn } from './moddle.js';

export default function agencyStepLimit({ version }: LintContext): Rule {
  return {
    check(node, reporter) {
      if (is(node, 'bpmn:UserTask')) {
        const steps = stepsOn(version, node.id);
        if (steps.length === 0) reporter.report(node.id, 'việc của cán bộ không phải là bước của cơ quan nào (the user task is no agency step, so it has no time limit)');
        for (const { agency, step } of steps) {
          if (!hasLimit(step.limit)) reporter.report(node.id, `bước '${step.id}' của cơ quan '${agency}' không có thời hạn (the step has no time limit)`);
        }
        return;
      }
      if (is(node, 'bpmn:Process') && node.id === version.process.bpmnProcessId) {
        const userTasks = new Set<string>();
        collectUserTasks(node, userTasks);
        for (const a of version.agencies) {
          for (const s of a.steps) {
            if (!userTasks.has(s.elementId)) reporter.report(node.id, `bước '${s.id}' của cơ quan '${a.code}' chỉ đến '${s.elementId}', không phải việc của cán bộ trong quy trình (the step names no user task of the process)`);
          }
        }
      }
    },
  };
}

function hasLimit(limit: unknown): boolean {
  const l = limit as { value?: unknown; unit?: unknown } | undefined;
  return typeof l?.value === 'number' && Number.isFinite(l.value) && l.value >= 0 && (l.unit === 'working_days' || l.unit === 'working_hours');
}

function collectUserTasks(container: any, out: Set<string>): void {
  for (const e of container.flowElements ?? []) {
    if (is(e, 'bpmn:UserTask')) out.add(e.id);
    if (is(e, 'bpmn:SubProcess')) collectUserTasks(e, out);
  }
}
