/** What the /v2 routers are built from. */
import { DEFAULT_TENANT, type EngineQueries } from '../../engine/queries.js';
import type { WorkflowEngine } from '../../engine/port.js';
import type { DeploymentLinter } from '../../procedures/index.js';
import type { JobTypeOf } from '../job-types.js';
import type { SchemaRegistry } from '../validate.js';
import type { SearchPage } from './api-types.js';

export interface V2Context {
  engine: WorkflowEngine;
  queries: EngineQueries;
  schemas: SchemaRegistry;
  /** Aborted when the service stops: pending long polls answer at once. */
  signal: AbortSignal;
  limits: {
    /** Largest BPMN file accepted in a deployment, bytes. */
    resourceBytes: number;
    /** Most files in one deployment. */
    resources: number;
  };
  /**
   * The procedure lint (src/procedures, catalogLinter): errors refuse a deployment, warnings
   * come back with it. Absent: deployments are not linted.
   */
  lintDeployment?: DeploymentLinter;
  /** The type of an existing job: worker tokens limited to job types act only on theirs. Absent: such tokens are refused on job keys. */
  jobTypeOf?: JobTypeOf;
  activation: {
    /** Long-poll wait when a request gives `requestTimeout` 0 or none, ms (Camunda: 10 s). */
    defaultRequestTimeout: number;
    /** Fallback re-check while long polling, ms. */
    pollInterval: number;
    /** The clock `requestTimeout` runs on, ms since the epoch (default: the system clock). */
    now?: () => number;
  };
}

/** Multi-tenancy is not supported: everything belongs to Camunda's default tenant. */
export const TENANT = DEFAULT_TENANT;

/** A search answer in Camunda's shape (api-types.ts `SearchPage`). */
export function searchPage<T>(items: T[], totalItems: number): SearchPage<T> {
  return { items, page: { totalItems } };
}
