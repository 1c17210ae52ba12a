/**
 * /api/calendar: the working-day calendar. Reads are public (a citizen checks an appointment
 * date too); the approved override table is edited by admins only, each change audited.
 */
import { Router } from 'express';
import { appendAudit } from '../audit/index.js';
import { CalendarError, formatVn, type CalendarStore, type Override, type OverrideChangeHook } from '../calendar/index.js';
import { Invalid } from '../errors.js';
import { publicRoute, requireRole, type Principal } from './auth.js';
import { schemaId, validBody, type SchemaRegistry } from './validate.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD naming a day that exists (not 2025-02-30): the database refuses the others with an error. */
function isDate(raw: string): boolean {
  if (!DATE.test(raw)) return false;
  const [y, m, d] = raw.split('-').map(Number);
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** `now`: the service's clock (ms since the epoch), stamping the audit rows of override changes. */
export function calendarRouter(deps: { calendar: CalendarStore; schemas: SchemaRegistry; now: () => number }): Router {
  const router = Router();
  const cal = () => deps.calendar.calendar;
  /** An override change by `user`, audited in the change's transaction. */
  const audited =
    (user: Principal, action: string): OverrideChangeHook =>
    async (q, change) => {
      await appendAudit(q, { actor: user.username, role: user.role, agency: user.agencyCode, action, at: new Date(deps.now()), payload: change });
    };

  router.get('/calendar/working-days', publicRoute(), (req, res) => {
    const from = queryText(req.query.from);
    const addRaw = queryText(req.query.add);
    if (!isDate(from)) throw new CalendarError('from', `from must be a date YYYY-MM-DD, not '${from}'`);
    if (!/^\d+$/.test(addRaw)) throw new CalendarError('add', `add must be a whole number of working days ≥ 0, not '${addRaw}'`);
    const date = cal().addWorkingDays(from, Number(addRaw));
    res.json({ date, dateVn: formatVn(date) });
  });

  router.get('/calendar/overrides', requireRole('admin', 'auditor'), async (req, res) => {
    const year = req.query.year === undefined ? undefined : yearParam(queryText(req.query.year));
    res.json({ items: await deps.calendar.list(year) });
  });

  router.put('/calendar/overrides/:date', requireRole('admin'), validBody(deps.schemas, schemaId('api/calendar-override.json')), async (req, res) => {
    const date = dateParam(req.params.date as string);
    const user = req.user!;
    const saved = await deps.calendar.setOverride({ date, ...(req.body as Omit<Override, 'date'>) }, user.username, audited(user, 'calendar.override_set'));
    res.json(saved);
  });

  router.delete('/calendar/overrides/:date', requireRole('admin'), async (req, res) => {
    const date = dateParam(req.params.date as string);
    const user = req.user!;
    await deps.calendar.deleteOverride(date, user.username, audited(user, 'calendar.override_deleted'));
    res.status(204).end();
  });

  // Last: `/calendar/:year` would otherwise swallow the paths above.
  router.get('/calendar/:year', publicRoute(), (req, res) => {
    const year = yearParam(req.params.year as string);
    const days = cal()
      .nonWorkingWeekdaysAndWorkingWeekends(year)
      .map((d) => ({ ...d, dateVn: formatVn(d.date) }));
    // With the Government decisions found for the year and the days still provisional.
    const { decisions, provisional } = cal().yearStatus(year);
    res.json({ year, days, decisions, provisional });
  });
  return router;
}

/** A query parameter as text: as given, a repeated one (an array) joined with commas, an absent one ''. */
function queryText(v: unknown): string {
  if (typeof v === 'string') return v;
  return Array.isArray(v) ? v.join(',') : '';
}

function yearParam(raw: string): number {
  if (!/^\d{4}$/.test(raw)) throw new CalendarError('year', `year must be four digits, not '${raw}'`);
  return Number(raw);
}

function dateParam(raw: string): string {
  if (!isDate(raw)) throw new Invalid(`date must be a day YYYY-MM-DD, not '${raw}'`, { param: 'date' });
  return raw;
}
