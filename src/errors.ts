/**
 * Typed errors every room throws; `http/` maps them to status codes in one place.
 * `details` carries machine-readable specifics (ajv paths, BPMN element ids…).
 */
export class AppError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
/** 400: the request itself is wrong. */
export class Invalid extends AppError {}
/** 404: what the request names does not exist (or is not the caller's to see). */
export class NotFound extends AppError {}
/** 409: the request is well-formed but the current state forbids it. */
export class Conflict extends AppError {}
/** 401: who is calling is not established. */
export class Unauthenticated extends AppError {}
/** 403: the caller may not do this. */
export class Forbidden extends AppError {}
/** 429: too many attempts. */
export class TooManyRequests extends AppError {}
