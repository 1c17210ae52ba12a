/**
 * Which engine runs the processes (config ENGINE): the embedded one over the service's database,
 * or a Camunda 8 cluster through `@camunda8/sdk` (src/engine/zeebe). What the composition root
 * needs of either: the port, its reads, the one clock, how to start it, and — for API clients held
 * to their job types — a job's type by its key (the embedded engine reads it; a cluster cannot
 * tell, so such clients are refused there: checkJobKey fails closed). The Zeebe adapter (and the
 * SDK, ~0.4 s to load) is imported only when chosen.
 */
import type { EngineConfig } from '../config.js';
import type { Db } from '../db/index.js';
import type { Clock } from '../clock.js';
import { EmbeddedEngine } from './embedded/engine.js';
import { jobTypeOf } from './embedded/job-type.js';
import { EmbeddedEngineQueries } from './embedded/queries.js';
import type { WorkflowEngine } from './port.js';
import type { EngineQueries } from './queries.js';

export interface ChosenEngine {
  kind: 'embedded' | 'zeebe';
  engine: WorkflowEngine;
  queries: EngineQueries;
  clock: Clock;
  jobTypeOf?: (jobKey: string) => Promise<string | undefined>;
  /** The embedded engine's scheduler and notifications; nothing to start on a cluster. */
  start(): Promise<void>;
}

export async function chooseEngine(config: EngineConfig | undefined, db: Db, clock: Clock): Promise<ChosenEngine> {
  if (config?.kind === 'zeebe') {
    // One after the other: Jest's ES module loader loses a shared dependency (the SDK) when
    // modules importing it are linked concurrently.
    const { ZeebeConnection } = await import('./zeebe/connection.js');
    const { ZeebeEngine } = await import('./zeebe/engine.js');
    const { ZeebeEngineQueries } = await import('./zeebe/queries.js');
    const connection = new ZeebeConnection(config);
    return { kind: 'zeebe', engine: new ZeebeEngine(connection), queries: new ZeebeEngineQueries(connection), clock, start: () => Promise.resolve() };
  }
  const engine = new EmbeddedEngine(db, { clock });
  return { kind: 'embedded', engine, queries: new EmbeddedEngineQueries(db), clock, jobTypeOf: (key) => jobTypeOf(db, key), start: () => engine.start() };
}
