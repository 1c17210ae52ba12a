/**
 * The two server-streaming RPCs of job workers.
 *
 * - ActivateJobs: a long poll (`engine/long-poll.ts`, shared with /v2): jobs now, else wait for
 *   the engine's notification of a job of the type, at most `requestTimeout` (0: the default;
 *   negative: no wait); one response with the jobs, then the end of the stream. A client gone
 *   meanwhile activates nothing.
 * - StreamActivatedJobs: Zeebe's job push. The stream stays open until the client cancels it or
 *   the gateway stops; each job of the type created meanwhile is activated for it and written at
 *   once. Jobs that existed before are not pushed (clients poll once when they open a stream), but
 *   jobs that become activatable by time alone (a retry back-off or a timeout running out) are,
 *   by a fallback look every `pollInterval`. A job written to a client that is gone is lost to no
 *   one: its activation times out and it is activated again.
 */
import type { ServerWritableStream } from '@grpc/grpc-js';
import { Invalid } from '../../errors.js';
import { activateWithLongPolling } from '../long-poll.js';
import type { ActivateJobsRequest } from '../port.js';
import { checkTenants, millis, toGrpcJob } from './convert.js';
import type { GatewayContext } from './context.js';

export interface ActivateJobsWire {
  type: string;
  worker: string;
  timeout: string;
  maxJobsToActivate: number;
  fetchVariable: string[];
  requestTimeout: string;
  tenantIds: string[];
}

export interface StreamJobsWire {
  type: string;
  worker: string;
  timeout: string;
  fetchVariable: string[];
  tenantIds: string[];
}

/** Jobs taken per activation while pushing to a stream. */
const STREAM_BATCH = 32;

/** A call's end (the client cancelled or went away) and the gateway's stop, as one signal. */
function callSignal(call: ServerWritableStream<unknown, unknown>, ctx: GatewayContext): { signal: AbortSignal; dispose: () => void } {
  const gone = new AbortController();
  const abort = () => gone.abort();
  call.on('cancelled', abort);
  call.on('close', abort);
  if (call.cancelled) gone.abort();
  return { signal: AbortSignal.any([gone.signal, ctx.signal]), dispose: () => call.off('cancelled', abort).off('close', abort) };
}

function activationOf(
  rpc: string,
  r: { type: string; worker: string; timeout: string; fetchVariable: string[]; tenantIds: string[] },
): Omit<ActivateJobsRequest, 'maxJobsToActivate'> {
  checkTenants(rpc, r.tenantIds);
  if (!r.type) throw new Invalid('Expected to activate jobs of a type, but the type is blank');
  const timeout = millis(r.timeout);
  if (timeout < 1) throw new Invalid(`Expected the job timeout to be at least 1 ms, but it was ${timeout}`);
  return { type: r.type, worker: r.worker, timeout, fetchVariable: r.fetchVariable.length ? r.fetchVariable : undefined };
}

export async function activateJobs(call: ServerWritableStream<ActivateJobsWire, unknown>, ctx: GatewayContext): Promise<void> {
  const r = call.request;
  const base = activationOf('ActivateJobs', r);
  if (!r.worker) throw new Invalid('Expected the name of the worker activating the jobs, but it is blank');
  if (!(r.maxJobsToActivate >= 1)) throw new Invalid(`Expected to activate at least 1 job, but maxJobsToActivate was ${r.maxJobsToActivate}`);
  const requested = millis(r.requestTimeout);
  // Zeebe: 0 waits the gateway's default time, a negative value does not wait. Never past the
  // call's own deadline (less a margin for the answer to travel): zbctl sets its deadline barely
  // above its requestTimeout, and an answer after it is DEADLINE_EXCEEDED instead of "no jobs".
  const asked = requested === 0 ? ctx.timing.defaultRequestTimeout : requested;
  const left = untilDeadline(call) - DEADLINE_MARGIN;
  const wait = left > 0 ? asked : -1;
  const { signal, dispose } = callSignal(call, ctx);
  // The deadline is the caller's wall clock, whatever clock the engine keeps.
  const until = Number.isFinite(left) && left > 0 ? AbortSignal.any([signal, AbortSignal.timeout(left)]) : signal;
  try {
    const jobs = await activateWithLongPolling(
      ctx.engine,
      { ...base, maxJobsToActivate: r.maxJobsToActivate },
      { wait, pollInterval: ctx.timing.pollInterval, now: () => ctx.now(), signal: until },
    );
    if (jobs.length) call.write({ jobs: jobs.map(toGrpcJob) });
    call.end();
  } finally {
    dispose();
  }
}

/** Resolves when the stream can take more, or is gone; leaves no listener behind either way. */
function drained(call: ServerWritableStream<StreamJobsWire, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done).off('close', done);
      resolve();
    };
    call.on('drain', done).on('close', done);
  });
}

/** What a long poll leaves for the answer before the caller's deadline, ms. */
const DEADLINE_MARGIN = 250;

/** ms until the call's deadline (Infinity when it has none). */
function untilDeadline(call: ServerWritableStream<ActivateJobsWire, unknown>): number {
  const d = call.getDeadline();
  const at = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(at) ? at - Date.now() : Infinity;
}

export async function streamActivatedJobs(call: ServerWritableStream<StreamJobsWire, unknown>, ctx: GatewayContext): Promise<void> {
  const base = activationOf('StreamActivatedJobs', call.request);
  const { signal, dispose } = callSignal(call, ctx);
  let pending = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    pending = true;
    wake?.();
  };
  const unsubscribe = ctx.engine.onJobCreated((type) => {
    if (type === base.type) poke();
  });
  signal.addEventListener('abort', poke, { once: true });
  try {
    // Only jobs from now on: the first look comes with a notification or the fallback poll.
    while (!signal.aborted) {
      if (!pending) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(poke, ctx.timing.pollInterval);
          wake = () => {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          };
          if (pending) wake();
        });
      }
      pending = false;
      while (!signal.aborted) {
        const jobs = await ctx.engine.activateJobs({ ...base, maxJobsToActivate: STREAM_BATCH });
        for (const job of jobs) {
          // Backpressure: a slow client is not written to faster than it reads.
          if (!call.write(toGrpcJob(job))) await drained(call);
        }
        if (jobs.length < STREAM_BATCH) break;
      }
    }
    call.end();
  } finally {
    unsubscribe();
    dispose();
  }
}
