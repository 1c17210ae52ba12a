/**
 * What `npm run chaos` (and its short variant in tests/crash/chaos.test.ts) checks once the run is
 * over, on the database itself: each promise a query, each violation with the dossiers it names.
 */
import type { Queryable } from '../../src/db/index.js';

export interface Violation {
  check: string;
  dossiers: string[];
}

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
                     where x.parent_process_instance_key is null and x.doc->'vars'->>'dossierCode' = d.code and x.state <> 'CANCELED'))
           order by 1`,
  },
  {
    check: 'no other process instance of a dossier is alive',
    sql: `select distinct p.doc->'vars'->>'dossierCode' as code from engine.process_instances p
           join domain.dossiers d on d.code = p.doc->'vars'->>'dossierCode'
           where p.parent_process_instance_key is null and p.key <> d.process_instance_key and p.state <> 'CANCELED' order by 1`,
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
