/** BPMN: parse (bpmn-moddle + zeebe-bpmn-moddle), compile to an executable graph, validate. */
import { compileDefinitions } from './compile.js';
import { parseBpmnXml } from './parse.js';
import type { ExecutableProcess } from './model.js';

export * from './model.js';
export { USER_TASK_JOB_TYPE } from './compile-activities.js';
export * from './timers.js';
export { parseBpmnXml } from './parse.js';
export { elementNamesOf } from './names.js';

/** Parses and compiles every executable process of one BPMN resource; throws BpmnValidationError. */
export async function compileBpmn(xml: string, resourceName = 'process.bpmn'): Promise<ExecutableProcess[]> {
  const definitions = await parseBpmnXml(xml, resourceName);
  return compileDefinitions(definitions, resourceName);
}
