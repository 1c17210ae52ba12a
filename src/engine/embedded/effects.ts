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

export class Effects {
  readonly events: EngineEvent[] = [];
  readonly newJobs = new Map<string, JobRow>();
  readonly deletedJobs = new Set<string>();
  readonly jobUpdates = new Map<string, JobUpdate>();
  readonly newIncidents: IncidentRow[] = [];
  readonly resolvedIncidents = new Map<string, number>();
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
  createIncident(i: IncidentRow): void {
    this.newIncidents.push(i);
  }
  resolveIncident(key: string, at: number): void {
    const idx = this.newIncidents.findIndex((i) => i.key === key);
    if (idx >= 0) this.newIncidents.splice(idx, 1);
    else this.resolvedIncidents.set(key, at);
  }
  track(row: InstanceRow, isNew: boolean): void {
    this.instances.set(row.key, { row, isNew });
  }
}
