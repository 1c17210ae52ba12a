/** The dossier room's vocabulary. Instants are Dates inside, ISO 8601 strings in JSON. */
import type { AgencyView } from '../accounts/index.js';
import type { DossierStatus } from './lifecycle.js';

export type Channel = 'counter' | 'online' | 'postal';

/** How the applicant may be told of the dossier (notices.ts), in the order tried. */
export type ApplicantChannel = 'email' | 'sms';

/** Whoever acts: an authenticated staff member (the http room's `req.user`) or the system. */
export interface Actor {
  username: string;
  role: 'designer' | 'officer' | 'counter' | 'auditor' | 'admin' | 'system';
  agencyCode?: string | null;
}

export interface Applicant {
  fullName: string;
  citizenId: string;
  birthDate: string;
  gender: 'male' | 'female';
  phone?: string;
  email?: string;
  address: { provinceCode?: string; provinceName: string; communeCode?: string; communeName: string; detail: string };
}

/** What a dossier keeps of its receipt besides the applicant. */
export interface DossierData {
  /** The intake without the applicant (child, deceased, parcel, documents, linked choices…). */
  intake: Record<string, unknown> & { documents: { code: string; form?: string; count?: number; fileName?: string; note?: string }[] };
  /** The process variable `dueDates` as last given to the process. */
  dueDates: Record<string, unknown>;
}

export interface DossierRow {
  code: string;
  procedureCode: string;
  ruleVersion: string;
  /** The case of the rule version the dossier was received under (procedure.json `cases`); null: none. */
  caseCode: string | null;
  status: DossierStatus;
  channel: Channel;
  receivingAgency: string;
  applicant: Applicant;
  data: DossierData;
  lookupSecretHash: string;
  receivedAt: Date;
  receivedBy: string | null;
  appointmentAt: Date;
  processInstanceKey: string | null;
  supplementCount: number;
  result: Record<string, unknown> | null;
  returnedAt: Date | null;
  doneAt: Date | null;
  provinceCode: string | null;
  communeCode: string | null;
  updatedAt: Date;
}

/** An office of the registry, as the accounts room reads it. */
export type AgencyRow = AgencyView;

export interface DossierEvent {
  id: string;
  at: Date;
  fromStatus: DossierStatus | null;
  toStatus: DossierStatus;
  actor: string;
  agencyCode: string | null;
  reason: string | null;
  payload: Record<string, unknown>;
}

export interface SupplementRequestRow {
  id: string;
  dossierCode: string;
  requestedAt: Date;
  requestedBy: string;
  agencyCode: string | null;
  reasons: string[];
  items: { name: string; note?: string }[];
  legalBasis: string;
  answeredAt: Date | null;
  answer: Record<string, unknown> | null;
}

export type IssuedFormNo = '01' | '02' | '03' | '04' | '05';

/** The applicant door's throttle (lookup.ts): failures allowed per window. */
export interface LookupRule {
  max: number;
  windowMs: number;
}

export interface LookupThrottleRules {
  perAddress: LookupRule;
  perCode: LookupRule;
}
