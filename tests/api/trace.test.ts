/**
 * Feature: the trace of a dossier shows every step — agency, who, handed over when, SLA state —
 * and the diagram's element states; only those entitled see it.
 */
import { traceFixture, type TraceFixture } from './fixtures.js';
import { startApiService, type ApiService } from './support.js';

let s: ApiService;
let f: TraceFixture;
beforeAll(async () => {
  s = await startApiService();
  f = await traceFixture(s);
});
afterAll(async () => {
  await s?.close();
});

describe('Scenario: the trace of a dossier', () => {
  test('Given a dossier with one step done early and one open, when the officer of its agency reads the trace, then each step names agency, actor and times, with its SLA', async () => {
    const r = await s.as('officerA', 'GET', `/api/dossiers/${f.code}/trace`);
    expect(r.status).toBe(200);
    expect(r.body.dossier).toMatchObject({
      code: f.code,
      status: 'in_progress',
      receivingAgency: 'mot-cua-xa.a',
      receivingAgencyName: 'Bộ phận một cửa xã A',
      receivedBy: 'motcua.a',
      receivedAt: '2025-07-01T01:00:00.000Z',
      processInstanceKey: f.processInstanceKey,
    });
    expect(r.body.dossier).not.toHaveProperty('applicant');
    expect(r.body.steps).toEqual([
      expect.objectContaining({
        taskId: f.doneTaskId,
        elementId: 'decide',
        agencyCode: 'ubnd-xa.a',
        agencyName: 'Ủy ban nhân dân xã A',
        state: 'completed',
        handedOverAt: '2025-07-01T01:05:00.000Z',
        claimedBy: 'canbo.a',
        claimedAt: '2025-07-01T02:00:00.000Z',
        completedBy: 'canbo.a',
        completedAt: '2025-07-01T03:30:00.000Z',
        sla: expect.objectContaining({ state: 'met_early', result: 'early', dueAt: '2025-07-02T10:00:00.000Z' }),
      }),
      expect.objectContaining({ taskId: f.openTaskId, elementId: 'sign', state: 'open', claimedBy: null, completedAt: null, sla: null }),
    ]);
    expect(r.body.clocks[0]).toMatchObject({ kind: 'dossier', state: 'running', result: null });
    expect(r.body.events.map((e: any) => e.toStatus)).toEqual(['received', 'in_progress']);
    expect(r.body.audit.map((a: any) => a.action)).toEqual(['dossier.received', 'task.completed']);
    expect(r.body.timeline.map((e: any) => `${e.at.slice(11, 16)} ${e.kind} ${e.actor ?? '-'}`)).toEqual([
      '01:00 status motcua.a',
      '01:00 audit motcua.a',
      '01:05 status motcua.a',
      '01:05 handover -',
      '02:00 claim canbo.a',
      '03:30 complete canbo.a',
      '03:30 handover -',
      '03:30 audit canbo.a',
    ]);
  });

  test('Given the process instance, when the trace is read, then the diagram shows the first step completed, the second active, the flows taken', async () => {
    const r = await s.as('auditor', 'GET', `/api/dossiers/${f.code}/trace`);
    expect(r.body.diagram).toEqual([
      {
        processInstanceKey: f.processInstanceKey,
        bpmnProcessId: 'trace-fixture',
        state: 'ACTIVE',
        parentProcessInstanceKey: null,
        active: ['sign'],
        completed: ['decide', 'start'],
        terminated: [],
        takenSequenceFlows: ['f1', 'f2'],
        incidents: [],
      },
    ]);
  });

  test('Given other callers, when they ask for the trace, then: counter of the receiving agency 200, admin 200, officer of another agency 404, designer 403, nobody 401', async () => {
    const path = `/api/dossiers/${f.code}/trace`;
    expect((await s.as('counter', 'GET', path)).status).toBe(200);
    expect((await s.as('admin', 'GET', path)).status).toBe(200);
    const other = await s.as('officerB', 'GET', path);
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error: 'NotFound', message: expect.stringContaining(f.code) });
    // The same answer as for a dossier that does not exist: nothing to learn from it.
    const none = await s.as('officerB', 'GET', '/api/dossiers/KHONG-CO/trace');
    expect(none.body.message.replace('KHONG-CO', f.code)).toBe(other.body.message);
    expect((await s.as('designer', 'GET', path)).status).toBe(403);
    expect((await s.as('anonymous', 'GET', path)).status).toBe(401);
    expect((await s.as('officerA', 'GET', '/api/dossiers/bad%20code!/trace')).status).toBe(400);
  });
});
