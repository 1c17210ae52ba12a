/**
 * Every wait for a message is a message procedure.json declares, correlated by the variable it
 * declares (the dossier code), so whoever publishes it knows the name and the key.
 */
import type { LintContext, Rule } from './types.js';
import { ext, is } from './moddle.js';

export default function messageCorrelation({ version }: LintContext): Rule {
  const declared = new Map(version.process.messages.map((m) => [m.name, m.correlationKey]));
  return {
    check(node, reporter) {
      const message = messageOf(node);
      if (!message?.name) return;
      const key = declared.get(message.name);
      if (key === undefined) {
        reporter.report(node.id, `thông điệp '${message.name}' chưa khai báo trong procedure.json (message not declared in process.messages)`);
        return;
      }
      const actual: string | undefined = ext(message, 'zeebe:Subscription')?.correlationKey;
      if ((actual ?? '').replace(/\s+/g, '') !== `=${key}`) {
        reporter.report(node.id, `thông điệp '${message.name}' phải tương quan theo =${key} (the message must be correlated by =${key}, not ${actual ?? 'nothing'})`);
      }
    },
  };
}

/** The message a catching element waits for (start events are not correlated by key). */
function messageOf(node: any): any {
  if (is(node, 'bpmn:ReceiveTask')) return node.messageRef;
  if (!is(node, 'bpmn:IntermediateCatchEvent') && !is(node, 'bpmn:BoundaryEvent')) return undefined;
  const def = (node.eventDefinitions ?? []).find((d: any) => is(d, 'bpmn:MessageEventDefinition'));
  return def?.messageRef;
}
