/** GET /healthz: the process answers and its database runs a query. */
import type { RequestHandler } from 'express';
import type { Db } from '../db/index.js';

export function healthz(db: Pick<Db, 'kind' | 'query'>): RequestHandler {
  return async (_req, res) => {
    try {
      await db.query('select 1');
      res.json({ status: 'ok', db: db.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', db: db.kind });
    }
  };
}
