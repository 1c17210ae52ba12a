/** What the gateway's handlers are built from: the port, and nothing of the engine behind it. */
import type { Resource, WorkflowEngine } from '../port.js';
import type { EngineQueries } from '../queries.js';

export interface GatewayContext {
  engine: WorkflowEngine;
  /** CreateProcessInstanceWithResult reads the instance's end and its variables here. */
  queries: Pick<EngineQueries, 'getProcessInstance' | 'searchVariableChanges'>;
  /** Checks a deployment before the engine sees it (the procedure lint); throws `Invalid` to refuse it. */
  checkDeployment?: (resources: Resource[]) => Promise<void>;
  /** The service's clock, ms since the epoch: requestTimeouts run on it. */
  now: () => number;
  /** Aborted when the gateway stops: long polls answer, streams end. */
  signal: AbortSignal;
  timing: {
    /** Long-poll wait and result wait when a request gives `requestTimeout` 0, ms. */
    defaultRequestTimeout: number;
    /** Fallback re-check while waiting for a job or an instance's end, ms. */
    pollInterval: number;
  };
  /** Called after each command the gateway ran: waiters for an instance's end look again. */
  changed(): void;
  /** Subscribes to `changed`; returns the unsubscribe. */
  onChanged(listener: () => void): () => void;
  /** Host and port the gateway answers Topology with. */
  advertised(): { host: string; port: number };
}

/** The Zeebe version whose protocol the gateway follows (Topology's gatewayVersion). */
export const GATEWAY_VERSION = '8.8.0';
