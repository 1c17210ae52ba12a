/**
 * What an official may decide on a task: the task's **Camunda form** (form-js JSON, deployed as a
 * `.form` resource and linked by `zeebe:formDefinition formId`). The same form renders in the
 * inbox (form-js viewer) and checks the decision here (form-check.ts), so it is the one source.
 * A task's form is the first that exists of
 *
 *   the form the engine linked when the task was created (`formKey`, that exact version)
 *   →  the latest deployed form `<bpmnProcessId>.<elementId>` (the catalog's naming: a task
 *      created before its form was linked, or a job-worker user task, which cannot link one)
 *   →  `schemas/tasks/default.form` (`{ outcome: approved|rejected|done, note }`)
 *
 * and the decision's fields become the variables the task completes with, so a form is also the
 * contract between the page and the process (`decision` read by a gateway, `opinion` collected by
 * a multi-instance step…).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FormItem } from '../engine/queries.js';
import { Invalid } from '../errors.js';
import { schemasDir, summarize } from '../schemas.js';
import { checkAgainstForm, type FormProblem, type FormSchema } from './form-check.js';

/** One problem of a decision: `path` (JSON pointer into the request body: `/decision/...`), `messageVi`, `messageEn`. */
export type DecisionProblem = FormProblem;

export interface DecisionTarget {
  formKey: string | null;
  bpmnProcessId: string | null;
  elementId: string;
}

/** Where deployed forms are read (the engine's queries). */
export interface FormLookup {
  getForm(by: { formKey: string } | { formId: string }): Promise<FormItem | undefined>;
}

export interface TaskForm {
  formId: string;
  /** The deployed form's key and version; null for the built-in default. */
  formKey: string | null;
  version: number | null;
  schema: FormSchema;
}

export const DEFAULT_FORM_ID = 'lienthong-default-decision';

/** The catalog's form id for a user task: `<bpmnProcessId>.<elementId>`. */
export function catalogFormId(bpmnProcessId: string, elementId: string): string {
  return `${bpmnProcessId}.${elementId}`;
}

let defaultForm: FormSchema | undefined;
function builtInDefault(): FormSchema {
  return (defaultForm ??= JSON.parse(readFileSync(join(schemasDir(), 'tasks', 'default.form'), 'utf8')) as FormSchema);
}

export class DecisionForms {
  constructor(private readonly lookup: FormLookup) {
    builtInDefault(); // a missing or broken default.form stops the start, not the first completion
  }

  /** The form a task's decision must match. */
  async formFor(t: DecisionTarget): Promise<TaskForm> {
    const linked = t.formKey && /^\d+$/.test(t.formKey) ? await this.lookup.getForm({ formKey: t.formKey }) : undefined;
    const named = linked ?? (t.bpmnProcessId ? await this.lookup.getForm({ formId: catalogFormId(t.bpmnProcessId, t.elementId) }) : undefined);
    if (named) {
      const schema = parseForm(named.schema);
      if (schema) return { formId: named.formId, formKey: named.formKey, version: named.version, schema };
    }
    return { formId: DEFAULT_FORM_ID, formKey: null, version: null, schema: builtInDefault() };
  }

  /**
   * Throws Invalid naming every field of `decision` the task's form refuses; otherwise the value
   * to complete with (the decision without the fields its form hides).
   */
  async check(t: DecisionTarget, decision: unknown): Promise<Record<string, unknown>> {
    const form = await this.formFor(t);
    const { problems, value } = checkAgainstForm(form.schema, decision);
    if (!problems.length) return value;
    throw new Invalid(
      `quyết định không hợp lệ theo mẫu '${form.formId}' (the decision does not match form '${form.formId}'): ${summarize(problems, (p) => `${p.path} ${p.messageEn}`)}`,
      problems,
    );
  }
}

function parseForm(text: string): FormSchema | undefined {
  try {
    const f = JSON.parse(text) as FormSchema;
    return f && typeof f === 'object' && Array.isArray(f.components) ? f : undefined;
  } catch {
    return undefined;
  }
}
