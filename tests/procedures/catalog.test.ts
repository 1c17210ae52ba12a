/**
 * Feature: the procedure catalog — every processes/<code>/procedure.json is valid, agrees with
 * its BPMN, and a broken one is refused with the file and the JSON path of what is wrong.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblems, lintCatalog, loadCatalog, ProcedureCatalogError, type Legal } from '../../src/procedures/index.js';
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

  test('Scenario: a file that is not JSON', async () => {
    writeFileSync(file('construction-permit'), '{ "code": ');
    const e = await refusal();
    expect(e.problems).toEqual([{ file: 'processes/construction-permit/procedure.json', path: '', message: expect.stringMatching(/^is not valid JSON: /) }]);
  });
});
