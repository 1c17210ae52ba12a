/**
 * POST /v2/deployments: multipart, one or more BPMN files or Camunda forms (`.form`) in the field `resources`. Linted
 * against the procedure catalog before the engine sees them (V2Context.lintDeployment): errors
 * answer 400 with `details.problems`; warnings, if any, come back in the answer's `warnings`.
 */
import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { Invalid } from '../../errors.js';
import { formatDeploymentProblems } from '../../procedures/index.js';
import { requireRole } from '../auth.js';
import { UnsupportedMediaType } from '../errors.js';
import { schemaId } from '../validate.js';
import type { DeploymentAnswer } from './api-types.js';
import { TENANT, type V2Context } from './context.js';

export function deploymentsRouter(ctx: V2Context): Router {
  const router = Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: ctx.limits.resourceBytes,
      files: ctx.limits.resources,
      fields: 10,
      fieldSize: 1024,
      parts: ctx.limits.resources + 10,
    },
    // Vietnamese file names arrive as raw UTF-8 in the part headers.
    defParamCharset: 'utf8',
  }).array('resources', ctx.limits.resources);
  const fields = schemaId('v2/deployment-create.json');
  ctx.schemas.validator(fields);

  const receive: RequestHandler = (req, res, next) => {
    if (!req.is('multipart/form-data')) {
      throw new UnsupportedMediaType("send the resources as multipart/form-data, one or more files in the field 'resources'");
    }
    upload(req, res, (err?: unknown) => {
      if (!err) {
        next();
        return;
      }
      // busboy's own errors (no boundary, truncated body…) are the caller's malformed input.
      next(err instanceof multer.MulterError ? err : new Invalid(`malformed multipart body: ${(err as Error)?.message ?? err}`));
    });
  };

  router.post('/deployments', requireRole('designer', 'admin'), receive, async (req, res) => {
    ctx.schemas.check(fields, { ...(req.body ?? {}) }, 'multipart fields');
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    if (!files.length) throw new Invalid("a deployment needs at least one file in the multipart field 'resources'");
    const resources = files.map((f) => ({ name: f.originalname, content: f.buffer }));
    // Processes of the procedure catalog are held to its rules first: an error refuses the whole
    // deployment, in the shape of the engine's own deploy problems (details.problems).
    const lint = ctx.lintDeployment ? await ctx.lintDeployment(resources) : { errors: [], warnings: [] };
    if (lint.errors.length) {
      throw new Invalid(`the procedure lint refuses the deployment: ${formatDeploymentProblems(lint.errors)}`, { problems: lint.errors });
    }
    const result = await ctx.engine.deployResources(resources);
    const answer: DeploymentAnswer = {
      deploymentKey: result.deploymentKey,
      tenantId: TENANT,
      deployments: [
        ...result.processes.map((p) => ({
          processDefinition: {
            processDefinitionId: p.bpmnProcessId,
            processDefinitionVersion: p.version,
            processDefinitionKey: p.processDefinitionKey,
            resourceName: p.resourceName,
            tenantId: TENANT,
          },
        })),
        ...result.forms.map((f) => ({
          form: { formId: f.formId, version: f.version, formKey: f.formKey, resourceName: f.resourceName, tenantId: TENANT },
        })),
      ],
      // Camunda's shape, plus the lint's warnings when it has any.
      ...(lint.warnings.length ? { warnings: lint.warnings } : {}),
    };
    res.json(answer);
  });
  return router;
}
