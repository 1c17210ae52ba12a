/**
 * Small helpers over bpmn-moddle elements, shared by the rules. They need nothing but the
 * moddle elements themselves, so they run the same in Node and in a browser bundle.
 */
'use strict';

/**
 * @param {any} node a moddle element
 * @param {string} type e.g. 'bpmn:UserTask'
 * @returns {boolean}
 */
function is(node, type) {
  return !!node && typeof node.$instanceOf === 'function' && node.$instanceOf(type);
}

/**
 * The Zeebe extension element of a type (`zeebe:AssignmentDefinition`…), if any. Without the
 * Zeebe moddle extension (bpmnlint's CLI parses with plain bpmn-moddle) it is a generic element
 * typed by its XML name (`zeebe:assignmentDefinition`) with its attributes as properties: that
 * one is found too.
 *
 * @param {any} node
 * @param {string} type
 * @returns {any}
 */
function ext(node, type) {
  /** @type {any[]} */
  const values = (node && node.extensionElements && node.extensionElements.values) || [];
  const xmlName = type.replace(/:(.)/, (_, first) => `:${first.toLowerCase()}`);
  return values.find((v) => v.$type === type) || values.find((v) => v.$type === xmlName);
}

/**
 * The steps (of any agency) that a BPMN element performs, with their agency codes.
 *
 * @param {import('../index').ProcedureVersion} version
 * @param {string} elementId
 * @returns {Array<{ agency: string, step: import('../index').ProcedureStep }>}
 */
function stepsOn(version, elementId) {
  return version.agencies.flatMap((a) => a.steps.filter((s) => s.elementId === elementId).map((step) => ({ agency: a.code, step })));
}

/**
 * Flow nodes of a process or sub-process (no flows, no artifacts).
 *
 * @param {any} container
 * @returns {any[]}
 */
function flowNodes(container) {
  /** @type {any[]} */
  const elements = (container && container.flowElements) || [];
  return elements.filter((e) => is(e, 'bpmn:FlowNode'));
}

/**
 * @param {unknown} value
 * @returns {value is string}
 */
function isExpression(value) {
  return typeof value === 'string' && value.trimStart().startsWith('=');
}

/**
 * A comma-separated static list, as Zeebe reads candidate groups.
 *
 * @param {string} value
 * @returns {string[]}
 */
function staticList(value) {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

module.exports = { is, ext, stepsOn, flowNodes, isExpression, staticList };
