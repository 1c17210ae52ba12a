/** The dossier room: intake, dossier code, appointment, the lifecycle (supplement, refuse, stop, return), forms 01–07. */
export { DossierService, type DossierServiceOptions } from './service.js';
export { IntakeValidator, IntakeInvalid, intakeSchemaId, type IntakeProblem } from './intake/validate.js';
export { citizenIdProblems, decodeCitizenId, CITIZEN_ID_SOURCE, type CitizenIdParts } from './intake/citizen-id.js';
export { PROVINCE_CODES, PROVINCE_CODES_SOURCE } from './intake/province-codes.js';
export { CODE_PATTERN, codePrefix, formatCode, newLookupSecret, normaliseSecret } from './code.js';
export { STATUSES, TRANSITIONS, OPEN, can, statusVi, type DossierStatus, type TransitionName } from './lifecycle.js';
export { RETURN_STEP, type DossierDeps } from './context.js';
export { renderHtml, escapeHtml } from './forms/html.js';
export { FORM_TITLES, type FormDoc, type FormNo, type Block } from './forms/model.js';
export type { ReceiveRequest, Receipt } from './receipt.js';
export type { SupplementRequestInput, SupplementInput, DecisionInput, ApologyInput } from './actions.js';
export type { PublicStatus, PublicStep } from './views.js';
export { DEFAULT_LOOKUP_THROTTLE, LOOKUP_NOT_FOUND, type LookupRule, type LookupThrottleRules } from './lookup.js';
export type { Trace, TimelineEntry, DiagramState } from './trace.js';
export type { ReconcileResult } from './sync.js';
export type { Actor, DossierRow, Applicant, Channel } from './types.js';
export { seedDemo, DEMO_PASSWORDS, type SeedResult } from './seed.js';
export { dossierExists, inboxDossiers, slaDossierFacts } from './store.js';
export { visibleCodeSql } from './visibility.js';
export {
  applicantEmailChannel,
  applicantLetter,
  applicantSmsChannel,
  applicantText,
  type ApplicantChannel,
  type Mail,
  type Mailer,
  type Texter,
} from './notices.js';
