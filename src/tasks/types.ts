/**
 * The inbox's vocabulary: a task (one user task of one agency: a Camunda user task, or a job-worker user task's job), who acts on it, and what a
 * list request asks for. Keys and ids are decimal strings, instants ISO 8601 in UTC.
 */
import type { PersonRole } from '../accounts/index.js';
import type { TaskView } from './api-types.js';

export type { TaskState, TaskView } from './api-types.js';

/** A person's role (accounts/roles.ts; docs/api.md, "Sign-in, roles, logs"). */
export type ActorRole = PersonRole;

/** Whoever calls the service: the authenticated user, checked on every call. */
export interface Actor {
  username: string;
  role: ActorRole;
  /** Officers and counter staff belong to one agency. */
  agencyCode?: string | null;
}

/** A task as the service holds it: what the inbox answers (api-types.ts) and how the engine knows it. */
export interface TaskRow extends TaskView {
  /** A job-worker user task's job (`io.camunda.zeebe:userTask`); null for a Camunda user task. */
  jobKey: string | null;
  /** A Camunda user task (`zeebe:userTask`); null for a job-worker user task. */
  userTaskKey: string | null;
  elementInstanceKey: string;
  candidateGroups: string[];
  formKey: string | null;
  /** The job's variables for a task of no dossier; `{}` otherwise (the dossier holds the data). */
  variables: Record<string, unknown>;
  /** Until when the engine keeps the job reserved for the inbox; null while unknown. */
  leaseUntil: string | null;
}

/** `state=open` is the inbox: every task still to be done (open or claimed). */
export type ListState = 'open' | 'claimed' | 'completed' | 'cancelled';

export interface ListFilter {
  state?: ListState;
  assignedToMe?: boolean;
  unassigned?: boolean;
  /** Due within this many hours from now (and not yet overdue). */
  dueSoon?: number;
  overdue?: boolean;
  procedure?: string;
  dossierCode?: string;
  /** Auditors and admins: one agency's tasks (others only ever see their own agency). */
  agencyCode?: string;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface TaskPage {
  items: TaskRow[];
  page: number;
  pageSize: number;
  /** Every task matching the filter, regardless of the page. */
  total: number;
}
