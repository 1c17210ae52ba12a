/**
 * What the dossier room needs beyond 006's dossier tables:
 *
 * - `agencies.identifier`: the agency's electronic identifier (mã định danh, QCVN 102:2016/BTTTT,
 *   `V1V2V3.Z1Z2.Y1Y2.MX1X2`), the first part of a dossier code when known. Codes must never
 *   collide, so the code prefix (identifier, or the agency code upper-cased) is unique — a rule
 *   as an index. `agencies.place_name`: the place forms are dated at ("Phúc Xá, ngày …").
 * - `dossier_intakes`: the journal of every dossier code handed out. A receipt takes two
 *   transactions around the engine's own (code + journal row; then the dossier once its process
 *   instance exists), so every allocated code is accounted for: received, or failed with why and
 *   with the instance that was cancelled.
 * - `dossier_forms`: each form 01–05 as issued — the data snapshot printed on it — so a reprint
 *   shows exactly what the citizen was given.
 * - `dossier_supplement_requests`: what a supplement request asked for, and the citizen's answer.
 * - `dossiers.done_at` / `place`: when processing ended; the province and commune the dossier
 *   belongs to (copied from the receiving agency; the inbox resolves agency kinds with it).
 */
import type { Knex } from 'knex';
import { runScript } from '../script.js';

export async function up(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    alter table domain.agencies add column identifier text, add column place_name text;
    create unique index agencies_code_prefix on domain.agencies ((coalesce(identifier, upper(replace(code, '.', '-')))));

    alter table domain.dossiers
      add column done_at timestamptz,
      add column province_code text,
      add column commune_code text;
    create index dossiers_by_returned on domain.dossiers (receiving_agency, returned_at) where returned_at is not null;

    create table domain.dossier_intakes (
      code text primary key,
      procedure_code text not null,
      receiving_agency text not null,
      state text not null check (state in ('starting', 'received', 'failed')),
      process_instance_key bigint,
      created_at timestamptz not null,
      finished_at timestamptz,
      error text
    );
    create index dossier_intakes_starting on domain.dossier_intakes (created_at) where state = 'starting';

    create table domain.dossier_forms (
      id bigint generated always as identity primary key,
      dossier_code text not null references domain.dossiers(code),
      form text not null check (form in ('01', '02', '03', '04', '05')),
      issued_at timestamptz not null,
      issued_by text not null,
      data jsonb not null
    );
    create index dossier_forms_by_dossier on domain.dossier_forms (dossier_code, form, id);

    create table domain.dossier_supplement_requests (
      id bigint generated always as identity primary key,
      dossier_code text not null references domain.dossiers(code),
      requested_at timestamptz not null,
      requested_by text not null,
      agency_code text,
      reasons jsonb not null,
      items jsonb not null,
      legal_basis text not null,
      answered_at timestamptz,
      answer jsonb
    );
    -- At most one unanswered request per dossier.
    create unique index dossier_supplement_open on domain.dossier_supplement_requests (dossier_code) where answered_at is null;
  `,
  );
}

export async function down(knex: Knex): Promise<void> {
  await runScript(
    knex,
    `
    drop table if exists domain.dossier_supplement_requests, domain.dossier_forms, domain.dossier_intakes;
    drop index if exists domain.dossiers_by_returned;
    alter table domain.dossiers drop column if exists done_at, drop column if exists province_code, drop column if exists commune_code;
    drop index if exists domain.agencies_code_prefix;
    alter table domain.agencies drop column if exists identifier, drop column if exists place_name;
  `,
  );
}
