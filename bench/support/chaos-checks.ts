/**
 * What `npm run chaos` (and its short variant in tests/crash/chaos.test.ts) checks once the run is
 * over, on the database itself: each promise a query, each violation with the dossiers it names.
 */
import type { Queryable } from '../../src/db/index.js';

export interface Violation {
  check: string;
  dossiers: string[];
}

/** Root instances, not cancelled, started for a receipt whose journal says it failed (its code names no dossier). */
export const ORPHANS = `select distinct i.code from domain.dossier_intakes i
   join engine.process_instances p on p.doc->'vars'->>'dossierCode' = i.code
  where i.state = 'failed' and p.parent_process_instance_key is null and p.state <> 'TERMINATED' order by 1`;

const CHECKS: { check: string; sql: string }[] = [
  {
    check: 'every dossier received is back with its applicant (returned)',
    sql: `select code from domain.dossiers where status <> 'returned' order by code`,
  },
  {
    check: 'each transition of a dossier happened once (received, done, refused, stopped, returned)',
    sql: `select dossier_code as code from domain.dossier_events
           where to_status in ('received', 'done', 'refused', 'stopped', 'returned')
           group by dossier_code, to_status having count(*) > 1 order by 1`,
  },
  {
    // A dossier refused or stopped before its process started has none, and needs none.
    check: 'each dossier has its own process instance linked, and it has ended',
    sql: `select d.code from domain.dossiers d left join engine.process_instances p on p.key = d.process_instance_key
           where p.state = 'ACTIVE'
              or (d.process_instance_key is null and exists (
                    select 1 from engine.process_instances x
                     where x.parent_process_instance_key is null and x.doc->'vars'->>'dossierCode' = d.code and x.state <> 'TERMINATED'))
           order by 1`,
  },
  {
    // The engine's states are ACTIVE, COMPLETED and TERMINATED (cancelled). These two checks said
    // 'CANCELED', which no instance is, so a second instance reconcile had cancelled read as alive.
    check: 'no other process instance of a dossier is alive or ran to its end (one cancelled is fine)',
    sql: `select distinct p.doc->'vars'->>'dossierCode' as code from engine.process_instances p
           join domain.dossiers d on d.code = p.doc->'vars'->>'dossierCode'
           where p.parent_process_instance_key is null and p.key <> d.process_instance_key and p.state <> 'TERMINATED' order by 1`,
  },
  {
    // A receipt undone after the engine failed to answer (a PostgreSQL restart cutting the commit's
    // acknowledgement) may have left an instance: reconcile cancels it (dossiers/strays.ts).
    check: 'no process instance of a receipt that failed is alive or ran to its end',
    sql: ORPHANS,
  },
  {
    check: 'no inbox task exists twice for one step',
    sql: `select distinct dossier_code as code from domain.tasks
           group by dossier_code, process_instance_key, element_instance_key having count(*) > 1 order by 1`,
  },
  {
    check: 'no notification decided twice',
    // Named with the notice's kind, to say which writer doubled it.
    sql: `select distinct coalesce(dossier_code, '(none)') || ' (' || kind || ')' as code from domain.outbox
           group by dossier_code, kind, recipient, payload having count(*) > 1 order by 1`,
  },
  {
    check: 'every step clock started once and judged once (none still running)',
    sql: `select distinct dossier_code as code from domain.sla_clocks
           where kind = 'step' and (state in ('running', 'paused') or task_id in (
             select task_id from domain.sla_clocks where kind = 'step' group by task_id having count(*) > 1))
           order by 1`,
  },
  {
    check: 'one dossier clock per dossier, stopped',
    sql: `select dossier_code as code from domain.sla_clocks where kind = 'dossier'
           group by dossier_code having count(*) <> 1 or bool_or(state in ('running', 'paused')) order by 1`,
  },
];

export async function checkChaos(q: Queryable): Promise<{ violations: Violation[]; counts: Record<string, number> }> {
  const violations: Violation[] = [];
  for (const c of CHECKS) {
    const { rows } = await q.query<{ code: string }>(c.sql);
    if (rows.length) violations.push({ check: c.check, dossiers: rows.map((r) => r.code) });
  }
  const { rows } = await q.query<Record<string, number>>(
    `select count(*)::int as dossiers,
            count(*) filter (where status = 'returned')::int as returned,
            (select count(distinct dossier_code) from domain.dossier_events where to_status = 'refused')::int as refused,
            (select count(distinct dossier_code) from domain.dossier_events where to_status = 'stopped')::int as stopped,
            (select count(distinct dossier_code) from domain.dossier_events where to_status = 'supplemented')::int as supplemented
       from domain.dossiers`,
  );
  return { violations, counts: rows[0] };
}

/**
 * What a dossier a check named was doing when the run ended, on one line: its status and
 * transitions, the intake journal, its inbox tasks, its process instances with their jobs, user
 * tasks, message subscriptions, timers and incidents. A CI run that fails shows only its test's
 * diff, and its database is gone with the machine: this is what is left to go on.
 */
export async function describeDossier(q: Queryable, code: string): Promise<string> {
  const one = async (sql: string): Promise<string> => {
    const { rows } = await q.query<{ s: string | null }>(sql, [code]);
    return rows.map((r) => r.s ?? '').join('; ') || '–';
  };
  const instances = `(select key from engine.process_instances where doc->'vars'->>'dossierCode' = $1
                       union select process_instance_key from domain.dossiers where code = $1 and process_instance_key is not null)`;
  const parts: [string, string][] = [
    ['status', `select status || coalesce(' pi=' || process_instance_key, ' pi=none') as s from domain.dossiers where code = $1`],
    ['events', `select string_agg(coalesce(from_status, '·') || '>' || to_status, ' ' order by id) as s from domain.dossier_events where dossier_code = $1`],
    ['intake', `select state as s from domain.dossier_intakes where code = $1`],
    [
      'tasks',
      `select element_id || ':' || state || coalesce('@' || assignee, '') || ' pi=' || process_instance_key || coalesce(' job=' || job_key, '') as s
         from domain.tasks where dossier_code = $1 order by id`,
    ],
    [
      'instances',
      `select key || ':' || state || ' parent=' || coalesce(parent_process_instance_key::text, '–') as s from engine.process_instances where key in ${instances}`,
    ],
    [
      'jobs',
      `select element_id || ':' || type || ':' || state || ' retries=' || retries || coalesce(' deadline=' || to_char(deadline at time zone 'UTC', 'HH24:MI:SS'), '')
              || coalesce(' err=' || left(error_message, 80), '') as s from engine.jobs where process_instance_key in ${instances}`,
    ],
    ['user tasks', `select element_id || ':' || state as s from engine.user_tasks where process_instance_key in ${instances}`],
    ['waits for', `select message_name || '/' || correlation_key as s from engine.message_subscriptions where process_instance_key in ${instances}`],
    [
      'timers',
      `select element_id || ' due ' || to_char(due_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as s from engine.timers where process_instance_key in ${instances}`,
    ],
    [
      'incidents',
      `select element_id || ':' || state || ' ' || error_type || ' ' || left(coalesce(error_message, ''), 120) as s from engine.incidents where process_instance_key in ${instances}`,
    ],
    ['clocks', `select kind || ':' || state as s from domain.sla_clocks where dossier_code = $1 order by id`],
  ];
  const out: string[] = [];
  for (const [name, sql] of parts) out.push(`${name} ${await one(sql).catch((e: unknown) => `(${(e as Error).message})`)}`);
  return `${code}: ${out.join(' | ')}`;
}
