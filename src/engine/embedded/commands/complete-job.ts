/**
 * CompleteJob. Completions are committed in batches, like a database's group commit: while a
 * batch is being written the completions arriving meanwhile queue, and go together in the next
 * transaction (at most MAX_BATCHES transactions at once). A lone completion is one transaction as
 * before, so batching adds no latency; under load it divides the round trips and commits per job.
 * Measured (bench/engine-throughput.ts, PostgreSQL 15 on 2 cores): statements per job 5.2 → 1.6,
 * CPU per job client 0.72 → 0.31 ms and server 1.48 → 0.48 ms, jobs/s ×2.3 on a busy machine.
 */
import { Conflict, NotFound } from '../../../errors.js';
import type { CompleteJobRequest, Variables } from '../../port.js';
import type { EngineCore } from '../core.js';
import { checkVariables } from '../state.js';
import { isKey } from '../definitions.js';
import { lockInstancesOfJobs } from '../sql/lockInstance.js';

interface Completion {
  jobKey: string;
  variables: Variables;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 64;
const MAX_BATCHES = 2;

export class JobCompletions {
  private readonly queued: Completion[] = [];
  private batches = 0;

  constructor(private readonly core: EngineCore) {}

  async complete(req: CompleteJobRequest): Promise<void> {
    const variables = checkVariables(req.variables);
    if (!isKey(req.jobKey)) throw new NotFound(`job ${req.jobKey} not found`);
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ jobKey: req.jobKey, variables, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    while (this.queued.length && this.batches < MAX_BATCHES) {
      const batch = this.queued.splice(0, MAX_BATCH);
      this.batches++;
      void this.completeBatch(batch).finally(() => {
        this.batches--;
        this.flush();
      });
    }
  }

  private async completeBatch(batch: Completion[]): Promise<void> {
    const one = (c: Completion) => this.completeOne(c.jobKey, c.variables).then(c.resolve, c.reject);
    if (batch.length === 1) return one(batch[0]);
    const refused = new Map<Completion, Error>();
    try {
      await this.core.command(async (c) => {
        refused.clear();
        const { instanceOfJob } = await lockInstancesOfJobs(
          c.q,
          batch.map((x) => x.jobKey),
        );
        for (const x of batch) {
          const inst = instanceOfJob.get(x.jobKey);
          const el = inst?.state === 'ACTIVE' ? Object.values(inst.doc.els).find((e) => e.job === x.jobKey) : undefined;
          if (!inst || !el) {
            refused.set(x, new NotFound(`job ${x.jobKey} not found (it may have been completed or cancelled)`));
            continue;
          }
          if (el.jobFailed) {
            refused.set(x, new Conflict(`job ${x.jobKey} has no retries left and waits for its incident to be resolved`));
            continue;
          }
          await this.core.use(c, inst.definitionKey);
          c.fx.track(inst, false);
          c.runtime.ctx.cause = { command: 'COMPLETE_JOB', jobKey: x.jobKey };
          c.runtime.completeJob(inst, el, x.variables);
        }
      }, 256 * batch.length);
    } catch {
      // Anything unexpected: each completion on its own, so one cannot fail the others.
      await Promise.all(batch.map(one));
      return;
    }
    for (const x of batch) {
      const e = refused.get(x);
      if (e) x.reject(e);
      else x.resolve();
    }
  }

  private async completeOne(jobKey: string, variables: Variables): Promise<void> {
    await this.core.jobCommand(jobKey, (c, inst, el) => {
      if (el.jobFailed) throw new Conflict(`job ${jobKey} has no retries left and waits for its incident to be resolved`);
      c.runtime.ctx.cause = { command: 'COMPLETE_JOB', jobKey };
      c.runtime.completeJob(inst, el, variables);
    });
  }
}
