/**
 * SLA clocks: one per dossier (the statutory total, whose due instant is the appointment on
 * form 01) and one per agency step. Every method that changes a clock takes the caller's
 * Queryable, so it commits with the domain action that caused it (receipt, task completion,
 * supplement request); only the scanner opens its own transactions.
 *
 * Rules (see arithmetic.ts for the date arithmetic and docs/sla.md):
 *  - pause: a supplement request pauses the dossier clock and its running step clocks, each
 *    keeping the office time it had left (negative when already late); every pause is kept in
 *    domain.sla_pauses with reason, requester and legal basis.
 *  - resume 'pause': the remaining office time continues from the resume instant (a clock that
 *    was already late keeps its past due instant). Resume 'restart': the whole limit again from
 *    the resume instant, with the procedure's cut-off; reminders are re-armed.
 *  - at risk: `atRiskShare` (default 0.75) of the office-time budget used; after a pause the
 *    share counts the time used before it.
 *  - stop: judged against the statutory due instant (pauses and restarts move it, an extension
 *    does not — an apology is not a pardon). Stopping a paused clock resumes it first.
 *  - extend (form 04): the new appointment is `extra` counted from the later of `at` and the
 *    current due instant; the scanner then warns again at the new appointment.
 */
import type { WorkingCalendar } from '../calendar/index.js';
import type { Db, Queryable } from '../db/index.js';
import { systemClock, type Clock } from '../clock.js';
import type { WorkflowEngine } from '../engine/port.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import { amountOf, checkCutOff, checkDate, judge, officeMs, plan } from './arithmetic.js';
import { CLOCK_COLUMNS, date, loadViews, selectClocks, statutoryDue, type ClockRow } from './rows.js';
import { nextCheck, scanBatch } from './scanner.js';
import { insertClock } from './sql/insertClock.js';
import { relayMessages } from './message-relay.js';
import { resumeClock } from './resume.js';
import { recountClocks, type CalendarChange, type RecountedClock } from './recount.js';
import type { ClockView, CutOff, DossierFact, DossierFacts, Limit, MetState } from './types.js';
import { BatchLoop } from './loop.js';

export interface SlaServiceOptions {
  db: Db;
  /** The dossiers the clocks run for (`slaDossierFacts` of the dossier room). */
  dossiers: DossierFacts;
  /** The calendar in force (a function: the admin may change overrides at any time). */
  calendar: () => WorkingCalendar;
  /** Receives sla-at-risk / sla-overdue; without it the scanner only audits and notifies. */
  engine?: Pick<WorkflowEngine, 'publishMessage'>;
  clock?: Clock;
  /** Share of the budget after which a running clock is at risk; default 0.75. */
  atRiskShare?: number;
  /** Clocks claimed per scanner transaction; default 200. */
  scanBatch?: number;
  /** Time to live of the engine messages, ms; default 60 s: long enough for a retried publish to be refused as a duplicate, short enough not to reach a later step. */
  messageTtlMs?: number;
  /** Pause between scans of the background loop when nothing was due, ms; default 1000. */
  pollMs?: number;
  /** Called with an error the background loop survived. */
  onError?: (e: unknown) => void;
}

export class SlaService {
  private readonly db: Db;
  private readonly dossiers: DossierFacts;
  private readonly calendar: () => WorkingCalendar;
  private readonly engine?: Pick<WorkflowEngine, 'publishMessage'>;
  private readonly clock: Clock;
  private readonly atRiskShare: number;
  private readonly scanBatch: number;
  private readonly messageTtlMs: number;
  private readonly onError: (e: unknown) => void;
  private readonly loop: BatchLoop;

  constructor(opts: SlaServiceOptions) {
    this.db = opts.db;
    this.dossiers = opts.dossiers;
    this.calendar = opts.calendar;
    this.engine = opts.engine;
    this.clock = opts.clock ?? systemClock;
    this.atRiskShare = opts.atRiskShare ?? 0.75;
    if (!(this.atRiskShare > 0 && this.atRiskShare <= 1)) throw new Invalid(`atRiskShare must be in (0, 1], got ${this.atRiskShare}`, { param: 'atRiskShare' });
    this.scanBatch = opts.scanBatch ?? 200;
    this.messageTtlMs = opts.messageTtlMs ?? 60_000;
    this.onError = opts.onError ?? (() => undefined);
    this.loop = new BatchLoop(
      async () => {
        const r = await this.scanOnce();
        return r.atRisk + r.overdue >= this.scanBatch;
      },
      opts.pollMs ?? 1000,
      (e) => this.onError(e),
    );
  }

  /** The appointment for a limit received at `start` (form 01); pure. */
  dueDate(limit: Limit, start: Date, cutOff?: CutOff): Date {
    return plan(this.calendar(), limit, checkDate(start, 'start'), this.atRiskShare, checkCutOff(cutOff)).dueAt;
  }

  async startDossierClock(q: Queryable, a: { dossierCode: string; limit: Limit; startedAt: Date; cutOff?: CutOff }): Promise<{ id: string; dueAt: Date }> {
    const dossier = await this.dossier(q, a.dossierCode);
    const open = await this.openClocks(q, `dossier_code = $1 and kind = 'dossier'`, [a.dossierCode]);
    if (open.length) throw new Conflict(`dossier ${a.dossierCode} already has an open SLA clock`);
    return this.insert(q, dossier, {
      kind: 'dossier',
      dossierCode: a.dossierCode,
      taskId: null,
      agencyCode: null,
      step: null,
      limit: a.limit,
      startedAt: a.startedAt,
      cutOff: a.cutOff,
    });
  }

  async startStepClock(
    q: Queryable,
    a: { dossierCode: string; taskId: string; agencyCode: string; step: string; limit: Limit; startedAt: Date },
  ): Promise<{ id: string; dueAt: Date }> {
    const dossier = await this.dossier(q, a.dossierCode);
    if (typeof a.taskId !== 'string' || !/^\d{1,19}$/.test(a.taskId))
      throw new Invalid(`taskId must be a task id (digits), got ${JSON.stringify(a.taskId)}`, { param: 'taskId' });
    if (a.limit?.unit === 'calendar_days') {
      throw new Invalid(`limit.unit 'calendar_days' counts only a dossier's statutory total; a step's limit is working time`, { param: 'limit.unit' });
    }
    const open = await this.openClocks(q, `task_id = $1 and kind = 'step'`, [a.taskId]);
    if (open.length) throw new Conflict(`task ${a.taskId} already has an open SLA clock`);
    return this.insert(q, dossier, {
      kind: 'step',
      ...a,
      cutOff: undefined,
      dueAt: a.limit?.value === 0 ? await this.appointment(q, dossier, a.dossierCode) : undefined,
    });
  }

  async pauseDossier(q: Queryable, dossierCode: string, a: { at: Date; reason: string; requestedBy: string; legalBasis?: string }): Promise<void> {
    const at = checkDate(a.at, 'at');
    if (!a.reason?.trim()) throw new Invalid('reason is required', { param: 'reason' });
    if (!a.requestedBy?.trim()) throw new Invalid('requestedBy is required', { param: 'requestedBy' });
    const open = await this.openClocks(q, `dossier_code = $1`, [dossierCode]);
    const dossier = open.find((c) => c.kind === 'dossier');
    if (!dossier) throw new NotFound(`dossier ${dossierCode} has no open SLA clock`);
    if (dossier.state === 'paused') throw new Conflict(`the SLA clock of dossier ${dossierCode} is already paused`);
    const cal = this.calendar();
    for (const c of open.filter((x) => x.state === 'running')) {
      await q.query(`update domain.sla_clocks set state = 'paused', paused_at = $2::timestamptz, remaining_ms = $3, next_check_at = null where id = $1`, [
        c.id,
        at.toISOString(),
        officeMs(cal, at, c.due_at),
      ]);
      await q.query(`insert into domain.sla_pauses (clock_id, paused_at, reason, requested_by, legal_basis) values ($1, $2::timestamptz, $3, $4, $5)`, [
        c.id,
        at.toISOString(),
        a.reason,
        a.requestedBy,
        a.legalBasis ?? null,
      ]);
    }
  }

  async resumeDossier(q: Queryable, dossierCode: string, a: { at: Date; mode: 'pause' | 'restart' }): Promise<{ dueAt: Date }> {
    const at = checkDate(a.at, 'at');
    if (a.mode !== 'pause' && a.mode !== 'restart') throw new Invalid(`mode must be 'pause' or 'restart'`, { param: 'mode' });
    const open = await this.openClocks(q, `dossier_code = $1`, [dossierCode]);
    const dossier = open.find((c) => c.kind === 'dossier');
    if (!dossier) throw new NotFound(`dossier ${dossierCode} has no open SLA clock`);
    if (dossier.state !== 'paused') throw new Conflict(`the SLA clock of dossier ${dossierCode} is not paused`);
    if (dossier.paused_at && at.getTime() < dossier.paused_at.getTime()) throw new Invalid('at must not be before the pause it ends', { param: 'at' });
    // The dossier clock first (openClocks orders it first): 0-limit steps follow its new due instant.
    let dueAt = dossier.due_at;
    for (const c of open.filter((x) => x.state === 'paused')) {
      const due = await resumeClock(q, this.calendar(), this.atRiskShare, c, at, a.mode, c.id === dossier.id ? undefined : dueAt);
      if (c.id === dossier.id) dueAt = due;
    }
    return { dueAt };
  }

  stopStep(q: Queryable, taskId: string, at: Date): Promise<MetState | undefined> {
    if (typeof taskId !== 'string' || !/^\d{1,19}$/.test(taskId)) return Promise.resolve(undefined);
    return this.stop(q, `task_id = $1 and kind = 'step'`, taskId, at);
  }

  stopDossier(q: Queryable, dossierCode: string, at: Date): Promise<MetState | undefined> {
    return this.stop(q, `dossier_code = $1 and kind = 'dossier'`, dossierCode, at);
  }

  /** Cancels the dossier clock and every open step clock of the dossier (stopped, withdrawn…). */
  cancelDossier(q: Queryable, dossierCode: string, at: Date): Promise<void> {
    return this.cancel(q, `dossier_code = $1`, dossierCode, at);
  }

  /** Cancels the dossier's open step clocks: steps a refusal cut short are withdrawn, not judged. */
  cancelSteps(q: Queryable, dossierCode: string, at: Date): Promise<void> {
    return this.cancel(q, `dossier_code = $1 and kind = 'step'`, dossierCode, at);
  }

  /** A step withdrawn by the process (an interrupting event, a cancelled instance): its clock stops without a verdict. */
  cancelStep(q: Queryable, taskId: string, at: Date): Promise<void> {
    return this.cancel(q, `task_id = $1 and kind = 'step'`, taskId, at);
  }

  async extendDossier(q: Queryable, dossierCode: string, a: { at: Date; extra: Limit; reason: string; actor: string }): Promise<{ newDueAt: Date }> {
    const at = checkDate(a.at, 'at');
    const amount = amountOf(a.extra, 'extra', true);
    if (!a.reason?.trim()) throw new Invalid('reason is required', { param: 'reason' });
    if (!a.actor?.trim()) throw new Invalid('actor is required', { param: 'actor' });
    const [c] = await this.openClocks(q, `dossier_code = $1 and kind = 'dossier'`, [dossierCode]);
    if (!c) throw new NotFound(`dossier ${dossierCode} has no open SLA clock`);
    if (c.state !== 'running') throw new Conflict(`the SLA clock of dossier ${dossierCode} is paused; resume it before extending`);
    const from = at.getTime() > c.due_at.getTime() ? at : c.due_at;
    const newDueAt = this.calendar().addWorkingTime(from, amount);
    await q.query(
      `insert into domain.sla_extensions (clock_id, at, extra_value, extra_unit, previous_due_at, new_due_at, reason, actor)
       values ($1, $2::timestamptz, $3, $4, $5::timestamptz, $6::timestamptz, $7, $8)`,
      [c.id, at.toISOString(), a.extra.value, a.extra.unit, c.due_at.toISOString(), newDueAt.toISOString(), a.reason, a.actor],
    );
    // The reminder belongs to the first appointment; the new one gets its own overdue event.
    await q.query(
      `update domain.sla_clocks set due_at = $2::timestamptz, statutory_due_at = coalesce(statutory_due_at, due_at), at_risk_at = null,
         at_risk_notified = true, overdue_notified = false, generation = generation + 1, next_check_at = $2::timestamptz where id = $1`,
      [c.id, newDueAt.toISOString()],
    );
    // The hand-back step (limit 0) is due at the appointment in force, so it follows the new one.
    await q.query(
      `update domain.sla_clocks set due_at = $2::timestamptz, statutory_due_at = coalesce(statutory_due_at, due_at), at_risk_at = null,
         at_risk_notified = true, overdue_notified = false, generation = generation + 1, next_check_at = $2::timestamptz
       where dossier_code = $1 and kind = 'step' and state = 'running' and limit_value = 0`,
      [dossierCode, newDueAt.toISOString()],
    );
    return { newDueAt };
  }

  /** The calendar changed (`change.before` → `change.after`): recounts the running clocks it reaches (recount.ts). */
  recount(q: Queryable, change: CalendarChange): Promise<RecountedClock[]> {
    return recountClocks(q, change, this.atRiskShare);
  }

  /** Working hours from `a` to `b` on the calendar in force (negative when `b` is before `a`): how early or late a clock stopped. */
  workingHoursBetween(a: Date, b: Date): number {
    return this.calendar().workingHoursBetween(a, b);
  }

  /** Every clock of a dossier, dossier clock first, with pauses and extensions. */
  async clocks(q: Queryable, dossierCode: string): Promise<ClockView[]> {
    const rows = await selectClocks(q, `select ${CLOCK_COLUMNS} from domain.sla_clocks where dossier_code = $1 order by (kind = 'dossier') desc, id`, [
      dossierCode,
    ]);
    return loadViews(q, rows, this.clock.now());
  }

  /**
   * One durable scanner batch: claims up to `limit` clocks whose next look is due, decides and
   * records their reminders and overdue events in one transaction, then relays the engine
   * messages that transaction (or an earlier, interrupted one) left pending.
   */
  async scanOnce(limit = this.scanBatch): Promise<{ atRisk: number; overdue: number }> {
    const now = new Date(this.clock.now());
    const withEngine = this.engine !== undefined;
    const counts = await this.db.tx((q) => scanBatch(q, now, limit, withEngine));
    if (this.engine) await relayMessages({ db: this.db, engine: this.engine, now: new Date(this.clock.now()), ttlMs: this.messageTtlMs, limit });
    return counts;
  }

  /** Runs the scanner in the background until close(): again at once after a full batch, else after pollMs. */
  start(): void {
    this.loop.start();
  }

  /** Stops the background loop and waits for a scan in progress to commit. */
  async close(): Promise<void> {
    await this.loop.close();
  }

  // ---- internals ------------------------------------------------------------------------------

  private async insert(
    q: Queryable,
    dossier: DossierFact,
    a: Pick<ClockView, 'kind' | 'dossierCode' | 'taskId' | 'agencyCode' | 'step' | 'limit' | 'startedAt'> & { cutOff?: CutOff; dueAt?: Date },
  ): Promise<{ id: string; dueAt: Date }> {
    const startedAt = checkDate(a.startedAt, 'startedAt');
    const cutOff = checkCutOff(a.cutOff);
    const p = plan(this.calendar(), a.limit, startedAt, this.atRiskShare, cutOff);
    if (a.dueAt) p.dueAt = a.dueAt;
    const next = nextCheck({ state: 'running', at_risk_at: p.atRiskAt, at_risk_notified: false, overdue_notified: false, due_at: p.dueAt });
    const id = await insertClock(q, {
      ...a,
      dossier,
      startedAt,
      dueAt: p.dueAt,
      atRiskAt: p.atRiskAt ?? null,
      nextCheckAt: next,
      budgetMs: p.budgetMs,
      countingFrom: p.countingFrom,
      cutOffAfter: cutOff?.after ?? null,
    });
    return { id, dueAt: p.dueAt };
  }

  /**
   * Where a 0-limit step (the hand-back at the counter) is due: the dossier's appointment in
   * force — its open dossier clock's due instant, else the appointment on the dossier.
   */
  private async appointment(q: Queryable, dossier: DossierFact, dossierCode: string): Promise<Date> {
    const { rows } = await q.query<{ due: Date | string }>(
      `select due_at as due from domain.sla_clocks where dossier_code = $1 and kind = 'dossier' and state in ('running', 'paused')
        order by id desc limit 1`,
      [dossierCode],
    );
    return rows[0] ? date(rows[0].due) : dossier.appointmentAt;
  }

  private async dossier(q: Queryable, code: string): Promise<DossierFact> {
    const d = await this.dossiers.find(q, code);
    if (!d) throw new NotFound(`dossier ${code} does not exist`);
    return d;
  }

  /** Open clocks matching `where`, locked for the caller's transaction. */
  private openClocks(q: Queryable, where: string, params: unknown[]): Promise<ClockRow[]> {
    return selectClocks(
      q,
      `select ${CLOCK_COLUMNS} from domain.sla_clocks where ${where} and state in ('running', 'paused') order by (kind = 'dossier') desc, id for update`,
      params,
    );
  }

  /** The open clocks matching `where` end without a verdict (their pauses closed). */
  private async cancel(q: Queryable, where: string, key: string, at: Date): Promise<void> {
    checkDate(at, 'at');
    for (const c of await this.openClocks(q, where, [key])) {
      await q.query(`update domain.sla_pauses set resumed_at = $2::timestamptz where clock_id = $1 and resumed_at is null`, [c.id, at.toISOString()]);
      await q.query(
        `update domain.sla_clocks set state = 'cancelled', stopped_at = $2::timestamptz, next_check_at = null, paused_at = null, remaining_ms = null where id = $1`,
        [c.id, at.toISOString()],
      );
    }
  }

  private async stop(q: Queryable, where: string, key: string, at: Date): Promise<MetState | undefined> {
    checkDate(at, 'at');
    const [c] = await this.openClocks(q, where, [key]);
    if (!c) return undefined;
    let statutory = statutoryDue(c);
    if (c.state === 'paused') {
      await resumeClock(q, this.calendar(), this.atRiskShare, c, at, 'pause');
      const [again] = await selectClocks(q, `select ${CLOCK_COLUMNS} from domain.sla_clocks where id = $1`, [c.id]);
      statutory = statutoryDue(again);
    }
    const result = judge(at, statutory);
    await q.query(`update domain.sla_clocks set state = $2, stopped_at = $3::timestamptz, next_check_at = null where id = $1`, [
      c.id,
      result,
      at.toISOString(),
    ]);
    return result;
  }
}
