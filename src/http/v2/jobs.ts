/**
 * /v2/jobs: activation (with long polling), completion, failure, BPMN error, retries/timeout
 * update. Administrators and API clients with the 'worker' role; a worker limited to job types
 * activates and acts on only those (job-types.ts), else 403.
 */
import { Router, type RequestHandler } from 'express';
import type { ActivatedJob } from '../../engine/port.js';
import { requireRole } from '../auth.js';
import { checkActivationType, checkJobKey } from '../job-types.js';
import { pathKey } from '../params.js';
import { schemaId, validBody } from '../validate.js';
import { activateWithLongPolling } from '../../engine/long-poll.js';
import { TENANT, type V2Context } from './context.js';

interface ActivationBody {
  type: string;
  worker?: string;
  timeout: number;
  maxJobsToActivate: number;
  fetchVariable?: string[];
  requestTimeout?: number;
}

export function jobsRouter(ctx: V2Context): Router {
  const router = Router();
  const body = (name: string) => validBody(ctx.schemas, schemaId(`v2/${name}.json`));
  const ownJob: RequestHandler = async (req, _res, next) => {
    await checkJobKey(req.user!, pathKey(req, 'jobKey'), ctx.jobTypeOf);
    next();
  };

  router.post('/jobs/activation', requireRole('admin', 'worker'), body('job-activation'), async (req, res) => {
    const b = req.body as ActivationBody;
    checkActivationType(req.user!, b.type);
    // Camunda: 0 or absent waits the default time, a negative value does not wait.
    const wait = !b.requestTimeout ? ctx.activation.defaultRequestTimeout : b.requestTimeout;
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const jobs = await activateWithLongPolling(
      ctx.engine,
      { type: b.type, worker: b.worker ?? '', timeout: b.timeout, maxJobsToActivate: b.maxJobsToActivate, fetchVariable: b.fetchVariable },
      { wait, pollInterval: ctx.activation.pollInterval, now: ctx.activation.now, signal: AbortSignal.any([gone.signal, ctx.signal]) },
    );
    res.json({ jobs: jobs.map(toCamundaJob) });
  });

  router.post('/jobs/:jobKey/completion', requireRole('admin', 'worker'), body('job-completion'), ownJob, async (req, res) => {
    const b = (req.body ?? {}) as { variables?: Record<string, unknown> | null };
    await ctx.engine.completeJob({ jobKey: pathKey(req, 'jobKey'), variables: b.variables ?? undefined });
    res.status(204).end();
  });

  router.post('/jobs/:jobKey/failure', requireRole('admin', 'worker'), body('job-failure'), ownJob, async (req, res) => {
    const b = (req.body ?? {}) as { retries?: number; errorMessage?: string; retryBackOff?: number; variables?: Record<string, unknown> };
    await ctx.engine.failJob({
      jobKey: pathKey(req, 'jobKey'),
      retries: b.retries ?? 0,
      errorMessage: b.errorMessage,
      retryBackOff: b.retryBackOff,
      variables: b.variables,
    });
    res.status(204).end();
  });

  router.post('/jobs/:jobKey/error', requireRole('admin', 'worker'), body('job-error'), ownJob, async (req, res) => {
    const b = req.body as { errorCode: string; errorMessage?: string | null; variables?: Record<string, unknown> | null };
    await ctx.engine.throwError({
      jobKey: pathKey(req, 'jobKey'),
      errorCode: b.errorCode,
      errorMessage: b.errorMessage ?? undefined,
      variables: b.variables ?? undefined,
    });
    res.status(204).end();
  });
  router.patch('/jobs/:jobKey', requireRole('admin', 'worker'), body('job-update'), ownJob, async (req, res) => {
    const jobKey = pathKey(req, 'jobKey');
    const { retries, timeout } = (req.body as { changeset: { retries?: number | null; timeout?: number | null } }).changeset;
    // Two engine commands: a refused timeout (job not activated) leaves the new retries in place.
    if (retries != null) await ctx.engine.updateJobRetries(jobKey, retries);
    if (timeout != null) await ctx.engine.updateJobTimeout(jobKey, timeout);
    res.status(204).end();
  });
  return router;
}

function toCamundaJob(j: ActivatedJob) {
  return {
    jobKey: j.key,
    type: j.type,
    processInstanceKey: j.processInstanceKey,
    processDefinitionId: j.bpmnProcessId,
    processDefinitionVersion: j.processDefinitionVersion,
    processDefinitionKey: j.processDefinitionKey,
    elementId: j.elementId,
    elementInstanceKey: j.elementInstanceKey,
    customHeaders: j.customHeaders,
    worker: j.worker,
    retries: j.retries,
    deadline: j.deadline,
    variables: j.variables,
    tenantId: TENANT,
    kind: 'BPMN_ELEMENT',
    listenerEventType: 'UNSPECIFIED',
  };
}
