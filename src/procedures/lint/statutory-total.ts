/**
 * The step limits along the longest path through the process fit the statutory total. Paths
 * run along sequence flows and from an activity to its boundary events; a user task weighs its
 * step's limit (the longest, when several agencies perform it as a multi-instance step), a
 * sub-process or a call activity the longest path inside it, everything else nothing — waits
 * for the citizen (a payment, a supplement) do not count against the agencies.
 */
import type { LintContext, Rule } from './types.js';
import type { TimeLimit } from '../types.js';
import { ext, flowNodes, is, isExpression, stepsOn } from './moddle.js';

interface Longest {
  hours: number;
  /** Ids of the weighted elements along the path, in order. */
  path: string[];
}

export default function statutoryTotal(ctx: LintContext): Rule {
  return {
    check(node, reporter) {
      if (!is(node, 'bpmn:Process') || node.id !== ctx.version.process.bpmnProcessId) return;
      const notes: Array<[string, string]> = [];
      const longest = longestIn(node, ctx, notes, new Set([node.id]));
      for (const [id, message] of notes) reporter.report(id, message);
      if (!longest) return;
      const total = ctx.version.totalLimit;
      const totalHours = hours(total, ctx);
      if (longest.hours > totalHours) {
        const shown = total.unit === 'working_days' ? `${round(longest.hours / ctx.hoursPerWorkingDay)} ngày làm việc` : `${round(longest.hours)} giờ làm việc`;
        reporter.report(
          node.id,
          `tổng thời hạn các bước trên nhánh dài nhất (${longest.path.join(' → ')}) là ${shown}, vượt thời hạn luật định ${total.value} ${unitVi(total.unit)} ` +
            `(the steps on the longest path take ${round(longest.hours)} working hours, more than the statutory ${round(totalHours)})`,
        );
      }
    },
  };
}

/** Longest weighted path of a process or sub-process; undefined when it has a loop. */
function longestIn(container: any, ctx: LintContext, notes: Array<[string, string]>, open: Set<string>): Longest | undefined {
  const nodes = flowNodes(container);
  const next = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const f of container.flowElements ?? []) {
    if (is(f, 'bpmn:SequenceFlow') && f.sourceRef && f.targetRef) next.get(f.sourceRef.id)?.push(f.targetRef.id);
  }
  for (const n of nodes) if (is(n, 'bpmn:BoundaryEvent') && n.attachedToRef) next.get(n.attachedToRef.id)?.push(n.id);
  const byId = new Map(nodes.map((n) => [n.id, n]));

  const memo = new Map<string, Longest>();
  const visiting = new Set<string>();
  let loop = false;
  const from = (id: string): Longest => {
    const known = memo.get(id);
    if (known) return known;
    if (visiting.has(id)) {
      loop = true;
      return { hours: 0, path: [] };
    }
    visiting.add(id);
    const self = weight(byId.get(id), ctx, notes, open);
    let best: Longest = { hours: 0, path: [] };
    for (const t of next.get(id) ?? []) {
      const l = from(t);
      if (l.hours > best.hours) best = l;
    }
    visiting.delete(id);
    const out = { hours: self.hours + best.hours, path: [...self.path, ...best.path] };
    memo.set(id, out);
    return out;
  };

  const starts = nodes.filter((n) => !(n.incoming ?? []).length && !is(n, 'bpmn:BoundaryEvent'));
  let best: Longest = { hours: 0, path: [] };
  for (const s of starts) {
    const l = from(s.id);
    if (l.hours > best.hours) best = l;
  }
  if (loop) {
    notes.push([container.id, 'quy trình có vòng lặp nên không kiểm tra được tổng thời hạn (the process has a loop: the longest path is unbounded)']);
    return undefined;
  }
  return best;
}

function weight(node: any, ctx: LintContext, notes: Array<[string, string]>, open: Set<string>): Longest {
  if (!node) return { hours: 0, path: [] };
  if (is(node, 'bpmn:UserTask')) {
    const limits = stepsOn(ctx.version, node.id).map((s) => hours(s.step.limit, ctx));
    return limits.length ? { hours: Math.max(...limits), path: [node.id] } : { hours: 0, path: [] };
  }
  if (is(node, 'bpmn:SubProcess')) {
    const inner = longestIn(node, ctx, notes, open);
    return inner ?? { hours: 0, path: [] };
  }
  if (is(node, 'bpmn:CallActivity')) {
    const id: string | undefined = ext(node, 'zeebe:CalledElement')?.processId;
    const called = id && !isExpression(id) ? ctx.called.get(id) : undefined;
    if (!called) {
      notes.push([node.id, `không đọc được quy trình được gọi '${id ?? ''}' nên không tính thời hạn của nó (the called process is not in calledProcesses)`]);
      return { hours: 0, path: [] };
    }
    if (open.has(id!)) return { hours: 0, path: [] };
    const inner = longestIn(called, ctx, notes, new Set([...open, id!]));
    return inner ?? { hours: 0, path: [] };
  }
  return { hours: 0, path: [] };
}

function hours(limit: TimeLimit, ctx: LintContext): number {
  return limit.unit === 'working_days' ? limit.value * ctx.hoursPerWorkingDay : limit.value;
}

function unitVi(unit: TimeLimit['unit']): string {
  return unit === 'working_days' ? 'ngày làm việc' : 'giờ làm việc';
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
