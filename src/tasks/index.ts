/** The agency inbox: user tasks (Camunda user tasks and job-worker user tasks' jobs) as inbox rows, claim / assign / complete, authorisation by agency. */
export { TaskService, type TaskServiceOptions } from './service.js';
export { InboxWorker, startInboxWorker, candidateGroups, type InboxWorkerOptions, type SweepResult } from './worker.js';
export { NO_AGENCY } from './persist.js';
export { DecisionForms, DEFAULT_FORM_ID, catalogFormId, type DecisionProblem, type DecisionTarget, type FormLookup, type TaskForm } from './decisions.js';
export { checkAgainstForm, formFields, type FormComponent, type FormSchema } from './form-check.js';
export { AgencyNotFound, type InboxDossier, type InboxDossiers } from './resolve.js';
export type { StepClocks, TaskCompletedHook } from './completion.js';
export { isCounterKind } from './scope.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './sql/listTasks.js';
export { firstTasksOf, lastCompletedTaskOf, openTaskInstances, openTaskOf, tasksOfDossier, tasksOfDossiersIn } from './sql/byDossier.js';
export type * from './types.js';
export { Feed, TaskFeed, type TaskEvent, type TaskEventKind } from './feed.js';
export { maySee } from './scope.js';
