/**
 * Feature: which agencies hold or held a step of a dossier is the dossier room's own record
 * (`domain.dossier_agencies`), written in the inbox's transaction that creates the step's task;
 * the visibility rule reads it (tests/dossiers/visibility.test.ts checks every route by it).
 */
import { up as migrateDossierAgencies } from '../../src/db/migrations/024_dossier_agencies.js';
import { birthIntake } from './fixtures.js';
import { STAFF, useDossiers } from './support.js';

const h = useDossiers();
const record = async () =>
  (
    await h.db.query<{ code: string; agency: string; since: string }>(
      `select dossier_code as code, agency_code as agency, since::text from domain.dossier_agencies order by 1, 2`,
    )
  ).rows;

test('Scenario: a birth-group dossier reaches its officers → each of their agencies is recorded once, at the instant its first task was created, and the receiving section is not (it sees the dossier as receiver)', async () => {
  const { dossier } = await h.receive('birth-registration-group', birthIntake());
  await h.inbox();
  const tasks = (
    await h.db.query<{ agency: string; created: string }>(
      `select agency_code as agency, min(created_at)::text as created from domain.tasks where dossier_code = $1 group by 1 order by 1`,
      [dossier.code],
    )
  ).rows;
  expect(tasks.length).toBeGreaterThan(0);
  expect(await record()).toEqual(tasks.map((t) => ({ code: dossier.code, agency: t.agency, since: t.created })));
  expect((await record()).map((r) => r.agency)).not.toContain(STAFF.counter.agencyCode);
});

test('Scenario: a database from before migration 024 → the migration fills the record from the inbox, the same rows the inbox’s hook writes', async () => {
  const { dossier } = await h.receive('birth-registration-group', birthIntake());
  await h.inbox();
  const written = await record();
  expect(written.map((r) => r.code)).toContain(dossier.code);
  await h.db.query(`drop table domain.dossier_agencies`);
  await migrateDossierAgencies(h.db.knex);
  expect(await record()).toEqual(written);
});
