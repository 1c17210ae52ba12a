/** The parts of bpmnlint (plain JavaScript, no typings of its own) that the server uses. */
declare module 'bpmnlint' {
  export interface BpmnlintReport {
    id?: string;
    message: string;
    /** 'error' | 'warn' | 'info', or 'rule-error' when the rule threw. */
    category: string;
    [key: string]: unknown;
  }
  export interface BpmnlintResolver {
    resolveRule(pkg: string, ruleName: string): unknown;
    resolveConfig(pkg: string, configName: string): unknown;
  }
  export class Linter {
    constructor(options: { config?: { extends?: string | string[]; rules?: Record<string, unknown> }; resolver: BpmnlintResolver });
    /** Reports by rule name, as configured (`lienthong/<rule>`). */
    lint(moddleRoot: unknown): Promise<Record<string, BpmnlintReport[]>>;
  }
}

declare module 'bpmnlint/lib/resolver/static-resolver.js' {
  import type { BpmnlintResolver } from 'bpmnlint';
  /** Resolves `rule:<pkg>/<rule>` and `config:<pkg>/<config>` from a plain object. */
  export default class StaticResolver implements BpmnlintResolver {
    constructor(cache: Record<string, unknown>);
    resolveRule(pkg: string, ruleName: string): unknown;
    resolveConfig(pkg: string, configName: string): unknown;
  }
}

declare module 'bpmnlint/lib/resolver/node-resolver.js' {
  import type { BpmnlintResolver } from 'bpmnlint';
  /** Resolves plugins by Node's module resolution from the working directory, as bpmnlint's CLI does. */
  export default class NodeResolver implements BpmnlintResolver {
    constructor(options?: { require?: NodeJS.Require });
    resolveRule(pkg: string, ruleName: string): unknown;
    resolveConfig(pkg: string, configName: string): unknown;
  }
}
