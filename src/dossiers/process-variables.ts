/**
 * The process's copy of what the dossier decides: `dueDates` (each user task's
 * `zeebe:taskSchedule` reads its step's) and `appointmentAt`. They are given to the process when
 * it starts (receipt-steps.ts `processVariables`); a commit that changes them later (a supplement
 * that restarts the clock, an apology, a calendar change) marks the dossier as owing them
 * (`oweVariables`, in its own transaction), and `pushVariables` gives the process the dossier's
 * state as it is then, right after the commit and again from the reconciler for what a crash or a
 * failed engine call left owed. The dossier is authoritative: a push always sends its current
 * values, so pushes may repeat and arrive in any order.
 *
 * A push that read an older state may reach the engine after a newer one; so a push is recorded
 * only when the dossier did not change while it was sent, and is sent again otherwise (at most
 * three rounds in a call; the reconciler carries on).
 */
import type { Queryable } from '../db/index.js';
import { NotFound } from '../errors.js';
import type { DossierDeps } from './context.js';
import { isoVn } from './due-dates.js';
import { OPEN, type DossierStatus } from './lifecycle.js';

/** In the transaction that changed the dossier's due dates or appointment: the process is owed them. */
export async function oweVariables(q: Queryable, code: string): Promise<void> {
  await q.query(`update domain.dossiers set variables_changed = variables_changed + 1 where code = $1`, [code]);
}

interface Owed {
  code: string;
  status: DossierStatus;
  key: string | null;
  appointmentAt: Date | string;
  dueDates: unknown;
  changed: string;
}

async function owed(q: Queryable, codes: string[] | undefined, limit: number): Promise<Owed[]> {
  const { rows } = await q.query<Owed>(
    `select code, status, process_instance_key::text as key, appointment_at as "appointmentAt", data->'dueDates' as "dueDates",
            variables_changed::text as changed
       from domain.dossiers
      where variables_changed > variables_pushed${codes ? ' and code = any($1::text[])' : ''}
      order by code limit ${limit}`,
    codes ? [codes] : [],
  );
  return rows;
}

/**
 * Gives the processes of `codes` (all owed dossiers when omitted, `batch` at a time) what they
 * are owed. Never throws: an engine failure is logged and left owed. Returns how many were settled.
 */
export async function pushVariables(deps: DossierDeps, codes?: string[], batch = 200): Promise<number> {
  if (codes && !codes.length) return 0;
  let settled = 0;
  for (let round = 0; round < 3; round++) {
    let stale = 0;
    for (const r of await owed(deps.db, codes, batch)) {
      const got = await pushOne(deps, r);
      if (got === 'settled') settled++;
      if (got === 'stale') stale++;
    }
    // Again only for what changed while it was pushed; an engine failure waits for the reconciler.
    if (!stale) break;
  }
  return settled;
}

async function pushOne(deps: DossierDeps, r: Owed): Promise<'settled' | 'stale' | 'failed'> {
  // A closed dossier's process is ended or being cancelled: nothing to tell it.
  if (OPEN.includes(r.status) && r.key) {
    const dueDates = typeof r.dueDates === 'string' ? (JSON.parse(r.dueDates) as unknown) : r.dueDates;
    try {
      await deps.engine.setVariables({
        elementInstanceKey: r.key,
        // The notation the process started with (+07:00), so the trace shows a change only when the instant moved.
        variables: { ...(dueDates == null ? {} : { dueDates }), appointmentAt: isoVn(new Date(r.appointmentAt)) },
      });
    } catch (e) {
      if (!(e instanceof NotFound)) {
        deps.log.warn({ err: e, dossierCode: r.code }, 'giving the process its due dates failed; the reconciler will retry (the SLA clocks are authoritative)');
        return 'failed';
      }
      // The instance ended meanwhile: it needs nothing more.
    }
  }
  // Recorded only if the dossier did not change while the push was on its way.
  const { rowCount } = await deps.db.query(
    `update domain.dossiers set variables_pushed = variables_changed where code = $1 and variables_changed = $2::bigint`,
    [r.code, r.changed],
  );
  return rowCount > 0 ? 'settled' : 'stale';
}
