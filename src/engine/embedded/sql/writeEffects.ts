/**
 * Writes all of one command's effects in a single statement: data-modifying CTEs over
 * jsonb_to_recordset, so the round trips per command stay constant however many tokens moved.
 * Timestamps travel as epoch milliseconds.
 */
import type { Queryable } from '../../../db/index.js';
import type { Effects } from '../effects.js';

const SQL = `
with input as (select $1::jsonb as j),
del_jobs as (
  delete from engine.jobs where key = any(array(select jsonb_array_elements_text(j->'deletedJobs')::bigint from input))
),
ins_jobs as (
  insert into engine.jobs (key, type, state, process_instance_key, element_instance_key, element_id,
    bpmn_process_id, definition_key, version, retries, activatable_at, custom_headers, created_at)
  select x.key, x.type, x.state, x.process_instance_key, x.element_instance_key, x.element_id,
    x.bpmn_process_id, x.definition_key, x.version, x.retries, to_timestamp(x.activatable_at / 1000.0),
    x.custom_headers, to_timestamp(x.created_at / 1000.0)
  from input, jsonb_to_recordset(j->'newJobs') as x(key bigint, type text, state text,
    process_instance_key bigint, element_instance_key bigint, element_id text, bpmn_process_id text,
    definition_key bigint, version int, retries int, activatable_at double precision,
    custom_headers jsonb, created_at double precision)
),
upd_jobs as (
  update engine.jobs t set state = x.state, retries = x.retries,
    activatable_at = to_timestamp(x.activatable_at / 1000.0),
    deadline = to_timestamp(x.deadline / 1000.0), worker = x.worker, error_message = x.error_message
  from input, jsonb_to_recordset(j->'jobUpdates') as x(key bigint, state text, retries int,
    activatable_at double precision, deadline double precision, worker text, error_message text)
  where t.key = x.key
),
ins_pi as (
  insert into engine.process_instances (key, definition_key, bpmn_process_id, version, state, doc,
    parent_process_instance_key, parent_element_instance_key, has_incident, started_at, ended_at,
    start_correlation_key)
  select x.key, x.definition_key, x.bpmn_process_id, x.version, x.state, x.doc,
    x.parent_process_instance_key, x.parent_element_instance_key, x.has_incident,
    to_timestamp(x.started_at / 1000.0), to_timestamp(x.ended_at / 1000.0), x.start_correlation_key
  from input, jsonb_to_recordset(j->'newInstances') as x(key bigint, definition_key bigint,
    bpmn_process_id text, version int, state text, doc jsonb, parent_process_instance_key bigint,
    parent_element_instance_key bigint, has_incident boolean, started_at double precision,
    ended_at double precision, start_correlation_key text)
),
upd_pi as (
  update engine.process_instances t set state = x.state, doc = x.doc, has_incident = x.has_incident,
    ended_at = to_timestamp(x.ended_at / 1000.0)
  from input, jsonb_to_recordset(j->'instances') as x(key bigint, state text, doc jsonb,
    has_incident boolean, ended_at double precision)
  where t.key = x.key
),
ins_inc as (
  insert into engine.incidents (key, state, error_type, error_message, process_instance_key,
    element_instance_key, element_id, bpmn_process_id, definition_key, job_key, created_at)
  select x.key, x.state, x.error_type, x.error_message, x.process_instance_key,
    x.element_instance_key, x.element_id, x.bpmn_process_id, x.definition_key, x.job_key,
    to_timestamp(x.created_at / 1000.0)
  from input, jsonb_to_recordset(j->'newIncidents') as x(key bigint, state text, error_type text,
    error_message text, process_instance_key bigint, element_instance_key bigint, element_id text,
    bpmn_process_id text, definition_key bigint, job_key bigint, created_at double precision)
),
res_inc as (
  update engine.incidents t set state = 'RESOLVED', resolved_at = to_timestamp(x.at / 1000.0)
  from input, jsonb_to_recordset(j->'resolvedIncidents') as x(key bigint, at double precision)
  where t.key = x.key and t.state = 'ACTIVE'
),
-- Two deletes, not one with OR: each uses its own index (an OR across columns scans the table).
del_timers as (
  delete from engine.timers where key = any(array(select jsonb_array_elements_text(j->'deletedTimers')::bigint from input))
),
del_element_timers as (
  delete from engine.timers where element_instance_key = any(array(select jsonb_array_elements_text(j->'leftElements')::bigint from input))
),
ins_timers as (
  insert into engine.timers (key, due_at, process_instance_key, element_instance_key, element_id,
    target_element_id, definition_key, bpmn_process_id, repetitions, cycle, created_at)
  select x.key, to_timestamp(x.due_at / 1000.0), x.process_instance_key, x.element_instance_key,
    x.element_id, x.target_element_id, x.definition_key, x.bpmn_process_id, x.repetitions, x.cycle,
    to_timestamp(x.created_at / 1000.0)
  from input, jsonb_to_recordset(j->'newTimers') as x(key bigint, due_at double precision,
    process_instance_key bigint, element_instance_key bigint, element_id text, target_element_id text,
    definition_key bigint, bpmn_process_id text, repetitions int, cycle text, created_at double precision)
),
upd_timers as (
  update engine.timers t set due_at = to_timestamp(x.due_at / 1000.0), repetitions = x.repetitions
  from input, jsonb_to_recordset(j->'timerUpdates') as x(key bigint, due_at double precision, repetitions int)
  where t.key = x.key
),
del_subs as (
  delete from engine.message_subscriptions
   where key = any(array(select jsonb_array_elements_text(j->'deletedSubscriptions')::bigint from input))
),
del_element_subs as (
  delete from engine.message_subscriptions
   where element_instance_key = any(array(select jsonb_array_elements_text(j->'leftElements')::bigint from input))
),
ins_subs as (
  insert into engine.message_subscriptions (key, message_name, correlation_key, process_instance_key,
    element_instance_key, element_id, target_element_id, bpmn_process_id, interrupting, created_at)
  select x.key, x.message_name, x.correlation_key, x.process_instance_key, x.element_instance_key,
    x.element_id, x.target_element_id, x.bpmn_process_id, x.interrupting, to_timestamp(x.created_at / 1000.0)
  from input, jsonb_to_recordset(j->'newSubscriptions') as x(key bigint, message_name text,
    correlation_key text, process_instance_key bigint, element_instance_key bigint, element_id text,
    target_element_id text, bpmn_process_id text, interrupting boolean, created_at double precision)
),
ins_ev as (
  insert into engine.events (at, value_type, intent, process_instance_key, element_instance_key,
    element_id, element_type, flow_scope_key, bpmn_process_id, payload)
  select to_timestamp(x.at / 1000.0), x."valueType", x.intent, x."processInstanceKey",
    x."elementInstanceKey", x."elementId", x."elementType", x."flowScopeKey", x."bpmnProcessId", x.payload
  from input, jsonb_to_recordset(j->'events') as x(at double precision,
    "valueType" text, intent text, "processInstanceKey" bigint, "elementInstanceKey" bigint,
    "elementId" text, "elementType" text, "flowScopeKey" bigint, "bpmnProcessId" text, payload jsonb, seq int)
  order by x.seq
)
select 1`;

export async function writeEffects(q: Queryable, fx: Effects): Promise<void> {
  const newInstances = [];
  const instances = [];
  for (const { row, isNew } of fx.instances.values()) {
    const base = { key: row.key, state: row.state, doc: row.doc, has_incident: row.hasIncident, ended_at: row.endedAt ?? null };
    if (isNew) {
      newInstances.push({
        ...base,
        definition_key: row.definitionKey,
        bpmn_process_id: row.bpmnProcessId,
        version: row.version,
        parent_process_instance_key: row.parentProcessInstanceKey ?? null,
        parent_element_instance_key: row.parentElementInstanceKey ?? null,
        started_at: row.startedAt,
        start_correlation_key: row.startCorrelationKey ?? null,
      });
    } else instances.push(base);
  }
  const payload = {
    deletedJobs: [...fx.deletedJobs],
    newJobs: [...fx.newJobs.values()],
    jobUpdates: [...fx.jobUpdates.values()],
    newInstances,
    instances,
    newIncidents: fx.newIncidents,
    resolvedIncidents: [...fx.resolvedIncidents].map(([key, at]) => ({ key, at })),
    deletedTimers: [...fx.deletedTimers],
    leftElements: [...fx.leftElements],
    newTimers: [...fx.newTimers.values()],
    timerUpdates: [...fx.timerUpdates.values()],
    deletedSubscriptions: [...fx.deletedSubscriptions],
    newSubscriptions: [...fx.newSubscriptions.values()],
    events: fx.events.map((e, seq) => ({ ...e, seq })),
  };
  await q.query(SQL, [JSON.stringify(payload)]);
}
