/**
 * The shapes of the /v2 answers the browser app reads (src/web imports them with `import type`),
 * in Camunda's REST v2 names. Like the rooms' api-types.ts, this file imports nothing.
 */

/** A search answer: one page of items, and how many match the filter in all. */
export interface SearchPage<T> {
  items: T[];
  page: { totalItems: number };
}

/** One problem of a deployment: the engine's (a BPMN it refuses) or the procedure lint's. */
export interface DeploymentProblemJson {
  elementId?: string;
  elementType?: string;
  /** The lint rule; absent in the engine's own problems. */
  rule?: string;
  category?: 'error' | 'warn';
  message: string;
  resourceName?: string;
}

/** What one deployed file became: a process definition, or a form. */
export type DeployedResource =
  | {
      processDefinition: {
        processDefinitionId: string;
        processDefinitionVersion: number;
        processDefinitionKey: string;
        resourceName: string;
        tenantId: string;
      };
    }
  | { form: { formId: string; version: number; formKey: string; resourceName: string; tenantId: string } };

/** POST /v2/deployments: Camunda's answer, plus the lint's warnings when it has any. */
export interface DeploymentAnswer {
  deploymentKey: string;
  tenantId: string;
  deployments: DeployedResource[];
  warnings?: DeploymentProblemJson[];
}
