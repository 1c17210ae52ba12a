/**
 * The step limits along the longest path through the process fit the statutory total. Paths
 * run along sequence flows and from an activity to its boundary events; a user task weighs its
 * step's limit (the longest, when several agencies perform it as a multi-instance step), a
 * sub-process or a call activity the longest path inside it, everything else nothing — waits
 * for the citizen (a payment, a supplement) do not count against the agencies. A total in
 * calendar days weighs the working days it holds at the least (five in any seven days, no
 * holiday counted): 20 days hold 14, so steps of 14 working days fit and 15 do not.
 */
'use strict';

const { ext, flowNodes, is, isExpression, stepsOn } = require('../lib/moddle');
const { calledProcess, inactive, isOtherProcess, isOwnProcess, procedureContext } = require('../lib/context');

/**
 * @typedef {{ hours: number, path: string[] }} Longest the weight of the longest path, and the
 *   ids of the weighted elements along it, in order
 * @typedef {import('../index').LienthongContext & { hoursPerWorkingDay: number }} Context
 * @typedef {Array<[string, string]>} Notes
 */

/** @type {import('../index').RuleFactory} */
module.exports = function statutoryTotal(config) {
  const ctx = procedureContext(config);
  if (!ctx) return inactive();
  return {
    check(node, reporter) {
      if (isOtherProcess(node, ctx)) return false;
      if (!isOwnProcess(node, ctx)) return;
      /** @type {Notes} */
      const notes = [];
      const longest = longestIn(node, ctx, notes, new Set([node.id]));
      for (const [id, message] of notes) reporter.report(id, message);
      if (!longest) return;
      const total = ctx.version.totalLimit;
      const totalHours = hours(total, ctx);
      if (longest.hours > totalHours) {
        const shown =
          total.unit === 'working_hours' ? `${round(longest.hours)} giờ làm việc` : `${round(longest.hours / ctx.hoursPerWorkingDay)} ngày làm việc`;
        const held = total.unit === 'calendar_days' ? ` (ít nhất ${workingDaysIn(total.value)} ngày làm việc)` : '';
        reporter.report(
          node.id,
          `tổng thời hạn các bước trên nhánh dài nhất (${longest.path.join(' → ')}) là ${shown}, vượt thời hạn luật định ${total.value} ${unitVi(total.unit)}${held} ` +
            `(the steps on the longest path take ${round(longest.hours)} working hours, more than the statutory ${round(totalHours)})`,
        );
      }
    },
  };
};

/**
 * Longest weighted path of a process or sub-process; undefined when it has a loop.
 *
 * @param {any} container
 * @param {Context} ctx
 * @param {Notes} notes
 * @param {Set<string>} open ids of the processes being walked (a call cycle weighs nothing)
 * @returns {Longest | undefined}
 */
function longestIn(container, ctx, notes, open) {
  const nodes = flowNodes(container);
  /** @type {Map<string, string[]>} */
  const next = new Map(nodes.map((n) => [n.id, []]));
  for (const f of container.flowElements || []) {
    if (is(f, 'bpmn:SequenceFlow') && f.sourceRef && f.targetRef) {
      const out = next.get(f.sourceRef.id);
      if (out) out.push(f.targetRef.id);
    }
  }
  for (const n of nodes) {
    if (is(n, 'bpmn:BoundaryEvent') && n.attachedToRef) {
      const out = next.get(n.attachedToRef.id);
      if (out) out.push(n.id);
    }
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));

  /** @type {Map<string, Longest>} */
  const memo = new Map();
  /** @type {Set<string>} */
  const visiting = new Set();
  let loop = false;
  /**
   * @param {string} id
   * @returns {Longest}
   */
  const from = (id) => {
    const known = memo.get(id);
    if (known) return known;
    if (visiting.has(id)) {
      loop = true;
      return { hours: 0, path: [] };
    }
    visiting.add(id);
    const self = weight(byId.get(id), ctx, notes, open);
    /** @type {Longest} */
    let best = { hours: 0, path: [] };
    for (const t of next.get(id) || []) {
      const l = from(t);
      if (l.hours > best.hours) best = l;
    }
    visiting.delete(id);
    const out = { hours: self.hours + best.hours, path: [...self.path, ...best.path] };
    memo.set(id, out);
    return out;
  };

  const starts = nodes.filter((n) => !(n.incoming || []).length && !is(n, 'bpmn:BoundaryEvent'));
  /** @type {Longest} */
  let best = { hours: 0, path: [] };
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

/**
 * @param {any} node
 * @param {Context} ctx
 * @param {Notes} notes
 * @param {Set<string>} open
 * @returns {Longest}
 */
function weight(node, ctx, notes, open) {
  if (!node) return { hours: 0, path: [] };
  if (is(node, 'bpmn:UserTask')) {
    const limits = stepsOn(ctx.version, node.id).map((s) => hours(s.step.limit, ctx));
    return limits.length ? { hours: Math.max(...limits), path: [node.id] } : { hours: 0, path: [] };
  }
  if (is(node, 'bpmn:SubProcess')) {
    const inner = longestIn(node, ctx, notes, open);
    return inner || { hours: 0, path: [] };
  }
  if (is(node, 'bpmn:CallActivity')) {
    const element = ext(node, 'zeebe:CalledElement');
    /** @type {string | undefined} */
    const id = element ? element.processId : undefined;
    const called = id && !isExpression(id) ? calledProcess(ctx, id) : undefined;
    if (!id || !called) {
      notes.push([node.id, `không đọc được quy trình được gọi '${id ?? ''}' nên không tính thời hạn của nó (the called process is not in calledProcesses)`]);
      return { hours: 0, path: [] };
    }
    if (open.has(id)) return { hours: 0, path: [] };
    const inner = longestIn(called, ctx, notes, new Set([...open, id]));
    return inner || { hours: 0, path: [] };
  }
  return { hours: 0, path: [] };
}

/**
 * Office hours of a limit; a step without a valid limit weighs nothing (agency-step-limit
 * reports it).
 *
 * @param {import('../index').StatutoryLimit | undefined} limit
 * @param {Context} ctx
 * @returns {number}
 */
function hours(limit, ctx) {
  if (!limit || typeof limit.value !== 'number' || !Number.isFinite(limit.value)) return 0;
  if (limit.unit === 'calendar_days') return workingDaysIn(limit.value) * ctx.hoursPerWorkingDay;
  return limit.unit === 'working_days' ? limit.value * ctx.hoursPerWorkingDay : limit.value;
}

/**
 * The fewest working days in `days` consecutive days, weekends considered and holidays not.
 *
 * @param {number} days
 * @returns {number}
 */
function workingDaysIn(days) {
  const whole = Math.floor(days);
  return Math.floor(whole / 7) * 5 + Math.max(0, (whole % 7) - 2);
}

/**
 * @param {import('../index').StatutoryLimit['unit']} unit
 * @returns {string}
 */
function unitVi(unit) {
  return { working_days: 'ngày làm việc', working_hours: 'giờ làm việc', calendar_days: 'ngày' }[unit] ?? String(unit);
}

/**
 * @param {number} n
 * @returns {number}
 */
function round(n) {
  return Math.round(n * 100) / 100;
}
