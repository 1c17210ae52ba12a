/**
 * Feature: the procedure catalog — every processes/<code>/procedure.json is valid, agrees with
 * its BPMN, and a broken one is refused with the file and the JSON path of what is wrong.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogLinter, formatProblems, lintCatalog, loadCatalog, ProcedureCatalogError, type Legal } from '../../src/procedures/index.js';
import { HANDLERS } from '../../src/workers/index.js';
import { PROCESSES_DIR } from './support.js';

describe('Feature: the catalog in processes/', () => {
  test('Scenario: the four linked procedures load and validate against schemas/procedure.schema.json', async () => {
    const catalog = await loadCatalog(PROCESSES_DIR);
    expect(catalog.procedures.map((p) => p.code)).toEqual([
      'birth-registration-group',
      'construction-permit',
      'death-registration-group',
      'land-use-right-transfer',
    ]);
    const names = catalog.resources().map((r) => r.name);
    expect(names.filter((n) => n.endsWith('.bpmn'))).toEqual([
      'birth-registration-group/process.bpmn',
      'construction-permit/process.bpmn',
      'death-registration-group/process.bpmn',
      'land-use-right-transfer/process.bpmn',
    ]);
    // Every user task links a Camunda form of its procedure's forms/ folder, deployed with it.
    for (const p of catalog.procedures) {
      const xml = catalog.bpmn(p, 'process.bpmn');
      const linked = [...xml.matchAll(/<bpmn:userTask id="([^"]+)"[\s\S]*?<\/bpmn:userTask>/g)].map((m) => {
        expect(m[0]).toContain(`<zeebe:formDefinition formId="${p.code}.${m[1]}" />`);
        return `${p.code}/forms/${m[1]}.form`;
      });
      expect(names.filter((n) => n.startsWith(`${p.code}/forms/`)).sort()).toEqual(linked.sort());
    }
  });

  test('Scenario: every version agrees with its BPMN — no lint error, no warning', async () => {
    const problems = await lintCatalog(await loadCatalog(PROCESSES_DIR));
    expect(formatProblems(problems)).toBe('');
  });

  test('Scenario: every automated step has a worker in src/workers', async () => {
    const catalog = await loadCatalog(PROCESSES_DIR);
    const handled = new Set(HANDLERS.map((h) => h.type));
    const declared = catalog.procedures.flatMap((p) => p.versions.flatMap((v) => v.process.jobTypes));
    expect(declared.filter((t) => !handled.has(t))).toEqual([]);
  });

  test('Scenario: a figure of law that is not confirmed says why', async () => {
    const catalog = await loadCatalog(PROCESSES_DIR);
    const figures: Legal[] = catalog.procedures.flatMap((p) =>
      p.versions.flatMap((v) => [
        v.totalLimit,
        ...v.agencies.flatMap((a) => a.steps.map((s) => s.limit)),
        ...v.documents,
        ...v.fees,
        ...(v.thresholds ?? []),
        v.supplement.maxRequests,
        v.supplement.clock,
        ...(v.cutOff ? [v.cutOff] : []),
        ...(v.cases ?? []).flatMap((c) => [c.totalLimit, ...Object.values(c.stepLimits ?? {}), ...(c.receivingAuthority ? [c.receivingAuthority] : [])]),
      ]),
    );
    expect(figures.length).toBeGreaterThan(50);
    for (const f of figures) {
      expect(f.source).toEqual(expect.any(String));
      if (!f.confirmed) expect(f.note).toEqual(expect.any(String));
    }
  });
});

describe('Feature: a broken procedure.json is refused, naming the file and the JSON path', () => {
  let dir: string;
  const file = (code: string) => join(dir, 'processes', code, 'procedure.json');
  const edit = (code: string, change: (p: any) => void) => {
    const p = JSON.parse(readFileSync(file(code), 'utf8'));
    change(p);
    writeFileSync(file(code), JSON.stringify(p, null, 2));
  };
  const refusal = async (): Promise<ProcedureCatalogError> => {
    try {
      await loadCatalog(join(dir, 'processes'));
    } catch (e) {
      if (e instanceof ProcedureCatalogError) return e;
      throw e;
    }
    throw new Error('the catalog loaded');
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-catalog-'));
    cpSync(PROCESSES_DIR, join(dir, 'processes'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('Scenario: a step limit without its legal source', async () => {
    edit('birth-registration-group', (p) => delete p.versions[1].agencies[1].steps[0].limit.source);
    const e = await refusal();
    expect(e.message).toContain("processes/birth-registration-group/procedure.json: /versions/1/agencies/1/steps/0/limit must have the property 'source'");
    expect(e.problems).toEqual([
      {
        file: 'processes/birth-registration-group/procedure.json',
        path: '/versions/1/agencies/1/steps/0/limit',
        message: "must have the property 'source'",
      },
    ]);
  });

  test('Scenario: an unconfirmed figure without a note, and a wrong unit, in two files — both are reported', async () => {
    edit('land-use-right-transfer', (p) => delete p.versions[0].totalLimit.note);
    edit('construction-permit', (p) => (p.versions[0].agencies[0].steps[0].limit.unit = 'calendar_days'));
    const e = await refusal();
    expect(e.problems).toEqual(
      expect.arrayContaining([
        {
          file: 'processes/land-use-right-transfer/procedure.json',
          path: '/versions/0/totalLimit',
          message: "must have the property 'note'",
        },
        {
          file: 'processes/construction-permit/procedure.json',
          path: '/versions/0/agencies/0/steps/0/limit/unit',
          message: 'must be one of "working_days", "working_hours"',
        },
      ]),
    );
  });

  test('Scenario: an unknown property', async () => {
    edit('death-registration-group', (p) => (p.versions[0].fees[0].amount = 0));
    const e = await refusal();
    expect(e.problems).toContainEqual({
      file: 'processes/death-registration-group/procedure.json',
      path: '/versions/0/fees/0',
      message: "must NOT have the property 'amount'",
    });
  });

  test('Scenario: overlapping versions, a missing BPMN file, a code that is not the folder', async () => {
    edit('birth-registration-group', (p) => {
      p.code = 'birth';
      p.versions[0].effectiveTo = '2025-07-01';
      p.versions[1].process.file = 'missing.bpmn';
    });
    const e = await refusal();
    const f = 'processes/birth-registration-group/procedure.json';
    expect(e.problems).toEqual([
      { file: f, path: '/code', message: "must equal the folder name 'birth-registration-group'" },
      {
        file: f,
        path: '/versions/0/effectiveTo',
        message: 'must end before the next version starts (2025-07-01); versions may not overlap',
      },
      { file: f, path: '/versions/1/process/file', message: "BPMN file 'missing.bpmn' does not exist in birth-registration-group/" },
    ]);
  });

  test('Scenario: a case naming a step and an agency the version lacks, with a condition that is not FEEL', async () => {
    edit('construction-permit', (p) => {
      const c = p.versions[1].cases[0];
      c.appliesWhen = 'project.detachedHouse = (true';
      c.stepLimits.inspection = c.stepLimits.consultation;
      c.performers['so-xay-dung-cu'] = c.performers['so-xay-dung'];
    });
    const e = await refusal();
    const f = 'processes/construction-permit/procedure.json';
    expect(e.problems).toEqual([
      { file: f, path: '/versions/1/cases/0/appliesWhen', message: expect.stringContaining('is not a FEEL expression') },
      { file: f, path: '/versions/1/cases/0/stepLimits/inspection', message: "no agency of the version performs a step 'inspection'" },
      { file: f, path: '/versions/1/cases/0/performers/so-xay-dung-cu', message: "the version lists no agency 'so-xay-dung-cu'" },
    ]);
  });

  test('Scenario: a case without its condition as FEEL', async () => {
    edit('construction-permit', (p) => delete p.versions[1].cases[0].appliesWhen);
    const e = await refusal();
    expect(e.problems).toEqual([
      { file: 'processes/construction-permit/procedure.json', path: '/versions/1/cases/0', message: "must have the property 'appliesWhen'" },
    ]);
  });

  test("Scenario: a case's own steps overrun its total — the catalog lint and the deployment lint both name the case", async () => {
    edit('construction-permit', (p) => (p.versions[1].cases[0].stepLimits.permitDecision.value = 9));
    const catalog = await loadCatalog(join(dir, 'processes'));
    const problems = await lintCatalog(catalog);
    expect(problems.map((x) => ({ version: x.version, rule: x.rule }))).toEqual([{ version: '2026.12 (nha-o-rieng-le)', rule: 'statutory-total' }]);
    expect(problems[0].message).toContain('15 ngày');
    const lint = catalogLinter(catalog, { now: () => new Date('2026-12-01T02:00:00Z') });
    const deployed = await lint([{ name: 'construction-permit/process.bpmn', content: catalog.bpmn(catalog.get('construction-permit'), 'process.bpmn') }]);
    expect(deployed.errors.map((x) => x.rule)).toEqual(['statutory-total']);
    expect(deployed.errors[0].message).toMatch(/^trường hợp Nhà ở riêng lẻ \(case nha-o-rieng-le\): .*15 ngày/);
  });

  test('Scenario: a file that is not JSON', async () => {
    writeFileSync(file('construction-permit'), '{ "code": ');
    const e = await refusal();
    expect(e.problems).toEqual([{ file: 'processes/construction-permit/procedure.json', path: '', message: expect.stringMatching(/^is not valid JSON: /) }]);
  });
});
