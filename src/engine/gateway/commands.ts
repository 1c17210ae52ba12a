/**
 * The unary RPCs: each request checked as Zeebe's gateway checks it, turned into one port
 * command, and answered in the protocol's response shape.
 */
import { Invalid } from '../../errors.js';
import type { DeploymentResult, Resource } from '../port.js';
import { checkTenant, keyOf, millis, optionalKey, TENANT, variablesOf } from './convert.js';
import { GATEWAY_VERSION, type GatewayContext } from './context.js';

/** The requests as proto-loader decodes them: every field present (`defaults`), int64 as strings. */
interface Wire {
  Topology: object;
  DeployResource: { resources: { name: string; content: Buffer }[]; tenantId: string };
  DeployProcess: { processes: { name: string; definition: Buffer }[] };
  CreateProcessInstance: CreateInstanceFields;
  CancelProcessInstance: { processInstanceKey: string };
  SetVariables: { elementInstanceKey: string; variables: string; local: boolean };
  CompleteJob: { jobKey: string; variables: string };
  FailJob: { jobKey: string; retries: number; errorMessage: string; retryBackOff: string; variables: string };
  ThrowError: { jobKey: string; errorCode: string; errorMessage: string; variables: string };
  UpdateJobRetries: { jobKey: string; retries: number };
  UpdateJobTimeout: { jobKey: string; timeout: string };
  PublishMessage: { name: string; correlationKey: string; timeToLive: string; messageId: string; variables: string; tenantId: string };
  BroadcastSignal: { signalName: string; variables: string; tenantId: string };
  ResolveIncident: { incidentKey: string };
}
type Unary = { [K in keyof Wire]: (req: Wire[K], ctx: GatewayContext) => Promise<object> };

export interface CreateInstanceFields {
  processDefinitionKey?: string;
  bpmnProcessId?: string;
  version?: number;
  variables?: string;
  startInstructions?: unknown[];
  tenantId?: string;
}

/** CreateProcessInstance's request as the port's, refusing what the engine does not do. */
export function creationOf(rpc: string, r: CreateInstanceFields) {
  checkTenant(rpc, r.tenantId);
  if (r.startInstructions?.length) throw new Invalid('start instructions are not supported: an instance starts at its none start event');
  const processDefinitionKey = optionalKey(r.processDefinitionKey);
  if (!processDefinitionKey && !r.bpmnProcessId) throw new Invalid('Expected either a processDefinitionKey or a bpmnProcessId, but none given');
  return {
    processDefinitionKey,
    bpmnProcessId: processDefinitionKey ? undefined : r.bpmnProcessId,
    // -1 (or proto3's default 0): the latest version.
    version: processDefinitionKey || !r.version || r.version < 0 ? undefined : r.version,
    variables: variablesOf(r.variables),
  };
}

async function deploy(ctx: GatewayContext, resources: Resource[]): Promise<DeploymentResult> {
  if (!resources.length) throw new Invalid('Expected to deploy at least one resource, but none given');
  await ctx.checkDeployment?.(resources);
  return ctx.engine.deployResources(resources);
}

const processMetadata = (p: DeploymentResult['processes'][number]) => ({
  bpmnProcessId: p.bpmnProcessId,
  version: p.version,
  processDefinitionKey: p.processDefinitionKey,
  resourceName: p.resourceName,
  tenantId: TENANT,
});

/** CreateProcessInstanceWithResult (with-result.ts) and the streaming RPCs (jobs.ts) are not here. */
export const UNARY: Unary = {
  Topology: (_r, ctx) => {
    const { host, port } = ctx.advertised();
    return Promise.resolve({
      // One process is the whole cluster: one broker leading one partition.
      brokers: [{ nodeId: 0, host, port, version: GATEWAY_VERSION, partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }] }],
      clusterSize: 1,
      partitionsCount: 1,
      replicationFactor: 1,
      gatewayVersion: GATEWAY_VERSION,
    });
  },

  DeployResource: async (r, ctx) => {
    checkTenant('DeployResource', r.tenantId);
    const resources = r.resources.map((x) => ({ name: x.name, content: x.content }));
    const result = await deploy(ctx, resources);
    return {
      key: result.deploymentKey,
      tenantId: TENANT,
      deployments: [
        ...result.processes.map((p) => ({ process: processMetadata(p) })),
        ...result.forms.map((f) => ({ form: { formId: f.formId, version: f.version, formKey: f.formKey, resourceName: f.resourceName, tenantId: TENANT } })),
      ],
    };
  },

  /** Deprecated since Zeebe 8, still what zbctl's `deploy` calls. */
  DeployProcess: async (r, ctx) => {
    const resources = r.processes.map((x) => ({ name: x.name, content: x.definition }));
    const result = await deploy(ctx, resources);
    return { key: result.deploymentKey, processes: result.processes.map(processMetadata) };
  },

  CreateProcessInstance: async (r, ctx) => {
    const created = await ctx.engine.createProcessInstance(creationOf('CreateProcessInstance', r));
    ctx.changed();
    return {
      processDefinitionKey: created.processDefinitionKey,
      bpmnProcessId: created.bpmnProcessId,
      version: created.version,
      processInstanceKey: created.processInstanceKey,
      tenantId: TENANT,
    };
  },

  CancelProcessInstance: async (r, ctx) => {
    await ctx.engine.cancelProcessInstance(keyOf(r.processInstanceKey));
    ctx.changed();
    return {};
  },

  SetVariables: async (r, ctx) => {
    const variables = variablesOf(r.variables);
    if (!variables) throw new Invalid("Property 'variables' is invalid: expected a JSON object of the variables to set");
    await ctx.engine.setVariables({ elementInstanceKey: keyOf(r.elementInstanceKey), variables, local: r.local });
    ctx.changed();
    // The port's command has no record key of its own to return.
    return { key: '0' };
  },

  CompleteJob: async (r, ctx) => {
    await ctx.engine.completeJob({ jobKey: keyOf(r.jobKey), variables: variablesOf(r.variables) });
    ctx.changed();
    return {};
  },

  FailJob: async (r, ctx) => {
    const retryBackOff = millis(r.retryBackOff);
    if (retryBackOff < 0) throw new Invalid(`Expected retryBackOff to be a non-negative number of ms, but it was ${retryBackOff}`);
    await ctx.engine.failJob({
      jobKey: keyOf(r.jobKey),
      retries: r.retries,
      errorMessage: r.errorMessage || undefined,
      retryBackOff: retryBackOff || undefined,
      variables: variablesOf(r.variables),
    });
    ctx.changed();
    return {};
  },

  ThrowError: async (r, ctx) => {
    if (!r.errorCode) throw new Invalid('Expected an errorCode to match an error catch event, but none given');
    await ctx.engine.throwError({
      jobKey: keyOf(r.jobKey),
      errorCode: r.errorCode,
      errorMessage: r.errorMessage || undefined,
      variables: variablesOf(r.variables),
    });
    ctx.changed();
    return {};
  },

  UpdateJobRetries: async (r, ctx) => {
    if (!(r.retries > 0)) throw new Invalid(`Expected retries to be greater than 0, but it was ${r.retries}`);
    await ctx.engine.updateJobRetries(keyOf(r.jobKey), r.retries);
    return {};
  },

  UpdateJobTimeout: async (r, ctx) => {
    await ctx.engine.updateJobTimeout(keyOf(r.jobKey), millis(r.timeout));
    return {};
  },

  PublishMessage: async (r, ctx) => {
    checkTenant('PublishMessage', r.tenantId);
    if (!r.name) throw new Invalid('Expected a message name, but none given');
    const { key } = await ctx.engine.publishMessage({
      name: r.name,
      correlationKey: r.correlationKey,
      timeToLive: millis(r.timeToLive),
      messageId: r.messageId || undefined,
      variables: variablesOf(r.variables),
    });
    ctx.changed();
    return { key, tenantId: TENANT };
  },

  BroadcastSignal: async (r, ctx) => {
    checkTenant('BroadcastSignal', r.tenantId);
    if (!r.signalName) throw new Invalid('Expected a signal name, but none given');
    const { signalKey } = await ctx.engine.broadcastSignal({ signalName: r.signalName, variables: variablesOf(r.variables) });
    ctx.changed();
    return { key: signalKey, tenantId: TENANT };
  },

  ResolveIncident: async (r, ctx) => {
    await ctx.engine.resolveIncident(keyOf(r.incidentKey));
    ctx.changed();
    return {};
  },
};
