/**
 * Zeebe's wire shapes ⇄ the port's: JSON documents carried as strings, int64 keys as decimal
 * strings (proto-loader's `longs: String`), the default tenant, and the checks Zeebe's gateway
 * makes before a request reaches a broker.
 */
import { Invalid } from '../../errors.js';
import type { ActivatedJob, Variables } from '../port.js';
import { DEFAULT_TENANT } from '../queries.js';

export const TENANT = DEFAULT_TENANT;

/**
 * A variables document: absent or empty means none; anything but a JSON object is refused, as
 * Zeebe refuses it ("the root of the document must be an object").
 */
export function variablesOf(json: string | undefined, field = 'variables'): Variables | undefined {
  if (json === undefined || json.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new Invalid(`Property '${field}' is invalid: expected a JSON document, but it is not valid JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind =
      value === null ? 'NULL' : Array.isArray(value) ? 'ARRAY' : typeof value === 'string' ? 'STRING' : typeof value === 'number' ? 'NUMBER' : 'BOOLEAN';
    throw new Invalid(`Property '${field}' is invalid: expected the document's root to be an object, but it was ${kind}`);
  }
  return value as Variables;
}

/**
 * An int64 key as the port carries it. A key of 0 (proto3's default: not given) or below can
 * name nothing; the engine answers NOT_FOUND for it like for any unknown key.
 */
export function keyOf(value: string | number | undefined): string {
  return value === undefined ? '0' : String(value);
}

/** A key that may be left out: 0 (proto3's default) means absent. */
export function optionalKey(value: string | number | undefined): string | undefined {
  const k = keyOf(value);
  return k === '0' ? undefined : k;
}

/** An int64 duration in ms, as a number. */
export function millis(value: string | number | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** Multi-tenancy is off, as on a Zeebe cluster without it: only the default tenant (or none) may be named. */
export function checkTenant(rpc: string, tenantId: string | undefined): void {
  if (tenantId && tenantId !== TENANT) {
    throw new Invalid(`Expected to handle gRPC request ${rpc} with tenant identifier '${tenantId}', but multi-tenancy is disabled`);
  }
}

export function checkTenants(rpc: string, tenantIds: string[] | undefined): void {
  for (const t of tenantIds ?? []) checkTenant(rpc, t);
}

/** A job as `ActivatedJob` of the protocol: headers and variables as JSON documents. */
export function toGrpcJob(j: ActivatedJob) {
  return {
    key: j.key,
    type: j.type,
    processInstanceKey: j.processInstanceKey,
    bpmnProcessId: j.bpmnProcessId,
    processDefinitionVersion: j.processDefinitionVersion,
    processDefinitionKey: j.processDefinitionKey,
    elementId: j.elementId,
    elementInstanceKey: j.elementInstanceKey,
    customHeaders: JSON.stringify(j.customHeaders),
    worker: j.worker,
    retries: j.retries,
    deadline: String(j.deadline),
    variables: JSON.stringify(j.variables),
    tenantId: TENANT,
  };
}
