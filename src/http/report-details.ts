/**
 * Beside GET /api/reports/on-time, the numbers a report page needs that the on-time report does
 * not carry, under the same query and the same rule of who sees what (reports/scope.ts: officers
 * and counter staff their own agency only, whatever they ask):
 *
 *   GET /api/reports/open               clocks still open at the period's end, and those overdue
 *   GET /api/reports/on-time/dossiers   ?…&key=&result=early|on_time|late|open|overdue: the
 *                                       dossiers behind one bar (at most 500, with the total)
 *
 * The dossiers behind a bar name dossiers (code, procedure, receiving section), so they pass two
 * rules: the report's scope (which bar the reader may open) and the dossier room's one visibility
 * rule (dossiers/visibility.ts), as a predicate in the SLA room's query so the limit and the total
 * count only what the reader may see. Today the scope is the stricter — a step clock's agency holds
 * the step, a dossier clock's the receipt — but a report row must never depend on that staying true.
 */
import type { Router } from 'express';
import type { Queryable } from '../db/index.js';
import { visibleCodeSql } from '../dossiers/index.js';
import { clocksBehind, openTotal, reportOpen, reportScope, type ClockResult, type GroupBy } from '../reports/index.js';
import { requireRole, type Principal } from './auth.js';
import { dossierActor } from './dossiers.js';
import { describeRoute, type QueryParamDoc } from './routes.js';
import { schemaId, type SchemaRegistry } from './validate.js';

export function reportDetailRoutes(
  router: Router,
  deps: {
    db: Queryable;
    schemas: SchemaRegistry;
    now: () => number;
    queryDoc: Record<string, QueryParamDoc>;
    /** reports.ts's reading of the period (passed in: no import cycle). */
    periodOf: (q: Record<string, string | undefined>) => { label: string; from: Date; to: Date };
  },
): void {
  const { db, schemas, periodOf } = deps;
  const ON_TIME = schemaId('api/reports-on-time-query.json');
  const BEHIND = schemaId('api/reports-dossiers-query.json');
  const behindDoc = Object.fromEntries(
    Object.entries((schemas.validator(BEHIND).schema as { properties: Record<string, Record<string, unknown>> }).properties).map(
      ([name, { description, ...schema }]): [string, QueryParamDoc] => [name, { description: description as string, schema }],
    ),
  );
  const scopeOf = (req: { user?: unknown }, q: Record<string, string | undefined>) => reportScope(req.user as Principal, q.groupBy as GroupBy | undefined);

  router.get(
    '/reports/open',
    requireRole('officer', 'counter', 'auditor', 'admin'),
    describeRoute({
      summary: 'Hồ sơ còn đang giải quyết và quá hạn vào cuối kỳ (clocks still open at the end of the period, and overdue)',
      query: deps.queryDoc,
    }),
    async (req, res) => {
      const q = { ...(req.query as Record<string, string | undefined>) };
      schemas.check(ON_TIME, q, 'query string');
      const period = periodOf(q);
      const scope = scopeOf(req, q);
      const { groupBy } = scope;
      const r = await reportOpen(db, { from: period.from, to: period.to, groupBy, kind: q.kind as 'step' | 'dossier' | undefined, now: new Date(deps.now()) });
      const rows = r.rows.filter((x) => scope.sees(x.key));
      res.json({
        period: { label: period.label, from: period.from.toISOString(), to: period.to.toISOString() },
        groupBy,
        rows,
        total: scope.scoped ? openTotal(rows) : r.total,
      });
    },
  );

  router.get(
    '/reports/on-time/dossiers',
    requireRole('officer', 'counter', 'auditor', 'admin'),
    describeRoute({
      summary: 'Các hồ sơ đứng sau một cột của báo cáo (the dossiers behind one bar of the report)',
      query: behindDoc,
    }),
    async (req, res) => {
      const q = { ...(req.query as Record<string, string | undefined>) };
      schemas.check(BEHIND, q, 'query string');
      const period = periodOf(q);
      const scope = scopeOf(req, q);
      const { groupBy } = scope;
      if (!scope.sees(q.key!)) {
        res.json({ items: [], total: 0 });
        return;
      }
      const r = await clocksBehind(db, {
        from: period.from,
        to: period.to,
        groupBy,
        kind: q.kind as 'step' | 'dossier' | undefined,
        now: new Date(deps.now()),
        key: q.key!,
        result: q.result as ClockResult,
        dossiers: (codeSql, param) => visibleCodeSql(dossierActor(req.user as Principal), codeSql, param),
      });
      res.json(r);
    },
  );
}
