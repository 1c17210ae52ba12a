/**
 * The dossier room's SQL: dossiers, their events, the intake journal, issued forms and
 * supplement requests. Every status change goes through `moveStatus`, whose WHERE repeats the
 * state machine's guard, so of two racing requests only one moves the row.
 */
import type { Queryable } from '../db/index.js';
import type { DossierFacts } from '../sla/index.js';
import type { InboxDossier, InboxDossiers } from '../tasks/index.js';
import type { DossierStatus } from './lifecycle.js';
import type { Actor, AgencyRow, DossierData, DossierEvent, DossierRow, IssuedFormNo, SupplementRequestRow } from './types.js';

const DOSSIER_COLUMNS = `d.code, d.procedure_code as "procedureCode", d.rule_version as "ruleVersion",
  d.case_code as "caseCode", d.status, d.channel,
  d.receiving_agency as "receivingAgency", d.applicant, d.data, d.lookup_secret_hash as "lookupSecretHash",
  d.received_at as "receivedAt", d.received_by as "receivedBy", d.appointment_at as "appointmentAt",
  d.process_instance_key::text as "processInstanceKey", d.supplement_count as "supplementCount", d.result,
  d.returned_at as "returnedAt", d.done_at as "doneAt", d.province_code as "provinceCode", d.commune_code as "communeCode",
  d.updated_at as "updatedAt"`;

/** A row as the driver returns it: PGlite may hand jsonb back as text and timestamps as strings. */
type RawRow = Record<string, unknown>;

/** A jsonb column's value, parsed if the driver left it as text. */
function json(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}

function date(v: unknown): Date | null {
  return v === null || v === undefined ? null : new Date(v as string);
}

function dossier(r: RawRow): DossierRow {
  return {
    ...(r as unknown as DossierRow),
    supplementCount: Number(r.supplementCount),
    applicant: json(r.applicant) as DossierRow['applicant'],
    data: json(r.data) as DossierRow['data'],
    result: json(r.result) as DossierRow['result'],
    receivedAt: date(r.receivedAt)!,
    appointmentAt: date(r.appointmentAt)!,
    returnedAt: date(r.returnedAt),
    doneAt: date(r.doneAt),
    updatedAt: date(r.updatedAt)!,
  };
}

export async function findDossier(q: Queryable, code: string, lock = false): Promise<DossierRow | undefined> {
  const { rows } = await q.query<RawRow>(`select ${DOSSIER_COLUMNS} from domain.dossiers d where d.code = $1${lock ? ' for update' : ''}`, [code]);
  return rows[0] ? dossier(rows[0]) : undefined;
}

/** What the SLA room asks of a dossier (sla/types.ts `DossierFacts`): its appointment, receiving section, procedure and channel. */
export const slaDossierFacts: DossierFacts = {
  async find(q, code) {
    const { rows } = await q.query<{ appointmentAt: Date | string; receivingAgency: string; procedureCode: string; channel: string }>(
      `select appointment_at as "appointmentAt", receiving_agency as "receivingAgency", procedure_code as "procedureCode", channel
         from domain.dossiers where code = $1`,
      [code],
    );
    return rows[0] && { ...rows[0], appointmentAt: new Date(rows[0].appointmentAt) };
  },
};

/** What the inbox asks of the dossier a task belongs to (tasks/resolve.ts `InboxDossiers`). */
export const inboxDossiers: InboxDossiers = {
  async find(q, ref) {
    const columns = `code, procedure_code as "procedureCode", rule_version as "ruleVersion", case_code as "caseCode",
      receiving_agency as "receivingAgency", province_code as "provinceCode", commune_code as "communeCode"`;
    if (ref.code) {
      const { rows } = await q.query<InboxDossier>(`select ${columns} from domain.dossiers where code = $1`, [ref.code]);
      if (rows[0]) return rows[0];
    }
    return (await q.query<InboxDossier>(`select ${columns} from domain.dossiers where process_instance_key = $1`, [ref.processInstanceKey])).rows[0];
  },
};

/** Whether a dossier with this code exists (whoever may see it). */
export async function dossierExists(q: Queryable, code: string): Promise<boolean> {
  return (await q.query(`select 1 from domain.dossiers where code = $1`, [code])).rows.length > 0;
}

/** The code, rule version, case and process instance of the dossiers matching `where` (alias `d`): what the reconciler needs first, without reading personal data. */
export async function dossierInstances(
  q: Queryable,
  where: string,
  params: unknown[],
  tail = '',
): Promise<Pick<DossierRow, 'code' | 'procedureCode' | 'ruleVersion' | 'caseCode' | 'processInstanceKey'>[]> {
  const { rows } = await q.query<Pick<DossierRow, 'code' | 'procedureCode' | 'ruleVersion' | 'caseCode' | 'processInstanceKey'>>(
    `select d.code, d.procedure_code as "procedureCode", d.rule_version as "ruleVersion", d.case_code as "caseCode",
            d.process_instance_key::text as "processInstanceKey"
       from domain.dossiers d where ${where} ${tail}`,
    params,
  );
  return rows;
}

export async function dossiersWhere(q: Queryable, where: string, params: unknown[], tail = 'order by d.received_at, d.code'): Promise<DossierRow[]> {
  const { rows } = await q.query<RawRow>(`select ${DOSSIER_COLUMNS} from domain.dossiers d where ${where} ${tail}`, params);
  return rows.map(dossier);
}

export interface NewDossier {
  code: string;
  procedureCode: string;
  ruleVersion: string;
  caseCode: string | null;
  channel: string;
  receivingAgency: AgencyRow;
  applicant: unknown;
  data: DossierData;
  lookupSecretHash: string;
  receivedAt: Date;
  receivedBy: string | null;
  appointmentAt: Date;
}

export async function insertDossier(q: Queryable, d: NewDossier): Promise<void> {
  await q.query(
    `insert into domain.dossiers (code, procedure_code, rule_version, status, channel, receiving_agency, applicant, data,
       lookup_secret_hash, received_at, received_by, appointment_at, province_code, commune_code, updated_at, case_code)
     values ($1, $2, $3, 'received', $4, $5, $6::jsonb, $7::jsonb, $8, $9::timestamptz, $10, $11::timestamptz, $12, $13, $9::timestamptz, $14)`,
    [
      d.code,
      d.procedureCode,
      d.ruleVersion,
      d.channel,
      d.receivingAgency.code,
      JSON.stringify(d.applicant),
      JSON.stringify(d.data),
      d.lookupSecretHash,
      d.receivedAt.toISOString(),
      d.receivedBy,
      d.appointmentAt.toISOString(),
      d.receivingAgency.provinceCode,
      d.receivingAgency.communeCode,
      d.caseCode,
    ],
  );
}

/** Applies a transition: true when the row was in one of `from` (and is now `to`). */
export async function moveStatus(
  q: Queryable,
  code: string,
  from: readonly DossierStatus[],
  to: DossierStatus,
  at: Date,
  set: Record<string, unknown> = {},
): Promise<boolean> {
  const cols = Object.keys(set);
  const params: unknown[] = [code, [...from], to, at.toISOString(), ...cols.map((c) => set[c])];
  const extra = cols.map((c, i) => `, ${c} = $${i + 5}`).join('');
  const r = await q.query(`update domain.dossiers set status = $3, updated_at = $4::timestamptz${extra} where code = $1 and status = any($2::text[])`, params);
  return r.rowCount === 1;
}

export async function insertEvent(
  q: Queryable,
  e: {
    code: string;
    at: Date;
    from: DossierStatus | null;
    to: DossierStatus;
    actor: Actor;
    reason?: string | null;
    payload?: Record<string, unknown>;
  },
): Promise<void> {
  await q.query(
    `insert into domain.dossier_events (dossier_code, at, from_status, to_status, actor, agency_code, reason, payload)
     values ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8::jsonb)`,
    [e.code, e.at.toISOString(), e.from, e.to, e.actor.username, e.actor.agencyCode ?? null, e.reason ?? null, JSON.stringify(e.payload ?? {})],
  );
}

export async function eventsOf(q: Queryable, code: string): Promise<DossierEvent[]> {
  const { rows } = await q.query(
    `select id::text, at, from_status as "fromStatus", to_status as "toStatus", actor, agency_code as "agencyCode", reason, payload
       from domain.dossier_events where dossier_code = $1 order by id`,
    [code],
  );
  return rows.map((r: RawRow) => ({ ...(r as unknown as DossierEvent), at: date(r.at)! }));
}

// ---- the intake journal -----------------------------------------------------------------------

export async function journalStart(q: Queryable, j: { code: string; procedureCode: string; agency: string; at: Date; idempotencyKey?: string }): Promise<void> {
  await q.query(
    `insert into domain.dossier_intakes (code, procedure_code, receiving_agency, state, created_at, idempotency_key)
     values ($1, $2, $3, 'starting', $4::timestamptz, $5)`,
    [j.code, j.procedureCode, j.agency, j.at.toISOString(), j.idempotencyKey ?? null],
  );
}

export interface KeyedIntake {
  code: string;
  procedureCode: string;
  state: 'starting' | 'received' | 'failed';
}

/**
 * The receipt a section made under an idempotency key, if any. One whose process never started
 * (failed: undone, nothing received) gives its key back, so the retry receives anew.
 */
export async function intakeByKey(q: Queryable, agency: string, key: string): Promise<KeyedIntake | undefined> {
  await q.query(`update domain.dossier_intakes set idempotency_key = null where receiving_agency = $1 and idempotency_key = $2 and state = 'failed'`, [
    agency,
    key,
  ]);
  const { rows } = await q.query<KeyedIntake>(
    `select code, procedure_code as "procedureCode", state from domain.dossier_intakes where receiving_agency = $1 and idempotency_key = $2`,
    [agency, key],
  );
  return rows[0];
}

export async function journalFinish(
  q: Queryable,
  code: string,
  state: 'received' | 'failed',
  at: Date,
  extra: { key?: string | null; error?: string } = {},
): Promise<void> {
  await q.query(
    `update domain.dossier_intakes set state = $2, finished_at = $3::timestamptz, process_instance_key = coalesce($4, process_instance_key), error = $5
      where code = $1`,
    [code, state, at.toISOString(), extra.key ?? null, extra.error ?? null],
  );
}

export async function staleIntakes(q: Queryable, before: Date, limit: number): Promise<{ code: string; createdAt: Date }[]> {
  const { rows } = await q.query<{ code: string; created_at: string }>(
    `select code, created_at from domain.dossier_intakes where state = 'starting' and created_at < $1::timestamptz order by created_at limit $2`,
    [before.toISOString(), limit],
  );
  return rows.map((r) => ({ code: r.code, createdAt: new Date(r.created_at) }));
}

/** Of these codes, those whose receipt failed and was undone (the journal keeps them; no dossier has them). */
export async function failedIntakes(q: Queryable, codes: string[]): Promise<Set<string>> {
  const { rows } = await q.query<{ code: string }>(`select code from domain.dossier_intakes where code = any($1::text[]) and state = 'failed'`, [codes]);
  return new Set(rows.map((r) => r.code));
}

// ---- issued forms ---------------------------------------------------------------------------

export async function insertForm(q: Queryable, f: { code: string; form: IssuedFormNo; at: Date; by: string; data: unknown }): Promise<void> {
  await q.query(`insert into domain.dossier_forms (dossier_code, form, issued_at, issued_by, data) values ($1, $2, $3::timestamptz, $4, $5::jsonb)`, [
    f.code,
    f.form,
    f.at.toISOString(),
    f.by,
    JSON.stringify(f.data),
  ]);
}

/** The latest issue of a form for a dossier. */
export async function latestForm<T = unknown>(q: Queryable, code: string, form: IssuedFormNo): Promise<T | undefined> {
  const { rows } = await q.query<{ data: T }>(`select data from domain.dossier_forms where dossier_code = $1 and form = $2 order by id desc limit 1`, [
    code,
    form,
  ]);
  const d = rows[0]?.data;
  return d === undefined ? undefined : (json(d) as T);
}

// ---- supplement requests ----------------------------------------------------------------------

const SUPPLEMENT_COLUMNS = `id::text, dossier_code as "dossierCode", requested_at as "requestedAt", requested_by as "requestedBy",
  agency_code as "agencyCode", reasons, items, legal_basis as "legalBasis", answered_at as "answeredAt", answer`;

function supplement(r: RawRow): SupplementRequestRow {
  return { ...(r as unknown as SupplementRequestRow), requestedAt: date(r.requestedAt)!, answeredAt: date(r.answeredAt) };
}

export async function insertSupplementRequest(
  q: Queryable,
  s: { code: string; at: Date; by: string; agencyCode: string | null; reasons: string[]; items: unknown[]; legalBasis: string },
): Promise<SupplementRequestRow> {
  const { rows } = await q.query<RawRow>(
    `insert into domain.dossier_supplement_requests (dossier_code, requested_at, requested_by, agency_code, reasons, items, legal_basis)
     values ($1, $2::timestamptz, $3, $4, $5::jsonb, $6::jsonb, $7) returning ${SUPPLEMENT_COLUMNS}`,
    [s.code, s.at.toISOString(), s.by, s.agencyCode, JSON.stringify(s.reasons), JSON.stringify(s.items), s.legalBasis],
  );
  return supplement(rows[0]);
}

export async function openSupplementRequest(q: Queryable, code: string): Promise<SupplementRequestRow | undefined> {
  const { rows } = await q.query<RawRow>(
    `select ${SUPPLEMENT_COLUMNS} from domain.dossier_supplement_requests where dossier_code = $1 and answered_at is null`,
    [code],
  );
  return rows[0] ? supplement(rows[0]) : undefined;
}

export async function answerSupplementRequest(q: Queryable, id: string, at: Date, answer: unknown): Promise<void> {
  await q.query(`update domain.dossier_supplement_requests set answered_at = $2::timestamptz, answer = $3::jsonb where id = $1`, [
    id,
    at.toISOString(),
    JSON.stringify(answer),
  ]);
}

export async function supplementRequestsOf(q: Queryable, code: string): Promise<SupplementRequestRow[]> {
  const { rows } = await q.query<RawRow>(`select ${SUPPLEMENT_COLUMNS} from domain.dossier_supplement_requests where dossier_code = $1 order by id`, [code]);
  return rows.map(supplement);
}
