/** A new running clock: its plan (due, at-risk and next-look instants) computed by the service. */
import type { Queryable } from '../../db/index.js';
import { NotFound } from '../../errors.js';
import type { ClockView, DossierFact } from '../types.js';

/** Who the clock is for and its limit, as a view shows them, with the plan the service computed. */
export interface NewClock extends Pick<ClockView, 'kind' | 'dossierCode' | 'taskId' | 'agencyCode' | 'step' | 'limit' | 'startedAt' | 'dueAt'> {
  /** What the reports count the clock by: its dossier's procedure, channel and receiving section. */
  dossier: Pick<DossierFact, 'procedureCode' | 'channel' | 'receivingAgency'>;
  atRiskAt: Date | null;
  nextCheckAt: Date | null;
  budgetMs: number;
  countingFrom: Date;
  cutOffAfter: string | null;
}

/** The new clock's id; NotFound when its task does not exist (the clock's foreign key: the table is the inbox's). */
export async function insertClock(q: Queryable, c: NewClock): Promise<string> {
  const { rows } = await q
    .query<{ id: string }>(
      `insert into domain.sla_clocks (dossier_code, kind, task_id, agency_code, step, limit_value, limit_unit, started_at, due_at,
       at_risk_at, state, next_check_at, budget_ms, counting_from, cut_off_after, statutory_due_at, procedure_code, channel, receiving_agency)
     values ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9::timestamptz, $10::timestamptz, 'running', $11::timestamptz, $12,
       $13::timestamptz, $14, $9::timestamptz, $15, $16, $17)
     returning id::text`,
      [
        c.dossierCode,
        c.kind,
        c.taskId,
        c.agencyCode,
        c.step,
        c.limit.value,
        c.limit.unit,
        c.startedAt.toISOString(),
        c.dueAt.toISOString(),
        c.atRiskAt?.toISOString() ?? null,
        c.nextCheckAt?.toISOString() ?? null,
        c.budgetMs,
        c.countingFrom.toISOString(),
        c.cutOffAfter,
        c.dossier.procedureCode,
        c.dossier.channel,
        c.dossier.receivingAgency,
      ],
    )
    .catch((e: unknown) => {
      const err = e as { code?: string; detail?: string; constraint?: string };
      if (err.code === '23503' && `${err.constraint ?? ''} ${err.detail ?? ''}`.includes('task_id')) throw new NotFound(`task ${c.taskId} does not exist`);
      throw e;
    });
  return rows[0].id;
}
