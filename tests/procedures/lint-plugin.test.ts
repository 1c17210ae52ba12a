/**
 * Feature: the lint rules are a real bpmnlint plugin (packages/bpmnlint-plugin-lienthong), one
 * implementation for the server and the designer: bpmnlint finds them as it finds any plugin's,
 * and the `{ config, resolver }` plugins that @camunda/linting takes run them — in Node through
 * bpmnlint's Linter, and in a browser bundle of @camunda/linting as the designer builds it.
 * Each rule's valid and invalid fixtures are in lint.test.ts (run through the same Linter).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Linter } from 'bpmnlint';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver.js';
import StaticResolver from 'bpmnlint/lib/resolver/static-resolver.js';
import { categories, configs, lintConfig, PLUGIN, ruleFactories, type LienthongContext } from 'bpmnlint-plugin-lienthong';
import { parseBpmnXml } from '../../src/bpmn/index.js';
import { RULES } from '../../src/procedures/index.js';
import { PROCESSES_DIR } from './support.js';

const RULE_NAMES = [
  'user-task-agency',
  'agency-step-limit',
  'user-task-due-date',
  'statutory-total',
  'service-task-job-type',
  'message-correlation',
  'element-name',
];
const procedure = JSON.parse(readFileSync(join(PROCESSES_DIR, 'birth-registration-group', 'procedure.json'), 'utf8'));
const version = procedure.versions.at(-1);
const SHIPPED = readFileSync(join(PROCESSES_DIR, 'birth-registration-group', 'process.bpmn'), 'utf8');
/** The shipped process with the police's candidate group removed and a gateway's name. */
// …and one user task without its form, which Camunda's own rules report (camunda-compat/user-task-definition).
const BROKEN = SHIPPED.replace('candidateGroups="cong-an-xa"', '')
  .replace(' name="Giải quyết song song"', '')
  .replace('<zeebe:formDefinition formId="birth-registration-group.healthInsuranceCard" />', '');

/** Reports of a bpmnlint run as `rule element category`. */
function lines(results: Record<string, Array<{ id?: string; category: string }>>): string[] {
  return Object.entries(results).flatMap(([rule, reports]) => reports.map((r) => `${rule} ${r.id} ${r.category}`));
}

/** @camunda/linting's composition: its own configs first, each plugin's config and resolver after. */
function camundaLintingStyle(plugins: Array<{ config: { rules?: Record<string, unknown> }; resolver: StaticResolver }>) {
  const config = { rules: Object.assign({}, ...plugins.map((p) => p.config.rules)) };
  const resolvers = [new StaticResolver({}), ...plugins.map((p) => p.resolver)].reverse();
  const resolver = {
    resolveRule(pkg: string, name: string) {
      for (const r of resolvers) {
        try {
          return r.resolveRule(pkg, name);
        } catch {
          // the next one
        }
      }
      throw new Error(`unknown rule <${pkg}/${name}>`);
    },
    resolveConfig(pkg: string, name: string) {
      throw new Error(`unknown config <${pkg}/${name}>`);
    },
  };
  return new Linter({ config, resolver });
}

describe('The package is a bpmnlint plugin', () => {
  test('one rule file per rule; the recommended config has each in its category', () => {
    expect(Object.keys(ruleFactories)).toEqual(RULE_NAMES);
    expect(configs.recommended.rules).toEqual(Object.fromEntries(RULE_NAMES.map((n) => [`lienthong/${n}`, n === 'element-name' ? 'warn' : 'error'])));
    expect(Object.fromEntries(Object.entries(RULES).map(([n, r]) => [n, r.category]))).toEqual(categories);
  });

  test("bpmnlint's NodeResolver (the CLI's) finds the rules under rules/ and the recommended config", async () => {
    const resolver = new NodeResolver();
    for (const name of RULE_NAMES) expect(resolver.resolveRule(PLUGIN, name)).toBe(ruleFactories[name as keyof typeof ruleFactories]);
    expect(resolver.resolveConfig(PLUGIN, 'recommended')).toBe(configs.recommended);
    // Without a procedure version (a .bpmnlintrc) only the rules that need none report.
    const results = await new Linter({ resolver, config: { extends: 'plugin:lienthong/recommended' } }).lint(await parseBpmnXml(BROKEN, 'p.bpmn'));
    expect(lines(results)).toEqual(['lienthong/element-name splitLinkedSteps warn']);
  });
});

describe('lintConfig(context): the { config, resolver } plugin of @camunda/linting', () => {
  test('its keys are the ones bpmnlint asks for', () => {
    const context = { version };
    const { config, rules, cache } = lintConfig(context);
    expect(config.rules).toEqual(Object.fromEntries(RULE_NAMES.map((n) => [`lienthong/${n}`, [categories[n as keyof typeof categories], context]])));
    expect(Object.keys(rules)).toEqual(RULE_NAMES);
    expect(cache).toEqual(Object.fromEntries(RULE_NAMES.map((n) => [`rule:bpmnlint-plugin-lienthong/${n}`, ruleFactories[n as keyof typeof ruleFactories]])));
    expect(Object.keys(lintConfig(context, { 'element-name': 'error', 'user-task-agency': 'off' }).config.rules)).toEqual(['lienthong/element-name']);
    expect(() => lintConfig(context, { 'no-such-rule': 'error' } as any)).toThrow(/no rule 'no-such-rule'/);
  });

  test("bpmnlint's Linter, composed as @camunda/linting composes plugins, runs the rules with the procedure context", async () => {
    const { config, cache } = lintConfig({ version });
    const linter = camundaLintingStyle([{ config, resolver: new StaticResolver(cache) }]);
    expect(lines(await linter.lint(await parseBpmnXml(SHIPPED, 'p.bpmn')))).toEqual([]);
    expect(lines(await linter.lint(await parseBpmnXml(BROKEN, 'p.bpmn')))).toEqual([
      'lienthong/user-task-agency residenceRegistration error',
      'lienthong/element-name splitLinkedSteps warn',
    ]);
  });

  test("only the procedure's own process is held to it: another process of the same file is not", async () => {
    const other = BROKEN.match(/<bpmn:process [\s\S]*<\/bpmn:process>/)![0].replaceAll('birth-registration-group', 'another-process');
    const twoProcesses = SHIPPED.replace(
      '</bpmn:process>',
      `</bpmn:process>\n  ${other
        .replace(/ id="(?!another-process)([^"]+)"/g, ' id="other_$1"')
        .replace(/(sourceRef|targetRef|default|attachedToRef)="([^"]+)"/g, '$1="other_$2"')
        .replace(/<bpmn:(incoming|outgoing)>([^<]+)</g, '<bpmn:$1>other_$2<')}`,
    );
    const defs = await parseBpmnXml(twoProcesses, 'two.bpmn');
    expect(defs.rootElements.filter((e: any) => e.$type === 'bpmn:Process').map((p: any) => p.id)).toEqual(['birth-registration-group', 'another-process']);
    const lint = async (context: LienthongContext) => {
      const { config, cache } = lintConfig(context);
      return lines(await camundaLintingStyle([{ config, resolver: new StaticResolver(cache) }]).lint(defs));
    };
    expect(await lint({ version })).toEqual([]);
    // Held to the version instead, the other process is the one reported, and only it.
    const reported = await lint({ version: { ...version, process: { ...version.process, bpmnProcessId: 'another-process' } } });
    expect(reported).toEqual(
      expect.arrayContaining(['lienthong/user-task-agency other_residenceRegistration error', 'lienthong/element-name other_splitLinkedSteps warn']),
    );
    expect(reported.filter((l) => !/ (other_|another-process)/.test(l))).toEqual([]);
  });

  test('called processes are optional: a call activity whose process is unknown gets the note', async () => {
    const withCall = SHIPPED.replace(
      /<bpmn:serviceTask id="notifyResultReady"[\s\S]*?<\/bpmn:serviceTask>/,
      '<bpmn:callActivity id="notifyResultReady" name="Gọi quy trình báo kết quả"><bpmn:extensionElements><zeebe:calledElement processId="notify-citizen" propagateAllChildVariables="false" /></bpmn:extensionElements><bpmn:incoming>toNotify</bpmn:incoming><bpmn:outgoing>toReturnResult</bpmn:outgoing></bpmn:callActivity>',
    );
    expect(withCall).not.toBe(SHIPPED);
    const defs = await parseBpmnXml(withCall, 'p.bpmn');
    const lint = (context: LienthongContext) => {
      const { config, cache } = lintConfig(context, { 'statutory-total': 'error' });
      return camundaLintingStyle([{ config, resolver: new StaticResolver(cache) }]).lint(defs);
    };
    const unknown = await lint({ version });
    expect(unknown).toEqual({
      'lienthong/statutory-total': [
        expect.objectContaining({
          id: 'notifyResultReady',
          message: expect.stringContaining("không đọc được quy trình được gọi 'notify-citizen'"),
        }),
      ],
    });
    const called = await parseBpmnXml(
      `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"><bpmn:process id="notify-citizen" isExecutable="true"><bpmn:startEvent id="cs"/></bpmn:process></bpmn:definitions>`,
      'called.bpmn',
    );
    expect(await lint({ version, called: { 'notify-citizen': called.rootElements[0] } })).toEqual({});
    expect(await lint({ version, called: new Map([['notify-citizen', called.rootElements[0]]]) })).toEqual({});
  });
});

describe('In a browser bundle of @camunda/linting, as the designer runs it', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-designer-lint-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("@camunda/linting's Linter with lintConfig's plugin reports the rules next to Camunda's own", async () => {
    const entry = `
      import { Linter } from '@camunda/linting';
      import StaticResolver from 'bpmnlint/lib/resolver/static-resolver';
      import { lintConfig } from 'bpmnlint-plugin-lienthong';
      export function designerLinter(context) {
        const { config, cache } = lintConfig(context);
        return new Linter({ modeler: 'web', type: 'cloud', plugins: [{ config, resolver: new StaticResolver(cache) }] });
      }`;
    const out = join(dir, 'designer-lint.mjs');
    // esbuild reads the entry from stdin and resolves its imports from the repository.
    execFileSync(
      join(process.cwd(), 'node_modules', '.bin', 'esbuild'),
      ['--bundle', '--platform=browser', '--format=esm', '--log-level=error', `--outfile=${out}`, '--sourcefile=designer-lint.js'],
      {
        input: entry,
        cwd: process.cwd(),
      },
    );
    const { designerLinter } = await import(pathToFileURL(out).href);
    const reports: Array<{ rule: string; id: string; category: string; message: string }> = await designerLinter({ version }).lint(BROKEN);
    const ours = reports.filter((r) => r.rule.startsWith('lienthong/'));
    expect(ours).toEqual([
      expect.objectContaining({
        rule: 'lienthong/user-task-agency',
        id: 'residenceRegistration',
        category: 'error',
        message: 'việc của cán bộ phải có nhóm xử lý là mã cơ quan (a user task needs candidateGroups: the agency code)',
      }),
      expect.objectContaining({ rule: 'lienthong/element-name', id: 'splitLinkedSteps', category: 'warn' }),
    ]);
    expect(reports.some((r) => r.rule.startsWith('camunda-compat/'))).toBe(true);
  });
});
