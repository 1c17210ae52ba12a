/**
 * A worker token works only its job types: an API client created with `jobTypes` may activate
 * jobs of those types and complete, fail, throw on or update only jobs of those types — on /v2
 * (v2/jobs.ts) and on the gRPC gateway (gateway-access.ts) alike. Anyone else (people, clients
 * without a list) is not limited here; their roles decide.
 */
import { Forbidden } from '../errors.js';
import type { Principal } from './auth.js';

/** The type of an existing job, or undefined (engine/embedded/job-type.ts). */
export type JobTypeOf = (jobKey: string) => Promise<string | undefined>;

export function checkActivationType(u: Principal, type: string): void {
  if (!u.jobTypes || u.jobTypes.includes(type)) return;
  throw new Forbidden(
    `ứng dụng '${u.clientId ?? u.username}' không được nhận việc loại '${type}' (this client may not activate jobs of type '${type}'; allowed: ${u.jobTypes.join(', ')})`,
  );
}

/**
 * Resolves when `u` may act on the job `jobKey`. An unknown job is let through: the command then
 * answers NOT_FOUND, telling no more than the type check would. Without a lookup, a limited
 * client is refused (fail closed).
 */
export async function checkJobKey(u: Principal, jobKey: string, jobTypeOf: JobTypeOf | undefined): Promise<void> {
  if (!u.jobTypes) return;
  if (!jobTypeOf) throw new Forbidden('this client is limited to its job types, and the service cannot tell job types here');
  const type = await jobTypeOf(jobKey);
  if (type === undefined || u.jobTypes.includes(type)) return;
  throw new Forbidden(
    `ứng dụng '${u.clientId ?? u.username}' không được xử lý việc loại '${type}' (this client may not act on jobs of type '${type}'; allowed: ${u.jobTypes.join(', ')})`,
  );
}
