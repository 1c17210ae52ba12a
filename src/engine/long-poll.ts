/**
 * Job activation with long polling (Camunda's `requestTimeout`): activate now; when nothing is
 * there, wait until a job of the type is created — the engine's notification, fired by the
 * database at commit — or until a fallback poll, since jobs also become activatable by time
 * alone (a retry back-off running out, a worker's timeout expiring) without any notification.
 * Written against the port alone, so every front door that long-polls — /v2 today, the gRPC
 * gateway's ActivateJobs — waits the same way on any adapter.
 */
import type { ActivateJobsRequest, ActivatedJob, WorkflowEngine } from './port.js';

export interface LongPollOptions {
  /** ms to wait for a job; ≤ 0: return at once. */
  wait: number;
  /** Re-check at least this often while waiting, ms. */
  pollInterval: number;
  /** Ends the wait early (client gone, service stopping). */
  signal: AbortSignal;
  /** The clock `wait` is measured on, ms since the epoch (default: the system clock). */
  now?: () => number;
}

export async function activateWithLongPolling(
  engine: Pick<WorkflowEngine, 'activateJobs' | 'onJobCreated'>,
  req: ActivateJobsRequest,
  opts: LongPollOptions,
): Promise<ActivatedJob[]> {
  const now = opts.now ?? Date.now;
  const deadline = now() + Math.max(0, opts.wait);
  let created: boolean;
  let wake: (() => void) | undefined;
  // Subscribed before the first attempt, so a job created in between is not missed.
  const unsubscribe =
    opts.wait > 0
      ? engine.onJobCreated((type) => {
          if (type !== req.type) return;
          created = true;
          wake?.();
        })
      : undefined;
  try {
    for (;;) {
      created = false;
      const jobs = await engine.activateJobs(req);
      const left = deadline - now();
      if (jobs.length || left <= 0 || opts.signal.aborted) return jobs;
      if (!created) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            opts.signal.removeEventListener('abort', done);
            wake = undefined;
            resolve();
          };
          const timer = setTimeout(done, Math.min(left, opts.pollInterval));
          opts.signal.addEventListener('abort', done, { once: true });
          wake = done;
        });
      }
      // Nobody to hand jobs to any more: activating now would only park them until their timeout.
      if (opts.signal.aborted) return [];
    }
  } finally {
    unsubscribe?.();
  }
}
