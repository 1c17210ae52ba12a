/**
 * CompleteJob, group-committed (group-commit.ts). Measured (bench/engine-throughput.ts,
 * PostgreSQL 15 on 2 cores): statements per job 5.2 → 1.6, CPU per job client 0.72 → 0.31 ms and
 * server 1.48 → 0.48 ms, jobs/s ×2.3 on a busy machine.
 */
import { Conflict, NotFound } from '../../../errors.js';
import type { CompleteJobRequest, Variables } from '../../port.js';
import type { Command, EngineCore } from '../core.js';
import { checkVariables } from '../state.js';
import { isKey } from '../definitions.js';
import { lockInstancesOfJobs } from '../sql/lockInstance.js';
import { GroupCommit } from './group-commit.js';

interface Completion {
  jobKey: string;
  variables: Variables;
}

export class JobCompletions {
  private readonly group: GroupCommit<Completion>;

  constructor(private readonly core: EngineCore) {
    this.group = new GroupCommit(core, { batch: (c, items) => this.completeBatch(c, items), one: (x) => this.completeOne(x), keysPerItem: 256 });
  }

  async complete(req: CompleteJobRequest): Promise<void> {
    const variables = checkVariables(req.variables);
    if (!isKey(req.jobKey)) throw new NotFound(`job ${req.jobKey} not found`);
    return this.group.submit({ jobKey: req.jobKey, variables });
  }

  private async completeBatch(c: Command, batch: Completion[]): Promise<Map<Completion, Error>> {
    const refused = new Map<Completion, Error>();
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
    return refused;
  }

  private async completeOne({ jobKey, variables }: Completion): Promise<void> {
    await this.core.jobCommand(jobKey, (c, inst, el) => {
      if (el.jobFailed) throw new Conflict(`job ${jobKey} has no retries left and waits for its incident to be resolved`);
      c.runtime.ctx.cause = { command: 'COMPLETE_JOB', jobKey };
      c.runtime.completeJob(inst, el, variables);
    });
  }
}
