/**
 * CreateProcessInstanceWithResult: create the instance, then answer when it completes, with the
 * variables of its root scope (only `fetchVariables`, when given) — or DEADLINE_EXCEEDED when it
 * has not completed within `requestTimeout`, as Zeebe's gateway does. Over the port alone: the
 * instance's state and variables come from `EngineQueries`; the wait is woken by the gateway's
 * own commands and the engine's job and user-task hints (an instance usually moves on by one of
 * them), and otherwise looks again every `pollInterval`.
 */
import { status } from '@grpc/grpc-js';
import type { Variables } from '../port.js';
import type { ProcessInstanceState } from '../queries.js';
import { creationOf, type CreateInstanceFields } from './commands.js';
import { millis, TENANT } from './convert.js';
import type { GatewayContext } from './context.js';
import { GrpcStatusError } from './errors.js';

export interface WithResultRequest {
  request?: CreateInstanceFields;
  requestTimeout?: string;
  fetchVariables?: string[];
}

export async function createProcessInstanceWithResult(r: WithResultRequest, ctx: GatewayContext, signal?: AbortSignal) {
  const timeout = millis(r.requestTimeout) > 0 ? millis(r.requestTimeout) : ctx.timing.defaultRequestTimeout;
  const deadline = ctx.now() + timeout;
  const created = await ctx.engine.createProcessInstance(creationOf('CreateProcessInstanceWithResult', r.request ?? {}));
  const key = created.processInstanceKey;
  const state = await waitForEnd(ctx, key, deadline, signal);
  if (state === 'ACTIVE') {
    throw new GrpcStatusError(
      status.DEADLINE_EXCEEDED,
      `Time out between gateway and broker: process instance ${key} did not complete within the requestTimeout of ${timeout} ms (it goes on running)`,
    );
  }
  if (state === 'TERMINATED') {
    throw new GrpcStatusError(status.ABORTED, `process instance ${key} was terminated before it completed`);
  }
  const variables = await rootVariables(ctx, key, r.fetchVariables ?? []);
  return {
    processDefinitionKey: created.processDefinitionKey,
    bpmnProcessId: created.bpmnProcessId,
    version: created.version,
    processInstanceKey: key,
    variables: JSON.stringify(variables),
    tenantId: TENANT,
  };
}

/** The instance's state once it ended, or 'ACTIVE' when the deadline passed (or the call ended) first. */
async function waitForEnd(ctx: GatewayContext, key: string, deadline: number, signal?: AbortSignal): Promise<ProcessInstanceState> {
  const stop = signal ? AbortSignal.any([signal, ctx.signal]) : ctx.signal;
  let poked: boolean;
  let wake: (() => void) | undefined;
  const poke = () => {
    poked = true;
    wake?.();
  };
  // Subscribed before the first look, so a change in between is not missed.
  const unsubscribe = [ctx.onChanged(poke), ctx.engine.onJobCreated(poke), ctx.engine.onUserTaskChanged(poke)];
  try {
    for (;;) {
      poked = false;
      const { state } = await ctx.queries.getProcessInstance(key);
      const left = deadline - ctx.now();
      if (state !== 'ACTIVE' || left <= 0 || stop.aborted) return state;
      if (poked) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          stop.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, ctx.timing.pollInterval));
        stop.addEventListener('abort', done, { once: true });
        wake = done;
      });
    }
  } finally {
    for (const u of unsubscribe) u();
  }
}

/** The root scope's variables at the end: the last value of each name the instance itself held. */
async function rootVariables(ctx: GatewayContext, key: string, names: string[]): Promise<Variables> {
  const out: Variables = {};
  const filter = { processInstanceKey: key, scopeKey: key, ...(names.length ? { name: { $in: names } } : {}) };
  const limit = 1000;
  for (let from = 0; ; from += limit) {
    const page = await ctx.queries.searchVariableChanges({ filter, sort: [{ field: 'position', order: 'ASC' }], page: { from, limit } });
    for (const c of page.items) out[c.name] = JSON.parse(c.value) as unknown;
    if (page.items.length < limit) return out;
  }
}
