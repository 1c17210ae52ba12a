/** Everything one command changes, collected in memory and written in one statement. */
import type { InstanceRow } from './state.js';

export interface JobRow {
  key: string;
  type: string;
  state: 'ACTIVATABLE' | 'ACTIVATED' | 'FAILED';
  process_instance_key: string;
  element_instance_key: string;
  element_id: string;
  bpmn_process_id: string;
  definition_key: string;
  version: number;
  retries: number;
  activatable_at: number;
  custom_headers: Record<string, string>;
  created_at: number;
}

export interface JobUpdate {
  key: string;
  state: 'ACTIVATABLE' | 'ACTIVATED' | 'FAILED';
  retries: number;
  activatable_at: number;
  deadline: number | null;
  worker: string | null;
  error_message: string | null;
}

/** A Camunda user task (engine.user_tasks); instants as epoch ms, due dates as ISO text. */
export interface UserTaskRow {
  key: string;
  state: UserTaskRowState;
  process_instance_key: string;
  element_instance_key: string;
  element_id: string;
  name: string | null;
  bpmn_process_id: string;
  definition_key: string;
  version: number;
  assignee: string | null;
  candidate_groups: string[];
  candidate_users: string[];
  due_date: string | null;
  follow_up_date: string | null;
  priority: number;
  form_key: string | null;
  external_form_reference: string | null;
  custom_headers: Record<string, string>;
  created_at: number;
  completed_at: number | null;
}
export type UserTaskRowState = 'CREATED' | 'COMPLETED' | 'CANCELED' | 'FAILED';
/** What a command changes of a user task: only the fields named. */
export type UserTaskChange = Partial<
  Pick<UserTaskRow, 'state' | 'assignee' | 'candidate_groups' | 'candidate_users' | 'due_date' | 'follow_up_date' | 'priority' | 'completed_at'>
>;

export interface IncidentRow {
  key: string;
  state: 'ACTIVE';
  error_type: string;
  error_message: string;
  process_instance_key: string;
  element_instance_key: string;
  element_id: string;
  bpmn_process_id: string;
  definition_key: string;
  job_key: string | null;
  created_at: number;
}

export interface EngineEvent {
  valueType: string;
  intent: string;
  at: number;
  processInstanceKey?: string | null;
  elementInstanceKey?: string | null;
  elementId?: string | null;
  elementType?: string | null;
  flowScopeKey?: string | null;
  bpmnProcessId?: string | null;
  payload?: unknown;
}

export interface TimerRow {
  key: string;
  due_at: number;
  process_instance_key: string | null;
  element_instance_key: string | null;
  element_id: string;
  target_element_id: string;
  definition_key: string;
  bpmn_process_id: string;
  repetitions: number;
  cycle: string | null;
  created_at: number;
}

export interface SubscriptionRow {
  key: string;
  message_name: string;
  correlation_key: string;
  process_instance_key: string;
  element_instance_key: string;
  element_id: string;
  target_element_id: string;
  bpmn_process_id: string;
  interrupting: boolean;
  created_at: number;
}

/** A signal wait: like a message subscription, by name alone (a broadcast reaches every one). */
export interface SignalSubscriptionRow extends Omit<SubscriptionRow, 'message_name' | 'correlation_key'> {
  signal_name: string;
}

export class Effects {
  readonly events: EngineEvent[] = [];
  readonly newJobs = new Map<string, JobRow>();
  readonly deletedJobs = new Set<string>();
  readonly jobUpdates = new Map<string, JobUpdate>();
  readonly newUserTasks = new Map<string, UserTaskRow>();
  readonly userTaskChanges = new Map<string, UserTaskChange>();
  readonly newIncidents: IncidentRow[] = [];
  readonly resolvedIncidents = new Map<string, number>();
  readonly newTimers = new Map<string, TimerRow>();
  readonly timerUpdates = new Map<string, { key: string; due_at: number; repetitions: number }>();
  readonly deletedTimers = new Set<string>();
  readonly newSubscriptions = new Map<string, SubscriptionRow>();
  readonly deletedSubscriptions = new Set<string>();
  readonly newSignalSubscriptions = new Map<string, SignalSubscriptionRow>();
  readonly deletedSignalSubscriptions = new Set<string>();
  /** Element instances that ended: their timers and subscriptions go with them. */
  readonly leftElements = new Set<string>();
  /** Instances loaded (and locked) or created by this command. */
  readonly instances = new Map<string, { row: InstanceRow; isNew: boolean }>();

  event(e: EngineEvent): void {
    this.events.push(e);
  }
  createJob(j: JobRow): void {
    this.newJobs.set(j.key, j);
  }
  deleteJob(key: string): void {
    // A job created and cancelled within one command never reaches the table.
    if (!this.newJobs.delete(key)) this.deletedJobs.add(key);
    this.jobUpdates.delete(key);
  }
  updateJob(u: JobUpdate): void {
    const created = this.newJobs.get(u.key);
    if (created) Object.assign(created, { state: u.state, retries: u.retries, activatable_at: u.activatable_at });
    else this.jobUpdates.set(u.key, u);
  }
  createUserTask(u: UserTaskRow): void {
    this.newUserTasks.set(u.key, u);
  }
  /** Changes fields of a user task; an ended one stays (its history is searchable). */
  changeUserTask(key: string, change: UserTaskChange): void {
    const created = this.newUserTasks.get(key);
    if (created) Object.assign(created, change);
    else this.userTaskChanges.set(key, { ...this.userTaskChanges.get(key), ...change });
  }
  createIncident(i: IncidentRow): void {
    this.newIncidents.push(i);
  }
  resolveIncident(key: string, at: number): void {
    const idx = this.newIncidents.findIndex((i) => i.key === key);
    if (idx >= 0) this.newIncidents.splice(idx, 1);
    else this.resolvedIncidents.set(key, at);
  }
  createTimer(t: TimerRow): void {
    this.newTimers.set(t.key, t);
  }
  deleteTimer(key: string): void {
    if (!this.newTimers.delete(key)) this.deletedTimers.add(key);
    this.timerUpdates.delete(key);
  }
  rescheduleTimer(key: string, dueAt: number, repetitions: number): void {
    const created = this.newTimers.get(key);
    if (created) Object.assign(created, { due_at: dueAt, repetitions });
    else this.timerUpdates.set(key, { key, due_at: dueAt, repetitions });
  }
  openSubscription(s: SubscriptionRow): void {
    this.newSubscriptions.set(s.key, s);
  }
  deleteSubscription(key: string): void {
    if (!this.newSubscriptions.delete(key)) this.deletedSubscriptions.add(key);
  }
  openSignalSubscription(s: SignalSubscriptionRow): void {
    this.newSignalSubscriptions.set(s.key, s);
  }
  deleteSignalSubscription(key: string): void {
    if (!this.newSignalSubscriptions.delete(key)) this.deletedSignalSubscriptions.add(key);
  }
  /** An element instance ended: what it waited for is removed, written or not. */
  leave(elementInstanceKey: string): void {
    for (const [k, t] of this.newTimers) if (t.element_instance_key === elementInstanceKey) this.newTimers.delete(k);
    for (const [k, s] of this.newSubscriptions) if (s.element_instance_key === elementInstanceKey) this.newSubscriptions.delete(k);
    for (const [k, s] of this.newSignalSubscriptions) if (s.element_instance_key === elementInstanceKey) this.newSignalSubscriptions.delete(k);
    this.leftElements.add(elementInstanceKey);
  }
  track(row: InstanceRow, isNew: boolean): void {
    this.instances.set(row.key, { row, isNew });
  }
}
