/**
 * The engine's HTTP surface at /v2, following the paths and JSON shapes of Camunda 8's REST API
 * v2 for the subset the embedded engine supports, so Camunda's clients and tools can talk to it.
 */
import { Router, type RequestHandler } from 'express';
import { UnsupportedMediaType } from '../errors.js';
import type { V2Context } from './context.js';
import { deploymentsRouter } from './deployments.js';
import { incidentsRouter } from './incidents.js';
import { jobsRouter } from './jobs.js';
import { messagesRouter } from './messages.js';
import { signalsRouter } from './signals.js';
import { elementInstancesRouter } from './element-instances.js';
import { formsRouter } from './forms.js';
import { processDefinitionsRouter } from './process-definitions.js';
import { processInstancesRouter } from './process-instances.js';
import { topologyRouter } from './topology.js';
import { userTasksRouter } from './user-tasks.js';
import { variablesRouter } from './variables.js';

export type { V2Context } from './context.js';

export function v2Router(ctx: V2Context): Router {
  const router = Router();
  router.use(jsonOrMultipart);
  router.use(deploymentsRouter(ctx));
  router.use(processInstancesRouter(ctx));
  router.use(jobsRouter(ctx));
  router.use(incidentsRouter(ctx));
  router.use(messagesRouter(ctx));
  router.use(signalsRouter(ctx));
  router.use(elementInstancesRouter(ctx));
  router.use(processDefinitionsRouter(ctx));
  router.use(userTasksRouter(ctx));
  router.use(variablesRouter(ctx));
  router.use(formsRouter(ctx));
  router.use(topologyRouter());
  return router;
}

/** A body in any other format would be silently ignored by the JSON parser: refuse it instead. */
const jsonOrMultipart: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && req.body === undefined && !req.is('multipart/form-data')) {
    throw new UnsupportedMediaType(`send the request body as application/json, not ${req.headers['content-type'] ?? 'without a content type'}`);
  }
  next();
};
