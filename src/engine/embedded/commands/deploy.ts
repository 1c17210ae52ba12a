/**
 * DeployResource: compile every resource first (a bad one deploys nothing), then in one
 * transaction give each changed process a new version — the same resource again is not a new
 * version (Zeebe) — and move its start events (message and timer) to the new version.
 */
import { createHash } from 'node:crypto';
import { BpmnValidationError, compileBpmn, scheduleTimer, type ExecutableProcess } from '../../../bpmn/index.js';
import { Invalid } from '../../../errors.js';
import { evaluateExpr } from '../../../feel/index.js';
import type { DeploymentResult, ProcessMetadata, Resource } from '../../port.js';
import type { EngineCore } from '../core.js';
import type { CachedDefinition } from '../definitions.js';
import * as defs from '../sql/definitions.js';
import * as msgs from '../sql/messages.js';
import { replaceSignalStarts } from '../sql/signals.js';
import { deleteStartTimers, insertStartTimer } from '../sql/timers.js';

interface Compiled {
  resource: Resource;
  xml: string;
  checksum: string;
  processes: ExecutableProcess[];
}

export async function deployResources(core: EngineCore, resources: Resource[]): Promise<DeploymentResult> {
  const compiled = await compileAll(resources);
  const count = compiled.reduce((n, c) => n + c.processes.length, 0);
  const now = core.clock.now();
  const latest: CachedDefinition[] = [];
  const result = await core.db.tx(async (q) => {
    latest.length = 0;
    const keys = await core.takeKeys(q, 1 + count * 16);
    const deploymentKey = keys.next();
    await defs.insertDeployment(q, deploymentKey, now);
    const out: ProcessMetadata[] = [];
    for (const c of compiled) {
      for (const p of c.processes) {
        await defs.lockProcessId(q, p.id);
        const previous = await defs.latestDefinition(q, p.id);
        if (previous && previous.checksum === c.checksum && previous.resource_name === c.resource.name) {
          // Zeebe: the same resource again is not a new version.
          out.push(meta(previous));
          latest.push({ row: previous, process: p });
          continue;
        }
        const row = {
          key: keys.next(),
          bpmn_process_id: p.id,
          version: (previous?.version ?? 0) + 1,
          version_tag: p.versionTag ?? null,
          name: p.name ?? null,
          resource_name: c.resource.name,
          checksum: c.checksum,
          deployment_key: deploymentKey,
          xml: c.xml,
          deployedAt: now,
        };
        await defs.insertDefinition(q, row);
        const { xml: _xml, deployedAt: _at, ...kept } = row;
        latest.push({ row: kept, process: p });
        // Start events follow the latest version: the previous version's are replaced.
        await msgs.replaceMessageStarts(q, p.id, row.key, p.messageStarts);
        await replaceSignalStarts(q, p.id, row.key, p.signalStarts);
        await deleteStartTimers(q, p.id);
        for (const t of p.timerStarts) {
          const text = 'static' in t.timer.expression ? t.timer.expression.static : String(evaluateExpr(t.timer.expression, {}));
          const schedule = scheduleTimer(t.timer.kind, text, now);
          await insertStartTimer(q, {
            key: keys.next(),
            schedule,
            elementId: t.elementId,
            definitionKey: row.key,
            bpmnProcessId: p.id,
            now,
          });
        }
        out.push(meta(row));
        await defs.recordProcessCreated(q, { at: now, bpmnProcessId: p.id, definitionKey: row.key, version: row.version, deploymentKey });
      }
    }
    return { deploymentKey, processes: out };
  });
  // Only once committed: a rolled-back deployment must not become anyone's latest version.
  core.definitions.deployed(latest);
  return result;
}

async function compileAll(resources: Resource[]): Promise<Compiled[]> {
  if (!Array.isArray(resources) || resources.length === 0) throw new Invalid('a deployment needs at least one resource');
  const compiled: Compiled[] = [];
  const seen = new Set<string>();
  for (const resource of resources) {
    if (!resource.name || !/\.(bpmn|xml)$/i.test(resource.name)) {
      throw new Invalid(`resource '${resource.name}': only BPMN resources (.bpmn) can be deployed`);
    }
    const xml = typeof resource.content === 'string' ? resource.content : resource.content.toString('utf8');
    let processes: ExecutableProcess[];
    try {
      processes = await compileBpmn(xml, resource.name);
    } catch (e) {
      if (e instanceof BpmnValidationError) throw new Invalid(e.message, { resource: e.resourceName, problems: e.problems });
      throw e;
    }
    for (const p of processes) {
      if (seen.has(p.id)) throw new Invalid(`process '${p.id}' is defined twice in one deployment`);
      seen.add(p.id);
    }
    compiled.push({ resource, xml, checksum: createHash('sha256').update(xml).digest('hex'), processes });
  }
  return compiled;
}

export function meta(d: { key: string; bpmn_process_id: string; version: number; resource_name: string; version_tag: string | null }): ProcessMetadata {
  return {
    bpmnProcessId: d.bpmn_process_id,
    version: d.version,
    processDefinitionKey: d.key,
    resourceName: d.resource_name,
    ...(d.version_tag ? { versionTag: d.version_tag } : {}),
  };
}
