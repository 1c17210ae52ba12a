/** BPMN: parse (bpmn-moddle + zeebe-bpmn-moddle), compile to an executable graph, validate. */
import { compileDefinitions } from './compile.js';
import { parseBpmnXml } from './parse.js';
import type { ExecutableProcess } from './model.js';

export * from './model.js';
export { USER_TASK_JOB_TYPE } from './compile-activities.js';
export * from './timers.js';
export { parseBpmnXml } from './parse.js';
export { elementNamesOf } from './names.js';

/** How many compiled resources are remembered (a catalogue holds a few dozen), and up to what size each. */
const REMEMBERED = 64;
const REMEMBERED_CHARS = 512 * 1024;
const compiled = new Map<string, Promise<readonly ExecutableProcess[]>>();

/**
 * Parses and compiles every executable process of one BPMN resource; throws BpmnValidationError.
 *
 * The same resource is compiled once per process: the catalogue is deployed at every start, and
 * the dossier room, the deploy lint and the engine's definition cache compile the same files
 * again. Parsing is most of the cost (~30 ms for a catalogue process). The graphs are frozen, so
 * no caller can change what another one reads.
 */
export function compileBpmn(xml: string, resourceName = 'process.bpmn'): Promise<readonly ExecutableProcess[]> {
  const key = `${resourceName}\n${xml}`;
  let result = compiled.get(key);
  if (result) {
    compiled.delete(key); // most recently used last
  } else {
    result = parseBpmnXml(xml, resourceName).then((definitions) => deepFreeze(compileDefinitions(definitions, resourceName)));
    result.catch(() => compiled.delete(key));
  }
  if (xml.length > REMEMBERED_CHARS) return result; // a few very large resources must not hold hundreds of MB
  compiled.set(key, result);
  if (compiled.size > REMEMBERED) compiled.delete(compiled.keys().next().value as string);
  return result;
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
  return value;
}
