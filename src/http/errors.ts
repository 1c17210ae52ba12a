/**
 * The one place where errors become HTTP responses. Every error body has the same shape:
 * `{ error: <name>, message, details? }`. Typed errors keep their message and details; anything
 * unexpected is logged with its stack and answered with a generic 500 that reveals nothing.
 * Citizen ID and phone numbers in an answer are masked (security/personal-data.ts): a message may
 * quote what was sent — a JSON parser's excerpt of the body, a value that failed its check — and
 * an error answer is no place for them, whoever asked.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import type { Logger } from 'pino';
import { BpmnValidationError } from '../bpmn/index.js';
import { AppError, Conflict, Forbidden, Invalid, NotFound, TooManyRequests, Unauthenticated } from '../errors.js';
import { maskDeep, maskPersonalData } from '../security/personal-data.js';

/** 413: the body is larger than the service accepts. */
export class PayloadTooLarge extends AppError {}
/** 415: the body is not in a format this route reads. */
export class UnsupportedMediaType extends AppError {}

const STATUS: [new (...a: never[]) => AppError, number][] = [
  [Invalid, 400],
  [Unauthenticated, 401],
  [Forbidden, 403],
  [NotFound, 404],
  [Conflict, 409],
  [PayloadTooLarge, 413],
  [UnsupportedMediaType, 415],
  [TooManyRequests, 429],
];

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** Status and body for an error, or undefined when it is not one the service expects. */
export function describeError(err: unknown): { status: number; body: ErrorBody } | undefined {
  const typed = known(err);
  if (!typed) return undefined;
  for (const [cls, status] of STATUS) {
    if (typed instanceof cls) {
      const body: ErrorBody = { error: cls.name, message: typed.message };
      if (typed.details !== undefined) body.details = typed.details;
      return { status, body };
    }
  }
  return undefined;
}

/** Errors from the libraries in front of the routes, turned into the service's typed errors. */
function known(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof BpmnValidationError) return new Invalid(err.message, { resource: err.resourceName, problems: err.problems });
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE' || err.code === 'LIMIT_FIELD_VALUE' || err.code === 'LIMIT_PART_COUNT') {
      return new PayloadTooLarge(`multipart body too large: ${err.message}${err.field ? ` (field '${err.field}')` : ''}`);
    }
    if (err.code === 'LIMIT_UNEXPECTED_FILE') {
      return new Invalid(`unexpected file in field '${err.field}': send one or more files in the field 'resources' (at most the allowed number)`, {
        field: err.field,
      });
    }
    return new Invalid(`malformed multipart body: ${err.message}`, { code: err.code, field: err.field });
  }
  // Express's router: a path parameter whose percent-encoding is not UTF-8 ('%ED%A0%80', '%zz').
  if (err instanceof URIError && (err as { status?: unknown }).status === 400) {
    return new Invalid(`a path parameter is not valid percent-encoded UTF-8: ${err.message}`);
  }
  // body-parser (express.json) marks its errors with `type` and a 4xx `status`.
  const e = err as { type?: unknown; status?: unknown; message?: unknown; expose?: unknown };
  if (e && typeof e === 'object' && typeof e.type === 'string' && typeof e.status === 'number') {
    switch (e.type) {
      case 'entity.parse.failed':
        return new Invalid(`request body is not valid JSON: ${String(e.message)}`);
      case 'entity.too.large':
        return new PayloadTooLarge('request body is too large');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new UnsupportedMediaType(String(e.message));
      default:
        if (e.status >= 400 && e.status < 500) return new Invalid(e.expose ? String(e.message) : 'bad request');
    }
  }
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      logger.error({ err, method: req.method, url: req.originalUrl }, 'error after the response started');
      next(err); // Express closes the connection
      return;
    }
    const d = describeError(err);
    if (d) {
      if (d.status >= 500) logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
      else logger.debug({ status: d.status, error: d.body.error, method: req.method, url: req.originalUrl }, d.body.message);
      res.status(d.status).json(maskDeep(d.body));
      return;
    }
    logger.error({ err, method: req.method, url: req.originalUrl }, 'unexpected error');
    res.status(500).json({ error: 'InternalError', message: 'internal error; the service logged the details' } satisfies ErrorBody);
  };
}

/** Unknown routes answer in the same shape as every other error. */
export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: 'NotFound', message: maskPersonalData(`no route for ${req.method} ${req.path}`) } satisfies ErrorBody);
};
