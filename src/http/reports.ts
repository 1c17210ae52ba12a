/**
 * /api/reports: the on-time statistics of src/reports over HTTP.
 *
 *   GET /api/reports/on-time   ?from=&to=  (days in Asia/Ho_Chi_Minh, both inclusive)
 *                              | ?year=&period=month|quarter|6months|9months|12months&index=&convention=calendar|nd09
 *                              &groupBy=agency|procedure|channel&kind=step|dossier
 *   GET /api/reports/open      the same query: clocks still open at the period's end, and overdue (report-details.ts)
 *   GET /api/reports/on-time/dossiers   the same query + key + result: the dossiers behind one bar
 *
 * The query string is checked against schemas/api/reports-on-time-query.json (a 400 names the
 * parameter). Who sees which rows is the reports' own rule (reports/scope.ts): auditors and
 * admins every group; officers and counter staff only their own agency's row, whatever they
 * asked; designers are refused (403).
 */
import { Router } from 'express';
import type { Queryable } from '../db/index.js';
import { onTimeTotal, reportingPeriod, reportOnTime, reportScope, type GroupBy, type PeriodConvention, type PeriodKind } from '../reports/index.js';
import { requireRole, type Principal } from './auth.js';
import { reportDetailRoutes } from './report-details.js';
import { describeRoute, type QueryParamDoc } from './routes.js';
import { SchemaRegistry, schemaId } from './validate.js';

export interface ReportsRouterOptions {
  db: Queryable;
  /** The service's clock (ms): what is overdue now. Default: the system clock. */
  now?: () => number;
  /** Default: the schemas in schemas/api. */
  schemas?: SchemaRegistry;
}

const DAY_MS = 86_400_000;
const VN_OFFSET_MS = 7 * 3_600_000;

export function reportsRouter(opts: ReportsRouterOptions): Router {
  const { db } = opts;
  const schemas = opts.schemas ?? SchemaRegistry.load('api');
  const QUERY = schemaId('api/reports-on-time-query.json');
  const queryDoc = Object.fromEntries(
    Object.entries((schemas.validator(QUERY).schema as { properties: Record<string, Record<string, unknown>> }).properties).map(
      ([name, { description, ...schema }]): [string, QueryParamDoc] => [name, { description: description as string, schema }],
    ),
  );
  const router = Router();

  router.get(
    '/reports/on-time',
    requireRole('officer', 'counter', 'auditor', 'admin'),
    describeRoute({
      summary: 'Báo cáo tỷ lệ giải quyết trước hạn, đúng hạn, quá hạn (early / on time / late counts and rates) by agency, procedure or channel for a period',
      description:
        'from + to (days, Asia/Ho_Chi_Minh, inclusive) or year + period (+ index, convention). Auditors and admins see every group; officers and counter staff only their own agency’s row, whatever they ask.',
      query: queryDoc,
    }),
    async (req, res) => {
      const query = { ...(req.query as Record<string, unknown>) };
      schemas.check(QUERY, query, 'query string');
      const q = query as Record<string, string | undefined>;
      const period = periodOf(q);
      const scope = reportScope(req.user as Principal, q.groupBy as GroupBy | undefined);
      const report = await reportOnTime(db, { from: period.from, to: period.to, groupBy: scope.groupBy, kind: q.kind as 'step' | 'dossier' | undefined });
      const rows = report.rows.filter((r) => scope.sees(r.key));
      res.json({
        period: { ...period, from: period.from.toISOString(), to: period.to.toISOString() },
        groupBy: report.groupBy,
        kind: report.kind,
        agencyCode: scope.agencyCode,
        rows,
        total: scope.scoped ? onTimeTotal(rows) : report.total,
      });
    },
  );

  reportDetailRoutes(router, { db, schemas, now: opts.now ?? Date.now, queryDoc, periodOf });
  return router;
}

interface PeriodView {
  label: string;
  /** The first instant, and the instant after the last (Asia/Ho_Chi_Minh midnights). */
  from: Date;
  to: Date;
  /** The first and the last day, YYYY-MM-DD in Asia/Ho_Chi_Minh. */
  firstDay: string;
  lastDay: string;
  year?: number;
  period?: PeriodKind;
  index?: number;
  convention?: PeriodConvention;
}

function periodOf(q: Record<string, string | undefined>): PeriodView {
  if (q.year !== undefined) {
    const year = Number(q.year);
    const period = q.period as PeriodKind;
    const index = q.index === undefined ? undefined : Number(q.index);
    const convention = (q.convention as PeriodConvention | undefined) ?? 'calendar';
    const p = reportingPeriod({ year, period, index: period === 'month' || period === 'quarter' ? index : undefined, convention });
    return {
      label: p.label,
      from: p.from,
      to: p.to,
      firstDay: vnDay(p.from),
      lastDay: vnDay(new Date(p.to.getTime() - DAY_MS)),
      year,
      period,
      ...(index !== undefined && (period === 'month' || period === 'quarter') ? { index } : {}),
      convention,
    };
  }
  const from = vnMidnight(q.from!);
  const to = new Date(vnMidnight(q.to!).getTime() + DAY_MS);
  return { label: `Từ ngày ${vnShow(q.from!)} đến ngày ${vnShow(q.to!)}`, from, to, firstDay: q.from!, lastDay: q.to! };
}

/** 'YYYY-MM-DD' → the instant that day starts in Asia/Ho_Chi_Minh. */
function vnMidnight(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) - VN_OFFSET_MS);
}

/** The Asia/Ho_Chi_Minh day an instant falls on, YYYY-MM-DD. */
function vnDay(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

function vnShow(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}
