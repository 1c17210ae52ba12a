/** BPMN 2.0 XML → moddle tree, with Zeebe's extension elements and no DTDs or entities. */
import { BpmnModdle } from 'bpmn-moddle';
import { createRequire } from 'node:module';
import { BpmnValidationError } from './model.js';

const require = createRequire(import.meta.url);
const zeebeSchema = require('zeebe-bpmn-moddle/resources/zeebe.json');

let moddle: any;
function getModdle(): any {
  moddle ??= new BpmnModdle({ zeebe: zeebeSchema });
  return moddle;
}

/** Refused before parsing: a DOCTYPE is where XXE and entity expansion ("billion laughs") live. */
const DTD = /<!DOCTYPE|<!ENTITY/i;

export async function parseBpmnXml(xml: string, resourceName: string): Promise<any> {
  if (DTD.test(xml)) {
    throw new BpmnValidationError(resourceName, [
      { elementId: resourceName, elementType: 'xml', message: 'DTDs and XML entities are not allowed in BPMN resources' },
    ]);
  }
  let result: { rootElement: any; warnings: Array<{ message: string; element?: any }> };
  try {
    result = await getModdle().fromXML(xml, 'bpmn:Definitions');
  } catch (e) {
    throw new BpmnValidationError(resourceName, [
      { elementId: resourceName, elementType: 'xml', message: `not a BPMN 2.0 XML document: ${firstLine((e as Error).message)}` },
    ]);
  }
  const problems = result.warnings.map((w) => ({
    elementId: w.element?.id ?? unparsableName(w.message) ?? resourceName,
    elementType: w.element?.$type ?? 'xml',
    message: w.message.replace(/\s+/g, ' ').trim(),
  }));
  if (problems.length) throw new BpmnValidationError(resourceName, problems);
  return result.rootElement;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

function unparsableName(message: string): string | undefined {
  return /<([^>\s]+)>/.exec(message)?.[1];
}
