/**
 * DeployResource: compile every resource first (a bad one deploys nothing), then in one
 * transaction give each changed process a new version — the same resource again is not a new
 * version (Zeebe) — and move its start events (message and timer) to the new version. Camunda
 * forms (`.form`, form-js JSON) are versioned by their `id` the same way.
 */
import { createHash } from 'node:crypto';
import { BpmnValidationError, compileBpmn, scheduleTimer, type ExecutableProcess } from '../../../bpmn/index.js';
import { Invalid } from '../../../errors.js';
import { evaluateExpr } from '../../../feel/index.js';
import type { DeploymentResult, FormMetadata, ProcessMetadata, Resource } from '../../port.js';
import type { EngineCore } from '../core.js';
import type { CachedDefinition } from '../definitions.js';
import * as defs from '../sql/definitions.js';
import * as msgs from '../sql/messages.js';
import { replaceSignalStarts } from '../sql/signals.js';
import { deleteStartTimers, insertStartTimer } from '../sql/timers.js';
import { insertForms, latestForms, type FormRow } from '../sql/userTasks.js';

interface Compiled {
  resource: Resource;
  xml: string;
  checksum: string;
  processes: readonly ExecutableProcess[];
}

interface Form {
  resource: Resource;
  formId: string;
  schema: string;
  checksum: string;
}

export async function deployResources(core: EngineCore, resources: Resource[]): Promise<DeploymentResult> {
  if (!Array.isArray(resources) || resources.length === 0) throw new Invalid('a deployment needs at least one resource');
  for (const r of resources) checkResourceName(r.name);
  const forms = readForms(resources.filter(isForm));
  const compiled = await compileAll(resources.filter((r) => !isForm(r)));
  const count = compiled.reduce((n, c) => n + c.processes.length, 0) + forms.length;
  const now = core.clock.now();
  const latest: CachedDefinition[] = [];
  const result = await core.db.tx(async (q) => {
    latest.length = 0;
    const keys = await core.takeKeys(q, 1 + count * 16);
    const deploymentKey = keys.next();
    await defs.insertDeployment(q, deploymentKey, now);
    // All of a deployment's locks first, in one statement; then each table in one statement for
    // all the new versions (a catalogue of a few processes and a few dozen forms is deployed at
    // every start, and the tests deploy one before each case).
    const ids = compiled.flatMap((c) => c.processes.map((p) => p.id));
    await defs.lockProcessIds(q, [...ids, ...forms.map((f) => `form:${f.formId}`)]);
    const previousVersions = await defs.latestDefinitions(q, ids);
    const out: ProcessMetadata[] = [];
    const created: { row: defs.NewDefinition; process: ExecutableProcess }[] = [];
    const timers: Parameters<typeof insertStartTimer>[1][] = [];
    for (const c of compiled) {
      for (const p of c.processes) {
        const previous = previousVersions.get(p.id);
        if (previous && previous.checksum === c.checksum && previous.resource_name === c.resource.name) {
          // Zeebe: the same resource again is not a new version.
          out.push(meta(previous));
          latest.push({ row: previous, process: p });
          continue;
        }
        const row: defs.NewDefinition = {
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
        created.push({ row, process: p });
        const { xml: _xml, deployedAt: _at, ...kept } = row;
        latest.push({ row: kept, process: p });
        for (const t of p.timerStarts) {
          const text = 'static' in t.timer.expression ? t.timer.expression.static : String(evaluateExpr(t.timer.expression, {}));
          const schedule = scheduleTimer(t.timer.kind, text, now);
          timers.push({ key: keys.next(), schedule, elementId: t.elementId, definitionKey: row.key, bpmnProcessId: p.id, now });
        }
        out.push(meta(row));
      }
    }
    await defs.insertDefinitions(
      q,
      created.map((c) => c.row),
    );
    // Start events follow the latest version: the previous version's are replaced.
    const startsOf = <S>(pick: (p: ExecutableProcess) => S[]) =>
      created.map(({ row, process }) => ({ bpmnProcessId: row.bpmn_process_id, definitionKey: row.key, starts: pick(process) }));
    await msgs.replaceMessageStarts(
      q,
      startsOf((p) => p.messageStarts),
    );
    await replaceSignalStarts(
      q,
      startsOf((p) => p.signalStarts),
    );
    await deleteStartTimers(
      q,
      created.map((c) => c.row.bpmn_process_id),
    );
    for (const t of timers) await insertStartTimer(q, t);
    await defs.recordProcessesCreated(
      q,
      now,
      deploymentKey,
      created.map(({ row }) => ({ bpmnProcessId: row.bpmn_process_id, definitionKey: row.key, version: row.version })),
    );
    // Forms: their latest versions, then one insert.
    const previousForms = await latestForms(
      q,
      forms.map((f) => f.formId),
    );
    const formsOut: FormMetadata[] = [];
    const newForms: (FormRow & { schema: string })[] = [];
    for (const f of forms) {
      const previous = previousForms.get(f.formId);
      const same = previous && previous.checksum === f.checksum && previous.resource_name === f.resource.name;
      const row = same
        ? previous
        : { key: keys.next(), form_id: f.formId, version: (previous?.version ?? 0) + 1, resource_name: f.resource.name, checksum: f.checksum };
      if (!same) newForms.push({ ...row, schema: f.schema });
      formsOut.push({ formId: row.form_id, version: row.version, formKey: row.key, resourceName: row.resource_name });
    }
    await insertForms(q, newForms, deploymentKey, now);
    return { deploymentKey, processes: out, forms: formsOut };
  });
  // Only once committed: a rolled-back deployment must not become anyone's latest version.
  core.definitions.deployed(latest);
  return result;
}

/** Longest resource name kept (zbctl sends the file's absolute path) and longest form id. */
const NAME_MAX = 1024;
const FORM_ID_MAX = 255;
// Control characters: a name is shown in lists, logs and the designer.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A resource is named as its file, as the client gives it — a path relative to the catalog, or
 * the absolute path zbctl sends (Zeebe keeps either) — of at most 1,024 characters, without
 * control characters.
 */
function checkResourceName(name: unknown): void {
  if (typeof name !== 'string' || !name) throw new Invalid('every resource needs a name (its file name)');
  const shown = JSON.stringify(name.slice(0, 80));
  if (name.length > NAME_MAX) throw new Invalid(`resource name ${shown}… is ${name.length} characters long: at most ${NAME_MAX}`);
  if (CONTROL.test(name)) throw new Invalid(`resource name ${shown} holds control characters`);
}

const isForm = (r: Resource) => typeof r.name === 'string' && /\.form$/i.test(r.name);

/** Camunda forms: JSON objects with a string `id` (the form-js schema), one per id per deployment. */
function readForms(resources: Resource[]): Form[] {
  const seen = new Set<string>();
  return resources.map((resource) => {
    const text = typeof resource.content === 'string' ? resource.content : resource.content.toString('utf8');
    let schema: unknown;
    try {
      schema = JSON.parse(text);
    } catch (e) {
      throw new Invalid(`resource '${resource.name}': a form must be JSON (${(e as Error).message})`);
    }
    const id = (schema as { id?: unknown } | null)?.id;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || typeof id !== 'string' || !id.trim()) {
      throw new Invalid(`resource '${resource.name}': a form must be a JSON object with a string 'id'`);
    }
    if (id.length > FORM_ID_MAX || CONTROL.test(id)) {
      throw new Invalid(`resource '${resource.name}': a form id must be at most ${FORM_ID_MAX} characters, without control characters`);
    }
    if (seen.has(id)) throw new Invalid(`form '${id}' is defined twice in one deployment`);
    seen.add(id);
    return { resource, formId: id, schema: text, checksum: createHash('sha256').update(text).digest('hex') };
  });
}

async function compileAll(resources: Resource[]): Promise<Compiled[]> {
  const compiled: Compiled[] = [];
  const seen = new Set<string>();
  for (const resource of resources) {
    if (!resource.name || !/\.(bpmn|xml)$/i.test(resource.name)) {
      throw new Invalid(`resource '${resource.name}': only BPMN processes (.bpmn) and Camunda forms (.form) can be deployed`);
    }
    const xml = typeof resource.content === 'string' ? resource.content : resource.content.toString('utf8');
    let processes: readonly ExecutableProcess[];
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
