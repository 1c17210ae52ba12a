/**
 * Feature: one schemas module — one Ajv for the whole service, one shape of problem
 * (`{ path, messageVi, messageEn }`, path a JSON pointer) from every validator, and the engine's
 * searches checked against the same column tables the /v2 schemas describe.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntakeValidator } from '../../src/dossiers/index.js';
import { ELEMENT_INSTANCES, INCIDENTS, PROCESS_DEFINITIONS, PROCESS_INSTANCES } from '../../src/engine/embedded/queries.js';
import { compileSearch, sortableFields } from '../../src/engine/embedded/sql/searchFilter.js';
import { pathKey } from '../../src/http/params.js';
import { SchemaRegistry } from '../../src/http/validate.js';
import { loadCatalog, ruleVersionAt } from '../../src/procedures/index.js';
import { ajvInstanceCount, schemaAjv, schemaDocument, schemaId, schemaIds, schemasDir, validatorFor } from '../../src/schemas.js';

/** A fixed day of receipt (a rule version in force then). */
const RECEIVED = new Date('2026-01-05T02:00:00Z');
import { DecisionForms } from '../../src/tasks/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROCESSES_DIR = join(ROOT, 'processes');

/** The error `f` throws. */
function thrown(f: () => unknown): any {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('nothing was thrown');
}

const PROBLEM = { path: expect.stringMatching(/^(\/.*)?$/), messageVi: expect.any(String), messageEn: expect.any(String) };

describe('Feature: one Ajv for the whole service', () => {
  test('Scenario: every validator of every room, once used, has built exactly one Ajv, and it holds every schema under schemas/', async () => {
    const v2 = SchemaRegistry.load();
    const api = SchemaRegistry.load('api');
    const intake = IntakeValidator.load();
    const catalog = await loadCatalog(PROCESSES_DIR); // procedure.json files checked by the same Ajv
    v2.check(schemaId('v2/job-activation.json'), { type: 'x', maxJobsToActivate: 1, timeout: 1 });
    api.check(schemaId('api/auth-login.json'), { username: 'a', password: 'b' });
    const code = catalog.procedures[0].code;
    intake.problems(code, ruleVersionAt(catalog.get(code), RECEIVED), {}, { receivedAt: RECEIVED });

    expect(ajvInstanceCount()).toBe(1);
    const ajv = schemaAjv();
    for (const id of schemaIds('v2')) expect(v2.validator(id)).toBe(ajv.getSchema(id));
    for (const id of schemaIds('api')) expect(api.validator(id)).toBe(ajv.getSchema(id));

    const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
    const onDisk = files(schemasDir()).filter((f) => f.endsWith('.json')).map((f) => schemaId(relative(schemasDir(), f).split('\\').join('/')));
    expect(schemaIds().sort()).toEqual(onDisk.sort());
    for (const id of onDisk) expect(schemaDocument(id)).toMatchObject({ $id: id });
  });

  test('Scenario: every schema under schemas/ compiles (they compile on first use, so a broken one must fail here, not in a request)', () => {
    const ids = schemaIds();
    expect(ids.length).toBeGreaterThan(40);
    for (const id of ids) expect(typeof validatorFor(id)).toBe('function');
  });

  test('Scenario: every schema under schemas/ is valid against the draft 2020-12 meta-schema (the service does not check it at start)', () => {
    const ajv = schemaAjv();
    for (const id of schemaIds()) {
      const valid = ajv.validateSchema(schemaDocument(id));
      expect({ id, valid, errors: valid ? null : ajv.errors }).toEqual({ id, valid: true, errors: null });
    }
    // And it would say so: a document with a type that is not a JSON type fails.
    expect(ajv.validateSchema({ type: 'strin' })).toBe(false);
  });

  test('Scenario: no file of the service but src/schemas.ts makes an Ajv', () => {
    const src = join(ROOT, 'src');
    const ts = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        if (statSync(p).isDirectory()) return n === 'web' && dir === src ? [] : ts(p);
        return /\.tsx?$/.test(n) ? [p] : [];
      });
    const makers = ts(src).filter((f) => /new\s+Ajv|from\s+'ajv-formats'/.test(readFileSync(f, 'utf8')));
    expect(makers.map((f) => relative(ROOT, f).split('\\').join('/'))).toEqual(['src/schemas.ts']);
  });
});

describe('Feature: every validator answers problems as { path, messageVi, messageEn }', () => {
  test('Scenario: a request body — the new keys beside the ones 400 answers carried before', () => {
    const e = thrown(() => SchemaRegistry.load().check(schemaId('v2/job-activation.json'), { type: '', timeout: 'soon', extra: 1 }));
    expect(e.name).toBe('Invalid');
    expect(e.details).toEqual(
      expect.arrayContaining([
        {
          path: '/maxJobsToActivate',
          messageVi: "thiếu thông tin bắt buộc 'maxJobsToActivate'",
          messageEn: "the required property 'maxJobsToActivate' is missing",
          instancePath: '',
          message: "must have required property 'maxJobsToActivate'",
          schemaPath: '#/required',
        },
        expect.objectContaining({ path: '/extra', messageVi: expect.stringContaining("không có trường 'extra'"), instancePath: '' }),
        expect.objectContaining({ path: '/type', messageVi: 'phải có ít nhất 1 ký tự', messageEn: 'must have at least 1 characters' }),
        expect.objectContaining({ path: '/timeout', messageVi: 'phải là số nguyên', messageEn: 'must be an integer' }),
      ]),
    );
    for (const p of e.details) expect(p).toMatchObject(PROBLEM);
  });

  test('Scenario: an intake, a task decision, a path parameter and an engine search', async () => {
    const catalog = await loadCatalog(PROCESSES_DIR);
    const code = catalog.procedures[0].code;
    const intake = IntakeValidator.load().problems(code, ruleVersionAt(catalog.get(code), RECEIVED), { applicant: 7 }, { receivedAt: RECEIVED });
    expect(intake.length).toBeGreaterThan(0);
    for (const p of intake) expect(Object.keys(p).sort()).toEqual(['messageEn', 'messageVi', 'path']);

    // A task's decision is checked by its Camunda form (no schema): the built-in default form here.
    const noForms = new DecisionForms({ getForm: () => Promise.resolve(undefined) });
    const decision = (await noForms.check({ formKey: null, bpmnProcessId: null, elementId: 'x' }, { outcome: 'maybe', hacked: 1 }).catch((e: unknown) => e)) as {
      details: unknown;
    };
    expect(decision.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/decision/outcome', messageVi: expect.stringContaining('"approved"'), instancePath: '/decision/outcome' }),
        expect.objectContaining({ path: '/decision/hacked', messageEn: expect.stringContaining("'hacked'"), instancePath: '/decision/hacked' }),
      ]),
    );

    const key = thrown(() => pathKey({ params: { processInstanceKey: 'abc' } } as any, 'processInstanceKey'));
    expect(key.details).toEqual([expect.objectContaining({ ...PROBLEM, path: '/processInstanceKey', parameter: 'processInstanceKey' })]);

    const search = thrown(() => compileSearch(PROCESS_INSTANCES, { filter: { processInstanceKey: '99999999999999999999' } }));
    expect(search).toMatchObject({ name: 'Invalid', details: [{ ...PROBLEM, path: '/filter/processInstanceKey' }] });
    const sort = thrown(() => compileSearch(PROCESS_DEFINITIONS, { sort: [{ field: 'isLatestVersion' }] }));
    expect(sort).toMatchObject({ name: 'Invalid', details: [{ ...PROBLEM, path: '/sort/0/field' }] });
  });
});

describe("Feature: the engine's searches and the /v2 schemas name the same fields", () => {
  test.each([
    ['process-instance-search', PROCESS_INSTANCES],
    ['incident-search', INCIDENTS],
    ['process-definition-search', PROCESS_DEFINITIONS],
    ['element-instance-search', ELEMENT_INSTANCES],
  ] as const)('Scenario: %s — the filter fields and the sortable fields are the column table’s', (name, table) => {
    const schema = JSON.parse(readFileSync(join(schemasDir(), 'v2', `${name}.json`), 'utf8'));
    const filter = schema.properties.filter;
    const fields = Object.keys(filter.$ref ? schema.$defs.fields.properties : filter.properties);
    expect(fields.sort()).toEqual(Object.keys(table.columns).sort());
    expect([...schema.properties.sort.items.properties.field.enum].sort()).toEqual(sortableFields(table).sort());
  });
});
