/**
 * An in-process job worker over the port alone, with the Camunda SDK's habits: it activates in
 * batches up to its concurrency, asks for more when the jobs in hand fall to 30 % of capacity, is
 * woken by the engine's job notifications (the embedded engine's LISTEN/NOTIFY; polling only as a
 * fallback and for retry back-offs — on Zeebe, which notifies no client, polling only), drains the
 * jobs in hand on close, and takes exactly one terminal action per job. Both adapters' `createWorker`.
 */
import type { ActivatedJob, JobActions, JobOutcome, JobWorker, Variables, WorkerOptions, WorkflowEngine } from './port.js';

/** What a worker needs of the engine: the port's job commands and its job notifications. */
type WorkerEngine = Pick<WorkflowEngine, 'activateJobs' | 'completeJob' | 'failJob' | 'throwError' | 'onJobCreated'>;

const DONE: JobOutcome = Object.freeze({ done: true as const });

export class PortJobWorker implements JobWorker {
  readonly type: string;
  private readonly concurrency: number;
  private readonly timeout: number;
  private readonly name: string;
  private active = 0;
  private fetching = false;
  private again = false;
  private closed = false;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private drained?: () => void;
  private closeListeners: Array<() => void> = [];

  constructor(
    private readonly engine: WorkerEngine,
    private readonly opts: WorkerOptions,
  ) {
    this.type = opts.type;
    this.concurrency = Math.max(1, opts.concurrency ?? 8);
    this.timeout = opts.timeout ?? 30_000;
    this.name = opts.worker ?? `lienthong-${process.pid}`;
  }

  start(): void {
    this.unsubscribe = this.engine.onJobCreated((type) => {
      if (type === this.type) this.poke();
    });
    const every = this.opts.pollInterval ?? 1_000;
    this.timer = setInterval(() => this.poke(), every);
    this.timer.unref();
    this.poke();
  }

  onClose(f: () => void): void {
    this.closeListeners.push(f);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    if (this.active > 0 || this.fetching) await new Promise<void>((r) => (this.drained = r));
    for (const f of this.closeListeners) f();
  }

  /** Fetches when there is room; a poke during a fetch makes it fetch once more. */
  private poke(): void {
    if (this.closed) return;
    if (this.fetching) {
      this.again = true;
      return;
    }
    if (this.active > Math.round(this.concurrency * 0.3)) return;
    void this.fetch();
  }

  private async fetch(): Promise<void> {
    this.fetching = true;
    try {
      do {
        this.again = false;
        const room = this.concurrency - this.active;
        if (room <= 0 || this.closed) break;
        let jobs: ActivatedJob[] = [];
        try {
          jobs = await this.engine.activateJobs({
            type: this.type,
            worker: this.name,
            maxJobsToActivate: room,
            timeout: this.timeout,
            fetchVariable: this.opts.fetchVariable,
          });
        } catch (e) {
          this.opts.onError?.(e);
          break;
        }
        for (const job of jobs) this.run(job);
        if (jobs.length === room) this.again = true;
      } while (this.again && !this.closed);
    } finally {
      this.fetching = false;
      this.maybeDrained();
    }
  }

  private run(job: ActivatedJob): void {
    this.active++;
    let acted = false;
    const once = async (action: () => Promise<void>): Promise<JobOutcome> => {
      if (acted) throw new Error(`job ${job.key}: a terminal action was already taken`);
      acted = true;
      await action();
      return DONE;
    };
    const actions: JobActions = {
      complete: (variables?: Variables) => once(() => this.engine.completeJob({ jobKey: job.key, variables })),
      fail: (errorMessage, retries = job.retries - 1, retryBackOff) =>
        once(() => this.engine.failJob({ jobKey: job.key, retries, errorMessage, retryBackOff })),
      error: (errorCode, errorMessage, variables) => once(() => this.engine.throwError({ jobKey: job.key, errorCode, errorMessage, variables })),
    };
    const handled = (async () => {
      try {
        const result = await this.opts.handler(Object.assign(Object.create(null) as object, job, actions));
        if (!acted) await actions.complete(result && !(result as JobOutcome).done ? result : undefined);
      } catch (e) {
        if (!acted) {
          await actions.fail((e as Error)?.message ?? String(e)).catch((err: unknown) => this.opts.onError?.(err, job));
        } else {
          this.opts.onError?.(e, job);
        }
      }
    })();
    void handled.finally(() => {
      this.active--;
      this.maybeDrained();
      this.poke();
    });
  }

  private maybeDrained(): void {
    if (this.closed && this.active === 0 && !this.fetching) this.drained?.();
  }
}

/** The job workers an adapter started: each forgotten when it closes, all closed with the adapter. */
export class PortJobWorkers {
  private readonly started = new Set<PortJobWorker>();

  constructor(private readonly engine: WorkerEngine) {}

  /** Both adapters' `createWorker`: a started worker. */
  create(options: WorkerOptions): JobWorker {
    const w = new PortJobWorker(this.engine, options);
    this.started.add(w);
    w.onClose(() => this.started.delete(w));
    w.start();
    return w;
  }

  async close(): Promise<void> {
    await Promise.all([...this.started].map((w) => w.close()));
  }
}
