/**
 * What the scanner says about one claimed clock, all in the claiming transaction: the audit row,
 * the notification for the responsible agency (domain.outbox), the engine message to relay
 * (domain.sla_messages), the flag that it was said, and the clock's next look. Because flags and
 * records commit together and the row stays locked until then, a reminder or an overdue event is
 * decided exactly once; a crash before commit decides it again from scratch on the next scan.
 *
 * Rules: the reminder fires at at_risk_at if the clock is still before due; when the scanner
 * first looks after the due instant (it was down), the overdue event supersedes the reminder,
 * which is then marked said without being sent. Paused and finished clocks leave the scan.
 */
import { appendAudit } from '../audit/index.js';
import { formatVn } from '../calendar/index.js';
import type { Queryable } from '../db/index.js';
import { vnTime } from './arithmetic.js';
import { enqueueNotice } from './outbox.js';
import type { ClockRow } from './rows.js';
import { claimDueClocks } from './sql/claimDueClocks.js';

export type SlaEvent = 'at_risk' | 'overdue';

export const MESSAGE_NAMES: Record<SlaEvent, string> = { at_risk: 'sla-at-risk', overdue: 'sla-overdue' };

/** The scanner's next look at a clock: its reminder, then its due instant, then never. */
export function nextCheck(r: Pick<ClockRow, 'state' | 'at_risk_at' | 'at_risk_notified' | 'overdue_notified' | 'due_at'>): Date | null {
  if (r.state !== 'running') return null;
  if (!r.at_risk_notified && r.at_risk_at) return r.at_risk_at;
  if (!r.overdue_notified) return r.due_at;
  return null;
}

/** One scanner batch, in the caller's transaction: claims up to `limit` due clocks and fires each. */
export async function scanBatch(q: Queryable, now: Date, limit: number, withEngine: boolean): Promise<{ atRisk: number; overdue: number }> {
  const out = { atRisk: 0, overdue: 0 };
  for (const row of await claimDueClocks(q, now, limit)) {
    for (const e of await fireClock(q, row, now, withEngine)) {
      if (e === 'at_risk') out.atRisk++;
      else out.overdue++;
    }
  }
  return out;
}

/** 'sla:<clock>:<generation>:<event>': the same decision always carries the same id. */
export function messageIdOf(r: Pick<ClockRow, 'id' | 'generation'>, event: SlaEvent): string {
  return `sla:${r.id}:${r.generation}:${event}`;
}

export async function fireClock(q: Queryable, r: ClockRow, now: Date, withEngine: boolean): Promise<SlaEvent[]> {
  const fired: SlaEvent[] = [];
  if (r.state === 'running') {
    const pastDue = r.due_at.getTime() <= now.getTime();
    if (!r.overdue_notified && pastDue) fired.push('overdue');
    else if (!r.at_risk_notified && r.at_risk_at && r.at_risk_at.getTime() <= now.getTime()) fired.push('at_risk');
  }
  if (fired.length) {
    // A dossier clock warns the section that received the dossier.
    const agency = r.agency_code ?? r.receiving_agency;
    for (const event of fired) await record(q, r, event, agency, now, withEngine);
  }
  const after = {
    ...r,
    at_risk_notified: r.at_risk_notified || fired.length > 0,
    overdue_notified: r.overdue_notified || fired.includes('overdue'),
  };
  await q.query(`update domain.sla_clocks set at_risk_notified = $2, overdue_notified = $3, next_check_at = $4::timestamptz where id = $1`, [
    r.id,
    after.at_risk_notified,
    after.overdue_notified,
    nextCheck(after)?.toISOString() ?? null,
  ]);
  return fired;
}

async function record(q: Queryable, r: ClockRow, event: SlaEvent, agency: string, now: Date, withEngine: boolean): Promise<void> {
  const due = `${vnTime(r.due_at)} ${formatVn(r.due_at)}`;
  const what = r.kind === 'step' ? `bước ${r.step ?? ''} của hồ sơ ${r.dossier_code}` : `hồ sơ ${r.dossier_code}`;
  const text = event === 'at_risk' ? `Sắp đến hạn: ${what} phải hoàn thành trước ${due}.` : `Quá hạn: ${what} đã quá hạn xử lý (hạn ${due}).`;
  const clock = { id: r.id, kind: r.kind, step: r.step, taskId: r.task_id, generation: r.generation };
  const payload = { clock, agency, due: r.due_at.toISOString(), dueVn: due, atRiskAt: r.at_risk_at?.toISOString() ?? null };
  await appendAudit(q, {
    actor: 'system',
    role: 'system',
    agency,
    dossierCode: r.dossier_code,
    action: `sla.${event}`,
    payload,
    at: now,
  });
  await enqueueNotice(q, { at: now, channel: 'in-app', kind: `sla.${event}`, recipient: agency, dossierCode: r.dossier_code, payload: { ...payload, text } });
  if (withEngine) {
    await q.query(
      `insert into domain.sla_messages (clock_id, name, correlation_key, message_id, variables, created_at, next_attempt_at)
       values ($1, $2, $3, $4, $5, $6::timestamptz, $6::timestamptz) on conflict (message_id) do nothing`,
      [
        r.id,
        MESSAGE_NAMES[event],
        r.dossier_code,
        messageIdOf(r, event),
        JSON.stringify({
          slaEvent: { event, clockId: r.id, kind: r.kind, step: r.step, agencyCode: agency, dueAt: r.due_at.toISOString() },
        }),
        now.toISOString(),
      ],
    );
  }
}
