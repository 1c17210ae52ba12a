/**
 * Feature: every deployment of a catalog process is linted against its procedure.json (the
 * bpmnlint plugin in packages/bpmnlint-plugin-lienthong) — over HTTP and at start. An error
 * refuses the whole deployment naming the rule and the element; a warning comes back with it.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startService, StartupError, type Service } from '../../src/main.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { call, deploy, tempDir, testConfig } from './support.js';

const PROCESSES = join(process.cwd(), 'processes');
const FILE = 'birth-registration-group/process.bpmn';
const ORIGINAL = readFileSync(join(PROCESSES, FILE), 'utf8');
const silent = pino({ level: 'silent' });

/** The shipped process with one change, which must have happened. */
function changed(from: string, to: string): string {
  expect(ORIGINAL).toContain(from);
  return ORIGINAL.replace(from, to);
}
const withoutPoliceGroup = () => changed('<zeebe:assignmentDefinition candidateGroups="cong-an-xa" />', '<zeebe:assignmentDefinition />');
const withoutGatewayName = () =>
  changed('<bpmn:parallelGateway id="splitLinkedSteps" name="Giải quyết song song">', '<bpmn:parallelGateway id="splitLinkedSteps">');

describe('Scenario: POST /v2/deployments on a service whose catalog is processes/', () => {
  let t: TestDb;
  let svc: Service;
  /** What the designer uploads (a multipart file name has no folders). */
  const UPLOAD = 'birth-registration-group.bpmn';
  const versions = async () =>
    (
      await call(svc.url, 'POST', '/v2/process-definitions/search', {
        filter: { processDefinitionId: 'birth-registration-group' },
        sort: [{ field: 'version' }],
      })
    ).body.items.map((d: any) => d.version);

  beforeAll(async () => {
    t = await openTestDb();
    svc = await startService(testConfig({ processesDir: PROCESSES, processesDirExplicit: true }), { db: t.db, logger: silent });
  }, 120_000);
  afterAll(async () => {
    await svc?.close();
    await t?.close();
  });

  test('Given the shipped catalogue, then it was deployed at start: version 1', async () => {
    expect(await versions()).toEqual([1]);
  });

  test('Given a user task without its candidate group, when it is deployed, then 400 names the rule and the element, and nothing is deployed', async () => {
    const r = await deploy(svc.url, [
      { name: UPLOAD, xml: withoutPoliceGroup() },
      { name: 'other.bpmn', xml: ORIGINAL.replaceAll('birth-registration-group', 'not-in-the-catalog') },
    ]);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('Invalid');
    expect(r.body.message).toContain('[user-task-agency]');
    expect(r.body.message).toContain("'residenceRegistration'");
    expect(r.body.details.problems).toEqual([
      {
        elementId: 'residenceRegistration',
        elementType: 'bpmn:UserTask',
        rule: 'user-task-agency',
        message: 'việc của cán bộ phải có nhóm xử lý là mã cơ quan (a user task needs candidateGroups: the agency code)',
        category: 'error',
        resourceName: UPLOAD,
      },
    ]);
    expect(await versions()).toEqual([1]);
    const other = await call(svc.url, 'POST', '/v2/process-definitions/search', { filter: { processDefinitionId: 'not-in-the-catalog' } });
    expect(other.body.items).toEqual([]);
  });

  test('Given a process the catalog does not know, when it breaks the catalog rules, then it is not held to them', async () => {
    const r = await deploy(svc.url, [{ name: 'other.bpmn', xml: withoutPoliceGroup().replaceAll('birth-registration-group', 'not-in-the-catalog') }]);
    expect(r.status).toBe(200);
    expect(r.body.warnings).toBeUndefined(); // Camunda's shape: no warnings, no field
  });

  test('Given a flow node without a name, when it is deployed, then 200 with a warning naming element-name, and version 2', async () => {
    const r = await deploy(svc.url, [{ name: UPLOAD, xml: withoutGatewayName() }]);
    expect(r.status).toBe(200);
    expect(r.body.deployments.map((d: any) => d.processDefinition.processDefinitionVersion)).toEqual([2]);
    expect(r.body.warnings).toEqual([
      {
        elementId: 'splitLinkedSteps',
        elementType: 'bpmn:ParallelGateway',
        rule: 'element-name',
        message: 'phần tử phải có tên tiếng Việt (the element needs a Vietnamese name)',
        category: 'warn',
        resourceName: UPLOAD,
      },
    ]);
    expect(await versions()).toEqual([1, 2]);
  });
});

describe('Scenario: the catalogue deployed at start is linted too', () => {
  test('Given a catalog process with a lint error, when the service starts, then startup fails naming the rule and the element, and nothing is deployed; a warning only is logged', async () => {
    const t = await openTestDb();
    const dir = tempDir();
    try {
      cpSync(PROCESSES, dir.path, { recursive: true });
      writeFileSync(join(dir.path, FILE), withoutPoliceGroup());
      const config = testConfig({ processesDir: dir.path, processesDirExplicit: true });
      let err: unknown;
      try {
        await (await startService(config, { db: t.db, logger: silent })).close();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toContain("birth-registration-group/process.bpmn: bpmn:UserTask 'residenceRegistration' [user-task-agency]");
      expect((err as StartupError).details).toEqual({
        problems: [expect.objectContaining({ rule: 'user-task-agency', elementId: 'residenceRegistration', category: 'error', resourceName: FILE })],
      });

      // Nothing was deployed: with the error fixed (a warning left), the next start deploys every
      // process as version 1 and logs the warning.
      writeFileSync(join(dir.path, FILE), withoutGatewayName());
      const lines: any[] = [];
      const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(JSON.parse(l)) });
      const svc = await startService(config, { db: t.db, logger });
      try {
        const defs = await call(svc.url, 'POST', '/v2/process-definitions/search', {});
        expect(defs.body.items.map((d: any) => `${d.processDefinitionId}:${d.version}`).sort()).toEqual([
          'birth-registration-group:1',
          'construction-permit:1',
          'death-registration-group:1',
          'land-use-right-transfer:1',
        ]);
      } finally {
        await svc.close();
      }
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 40,
          warnings: [expect.objectContaining({ rule: 'element-name', elementId: 'splitLinkedSteps', resourceName: FILE })],
        }),
      );
    } finally {
      dir.remove();
      await t.close();
    }
  });
});
