/**
 * The shape of the inbox's HTTP answers about a task, shared with the browser app (src/web imports
 * it with `import type`). Keys and ids are decimal strings, instants ISO 8601 in UTC.
 *
 * This file must import nothing: the web app type-checks it with DOM libs and without Node's types.
 */

export type TaskState = 'open' | 'claimed' | 'completing' | 'completed' | 'cancelled';

/** A task as the inbox lists it: one user task of one agency. */
export interface TaskView {
  id: string;
  dossierCode: string | null;
  procedureCode: string | null;
  bpmnProcessId: string | null;
  processInstanceKey: string;
  elementId: string;
  name: string;
  /** The concrete agency (office) whose inbox holds the task. */
  agencyCode: string;
  /** The candidate group it was resolved from (an agency kind such as 'cong-an-xa'). */
  agencyKind: string | null;
  assignee: string | null;
  state: TaskState;
  dueAt: string | null;
  createdAt: string;
  claimedAt: string | null;
  completedAt: string | null;
  completedBy: string | null;
  decision: Record<string, unknown> | null;
}
