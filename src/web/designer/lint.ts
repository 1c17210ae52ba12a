/**
 * Lint while drawing: @camunda/linting (Camunda 8 compatibility and bpmnlint's correctness rules,
 * chosen by the diagram's `modeler:executionPlatform`) plus lienthong's own catalog rules — the
 * bpmnlint plugin in packages/bpmnlint-plugin-lienthong, the same code the server runs at every
 * deploy — configured with the procedure version the process belongs to.
 */
import { Linter } from '@camunda/linting';
import StaticResolver from 'bpmnlint/lib/resolver/static-resolver';
import { lintConfig } from 'bpmnlint-plugin-lienthong';
import type { CatalogVersion, Problem } from '../shared/api';

export interface Report {
  id: string;
  message: string;
  category: 'error' | 'warn' | 'info';
  rule: string;
  /** Where it came from: the live lint, or the server refusing a deployment. */
  source: 'lint' | 'deploy';
  [k: string]: unknown;
}

export function createLinter(version: CatalogVersion | null): { lint(definitions: unknown): Promise<Report[]> } {
  // Camunda's own rules as they come, but one: a user task with no linked form is allowed while it
  // is being drawn (a task without one gets the default form; docs/dossiers-and-inbox.md).
  const plugins: Array<{ config: unknown; resolver?: unknown }> = [{ config: { rules: { 'camunda-compat/user-task-definition': 'off' } } }];
  if (version) {
    // The catalog's rule version, as the API returns it, is a ProcedureVersion of the plugin's (the type-check holds the two together).
    const { config, cache } = lintConfig({ version, hoursPerWorkingDay: 8 });
    plugins.push({ config, resolver: new StaticResolver(cache) });
  }
  const linter = new Linter({ modeler: 'web', type: 'cloud', plugins });
  return {
    async lint(definitions) {
      const reports = (await linter.lint(definitions)) as Array<Partial<Pick<Report, 'id' | 'message' | 'category' | 'rule'>> & Record<string, unknown>>;
      return reports.map((r) => ({
        ...r,
        id: r.id ?? '',
        message: r.message ?? '',
        category: r.category ?? 'error',
        rule: r.rule ?? '',
        source: 'lint',
      }));
    },
  };
}

/** The server's refusal (`details.problems`) or warnings as reports on the elements they name. */
export function deployReports(problems: readonly Problem[] | undefined, fallbackId: string): Report[] {
  return (problems ?? []).map((p) => ({
    id: p.elementId || fallbackId,
    message: p.message,
    category: p.category === 'warn' ? 'warn' : 'error',
    rule: p.rule ?? (p.elementType ? `deploy:${p.elementType}` : 'deploy'),
    source: 'deploy',
  }));
}
