/**
 * The process catalogue under PROCESSES_DIR at start, for the composition root (main.ts, the only
 * file that imports this one): loaded as the procedure catalog, and its `.bpmn` and `.form` files
 * deployed to the engine in one deployment, held to the procedure lint. A start that cannot
 * succeed as configured is a `StartupError`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type Config } from './config.js';
import type { DeploymentResult, Resource, WorkflowEngine } from './engine/port.js';
import { AppError } from './errors.js';
import { Catalog, formatDeploymentProblems, loadCatalog, type DeploymentLinter } from './procedures/index.js';

/** A start that cannot succeed as configured (bad BPMN in PROCESSES_DIR, …). */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

/**
 * PROCESSES_DIR is first a folder of BPMN files to deploy; it is also the procedure catalog
 * when it holds one. A catalog that does not load leaves the dossier room with no procedure
 * (receipts answer 'no such procedure') and the deployments unlinted, and says why, once, at
 * start.
 */
export async function loadProcedures(config: Config, logger: Logger): Promise<Catalog> {
  const dir = config.processesDir;
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    try {
      return await loadCatalog(dir);
    } catch (e) {
      logger.error({ processesDir: dir, problems: (e as { details?: unknown }).details }, `no procedure catalog: ${(e as Error).message}`);
    }
  }
  return new Catalog(dir, [], new Map());
}

/**
 * Deploys every `*.bpmn` and `*.form` below PROCESSES_DIR in one deployment, named by its path relative to
 * the folder. A file deployed before with the same content keeps its version (the engine's
 * rule, as Zeebe's), so a restart creates no new versions. One bad file stops the start, and
 * so does a lint error of a catalog process (`lint`, as POST /v2/deployments runs it); lint
 * warnings are logged.
 */
export async function deployCatalogue(engine: WorkflowEngine, config: Config, logger: Logger, lint?: DeploymentLinter): Promise<DeploymentResult | undefined> {
  const dir = config.processesDir;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    if (config.processesDirExplicit) throw new ConfigError('PROCESSES_DIR', `${dir} is not a folder`);
    logger.info({ processesDir: dir }, 'no processes folder: nothing deployed');
    return undefined;
  }
  const resources: Resource[] = catalogFiles(dir).map((f) => ({
    name: relative(dir, f).split(sep).join('/'),
    content: readFileSync(f),
  }));
  if (!resources.length) {
    logger.info({ processesDir: dir }, 'no BPMN files: nothing deployed');
    return undefined;
  }
  if (lint) {
    const { errors, warnings } = await lint(resources);
    if (warnings.length) logger.warn({ processesDir: dir, warnings }, `procedure lint warnings: ${formatDeploymentProblems(warnings)}`);
    if (errors.length) {
      throw new StartupError(`cannot deploy the processes in ${dir}: the procedure lint refuses ${formatDeploymentProblems(errors)}`, {
        problems: errors,
      });
    }
  }
  let result: DeploymentResult;
  try {
    result = await engine.deployResources(resources);
  } catch (e) {
    if (e instanceof AppError) throw new StartupError(`cannot deploy the processes in ${dir}: ${e.message}`, e.details);
    throw e;
  }
  logger.info({ processesDir: dir, processes: result.processes.map((p) => `${p.bpmnProcessId}:${p.version}`) }, 'processes deployed');
  return result;
}

/** The `.bpmn` and `.form` files below `dir`: the processes and the Camunda forms their user tasks link. */
function catalogFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...catalogFiles(p));
    else if (e.isFile() && /\.(bpmn|form)$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}
