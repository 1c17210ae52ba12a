/**
 * Every wait for a message is a message procedure.json declares, correlated by the variable it
 * declares (the dossier code), so whoever publishes it knows the name and the key.
 */
'use strict';

const { ext, is } = require('../lib/moddle');
const { inactive, isOtherProcess, procedureContext } = require('../lib/context');

/** @type {import('../index').RuleFactory} */
module.exports = function messageCorrelation(config) {
  const ctx = procedureContext(config);
  if (!ctx) return inactive();
  const declared = new Map(ctx.version.process.messages.map((m) => [m.name, m.correlationKey]));
  return {
    check(node, reporter) {
      if (isOtherProcess(node, ctx)) return false;
      const message = messageOf(node);
      if (!message || !message.name) return;
      const key = declared.get(message.name);
      if (key === undefined) {
        reporter.report(node.id, `thông điệp '${message.name}' chưa khai báo trong procedure.json (message not declared in process.messages)`);
        return;
      }
      const subscription = ext(message, 'zeebe:Subscription');
      /** @type {string | undefined} */
      const actual = subscription ? subscription.correlationKey : undefined;
      if ((actual || '').replace(/\s+/g, '') !== `=${key}`) {
        reporter.report(
          node.id,
          `thông điệp '${message.name}' phải tương quan theo =${key} (the message must be correlated by =${key}, not ${actual ?? 'nothing'})`,
        );
      }
    },
  };
};

/**
 * The message a catching element waits for: a receive task, a catch or boundary event, or the
 * start event of an event sub-process (which waits, per instance, by key). A process's own
 * message start events are not correlated by key.
 *
 * @param {any} node
 * @returns {any}
 */
function messageOf(node) {
  if (is(node, 'bpmn:ReceiveTask')) return node.messageRef;
  const inEventSubProcess = is(node, 'bpmn:StartEvent') && node.$parent && node.$parent.triggeredByEvent;
  if (!is(node, 'bpmn:IntermediateCatchEvent') && !is(node, 'bpmn:BoundaryEvent') && !inEventSubProcess) return undefined;
  const def = (node.eventDefinitions || []).find((/** @type {any} */ d) => is(d, 'bpmn:MessageEventDefinition'));
  return def && def.messageRef;
}
