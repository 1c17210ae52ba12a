/**
 * The dossier's lifecycle as an explicit state machine: named states, named transitions, each
 * guarded by the states it may leave. A transition not drawn here is refused with Conflict (409)
 * before anything is written; the UPDATE that applies one repeats the guard
 * (`where status = any($from)`), so two racing requests cannot both move the same dossier.
 *
 *                 requestSupplement                  supplement
 *   received ───────────────────────▶ supplement_requested ─────────▶ supplemented
 *      │   ╲                         ▲        │                          │   │
 *      │    ╲ handOver               │        │ (requestSupplement       │   │ handOver (next step
 *      │     ▼                       │        │  again, within the       │   │  handed over)
 *      │   in_progress ──────────────┘        │  version's limit) ◀──────┘   ▼
 *      │     │  ▲                             │                        in_progress
 *      │     │  └──────────────── handOver ───┼──────────────────────────────┘
 *      │     │ finish (the process reached its return step)
 *      │     ▼
 *      │    done ───────────────┐
 *      │                        │ return (the counter hands the result / the papers back)
 *      ├── refuse ──▶ refused ──┼──────────────▶ returned
 *      └── stop ────▶ stopped ──┘
 *          withdraw ──▶ stopped (the applicant takes the dossier back)
 *
 *   refuse: from received, in_progress, supplement_requested, supplemented
 *   stop:   from received, in_progress, supplement_requested, supplemented
 *   withdraw: the same
 *   finish: from received, in_progress, supplemented (a step may finish with no task handed over
 *           in between, e.g. a supplement answered just before the last step)
 *   apologize (form 04) changes no state; it is allowed while the dossier is open and its clock
 *   runs (not while it waits for a supplement: the clock is paused).
 */
import { Conflict } from '../errors.js';

export const STATUSES = ['received', 'in_progress', 'supplement_requested', 'supplemented', 'done', 'refused', 'stopped', 'returned'] as const;
export type DossierStatus = (typeof STATUSES)[number];

export const OPEN: readonly DossierStatus[] = ['received', 'in_progress', 'supplement_requested', 'supplemented'];

export const TRANSITIONS = {
  handOver: { from: ['received', 'supplemented'], to: 'in_progress' },
  requestSupplement: { from: ['received', 'in_progress', 'supplemented'], to: 'supplement_requested' },
  supplement: { from: ['supplement_requested'], to: 'supplemented' },
  finish: { from: ['received', 'in_progress', 'supplemented'], to: 'done' },
  refuse: { from: OPEN, to: 'refused' },
  stop: { from: OPEN, to: 'stopped' },
  withdraw: { from: OPEN, to: 'stopped' },
  return: { from: ['done', 'refused', 'stopped'], to: 'returned' },
} as const satisfies Record<string, { from: readonly DossierStatus[]; to: DossierStatus }>;

export type TransitionName = keyof typeof TRANSITIONS;

/** Not a state change, but allowed only in these states. */
export const APOLOGY_FROM: readonly DossierStatus[] = ['received', 'in_progress', 'supplemented'];

const STATUS_VI: Record<DossierStatus, string> = {
  received: 'đã tiếp nhận',
  in_progress: 'đang giải quyết',
  supplement_requested: 'chờ bổ sung',
  supplemented: 'đã bổ sung',
  done: 'đã có kết quả',
  refused: 'từ chối giải quyết',
  stopped: 'dừng giải quyết',
  returned: 'đã trả kết quả',
};

const ACTION_VI: Record<TransitionName | 'apologize', string> = {
  handOver: 'chuyển xử lý',
  requestSupplement: 'yêu cầu bổ sung',
  supplement: 'bổ sung hồ sơ',
  finish: 'hoàn thành giải quyết',
  refuse: 'từ chối',
  stop: 'dừng giải quyết',
  withdraw: 'rút hồ sơ',
  return: 'trả kết quả',
  apologize: 'xin lỗi và hẹn lại',
};

export function statusVi(s: DossierStatus): string {
  return STATUS_VI[s];
}

export function can(name: TransitionName, from: DossierStatus): boolean {
  return (TRANSITIONS[name].from as readonly DossierStatus[]).includes(from);
}

/** The target state of `name` from `from`, or Conflict naming both. */
export function transition(name: TransitionName, code: string, from: DossierStatus): DossierStatus {
  if (!can(name, from)) throw illegal(name, code, from, TRANSITIONS[name].from);
  return TRANSITIONS[name].to;
}

export function illegal(name: TransitionName | 'apologize', code: string, from: DossierStatus, allowed: readonly DossierStatus[]): Conflict {
  return new Conflict(
    `hồ sơ ${code} đang ở trạng thái '${STATUS_VI[from]}' nên không thể ${ACTION_VI[name]} ` +
      `(dossier ${code} is '${from}'; '${name}' is allowed only from ${allowed.join(', ')})`,
    { dossierCode: code, status: from, transition: name, allowedFrom: allowed },
  );
}
