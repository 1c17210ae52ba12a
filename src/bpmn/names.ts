/** The names of a BPMN resource's flow elements, by id (sub-processes included), for people to read. */
import { parseBpmnXml } from './parse.js';

export async function elementNamesOf(xml: string): Promise<Record<string, string>> {
  const definitions = await parseBpmnXml(xml, 'process.bpmn');
  const names: Record<string, string> = {};
  const walk = (elements: any[] | undefined) => {
    for (const el of elements ?? []) {
      if (typeof el.id === 'string' && typeof el.name === 'string' && el.name) names[el.id] = el.name;
      walk(el.flowElements);
    }
  };
  for (const root of definitions.rootElements ?? []) if (root.$type === 'bpmn:Process') walk(root.flowElements);
  return names;
}
