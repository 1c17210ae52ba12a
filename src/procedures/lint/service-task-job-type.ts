/**
 * Automated steps are jobs of lienthong's own workers: every job type is namespaced
 * `lienthong.<name>` and declared in procedure.json, and every declared job type is used.
 */
import type { LintContext, Rule } from './types.js';
import { ext, is } from './moddle.js';

const JOB_ELEMENTS = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:ScriptTask', 'bpmn:BusinessRuleTask'];

export default function serviceTaskJobType({ version }: LintContext): Rule {
  const declared = new Set(version.process.jobTypes);
  const used = new Set<string>();
  return {
    check(node, reporter) {
      if (is(node, 'bpmn:Process') && node.id === version.process.bpmnProcessId) {
        collect(node, used);
        for (const t of declared) if (!used.has(t)) reporter.report(node.id, `loại việc tự động '${t}' được khai báo nhưng không dùng (job type declared in procedure.json but unused)`);
        return;
      }
      if (!JOB_ELEMENTS.some((t) => is(node, t))) return;
      if (is(node, 'bpmn:ScriptTask') && ext(node, 'zeebe:Script')) return;
      const type: string | undefined = ext(node, 'zeebe:TaskDefinition')?.type;
      if (!type) return; // the engine refuses it at deploy, with its own message
      if (!/^lienthong\.[a-z][a-z0-9-]*$/.test(type)) {
        reporter.report(node.id, `loại việc '${type}' phải có dạng lienthong.<tên> (job types are namespaced lienthong.<name>)`);
      } else if (!declared.has(type)) {
        reporter.report(node.id, `loại việc '${type}' chưa khai báo trong procedure.json (job type not declared in process.jobTypes)`);
      }
    },
  };
}

function collect(container: any, out: Set<string>): void {
  for (const e of container.flowElements ?? []) {
    const type = ext(e, 'zeebe:TaskDefinition')?.type;
    if (type) out.add(type);
    if (is(e, 'bpmn:SubProcess')) collect(e, out);
  }
}
