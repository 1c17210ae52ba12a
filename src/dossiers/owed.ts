/**
 * What a dossier's process is owed, and telling it — so that a crash between a commit and the
 * engine call that should follow it loses nothing.
 *
 * - Variables: the process's copy of what the dossier decides, `dueDates` (each user task's
 *   `zeebe:taskSchedule` reads its step's) and `appointmentAt`. They are given when the process
 *   starts (receipt-steps.ts `processVariables`); a commit that changes them later (a supplement
 *   that restarts the clock, an apology, a calendar change) does it through `moveAppointment`,
 *   which marks the dossier as owing them (migration 025's counters).
 * - A message: a supplement handed in owes the process `dossier-supplemented` when its version
 *   declares it (`oweMessage`, migration 027), with a message id the engine deduplicates.
 *
 * `tellProcesses` gives the processes what they are owed, right after the commit and again from
 * the reconciler for what a crash or a failed engine call left: variables first, so a step the
 * message lets the process reach is created with its new due date. The dossier is authoritative:
 * a push always sends its current values, so pushes may repeat and arrive in any order. A push
 * that read an older state may reach the engine after a newer one; so a push is recorded only
 * when the dossier did not change while it was sent, and is sent again otherwise (at most three
 * rounds in a call; the reconciler carries on).
 */
import type { Queryable } from '../db/index.js';
import type { PublishMessageRequest } from '../engine/port.js';
import { Conflict, NotFound } from '../errors.js';
import type { DossierDeps } from './context.js';
import { isoVn } from './due-dates.js';
import { OPEN, type DossierStatus } from './lifecycle.js';
import { insertEvent } from './store.js';
import type { Actor, DossierRow } from './types.js';

/**
 * In the caller's transaction (the row locked): the dossier's appointment, and its `dueDates` when
 * given, change after its process started — and its process is owed them. Every such change goes
 * through here, so none forgets to tell the process. With `event`, the move is also the dossier's
 * event (its status unchanged: an apology, a calendar change), carrying both appointments.
 */
export async function moveAppointment(
  q: Queryable,
  d: Pick<DossierRow, 'code' | 'processInstanceKey' | 'data' | 'status' | 'appointmentAt'>,
  a: { appointmentAt: Date; dueDates?: unknown; at: Date; event?: { actor: Actor; reason: string; payload: Record<string, unknown> } },
): Promise<void> {
  await q.query(
    `update domain.dossiers
        set appointment_at = $2::timestamptz, data = $3::jsonb, updated_at = $4::timestamptz,
            variables_changed = variables_changed + (case when process_instance_key is null then 0 else 1 end)
      where code = $1`,
    [d.code, a.appointmentAt.toISOString(), JSON.stringify(a.dueDates === undefined ? d.data : { ...d.data, dueDates: a.dueDates }), a.at.toISOString()],
  );
  if (!a.event) return;
  const { actor, reason, payload } = a.event;
  await insertEvent(q, {
    code: d.code,
    at: a.at,
    from: d.status,
    to: d.status,
    actor,
    reason,
    payload: { ...payload, previousAppointmentAt: d.appointmentAt.toISOString(), appointmentAt: a.appointmentAt.toISOString() },
  });
}

/** In the transaction that decided it: the process is owed `message` (its `messageId` set, so a second publish is a duplicate). */
export async function oweMessage(q: Queryable, code: string, message: PublishMessageRequest & { messageId: string }): Promise<void> {
  await q.query(`update domain.dossiers set message_owed = $2::jsonb where code = $1`, [code, JSON.stringify(message)]);
}

interface Owed {
  code: string;
  status: DossierStatus;
  key: string | null;
  appointmentAt: Date | string;
  dueDates: unknown;
  changed: string;
  pushed: string;
  message: (PublishMessageRequest & { messageId: string }) | string | null;
}

async function owed(q: Queryable, codes: string[] | undefined, limit: number): Promise<Owed[]> {
  const { rows } = await q.query<Owed>(
    `select code, status, process_instance_key::text as key, appointment_at as "appointmentAt", data->'dueDates' as "dueDates",
            variables_changed::text as changed, variables_pushed::text as pushed, message_owed as message
       from domain.dossiers
      where (variables_changed > variables_pushed or message_owed is not null)${codes ? ' and code = any($1::text[])' : ''}
      order by code limit ${limit}`,
    codes ? [codes] : [],
  );
  return rows;
}

type Told = 'settled' | 'stale' | 'failed';

/**
 * Tells the processes of `codes` (all owed dossiers when omitted, `batch` at a time) what they
 * are owed. Never throws for a dossier: a failure — the engine's, or the database's recording the
 * push (a chaos run saw that update chosen as a deadlock's victim, and the supplement already
 * committed answered 500) — is logged and left owed for the reconciler. Returns how many dossiers
 * owe nothing more.
 */
export async function tellProcesses(deps: DossierDeps, codes?: string[], batch = 200): Promise<number> {
  if (codes && !codes.length) return 0;
  let settled = 0;
  for (let round = 0; round < 3; round++) {
    let stale = 0;
    for (const r of await owed(deps.db, codes, batch)) {
      let variables: Told;
      let message: Told;
      try {
        variables = BigInt(r.changed) > BigInt(r.pushed) ? await pushVariables(deps, r) : 'settled';
        // The message only after the variables: what it lets the process reach reads them.
        message = variables === 'settled' && r.message ? await publish(deps, r) : variables;
      } catch (e) {
        deps.log.warn({ err: e, dossierCode: r.code }, 'telling the process what it is owed failed; the reconciler will retry');
        continue;
      }
      if (message === 'settled') settled++;
      if (variables === 'stale' || message === 'stale') stale++;
    }
    // Again only for what changed while it was told; an engine failure waits for the reconciler.
    if (!stale) break;
  }
  return settled;
}

/** A closed dossier's process is ended or being cancelled: it needs nothing more. */
const listening = (r: Owed) => OPEN.includes(r.status) && r.key !== null;

async function pushVariables(deps: DossierDeps, r: Owed): Promise<Told> {
  if (listening(r)) {
    const dueDates = typeof r.dueDates === 'string' ? (JSON.parse(r.dueDates) as unknown) : r.dueDates;
    try {
      await deps.engine.setVariables({
        elementInstanceKey: r.key!,
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

async function publish(deps: DossierDeps, r: Owed): Promise<Told> {
  const message = (typeof r.message === 'string' ? JSON.parse(r.message) : r.message) as PublishMessageRequest & { messageId: string };
  if (listening(r)) {
    try {
      await deps.engine.publishMessage(message);
    } catch (e) {
      // Conflict: the engine has this message id already (an earlier publish whose record was lost).
      if (!(e instanceof Conflict)) {
        deps.log.warn({ err: e, dossierCode: r.code, message: message.name }, 'publishing a message to the process failed; the reconciler will retry');
        return 'failed';
      }
    }
  }
  const { rowCount } = await deps.db.query(`update domain.dossiers set message_owed = null where code = $1 and message_owed->>'messageId' = $2`, [
    r.code,
    message.messageId,
  ]);
  return rowCount > 0 ? 'settled' : 'stale';
}
