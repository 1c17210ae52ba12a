/**
 * The 100k inbox fixture of bench/tasks-inbox.ts and bench/inbox-render.ts: one agency with
 * `open` open tasks (10 % claimed by one of 20 officers, due dates spread from 200 hours ago to
 * 1,800 hours ahead, three procedures), `done` completed tasks of the same agency and `others`
 * open tasks of 50 other agencies, all in bulk (generate_series), then VACUUM ANALYZE — what
 * autovacuum leaves behind in production.
 *
 * An officer sees the tasks of their agency (src/tasks/scope.ts: `agency_code`); `kind` is the
 * agency kind the tasks were resolved from, also written as their one candidate group, as the
 * inbox worker does (a BPMN user task names an agency kind as candidate group).
 *
 * The tasks belong to no dossier and no engine job (job keys from 1,000,000,000 up); their lease
 * runs 30 days ahead, so the inbox worker's sweep leaves them alone.
 */
import type { Db } from '../../src/db/index.js';

export interface InboxFixture {
  /** The agency whose inbox is filled ('ca.bench' in bench/tasks-inbox.ts). */
  agency: string;
  /** Its agency kind and the tasks' candidate group (default 'cong-an-xa'). */
  kind?: string;
  open: number;
  done: number;
  others: number;
}

export async function fillInbox(db: Db, o: InboxFixture): Promise<void> {
  const kind = o.kind ?? 'cong-an-xa';
  // The benchmark's own clock is the database's now(): due dates straddle it.
  await db.query(
    `insert into domain.tasks (job_key, procedure_code, bpmn_process_id, process_instance_key, element_id, element_instance_key,
       name, agency_code, agency_kind, candidate_groups, assignee, state, due_at, created_at, claimed_at, lease_until)
     select 1000000000::bigint + g,
            (array['birth-registration-group', 'death-registration-group', 'construction-permit'])[1 + g % 3],
            'bench', 2000000000::bigint + g, 'residenceRegistration', 3000000000::bigint + g, 'Đăng ký thường trú cho trẻ',
            $1, $3::text, array[$3::text],
            case when g % 10 = 0 then 'officer' || (g % 20) end,
            case when g % 10 = 0 then 'claimed' else 'open' end,
            now() + ((g::bigint * 7919) % 2000 - 200) * interval '1 hour', now() - interval '3 days',
            case when g % 10 = 0 then now() - interval '1 day' end, now() + interval '30 days'
       from generate_series(1, $2::int) g`,
    [o.agency, o.open, kind],
  );
  await db.query(
    `insert into domain.tasks (job_key, procedure_code, bpmn_process_id, process_instance_key, element_id, element_instance_key,
       name, agency_code, agency_kind, candidate_groups, assignee, state, due_at, created_at, claimed_at, completed_at, completed_by, decision)
     select 4000000000::bigint + g, 'birth-registration-group', 'bench', 5000000000::bigint + g, 'residenceRegistration', 6000000000::bigint + g,
            'Đăng ký thường trú cho trẻ', $1, $3::text, array[$3::text], 'officer' || (g % 20), 'completed',
            now() - (g % 5000) * interval '1 hour', now() - interval '300 days', now() - interval '299 days',
            now() - (g % 5000) * interval '1 hour', 'officer' || (g % 20), '{"outcome":"approved"}'
       from generate_series(1, $2::int) g`,
    [o.agency, o.done, kind],
  );
  await db.query(
    `insert into domain.tasks (job_key, procedure_code, bpmn_process_id, process_instance_key, element_id, element_instance_key,
       name, agency_code, agency_kind, candidate_groups, state, due_at, created_at, lease_until)
     select 7000000000::bigint + g, 'birth-registration-group', 'bench', 8000000000::bigint + g, 'healthInsuranceCard', 9000000000::bigint + g,
            'Cấp thẻ bảo hiểm y tế cho trẻ', 'agency-' || (g % 50), 'bhxh', array['bhxh'], 'open',
            now() + ((g::bigint * 104729) % 2000 - 200) * interval '1 hour', now() - interval '3 days', now() + interval '30 days'
       from generate_series(1, $1::int) g`,
    [o.others],
  );
  await db.query(`vacuum analyze domain.tasks`);
}
