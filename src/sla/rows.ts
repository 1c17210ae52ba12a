/** The clock row as read from domain.sla_clocks, and its conversion to a ClockView. */
import type { Queryable } from '../db/index.js';
import type { ClockState, ClockView, ExtensionView, Limit, PauseView } from './types.js';

export interface ClockRow {
  id: string;
  dossier_code: string;
  kind: 'dossier' | 'step';
  task_id: string | null;
  agency_code: string | null;
  /** The dossier's receiving section (022): who a dossier clock's warnings go to. */
  receiving_agency: string;
  step: string | null;
  limit_value: string | number;
  limit_unit: Limit['unit'];
  started_at: Date;
  due_at: Date;
  at_risk_at: Date | null;
  state: 'running' | 'paused' | 'met_early' | 'met_on_time' | 'met_late' | 'cancelled';
  paused_at: Date | null;
  next_check_at: Date | null;
  stopped_at: Date | null;
  at_risk_notified: boolean;
  overdue_notified: boolean;
  budget_ms: string | number | null;
  remaining_ms: string | number | null;
  counting_from: Date | null;
  cut_off_after: string | null;
  generation: number;
  statutory_due_at: Date | null;
}

export const CLOCK_COLUMNS = `id::text, dossier_code, kind, task_id::text, agency_code, receiving_agency, step, limit_value, limit_unit, started_at, due_at,
  at_risk_at, state, paused_at, next_check_at, stopped_at, at_risk_notified, overdue_notified, budget_ms, remaining_ms,
  counting_from, cut_off_after, generation, statutory_due_at`;

export function limitOf(r: ClockRow): Limit {
  return { value: Number(r.limit_value), unit: r.limit_unit };
}

export function statutoryDue(r: ClockRow): Date {
  return r.statutory_due_at ?? r.due_at;
}

/** A running clock is at risk once its reminder instant has passed, overdue once its due instant has. */
export function stateAt(r: ClockRow, now: number): ClockState {
  if (r.state !== 'running') return r.state;
  if (now >= r.due_at.getTime()) return 'overdue';
  if (r.at_risk_at && now >= r.at_risk_at.getTime()) return 'at_risk';
  return 'running';
}

export async function loadViews(q: Queryable, rows: ClockRow[], now: number): Promise<ClockView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const { rows: pauses } = await q.query<{
    clock_id: string;
    paused_at: Date;
    resumed_at: Date | null;
    reason: string;
    requested_by: string;
    legal_basis: string | null;
  }>(
    `select clock_id::text, paused_at, resumed_at, reason, requested_by, legal_basis from domain.sla_pauses
      where clock_id = any($1::bigint[]) order by id`,
    [ids],
  );
  const { rows: extensions } = await q.query<{
    clock_id: string;
    at: Date;
    extra_value: string;
    extra_unit: Limit['unit'];
    previous_due_at: Date;
    new_due_at: Date;
    reason: string;
    actor: string;
  }>(
    `select clock_id::text, at, extra_value, extra_unit, previous_due_at, new_due_at, reason, actor from domain.sla_extensions
      where clock_id = any($1::bigint[]) order by id`,
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    dossierCode: r.dossier_code,
    taskId: r.task_id,
    agencyCode: r.agency_code,
    step: r.step,
    limit: limitOf(r),
    startedAt: date(r.started_at),
    dueAt: date(r.due_at),
    state: stateAt(r, now),
    stoppedAt: r.stopped_at ? date(r.stopped_at) : null,
    pauses: pauses
      .filter((p) => p.clock_id === r.id)
      .map((p): PauseView => ({
        pausedAt: date(p.paused_at),
        resumedAt: p.resumed_at ? date(p.resumed_at) : null,
        reason: p.reason,
        requestedBy: p.requested_by,
        legalBasis: p.legal_basis,
      })),
    statutoryDueAt: date(statutoryDue(r)),
    atRiskAt: r.at_risk_at ? date(r.at_risk_at) : null,
    extensions: extensions
      .filter((x) => x.clock_id === r.id)
      .map((x): ExtensionView => ({
        at: date(x.at),
        extra: { value: Number(x.extra_value), unit: x.extra_unit },
        previousDueAt: date(x.previous_due_at),
        newDueAt: date(x.new_due_at),
        reason: x.reason,
        actor: x.actor,
      })),
  }));
}

/** Drivers differ (Date or string); every instant leaves this room as a Date. */
export function date(v: Date | string): Date {
  return v instanceof Date ? v : new Date(v);
}

const DATE_FIELDS = ['started_at', 'due_at', 'at_risk_at', 'paused_at', 'next_check_at', 'stopped_at', 'counting_from', 'statutory_due_at'] as const;

/** Runs a select of CLOCK_COLUMNS and returns rows whose instants are Dates. */
export async function selectClocks(q: Queryable, sql: string, params: unknown[]): Promise<ClockRow[]> {
  const { rows } = await q.query<ClockRow>(sql, params);
  for (const r of rows) for (const f of DATE_FIELDS) if (r[f] !== null && r[f] !== undefined) (r as unknown as Record<string, unknown>)[f] = date(r[f]);
  return rows;
}
