/**
 * The dossier room's one entry point: receive a dossier, move it through its lifecycle, read it
 * (staff or public), trace it, print its forms — every read and write of one dossier within the
 * one visibility rule (visibility.ts); plus the inbox hook and the reconciler the composition
 * root wires. Each method is a thin door to the module that does the work.
 */
import type { Queryable } from '../db/index.js';
import { systemClock } from '../clock.js';
import type { TaskRow } from '../tasks/index.js';
import * as actions from './actions.js';
import { recountForCalendar, type CalendarChanged } from './calendar-change.js';
import { onTaskCompleted, returnResult } from './return.js';
import type { DossierDeps, DossierLog, DossierTasks } from './context.js';
import type { FormDoc, FormNo } from './forms/model.js';
import { renderHtml } from './forms/html.js';
import { IntakeValidator } from './intake/validate.js';
import { receive, type Receipt, type ReceiveRequest } from './receipt.js';
import { searchDossiers, type DossierSearch } from './search.js';
import { tellApplicant, type ProcessNotice } from './notices.js';
import { onTaskCreated, reconcile, type ReconcileResult } from './sync.js';
import { trace, type Trace, type TraceOptions } from './trace.js';
import type { Actor, DossierRow } from './types.js';
import * as views from './views.js';
import { withdraw, type WithdrawalInput } from './withdrawal.js';

/** The service's dependencies; the intake validator, clock and log have defaults. */
export type DossierServiceOptions = Omit<DossierDeps, 'intake' | 'clock' | 'log'> & Partial<Pick<DossierDeps, 'intake' | 'clock' | 'log'>>;

const silent: DossierLog = { info() {}, warn() {}, error() {} };

/** One background pass in this many looks at every waiting dossier (10 minutes at 10 s). */
const FULL_EVERY = 60;

export class DossierService {
  readonly deps: DossierDeps;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(opts: DossierServiceOptions) {
    this.deps = {
      db: opts.db,
      engine: opts.engine,
      queries: opts.queries,
      catalog: opts.catalog,
      sla: opts.sla,
      tasks: opts.tasks,
      intake: opts.intake ?? IntakeValidator.load(),
      clock: opts.clock ?? systemClock,
      log: opts.log ?? silent,
      lookupUrl: opts.lookupUrl,
      lookupThrottle: opts.lookupThrottle,
      applicantChannels: opts.applicantChannels,
    };
  }

  /** Late wiring: the inbox is built after this service (it takes `onTaskCreated`). */
  useTasks(tasks: DossierTasks): void {
    this.deps.tasks = tasks;
  }

  receive(actor: Actor | undefined, req: ReceiveRequest): Promise<Receipt> {
    return receive(this.deps, actor, req);
  }

  /**
   * By the applicant with the secret (from `address`: the lookup throttle, lookup.ts), or by
   * counter staff on their behalf (`actor`): form 05.
   */
  withdraw(code: string, secret: string | undefined, input: WithdrawalInput, actor?: Actor, address?: string): Promise<FormDoc> {
    return withdraw(this.deps, code, secret, input, actor, address);
  }

  requestSupplement(actor: Actor, code: string, input: actions.SupplementRequestInput): Promise<FormDoc> {
    return actions.requestSupplement(this.deps, actor, code, input);
  }

  /** By the citizen with the secret (from `address`: the lookup throttle, lookup.ts), or by counter staff on their behalf (`actor`). */
  supplement(code: string, secret: string | undefined, input: actions.SupplementInput, actor?: Actor, address?: string): Promise<DossierRow> {
    return actions.supplement(this.deps, code, secret, input, actor, address);
  }

  refuse(actor: Actor, code: string, input: actions.DecisionInput): Promise<FormDoc> {
    return actions.refuse(this.deps, actor, code, input);
  }

  stop(actor: Actor, code: string, input: actions.DecisionInput): Promise<FormDoc> {
    return actions.stop(this.deps, actor, code, input);
  }

  apologize(actor: Actor, code: string, input: actions.ApologyInput): Promise<FormDoc> {
    return actions.apologize(this.deps, actor, code, input);
  }

  returnResult(actor: Actor, code: string, input: { note?: string } = {}): Promise<DossierRow> {
    return returnResult(this.deps, actor, code, input);
  }

  get(actor: Actor, code: string): Promise<Record<string, unknown>> {
    return views.staffView(this.deps, actor, code);
  }

  /** The citizen's view with code + secret, from `address` (throttled per address and per code: lookup.ts). */
  publicStatus(code: string, secret: string, address?: string): Promise<views.PublicStatus> {
    return views.publicStatus(this.deps, code, secret, address);
  }

  /** Dossiers by the applicant's citizen ID or the days received, within the caller's sight. */
  search(actor: Actor, s: DossierSearch): ReturnType<typeof searchDossiers> {
    return searchDossiers(this.deps.db, actor, s);
  }

  /** Every step, clock, status change and audit row of the dossier, and its diagram's element states. */
  trace(actor: Actor, code: string, opts?: TraceOptions): Promise<Trace> {
    return trace(this.deps, actor, code, opts);
  }

  /** Form `no`; form 01 with `secret` is the receipt's copy, the secret printed (views.ts). */
  form(actor: Actor, code: string, no: FormNo, secret?: string): Promise<FormDoc> {
    return views.dossierForm(this.deps, actor, code, no, secret);
  }

  register(actor: Actor, x: { agency?: string; from: string; to: string }): Promise<FormDoc> {
    return views.register(this.deps, actor, x);
  }

  html(doc: FormDoc): string {
    return renderHtml(doc);
  }

  /** The tasks room's `onTaskCreated` hook. */
  readonly onTaskCreated = (q: Queryable, task: TaskRow): Promise<void> => onTaskCreated(this.deps, q, task);

  /** The calendar store's hook: a change of the calendar recounts the clocks, appointments and due dates it reaches. */
  readonly onCalendarChanged = (q: Queryable, change: CalendarChanged): Promise<(() => Promise<void>) | undefined> => recountForCalendar(this.deps, q, change);

  /** The tasks room's `onTaskCompleted` hook: the return step finished is the dossier returned. */
  readonly onTaskCompleted = (q: Queryable, task: TaskRow, by: Actor, at: Date): Promise<void> => onTaskCompleted(this.deps, q, task, by, at);

  /** The workers' hook: a process step's notice to the applicant (workers/notify-citizen.ts). */
  readonly tellApplicant = (n: ProcessNotice): Promise<void> => tellApplicant(this.deps, n);

  /** One pass (sync.ts): full, or `recent` — what the background loop runs most of the time. */
  reconcile(opts?: { intakeGraceMs?: number; recent?: boolean }): Promise<ReconcileResult> {
    return reconcile(this.deps, opts);
  }

  /**
   * Runs reconcile every `everyMs` in the background until stop(). Most passes are recent ones (what
   * ended or started lately: sync.ts `RECENT`, far more than a pass apart and than Camunda's search
   * lags); the first, and one every `FULL_EVERY`, is full, so what a missed pass left is caught up.
   */
  start(everyMs = 10_000): void {
    if (this.timer) return;
    let pass = 0;
    this.timer = setInterval(() => {
      if (this.running) return;
      const full = pass++ % FULL_EVERY === 0;
      this.running = this.reconcile({ recent: !full })
        .catch((e: unknown) => this.deps.log.warn({ err: e }, 'dossier reconcile failed'))
        .finally(() => (this.running = undefined));
    }, everyMs);
    this.timer.unref();
  }

  async stopBackground(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
