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
export {
  lintCatalog,
  lintVersion,
  formatProblems,
  RULES,
  catalogLinter,
  formatDeploymentProblems,
  type DeploymentLint,
  type DeploymentLinter,
  type DeploymentProblem,
  type DeploymentResource,
  type LintOptions,
  type LintProblem,
  type LintCategory,
  type Rule,
  type RuleFactory,
  type Reporter,
  type LintContext,
} from './lint/index.js';
export type * from './types.js';
