/**
 * The service's typed errors as Zeebe's gRPC status codes, in the meaning Zeebe's gateway gives
 * them (zeebe.proto lists them per RPC): what the request names does not exist → NOT_FOUND; the
 * request itself is wrong → INVALID_ARGUMENT; the state forbids it (a job not activated, out of
 * retries) → FAILED_PRECONDITION, except where Zeebe says ALREADY_EXISTS (a message id still
 * alive); too many requests → RESOURCE_EXHAUSTED. Anything unexpected is INTERNAL, with a message
 * that reveals nothing (the gateway logs it).
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { Metadata } from '@grpc/grpc-js';
import { AppError, Conflict, Forbidden, Invalid, NotFound, TooManyRequests, Unauthenticated } from '../../errors.js';

/** A gRPC status the gateway answers on purpose (UNIMPLEMENTED, DEADLINE_EXCEEDED…). */
export class GrpcStatusError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcStatusError';
  }
}

const CODES: [new (...a: never[]) => AppError, status][] = [
  [Invalid, status.INVALID_ARGUMENT],
  [NotFound, status.NOT_FOUND],
  [Conflict, status.FAILED_PRECONDITION],
  [Unauthenticated, status.UNAUTHENTICATED],
  [Forbidden, status.PERMISSION_DENIED],
  [TooManyRequests, status.RESOURCE_EXHAUSTED],
];

/** Status code and message for an error, or undefined when the service did not expect it. */
export function grpcStatusOf(err: unknown, rpc: string): { code: status; details: string } | undefined {
  if (err instanceof GrpcStatusError) return { code: err.code, details: err.message };
  if (!(err instanceof AppError)) return undefined;
  // Zeebe: publishing a message whose id is still buffered is ALREADY_EXISTS, not a bad state.
  if (err instanceof Conflict && rpc === 'PublishMessage') return { code: status.ALREADY_EXISTS, details: err.message };
  for (const [cls, code] of CODES) {
    if (err instanceof cls) return { code, details: withDetails(err) };
  }
  return undefined;
}

/**
 * The error as a grpc-js ServiceError (what a handler's callback or `call.destroy` takes);
 * `redact` masks what its message quotes (variables that failed to parse may hold a citizen ID).
 */
export function toServiceError(code: status, details: string, redact: (text: string) => string): Partial<ServiceError> {
  return { code, details: redact(details), metadata: new Metadata() };
}

/** A refused deployment names its problems in `details`: keep them in the one string gRPC carries. */
function withDetails(err: AppError): string {
  const problems = (err.details as { problems?: unknown } | undefined)?.problems;
  if (!Array.isArray(problems) || !problems.length || problems.length > 50) return err.message;
  const listed = problems
    .map((p: { elementId?: string; message?: string }) => (p.elementId ? `${p.elementId}: ${p.message ?? ''}` : (p.message ?? '')))
    .filter((line) => !err.message.includes(line));
  return listed.length ? `${err.message} (${listed.join('; ')})` : err.message;
}
