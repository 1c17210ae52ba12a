/**
 * Which rule version governs a dossier: the one in force on the day it was received, counted in
 * Asia/Ho_Chi_Minh. A new version applies only to dossiers received on or after its
 * effectiveFrom; a dossier received earlier keeps its version to the end.
 */
import { Invalid, NotFound } from '../errors.js';
import type { Procedure, RuleVersion } from './types.js';

/** Vietnam has kept UTC+7 without daylight saving since 1975. */
const VN_OFFSET_MS = 7 * 3_600_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The version in force on `receivedAt`: an instant (Date, or ISO text with a time), or a local
 * date 'YYYY-MM-DD'. Throws NotFound when no version covers that day.
 */
export function ruleVersionAt(procedure: Procedure, receivedAt: Date | string): RuleVersion {
  const day = localDate(receivedAt);
  const v = procedure.versions.find((x) => x.effectiveFrom <= day && (x.effectiveTo === null || day <= x.effectiveTo));
  if (!v) {
    throw new NotFound(
      `thủ tục '${procedure.code}' không có phiên bản quy định nào có hiệu lực ngày ${day} ` +
        `(procedure '${procedure.code}' has no rule version in force on ${day})`,
    );
  }
  return v;
}

/** 'YYYY-MM-DD' in Asia/Ho_Chi_Minh. */
export function localDate(at: Date | string): string {
  if (typeof at === 'string' && ISO_DATE.test(at)) {
    if (Number.isNaN(Date.parse(at + 'T00:00:00Z'))) throw new Invalid(`'${at}' is not a date`);
    return at;
  }
  const ms = at instanceof Date ? at.getTime() : Date.parse(at);
  if (Number.isNaN(ms)) throw new Invalid(`'${String(at)}' is not a date or an instant`);
  return new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10);
}
