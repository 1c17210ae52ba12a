/** The procedure catalog: procedure.json files, their rule versions, and the lint that ties them to the BPMN. */
export { Catalog, loadCatalog, type BpmnResource } from './catalog.js';
export { ruleVersionAt, localDate } from './versions.js';
export { caseFor, withCase } from './cases.js';
export {
  catalogSummary,
  procedureForProcess,
  versionSummaries,
  inForceOn,
  type ProcedureSummary,
  type ProcessProcedure,
  type VersionSummary,
} from './lookup.js';
export { ProcedureCatalogError, PROCEDURE_SCHEMA_ID, type CatalogProblem } from './validate.js';
// The lint (`lint/index.ts`): its functions, rules and the deployment check, as one set.
export * from './lint/index.js';
export type * from './types.js';
