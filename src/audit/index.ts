/** The audit room: the append-only, hash-chained log of every domain action. */
export { appendAudit, auditForDossier, auditLength, verifyAudit, GENESIS, type AuditEntry, type AuditRow, type BrokenAt, type VerifyResult } from './log.js';
export { canonicalJson } from './canonical.js';
export { searchAudit, type AuditPage, type AuditSearch } from './search.js';
