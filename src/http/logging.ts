/**
 * One JSON log line per request (pino): request id, method, path, route, status, duration in
 * ms and who called. The id is the caller's `x-request-id` when it is a sane token, otherwise a
 * new UUID; either way it is echoed in the response's `x-request-id` and set on `req.id`, so a
 * complaint quoting it finds the line. Paths and queries are masked (security/personal-data.ts): a citizen ID or
 * phone number in a URL never reaches the log, whatever logger the app was given; nor does a
 * secret sent in the query string (the citizen's lookup secret `?secret=`, a `token`).
 */
import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { routeLabel } from './metrics.js';
import { maskPersonalData } from '../security/personal-data.js';

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Query parameters whose values are credentials. */
const SECRET_PARAM = /([?&](?:secret|token|access_token|client_secret|password)=)[^&#]*/gi;

/** The URL with the values of credential parameters replaced by `***`. */
function withoutSecrets(url: string): string {
  return url.includes('=') ? url.replace(SECRET_PARAM, '$1***') : url;
}

export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader('x-request-id', id);
    let done = false;
    // 'finish': the whole response was handed to the connection. 'close' before the handler ended
    // its answer: the client went away first (499). 'close' after the handler ended it counts as
    // answered, even when it comes before 'finish': a client that read the whole answer and
    // closed at once can be seen closing before the server's last write reports done (a loaded CI
    // machine logged /healthz as 499 that way, twice). `writableFinished` is that stricter test.
    const end = (finished: boolean) => {
      if (done) return;
      done = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const status = finished ? res.statusCode : 499;
      const line = {
        reqId: id,
        method: req.method,
        path: maskPersonalData(withoutSecrets(req.originalUrl)),
        route: routeLabel(req),
        status,
        ms: Math.round(ms * 10) / 10,
        user: req.user?.username,
      };
      if (status >= 500) logger.error(line, 'request');
      else logger.info(line, 'request');
    };
    res.on('finish', () => end(true));
    res.on('close', () => end(res.writableEnded));
    next();
  };
}
