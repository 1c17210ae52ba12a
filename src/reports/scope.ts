/**
 * Who sees what of a report: the reports' one access rule, applied by every report route.
 *
 *   auditors, admins          every group, grouped as they ask;
 *   officers, counter staff   their own agency's row only, the report grouped by agency whatever
 *                             they ask, its total their row's; none without an agency;
 *   anyone else               refused by the routes before a report is made (designers: 403).
 *
 * The scope decides which rows and bars a reader may open, not which dossiers: the dossiers behind
 * a bar also pass the dossier room's one visibility rule (http/report-details.ts, through
 * dossiers/visibility.ts `visibleCodeSql`), so a report row never names a dossier its reader could
 * not open.
 */
import type { GroupBy } from './api-types.js';

export interface ReportReader {
  role: string;
  agencyCode?: string | null;
}

export interface ReportScope {
  /** True when the reader sees one agency's row only. */
  scoped: boolean;
  /** That agency (null: every row, or — scoped — none). */
  agencyCode: string | null;
  /** How the report is grouped for this reader. */
  groupBy: GroupBy;
  /** May the reader see the group `key` (its row, and the dossiers behind it)? */
  sees(key: string): boolean;
}

export function reportScope(reader: ReportReader, asked: GroupBy | undefined): ReportScope {
  const scoped = reader.role === 'officer' || reader.role === 'counter';
  const agencyCode = scoped ? (reader.agencyCode ?? null) : null;
  return {
    scoped,
    agencyCode,
    groupBy: scoped ? 'agency' : (asked ?? 'agency'),
    sees: (key) => !scoped || (agencyCode !== null && key === agencyCode),
  };
}
