/**
 * The BPMN names of elements, over any adapter of the port: read from the deployed definition's
 * XML (`EngineQueries.getProcessDefinitionXml`) once per definition, kept while recently used.
 * Zeebe's jobs and element instances carry ids, not names; the inbox and the trace show names.
 */
import { elementNamesOf } from '../bpmn/index.js';
import type { EngineQueries } from './queries.js';

export class ElementNames {
  private readonly cache = new Map<string, Promise<Record<string, string>>>();

  constructor(
    private readonly queries: Pick<EngineQueries, 'getProcessDefinitionXml'>,
    private readonly max = 256,
  ) {}

  /** The names of a definition's elements by id (a definition never changes, so neither do they). */
  of(processDefinitionKey: string): Promise<Record<string, string>> {
    let names = this.cache.get(processDefinitionKey);
    if (names) this.cache.delete(processDefinitionKey);
    else {
      names = this.queries.getProcessDefinitionXml(processDefinitionKey).then(elementNamesOf);
      // A failed read is not kept: the next call asks again.
      names.catch(() => this.cache.delete(processDefinitionKey));
    }
    this.cache.set(processDefinitionKey, names);
    while (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value as string);
    return names;
  }

  /** One element's name, or undefined when it has none. */
  async name(processDefinitionKey: string, elementId: string): Promise<string | undefined> {
    return (await this.of(processDefinitionKey))[elementId];
  }
}
