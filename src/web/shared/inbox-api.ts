/**
 * The inbox's part of the HTTP API client (the agency's tasks, their Camunda forms, the dossier
 * actions an officer takes, the live feed), on the one `request` of api.ts.
 */
import type { DossierSummary, StaffProcedure } from '../../dossiers/api-types';
import type { TaskView } from '../../tasks/api-types';
import { request } from './api';

/** A task as the inbox API answers it, with the working time left. */
export interface Task extends TaskView {
  /** Working hours until the due instant; negative: how late. Absent when the task has no due instant or is finished. */
  workingHoursLeft?: number;
}

export interface TaskPage {
  items: Task[];
  page: number;
  pageSize: number;
  total: number;
}

export interface TaskForm {
  formId: string;
  formKey: string | null;
  version: number | null;
  schema: { id: string; components: unknown[]; [k: string]: unknown };
}

export interface TaskFilter {
  state?: 'open' | 'claimed' | 'completed' | 'cancelled';
  assignedToMe?: boolean;
  unassigned?: boolean;
  dueSoon?: number;
  overdue?: boolean;
  procedure?: string;
  page?: number;
  pageSize?: number;
}

function query(f: TaskFilter): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== false && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const tasks = {
  list: (f: TaskFilter) => request<TaskPage>('GET', `/api/tasks${query(f)}`),
  get: (id: string) => request<Task>('GET', `/api/tasks/${encodeURIComponent(id)}`),
  form: (id: string) => request<TaskForm>('GET', `/api/tasks/${encodeURIComponent(id)}/form`),
  claim: (id: string) => request<Task>('POST', `/api/tasks/${encodeURIComponent(id)}/claim`, {}),
  unclaim: (id: string) => request<Task>('POST', `/api/tasks/${encodeURIComponent(id)}/unclaim`, {}),
  assign: (id: string, username: string) => request<Task>('POST', `/api/tasks/${encodeURIComponent(id)}/assign`, { username }),
  complete: (id: string, decision: Record<string, unknown>) => request<Task>('POST', `/api/tasks/${encodeURIComponent(id)}/complete`, { decision }),
};

export interface Notice {
  id: string;
  kind: string;
  dossierCode: string | null;
  text: string;
  at: string;
  readAt?: string | null;
}

export const notifications = {
  list: () => request<{ items: Notice[]; total: number }>('GET', '/api/notifications?unread=true&pageSize=20'),
  read: (id: string) => request<Notice>('POST', `/api/notifications/${encodeURIComponent(id)}/read`, {}),
};

export interface PrintedForm {
  form: string;
  title: string;
  reference?: string;
  placeDate: string;
  addressee?: string;
  body: Array<
    | { kind: 'paragraph' | 'heading' | 'note'; text: string }
    | { kind: 'fields'; items: { label: string; value: string }[] }
    | { kind: 'table'; columns: string[]; rows: string[][] }
  >;
  data: Record<string, unknown>;
}

/** The staff view of a dossier, as far as the task page reads it. */
export interface StaffDossier extends DossierSummary {
  applicant: { fullName: string; citizenId?: string; phone?: string; address?: { detail?: string } | string; [k: string]: unknown };
  procedure: StaffProcedure;
  forms: Array<{ form: string; issuedAt: string; count: number }>;
}

const enc = encodeURIComponent;
export const dossierActions = {
  get: (code: string) => request<StaffDossier>('GET', `/api/dossiers/${enc(code)}`),
  form: (code: string, no: string) => request<PrintedForm>('GET', `/api/dossiers/${enc(code)}/forms/${no}`),
  requestSupplement: (code: string, body: { reasons: string[]; items: { name: string; note?: string }[]; legalBasis: string }) =>
    request<unknown>('POST', `/api/dossiers/${enc(code)}/supplement-requests`, body),
  refuse: (code: string, body: { reason: string; legalBasis: string }) => request<unknown>('POST', `/api/dossiers/${enc(code)}/refusal`, body),
  apologize: (code: string, body: { reason: string; extra: { value: number; unit: 'working_days' | 'working_hours' } }) =>
    request<unknown>('POST', `/api/dossiers/${enc(code)}/apology`, body),
};
